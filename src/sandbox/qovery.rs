//! The qovery fake: organization API tokens, as `../shared/providers/qovery.md` describes them.
//!
//! Organizations are keyed by UUID and the tenant comes from the API token in
//! `Authorization: Token <t>`, or from a member's login JWT in `Authorization: Bearer <jwt>`
//! (each organization has one, [`QoveryState::jwt_of`]). An API token sent as `Bearer` is
//! refused: the notes call that undocumented, so a client must not rely on it. It is as strict as the real service where the spec is: `role_id`
//! must be present (a known role or `null`), `description` may be absent but not `null`, names
//! are unique per organization (409), and errors are `{"status", "detail"}`.
//!
//! Policy API tokens, the organization's second kind (with an expiry), are in `qovery/policy.rs`.

mod policy;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{SandboxAccount, SandboxState, SeedOptions, account_keys, store};
use crate::model::ProviderKind;

const ROLE_NAMES: &[&str] = &["Admin", "Viewer", "DevOps", "Billing Manager", "Deployer"];
const CREATORS: &[&str] = &["alice@example.com", "bob@example.com", "ci-bot@example.com"];
/// Who tokens created through the fake are attributed to.
const API_CREATOR: &str = "sandbox-api@example.com";

#[derive(Debug, Default)]
pub struct QoveryState {
    orgs: Vec<Org>,
    /// Answer 403 instead of 404 for a token that does not exist, as the real service does.
    pub missing_as_forbidden: bool,
    /// Refuse to list policy API tokens (403), as for a credential that may not see them, while
    /// everything else still works.
    pub policy_list_forbidden: bool,
}

#[derive(Debug)]
struct Org {
    id: String,
    account: String,
    api_token: String,
    /// A member's login: a JWT, sent as `Bearer`.
    jwt: String,
    roles: Vec<Role>,
    tokens: Vec<ApiToken>,
    policy_tokens: Vec<policy::PolicyToken>,
}

#[derive(Debug)]
struct Role {
    id: String,
    name: String,
}

#[derive(Debug)]
struct ApiToken {
    id: String,
    name: String,
    description: Option<String>,
    role_id: Option<String>,
    role_name: Option<String>,
    creator_name: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl ApiToken {
    /// The list item: no secret.
    fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "name": self.name,
            "role_name": self.role_name,
            "role_id": self.role_id,
        });
        if let Some(d) = &self.description {
            v["description"] = json!(d);
        }
        v
    }
}

/// qovery writes `2026-05-02T09:14:11.203Z`.
fn timestamp(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// The qovery keys of a sandbox account's `[[accounts]]` entry.
#[derive(Serialize)]
struct AccountKeys {
    organization_id: String,
}

pub fn seed(opts: &SeedOptions) -> (QoveryState, Vec<SandboxAccount>) {
    let mut rng = store::rng_for(opts.seed, ProviderKind::Qovery);
    let mut state = QoveryState::default();
    let mut accounts = Vec::new();
    for n in 1..=opts.accounts {
        let name = format!("qovery-{n}");
        let org_id = store::uuid(&mut rng);
        let api_token = format!("qov_{}", store::hex(&mut rng, 24));
        let jwt = jwt(&mut rng, &org_id);
        let roles: Vec<Role> = ROLE_NAMES
            .iter()
            .map(|r| Role {
                id: store::uuid(&mut rng),
                name: (*r).to_owned(),
            })
            .collect();
        let policy_count = policy::count_of(opts.tokens);
        let names = store::token_names(&mut rng, opts.tokens - policy_count, opts.hostile);
        let tokens = names
            .into_iter()
            .map(|token_name| {
                let created_at = store::created_before(&mut rng, opts.anchor);
                let role = &roles[rng.random_range(0..roles.len())];
                let description = rng
                    .random_bool(0.6)
                    .then(|| format!("used by {token_name}"));
                ApiToken {
                    id: store::uuid(&mut rng),
                    name: token_name,
                    description,
                    role_id: Some(role.id.clone()),
                    role_name: Some(role.name.clone()),
                    creator_name: CREATORS[rng.random_range(0..CREATORS.len())].to_owned(),
                    created_at,
                    updated_at: created_at,
                }
            })
            .collect();
        accounts.push(SandboxAccount {
            name: name.clone(),
            provider: ProviderKind::Qovery,
            credential: Some(api_token.clone()),
            settings: account_keys(&AccountKeys {
                organization_id: org_id.clone(),
            }),
        });
        let policy_tokens = policy::seed(opts.seed, n, policy_count, opts.anchor, &roles);
        state.orgs.push(Org {
            id: org_id,
            account: name,
            api_token,
            jwt,
            roles,
            tokens,
            policy_tokens,
        });
    }
    (state, accounts)
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            "/organization/{org}/apiToken",
            get(list_tokens).post(create_token),
        )
        .route("/organization/{org}/apiToken/{token}", delete(delete_token))
        .route("/organization/{org}/availableRole", get(list_roles))
        .route(
            "/organization/{org}/policyApiToken",
            get(policy::list).post(policy::create),
        )
        .route(
            "/organization/{org}/policyApiToken/{token}",
            delete(policy::delete),
        )
}

