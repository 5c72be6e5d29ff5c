//! The lagrello fake: paginated access tokens behind a bearer token (see
//! ../shared/providers/lagrello.md, "What the sandbox must reproduce").
//!
//! Each account `lagrello-N` is a tenant with two API credentials: the ADMIN one handed out as the
//! account's credential, and a READ-only one ([`LagrelloState::read_only_credential`]) that lists
//! but gets 403 on create and delete. Pages are 1-based by default: the sandbox's choice, as the
//! spec does not say; [`Paging`] makes them 0-based, or puts the `paging` links on another origin,
//! for clients that must cope with either.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::store::{created_before, rng_for, token_names, uuid};
use super::{SandboxAccount, SandboxState, SeedOptions};
use crate::model::ProviderKind;

const PERMISSIONS: [&str; 3] = ["READ", "WRITE", "ADMIN"];
const MAX_SIZE: usize = 20;

#[derive(Default)]
pub struct LagrelloState {
    tenants: Vec<Tenant>,
    paging: Paging,
}

/// How the fake numbers its pages and writes its `paging` links: the choices the spec leaves open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The number of the first page: 1 (the default) or 0.
    pub first_page: usize,
    /// The origin (`http://host:port`) the `previous` and `next` links name, instead of the
    /// sandbox's own; the page numbers in them stay right.
    pub link_origin: Option<String>,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            first_page: 1,
            link_origin: None,
        }
    }
}

impl Paging {
    /// Check the choices: pages from 0 or 1, and links on an http(s) origin. The origin is kept
    /// without any path, as links are built on it.
    pub fn checked(mut self) -> Result<Paging, String> {
        if self.first_page > 1 {
            return Err(format!(
                "lagrello pages are numbered from 0 or 1, not {}",
                self.first_page
            ));
        }
        if let Some(given) = &self.link_origin {
            let url = url::Url::parse(given)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                .ok_or_else(|| {
                    format!(
                        "`{given}` is no origin for lagrello's paging links; give one like \
                         http://127.0.0.1:9000"
                    )
                })?;
            self.link_origin = Some(url.origin().ascii_serialization());
        }
        Ok(self)
    }
}

struct Tenant {
    account: String,
    email: String,
    credentials: Vec<Credential>,
    /// Newest first, the order the list serves.
    tokens: Vec<StoredToken>,
}

struct Credential {
    key: String,
    admin: bool,
}

struct StoredToken {
    key: String,
    name: String,
    created_by: String,
    created_at: OffsetDateTime,
    permissions: Vec<String>,
}

impl LagrelloState {
    /// A credential of the account's tenant that has only READ: it lists, but create and delete
    /// answer 403.
    pub fn read_only_credential(&self, account: &str) -> Option<String> {
        let tenant = self.tenants.iter().find(|t| t.account == account)?;
        tenant
            .credentials
            .iter()
            .find(|c| !c.admin)
            .map(|c| c.key.clone())
    }

    /// The keys of an account's tokens, newest first: every secret of the account the sandbox
    /// holds, for tests that look for them where they must not be.
    pub fn token_keys(&self, account: &str) -> Vec<String> {
        let tenant = self.tenants.iter().find(|t| t.account == account);
        tenant.map_or_else(Vec::new, |t| {
            t.tokens.iter().map(|t| t.key.clone()).collect()
        })
    }

    /// Give an account's token `index` (newest first) the key `key`, for tests that need keys
    /// alike (say, sharing their last characters). False when there is no such token.
    pub fn set_token_key(&mut self, account: &str, index: usize, key: &str) -> bool {
        let tenant = self.tenants.iter_mut().find(|t| t.account == account);
        match tenant.and_then(|t| t.tokens.get_mut(index)) {
            Some(token) => {
                token.key = key.to_owned();
                true
            }
            None => false,
        }
    }

    /// Number the pages and write the links as `paging` says (checked with [`Paging::checked`]).
    pub fn set_paging(&mut self, paging: Paging) {
        self.paging = paging;
    }

    /// The tenant and whether the caller is ADMIN, from `Authorization: Bearer <key>`.
    fn caller(&self, headers: &HeaderMap) -> Option<(usize, bool)> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let key = value.strip_prefix("Bearer ")?.trim();
        self.tenants.iter().enumerate().find_map(|(i, t)| {
            t.credentials
                .iter()
                .find(|c| c.key == key)
                .map(|c| (i, c.admin))
        })
    }
}

