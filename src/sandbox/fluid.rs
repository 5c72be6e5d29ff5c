//! The fluid fake: host tokens behind a login cookie (see ../shared/providers/fluid.md, "What the
//! sandbox must reproduce").
//!
//! Each account `fluid-N` is an org `acme-N` owned by `owner@acme-N.example`, with a second user
//! `member@acme-N.example` of role `member` (who may list but not create or delete; see
//! [`FluidState::member_login`]). Odd-numbered accounts log in with email and password;
//! even-numbered ones come with a ready-made session cookie.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::store::{created_before, hex, rfc3339, rng_for, token_names};
use super::{Literal, SandboxAccount, SandboxState, SeedOptions, account_keys};
use crate::model::ProviderKind;

mod cookie;

use cookie::session_cookie;
pub use cookie::{DEFAULT_COOKIE_NAME, check_cookie_name};

/// The real server refuses request bodies above 1 MiB.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Default)]
pub struct FluidState {
    users: Vec<User>,
    /// Session cookie value → index into `users`.
    sessions: HashMap<String, usize>,
    orgs: Vec<Org>,
    /// The name of the session cookie the login sets and the middleware reads.
    cookie_name: String,
}

struct User {
    id: String,
    email: String,
    password: String,
    display_name: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Owner,
    Member,
}

struct Org {
    slug: String,
    /// The sandbox account this org is served as.
    account: String,
    members: Vec<(usize, Role)>,
    tokens: Vec<StoredToken>,
}

struct StoredToken {
    id: String,
    name: String,
    created_at: OffsetDateTime,
}

impl FluidState {
    /// Email and password of the account's `member` user, who gets 403 on create and delete.
    pub fn member_login(&self, account: &str) -> Option<(String, String)> {
        let org = self.orgs.iter().find(|o| o.account == account)?;
        let (user, _) = org.members.iter().find(|(_, r)| *r == Role::Member)?;
        let user = &self.users[*user];
        Some((user.email.clone(), user.password.clone()))
    }

    /// Forget every session, as if they had all expired: the next request with any cookie gets
    /// 401 and must log in again.
    pub fn invalidate_sessions(&mut self) {
        self.sessions.clear();
    }

    fn user_of(&self, headers: &HeaderMap) -> Option<usize> {
        let cookie = session_cookie(headers, &self.cookie_name)?;
        self.sessions.get(cookie).copied()
    }

    /// The org `slug` and the caller's role in it, or the error the real server gives.
    fn membership(&self, slug: &str, user: usize) -> Result<(usize, Role), StatusCode> {
        let org = self
            .orgs
            .iter()
            .position(|o| o.slug == slug)
            .ok_or(StatusCode::NOT_FOUND)?;
        let role = self.orgs[org]
            .members
            .iter()
            .find(|(u, _)| *u == user)
            .map(|(_, r)| *r)
            .ok_or(StatusCode::FORBIDDEN)?;
        Ok((org, role))
    }
}

/// The fluid keys of a sandbox account's `[[accounts]]` entry.
#[derive(Serialize)]
struct AccountKeys {
    org_slug: String,
    /// Odd-numbered accounts log in; even ones carry a session cookie as their credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    login: Option<LoginKeys>,
    /// Set for the accounts that carry a session under a name other than the default: those
    /// that log in learn the name from the login's `Set-Cookie`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cookie_name: Option<String>,
}

#[derive(Serialize)]
struct LoginKeys {
    email: String,
    password: Literal,
}

/// Seed the fake; its session cookie is called `cookie_name` (checked with
/// [`check_cookie_name`]).
pub fn seed(opts: &SeedOptions, cookie_name: &str) -> (FluidState, Vec<SandboxAccount>) {
    let mut rng = rng_for(opts.seed, ProviderKind::Fluid);
    let mut state = FluidState {
        cookie_name: cookie_name.to_owned(),
        ..FluidState::default()
    };
    let mut accounts = Vec::with_capacity(opts.accounts);
    for n in 1..=opts.accounts {
        let slug = format!("acme-{n}");
        let account = format!("fluid-{n}");
        let mut user = |role: &str, rng: &mut rand::rngs::StdRng| {
            state.users.push(User {
                id: format!("USR-{}", hex(rng, 8)),
                email: format!("{role}@{slug}.example"),
                password: hex(rng, 8),
                display_name: format!("{role} of {slug}"),
            });
            state.users.len() - 1
        };
        let owner = user("owner", &mut rng);
        let member = user("member", &mut rng);
        let mut tokens: Vec<StoredToken> = token_names(&mut rng, opts.tokens, opts.hostile)
            .into_iter()
            .map(|name| StoredToken {
                id: format!("HTK-{}", hex(&mut rng, 8)),
                name,
                created_at: created_before(&mut rng, opts.anchor),
            })
            .collect();
        tokens.sort_by_key(|t| t.created_at);
        state.orgs.push(Org {
            slug: slug.clone(),
            account: account.clone(),
            members: vec![(owner, Role::Owner), (member, Role::Member)],
            tokens,
        });
        let (credential, login) = if n % 2 == 1 {
            let u = &state.users[owner];
            let password = Literal {
                value: u.password.clone(),
            };
            (
                None,
                Some(LoginKeys {
                    email: u.email.clone(),
                    password,
                }),
            )
        } else {
            let session = hex(&mut rng, 32);
            state.sessions.insert(session.clone(), owner);
            (Some(session), None)
        };
        accounts.push(SandboxAccount {
            name: account,
            provider: ProviderKind::Fluid,
            credential,
            settings: account_keys(&AccountKeys {
                org_slug: slug,
                cookie_name: (login.is_none() && cookie_name != DEFAULT_COOKIE_NAME)
                    .then(|| cookie_name.to_owned()),
                login,
            }),
        });
    }
    (state, accounts)
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/v1/auth/login", post(login))
        .route(
            "/v1/orgs/{slug}/hosts/tokens",
            get(list_tokens).post(create_token),
        )
        .route("/v1/orgs/{slug}/hosts/tokens/{id}", delete(delete_token))
}