/// A JWT-shaped login for an organization: `header.payload.signature`, base64url, as qovery's
/// OIDC provider issues them (its contents are never checked, only its value).
fn jwt(rng: &mut rand::rngs::StdRng, org_id: &str) -> String {
    use base64::Engine;
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = b64(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = b64(format!(r#"{{"sub":"sandbox|{org_id}","iss":"sandbox"}}"#).as_bytes());
    format!("{header}.{payload}.{}", store::hex(rng, 32))
}

impl QoveryState {
    /// The login JWT of the organization of `account`, for clients that send `Bearer`.
    pub fn jwt_of(&self, account: &str) -> Option<String> {
        self.orgs
            .iter()
            .find(|o| o.account == account)
            .map(|o| o.jwt.clone())
    }

    /// The organization a credential belongs to, as sent.
    fn org_of(&mut self, credential: Credential<'_>) -> Option<&mut Org> {
        self.orgs.iter_mut().find(|o| match credential {
            Credential::Token(t) => o.api_token == t,
            Credential::Bearer(t) => o.jwt == t,
        })
    }
}

pub fn account_for(state: &QoveryState, headers: &HeaderMap, _path: &str) -> Option<String> {
    let credential = api_credential(headers)?;
    state
        .orgs
        .iter()
        .find(|o| match credential {
            Credential::Token(t) => o.api_token == t,
            Credential::Bearer(t) => o.jwt == t,
        })
        .map(|o| o.account.clone())
}

/// qovery's error body in practice: `{"status": 403, "detail": "…"}`.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"status": status.as_u16(), "detail": message}).to_string(),
    )
        .into_response()
}

/// A refused request, answered with qovery's error body.
struct Reject {
    status: StatusCode,
    detail: &'static str,
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        error_response(self.status, self.detail)
    }
}

fn reject(status: StatusCode, detail: &'static str) -> Reject {
    Reject { status, detail }
}

fn bad_request(detail: &'static str) -> Reject {
    reject(StatusCode::BAD_REQUEST, detail)
}

/// The name of the role a create names by id (`None` for none); 400 for an id the organization
/// does not have.
fn role_name(org: &Org, role_id: Option<&str>) -> Result<Option<String>, Reject> {
    let Some(role_id) = role_id else {
        return Ok(None);
    };
    match org.roles.iter().find(|r| r.id == role_id) {
        Some(role) => Ok(Some(role.name.clone())),
        None => Err(bad_request(
            "role_id does not name a role of this organization",
        )),
    }
}

/// What `Authorization` carries: an API token (`Token`) or a JWT (`Bearer`).
#[derive(Clone, Copy)]
enum Credential<'a> {
    Token(&'a str),
    Bearer(&'a str),
}

fn api_credential(headers: &HeaderMap) -> Option<Credential<'_>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(t) = value.strip_prefix("Token ") {
        Some(Credential::Token(t))
    } else {
        value.strip_prefix("Bearer ").map(Credential::Bearer)
    }
}

/// The organization the request may act on: 401 without a known API token, 403 for an
/// organization the token does not belong to.
fn authorize<'a>(
    state: &'a mut QoveryState,
    headers: &HeaderMap,
    org_id: &str,
) -> Result<&'a mut Org, Reject> {
    let Some(credential) = api_credential(headers) else {
        return Err(reject(
            StatusCode::UNAUTHORIZED,
            "Missing or malformed Authorization header; expected `Token <api token>` or \
             `Bearer <jwt>`",
        ));
    };
    let Some(org) = state.org_of(credential) else {
        return Err(reject(
            StatusCode::UNAUTHORIZED,
            match credential {
                Credential::Token(_) => "Invalid API token",
                Credential::Bearer(_) => "Invalid or expired JWT",
            },
        ));
    };
    if org.id != org_id {
        return Err(reject(
            StatusCode::FORBIDDEN,
            "You do not have access to this organization",
        ));
    }
    Ok(org)
}