pub fn seed(opts: &SeedOptions) -> (LagrelloState, Vec<SandboxAccount>) {
    let mut rng = rng_for(opts.seed, ProviderKind::Lagrello);
    let mut state = LagrelloState::default();
    let mut accounts = Vec::with_capacity(opts.accounts);
    for n in 1..=opts.accounts {
        let account = format!("lagrello-{n}");
        let email = format!("admin@tenant-{n}.example");
        let admin_key = uuid(&mut rng);
        let read_key = uuid(&mut rng);
        let creators = [
            email.clone(),
            format!("ci@tenant-{n}.example"),
            format!("ops@tenant-{n}.example"),
        ];
        let mut tokens: Vec<StoredToken> = token_names(&mut rng, opts.tokens, opts.hostile)
            .into_iter()
            .map(|name| {
                let granted = rng.random_range(1..=PERMISSIONS.len());
                StoredToken {
                    key: uuid(&mut rng),
                    name,
                    created_by: creators[rng.random_range(0..creators.len())].clone(),
                    created_at: created_before(&mut rng, opts.anchor),
                    permissions: PERMISSIONS[..granted]
                        .iter()
                        .map(|p| p.to_string())
                        .collect(),
                }
            })
            .collect();
        tokens.sort_by_key(|t| std::cmp::Reverse(t.created_at));
        state.tenants.push(Tenant {
            account: account.clone(),
            email,
            credentials: vec![
                Credential {
                    key: admin_key.clone(),
                    admin: true,
                },
                Credential {
                    key: read_key,
                    admin: false,
                },
            ],
            tokens,
        });
        accounts.push(SandboxAccount {
            name: account,
            provider: ProviderKind::Lagrello,
            credential: Some(admin_key),
            // lagrello has no keys of its own.
            settings: toml::Table::new(),
        });
    }
    (state, accounts)
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/v1/tokens", get(list_tokens).post(create_token))
        .route("/v1/tokens/{token_key}", delete(delete_token))
}

pub fn account_for(state: &LagrelloState, headers: &HeaderMap, _path: &str) -> Option<String> {
    let (tenant, _) = state.caller(headers)?;
    Some(state.tenants[tenant].account.clone())
}

/// `{"message": …, "errorType": …}`.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    let error_type = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace(' ', "_");
    (
        status,
        axum::Json(serde_json::json!({"message": message, "errorType": error_type})),
    )
        .into_response()
}

fn forbidden() -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        "The access token used to access resource is wrong",
    )
}

fn bad_request(message: &str) -> Response {
    error_response(StatusCode::BAD_REQUEST, message)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenJson<'a> {
    token_key: &'a str,
    token_name: &'a str,
    created_by: &'a str,
    created_at: String,
    permissions: &'a [String],
}

impl StoredToken {
    fn json(&self) -> TokenJson<'_> {
        TokenJson {
            token_key: &self.key,
            token_name: &self.name,
            created_by: &self.created_by,
            created_at: timestamp(self.created_at),
            permissions: &self.permissions,
        }
    }
}

/// `2021-09-20T10:11:12.000+00:00`, the spec's example format.
fn timestamp(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// `size` (1..=20, default 20) and `page` (from `first`, default `first`).
fn paging_params(query: Option<&str>, first: usize) -> Result<(usize, usize), String> {
    let (mut size, mut page) = (MAX_SIZE, first);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "size" => match value.parse::<usize>() {
                Ok(s) if (1..=MAX_SIZE).contains(&s) => size = s,
                _ => return Err("size must be an integer from 1 to 20".into()),
            },
            "page" => match value.parse::<usize>() {
                Ok(p) if p >= first => page = p,
                _ => return Err(format!("page must be an integer from {first}")),
            },
            _ => {}
        }
    }
    Ok((size, page))
}