/// The account whose org the caller's session belongs to (the org in the path, else the first
/// org the user is in).
pub fn account_for(state: &FluidState, headers: &HeaderMap, path: &str) -> Option<String> {
    let user = state.user_of(headers)?;
    let slug = path
        .strip_prefix("/v1/orgs/")
        .and_then(|rest| rest.split('/').next());
    state
        .orgs
        .iter()
        .filter(|o| o.members.iter().any(|(u, _)| *u == user))
        .find(|o| slug.is_none_or(|s| s == o.slug))
        .map(|o| o.account.clone())
}

/// `{"error": <status text>, "code": n}`: the real server never says why. A 401 also clears the
/// session cookie (called `cookie_name`), as the auth middleware does.
pub fn error_response(status: StatusCode, message: &str, cookie_name: &str) -> Response {
    let body = serde_json::json!({"error": message, "code": status.as_u16()});
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body.to_string(),
    )
        .into_response();
    let clear = format!("{cookie_name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if status == StatusCode::UNAUTHORIZED
        && let Ok(clear) = HeaderValue::from_str(&clear)
    {
        response.headers_mut().insert(header::SET_COOKIE, clear);
    }
    response
}

impl FluidState {
    /// The error the real server gives with this status.
    fn error(&self, status: StatusCode) -> Response {
        error_response(
            status,
            status.canonical_reason().unwrap_or("Error"),
            &self.cookie_name,
        )
    }

    /// The name of the session cookie.
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }
}

/// Decode a request body the way the real server does: unknown fields, trailing data and bodies
/// over 1 MiB are all 400.
fn decode_strict<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, StatusCode> {
    if body.len() > MAX_BODY {
        return Err(StatusCode::BAD_REQUEST);
    }
    serde_json::from_slice(body).map_err(|_| StatusCode::BAD_REQUEST)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: Option<String>,
}

#[derive(Serialize)]
struct UserJson<'a> {
    id: &'a str,
    email: &'a str,
    display_name: &'a str,
    email_verified: bool,
}

#[derive(Serialize)]
struct TokenJson<'a> {
    id: &'a str,
    name: &'a str,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
}

impl StoredToken {
    fn json<'a>(&'a self, secret: Option<&'a str>) -> TokenJson<'a> {
        TokenJson {
            id: &self.id,
            name: &self.name,
            created_at: rfc3339(self.created_at),
            token: secret,
        }
    }
}