fn ok_json(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[derive(Deserialize)]
struct ListQuery {
    name: Option<String>,
    #[serde(rename = "creatorName")]
    creator_name: Option<String>,
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

async fn list_tokens(
    State(state): State<Arc<SandboxState>>,
    Path(org_id): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    let mut qs = state.qovery.lock().expect("qovery lock");
    let org = match authorize(&mut qs, &headers, &org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    let results: Vec<Value> = org
        .tokens
        .iter()
        .filter(|t| {
            query
                .name
                .as_deref()
                .is_none_or(|n| contains_ci(&t.name, n))
        })
        .filter(|t| {
            query
                .creator_name
                .as_deref()
                .is_none_or(|c| contains_ci(&t.creator_name, c))
        })
        .map(ApiToken::to_json)
        .collect();
    ok_json(StatusCode::OK, json!({ "results": results }))
}

async fn list_roles(
    State(state): State<Arc<SandboxState>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut qs = state.qovery.lock().expect("qovery lock");
    let org = match authorize(&mut qs, &headers, &org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    let results: Vec<Value> = org
        .roles
        .iter()
        .map(|r| json!({"id": r.id, "name": r.name}))
        .collect();
    ok_json(StatusCode::OK, json!({ "results": results }))
}

/// The create body, checked as the spec demands; `Err` is the 400 to answer with.
struct CreateRequest {
    name: String,
    description: Option<String>,
    role_id: Option<String>,
}

/// A create's body as a JSON object: 415 without `Content-Type: application/json`, 400 for
/// anything but an object.
fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Map<String, Value>, Reject> {
    if !super::is_json(headers) {
        return Err(reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => Ok(obj),
        _ => Err(bad_request("The request body must be a JSON object")),
    }
}

fn parse_create(headers: &HeaderMap, body: &[u8]) -> Result<CreateRequest, Reject> {
    let obj = json_object(headers, body)?;
    let name = match obj.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        Some(Value::String(_)) => return Err(bad_request("name must not be empty")),
        Some(_) => return Err(bad_request("name must be a string")),
        None => return Err(bad_request("name is required")),
    };
    let description = match obj.get("description") {
        None => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(Value::Null) => return Err(bad_request("description must not be null")),
        Some(_) => return Err(bad_request("description must be a string")),
    };
    let role_id = match obj.get("role_id") {
        None => return Err(bad_request("role_id is required (a role id or null)")),
        Some(Value::Null) => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(_) => return Err(bad_request("role_id must be a UUID or null")),
    };
    match obj.get("scope") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "ADMIN" => {}
        Some(_) => return Err(bad_request("scope must be \"ADMIN\" or null")),
    }
    Ok(CreateRequest {
        name,
        description,
        role_id,
    })
}

async fn create_token(
    State(state): State<Arc<SandboxState>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (id, secret) = state.with_rng(|r| (store::uuid(r), format!("qov_{}", store::hex(r, 32))));
    let mut qs = state.qovery.lock().expect("qovery lock");
    let org = match authorize(&mut qs, &headers, &org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    let req = match parse_create(&headers, &body) {
        Ok(req) => req,
        Err(r) => return r.into_response(),
    };
    let role_name = match role_name(org, req.role_id.as_deref()) {
        Ok(name) => name,
        Err(r) => return r.into_response(),
    };
    if org.tokens.iter().any(|t| t.name == req.name) {
        return error_response(
            StatusCode::CONFLICT,
            "Organization Api Token name is already taken",
        );
    }
    let now = OffsetDateTime::now_utc();
    let token = ApiToken {
        id,
        name: req.name,
        description: req.description,
        role_id: req.role_id,
        role_name,
        creator_name: API_CREATOR.to_owned(),
        created_at: now,
        updated_at: now,
    };
    let mut body = token.to_json();
    body["token"] = json!(secret);
    org.tokens.push(token);
    ok_json(StatusCode::CREATED, body)
}

async fn delete_token(
    State(state): State<Arc<SandboxState>>,
    Path((org_id, token_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    delete_from(
        &state,
        &org_id,
        &headers,
        |org| org.tokens.retain(|t| t.id != token_id),
        "Organization Api Token not found",
    )
}

/// A delete of either kind of token: `remove` drops the token from its list in the authorized
/// organization; 204 when it did, else 404 saying `not_found` (or 403 "Access denied" where the
/// fake plays the real service's answer for a missing token).
fn delete_from(
    state: &SandboxState,
    org_id: &str,
    headers: &HeaderMap,
    remove: impl FnOnce(&mut Org),
    not_found: &'static str,
) -> Response {
    let mut qs = state.qovery.lock().expect("qovery lock");
    let missing_as_forbidden = qs.missing_as_forbidden;
    let org = match authorize(&mut qs, headers, org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    let before = org.tokens.len() + org.policy_tokens.len();
    remove(org);
    if org.tokens.len() + org.policy_tokens.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else if missing_as_forbidden {
        error_response(StatusCode::FORBIDDEN, "Access denied")
    } else {
        error_response(StatusCode::NOT_FOUND, not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(hostile: bool) -> SeedOptions {
        SeedOptions {
            seed: 3,
            accounts: 2,
            tokens: 12,
            hostile,
            anchor: store::default_anchor(),
        }
    }

    #[test]
    fn seeding_is_deterministic_and_complete() {
        let (a, accounts) = seed(&opts(true));
        let (b, again) = seed(&opts(true));
        assert_eq!(accounts, again);
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[1].name, "qovery-2");
        assert_eq!(
            a.orgs[0].tokens.len() + a.orgs[0].policy_tokens.len(),
            12,
            "--tokens-per-account counts both kinds"
        );
        assert_eq!(a.orgs[0].policy_tokens.len(), 4);
        assert_eq!(a.orgs[0].tokens[3].name, b.orgs[0].tokens[3].name);
        assert!(a.orgs[0].tokens.iter().any(|t| t.name.contains('\x1b')));
        let org = accounts[0].setting("organization_id").unwrap();
        assert!(uuid::Uuid::parse_str(org.as_str().unwrap()).is_ok());
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        assert_eq!(
            timestamp(store::default_anchor()),
            "2026-11-01T00:00:00.000Z"
        );
    }
}