async fn list_tokens(
    State(state): State<Arc<SandboxState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lagrello = state.lagrello.lock().expect("lagrello lock");
    let Some((tenant, _)) = lagrello.caller(&headers) else {
        return forbidden();
    };
    let paging = &lagrello.paging;
    let (size, page) = match paging_params(query.as_deref(), paging.first_page) {
        Ok(p) => p,
        Err(message) => return bad_request(&message),
    };
    let tokens = &lagrello.tenants[tenant].tokens;
    let start = (page - paging.first_page).saturating_mul(size);
    let data: Vec<TokenJson> = tokens
        .iter()
        .skip(start)
        .take(size)
        .map(StoredToken::json)
        .collect();
    let origin = paging.link_origin.as_deref().unwrap_or(&state.base_url);
    let link = |p: usize| format!("{origin}/v1/tokens?size={size}&page={p}");
    let previous = (page > paging.first_page).then(|| link(page - 1));
    let next = (start.saturating_add(size) < tokens.len()).then(|| link(page + 1));
    axum::Json(serde_json::json!({
        "data": data,
        "paging": {"previous": previous, "next": next},
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    token_name: Option<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

async fn create_token(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = state.with_rng(uuid);
    let mut lagrello = state.lagrello.lock().expect("lagrello lock");
    let tenant = match lagrello.caller(&headers) {
        Some((tenant, true)) => tenant,
        Some((_, false)) => {
            return error_response(
                StatusCode::FORBIDDEN,
                "Creating tokens needs a token with ADMIN permission",
            );
        }
        None => return forbidden(),
    };
    let Ok(request) = serde_json::from_slice::<CreateBody>(&body) else {
        return bad_request("the body is not a CreateTokenRequest");
    };
    let name = match request.token_name {
        Some(n) if !n.is_empty() => n,
        _ => return bad_request("tokenName is required"),
    };
    if let Some(bad) = request
        .permissions
        .iter()
        .find(|p| !PERMISSIONS.contains(&p.as_str()))
    {
        return bad_request(&format!(
            "unknown permission {bad:?}; use READ, WRITE or ADMIN"
        ));
    }
    // Every token has at least READ; keep the canonical order without duplicates.
    let permissions = PERMISSIONS
        .iter()
        .filter(|p| **p == "READ" || request.permissions.iter().any(|q| q == *p))
        .map(|p| p.to_string())
        .collect();
    let t = &mut lagrello.tenants[tenant];
    let token = StoredToken {
        key,
        name,
        created_by: t.email.clone(),
        created_at: OffsetDateTime::now_utc(),
        permissions,
    };
    let json = serde_json::to_value(token.json()).unwrap_or_default();
    t.tokens.insert(0, token);
    axum::Json(json).into_response()
}

async fn delete_token(
    State(state): State<Arc<SandboxState>>,
    Path(token_key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut lagrello = state.lagrello.lock().expect("lagrello lock");
    let tenant = match lagrello.caller(&headers) {
        Some((tenant, true)) => tenant,
        Some((_, false)) => {
            return error_response(
                StatusCode::FORBIDDEN,
                "Deleting tokens needs a token with ADMIN permission",
            );
        }
        None => return forbidden(),
    };
    let tokens = &mut lagrello.tenants[tenant].tokens;
    match tokens.iter().position(|t| t.key == token_key) {
        Some(i) => {
            tokens.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => error_response(StatusCode::NOT_FOUND, "token could not be found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_mixes_permissions_and_is_deterministic() {
        let opts = SeedOptions {
            seed: 9,
            accounts: 2,
            tokens: 30,
            hostile: false,
            anchor: super::super::store::default_anchor(),
        };
        let (a, accounts) = seed(&opts);
        let (b, _) = seed(&opts);
        assert_eq!(accounts[1].name, "lagrello-2");
        let keys = |s: &LagrelloState| {
            s.tenants[0]
                .tokens
                .iter()
                .map(|t| t.key.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&a), keys(&b));
        let sets: std::collections::HashSet<usize> = a.tenants[0]
            .tokens
            .iter()
            .map(|t| t.permissions.len())
            .collect();
        assert!(sets.len() > 1, "permissions are all alike");
        assert!(
            a.tenants[0]
                .tokens
                .iter()
                .all(|t| t.permissions[0] == "READ")
        );
        assert_ne!(a.read_only_credential("lagrello-1"), accounts[0].credential);
    }

    #[test]
    fn size_is_bounded() {
        assert!(paging_params(Some("size=20&page=2"), 1).is_ok());
        assert!(paging_params(Some("size=0"), 1).is_err());
        assert!(paging_params(Some("size=21"), 1).is_err());
        assert!(paging_params(Some("page=0"), 1).is_err());
        assert_eq!(paging_params(None, 1).ok(), Some((20, 1)));
        // From 0 when pages are 0-based.
        assert_eq!(paging_params(Some("page=0"), 0).ok(), Some((20, 0)));
        assert_eq!(paging_params(None, 0).ok(), Some((20, 0)));
    }

    #[test]
    fn paging_choices_are_checked() {
        let paging = |first_page, origin: Option<&str>| {
            Paging {
                first_page,
                link_origin: origin.map(str::to_owned),
            }
            .checked()
        };
        assert!(paging(2, None).is_err());
        assert!(paging(0, Some("ftp://x")).is_err());
        assert!(paging(0, Some("not a url")).is_err());
        assert_eq!(
            paging(1, Some("http://127.0.0.1:9/some/path"))
                .unwrap()
                .link_origin,
            Some("http://127.0.0.1:9".to_owned())
        );
    }
}