async fn login(State(state): State<Arc<SandboxState>>, body: Bytes) -> Response {
    let session = state.with_rng(|r| hex(r, 32));
    let mut fluid = state.fluid.lock().expect("fluid lock");
    let creds: LoginBody = match decode_strict(&body) {
        Ok(c) => c,
        Err(status) => return fluid.error(status),
    };
    let Some(user) = fluid
        .users
        .iter()
        .position(|u| u.email == creds.email && u.password == creds.password)
    else {
        return fluid.error(StatusCode::UNAUTHORIZED);
    };
    fluid.sessions.insert(session.clone(), user);
    let u = &fluid.users[user];
    let body = serde_json::json!({"user": UserJson {
        id: &u.id,
        email: &u.email,
        display_name: &u.display_name,
        email_verified: true,
    }});
    // No `Secure`: the sandbox speaks plain http, like a server run with AUTH_SECURE_COOKIES=false.
    let cookie = format!(
        "{}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800",
        fluid.cookie_name
    );
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// The caller's user index, or 401 before anything else is looked at (the middleware's order).
fn authenticate(fluid: &FluidState, headers: &HeaderMap) -> Result<usize, StatusCode> {
    fluid.user_of(headers).ok_or(StatusCode::UNAUTHORIZED)
}

/// The org index, if the caller may change its tokens (owner or admin).
fn may_change(fluid: &FluidState, headers: &HeaderMap, slug: &str) -> Result<usize, StatusCode> {
    let user = authenticate(fluid, headers)?;
    match fluid.membership(slug, user)? {
        (org, Role::Owner) => Ok(org),
        (_, Role::Member) => Err(StatusCode::FORBIDDEN),
    }
}

async fn list_tokens(
    State(state): State<Arc<SandboxState>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let fluid = state.fluid.lock().expect("fluid lock");
    let org = match authenticate(&fluid, &headers).and_then(|u| fluid.membership(&slug, u)) {
        Ok((org, _)) => org,
        Err(status) => return fluid.error(status),
    };
    // Stored oldest first, so newest first is the reverse; ties keep the later insert first.
    let tokens: Vec<TokenJson> = fluid.orgs[org]
        .tokens
        .iter()
        .rev()
        .map(|t| t.json(None))
        .collect();
    let count = tokens.len();
    axum::Json(serde_json::json!({"tokens": tokens, "count": count})).into_response()
}

async fn create_token(
    State(state): State<Arc<SandboxState>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (id, secret) = state.with_rng(|r| (format!("HTK-{}", hex(r, 8)), hex(r, 32)));
    let mut fluid = state.fluid.lock().expect("fluid lock");
    let org = match may_change(&fluid, &headers, &slug) {
        Ok(org) => org,
        Err(status) => return fluid.error(status),
    };
    let name = match decode_strict::<CreateBody>(&body) {
        Ok(CreateBody { name: Some(name) }) if !name.is_empty() => name,
        Ok(_) => return fluid.error(StatusCode::BAD_REQUEST),
        Err(status) => return fluid.error(status),
    };
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(state.anchor);
    let tokens = &mut fluid.orgs[org].tokens;
    let at = tokens.partition_point(|t| t.created_at <= now);
    tokens.insert(
        at,
        StoredToken {
            id,
            name,
            created_at: now,
        },
    );
    let json = serde_json::to_value(tokens[at].json(Some(&secret))).unwrap_or_default();
    (StatusCode::CREATED, axum::Json(json)).into_response()
}

async fn delete_token(
    State(state): State<Arc<SandboxState>>,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut fluid = state.fluid.lock().expect("fluid lock");
    let org = match may_change(&fluid, &headers, &slug) {
        Ok(org) => org,
        Err(status) => return fluid.error(status),
    };
    let tokens = &mut fluid.orgs[org].tokens;
    match tokens.iter().position(|t| t.id == id) {
        Some(i) => {
            tokens.remove(i);
            axum::Json(serde_json::json!({"status": "deleted"})).into_response()
        }
        None => fluid.error(StatusCode::NOT_FOUND),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(accounts: usize) -> SeedOptions {
        SeedOptions {
            seed: 3,
            accounts,
            tokens: 5,
            hostile: false,
            anchor: super::super::store::default_anchor(),
        }
    }

    #[test]
    fn odd_accounts_log_in_even_ones_carry_a_session() {
        let (state, accounts) = seed(&opts(2), DEFAULT_COOKIE_NAME);
        assert_eq!(accounts[0].name, "fluid-1");
        assert!(accounts[0].setting("login.password.value").is_some());
        assert!(accounts[0].credential.is_none());
        let session = accounts[1].credential.as_deref().unwrap();
        assert_eq!(session.len(), 64);
        assert!(state.sessions.contains_key(session));
        assert_eq!(
            accounts[1].setting("org_slug").and_then(|v| v.as_str()),
            Some("acme-2")
        );
        assert!(accounts[1].setting("login").is_none());
        assert!(state.member_login("fluid-2").is_some());
        // The default cookie name goes unsaid.
        assert!(accounts.iter().all(|a| a.setting("cookie_name").is_none()));
    }

    #[test]
    fn another_cookie_name_is_set_for_the_session_accounts_only() {
        let (state, accounts) = seed(&opts(2), "deer_session");
        assert_eq!(state.cookie_name(), "deer_session");
        assert!(
            accounts[0].setting("cookie_name").is_none(),
            "learned at login"
        );
        let named = accounts[1].setting("cookie_name").and_then(|v| v.as_str());
        assert_eq!(named, Some("deer_session"));
    }

    #[test]
    fn seeding_is_deterministic_with_htk_ids() {
        let (a, _) = seed(&opts(1), DEFAULT_COOKIE_NAME);
        let (b, _) = seed(&opts(1), DEFAULT_COOKIE_NAME);
        let ids = |s: &FluidState| {
            s.orgs[0]
                .tokens
                .iter()
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        assert!(
            ids(&a)
                .iter()
                .all(|id| id.len() == 20 && id.starts_with("HTK-"))
        );
    }
}
