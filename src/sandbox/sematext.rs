//! The sematext fake: app tokens, as `../shared/providers/sematext.md` describes them.
//!
//! The tenant comes from the account API key in `Authorization: apiKey <uuid>`. Every body is the
//! `{success, message, data, errors}` envelope, errors included; ids are int64; every token carries
//! its secret. A misspelled `writable` is ignored, as an unknown property would be.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use rand::RngExt;
use rand::rngs::StdRng;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{SandboxAccount, SandboxState, SeedOptions, account_keys, store};
use crate::model::ProviderKind;

const APP_NAMES: &[&str] = &["prod-logs", "staging-logs", "infra-monitoring", "web-rum"];
/// Tokens seeded into an account's second app, when it has one.
const SECOND_APP_TOKENS: usize = 3;

#[derive(Debug, Default)]
pub struct SematextState {
    accounts: Vec<Account>,
    /// Answer every request with `200 {"success": false}` and change nothing: the provider
    /// refusing in a 2xx, which a client must still treat as an error.
    pub fail_with_200: bool,
}

#[derive(Debug)]
struct Account {
    name: String,
    api_key: String,
    apps: Vec<App>,
}

#[derive(Debug)]
struct App {
    id: i64,
    name: String,
    tokens: Vec<AppToken>,
}

#[derive(Debug)]
struct AppToken {
    id: i64,
    name: String,
    secret: String,
    readable: bool,
    writeable: bool,
    enabled: bool,
    created_at: OffsetDateTime,
}

impl AppToken {
    /// The TokenDto; every one carries its secret.
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "token": self.secret,
            "readable": self.readable,
            "writeable": self.writeable,
            "enabled": self.enabled,
            "createdAt": timestamp(self.created_at),
        })
    }
}

/// sematext writes `2022-03-01T12:00:00.000+00:00`.
fn timestamp(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00"
        ))
        .unwrap_or_default()
}

/// Ids beyond 2^53, so a client that squeezes them through an f64 gets them wrong.
fn new_id(rng: &mut StdRng) -> i64 {
    rng.random_range(9_007_199_254_740_993..9_100_000_000_000_000)
}

fn seed_tokens(
    rng: &mut StdRng,
    count: usize,
    hostile: bool,
    anchor: OffsetDateTime,
) -> Vec<AppToken> {
    store::token_names(rng, count, hostile)
        .into_iter()
        .map(|name| AppToken {
            id: new_id(rng),
            name,
            secret: store::uuid(rng),
            readable: rng.random_bool(0.8),
            writeable: rng.random_bool(0.5),
            enabled: rng.random_bool(0.75),
            created_at: store::created_before(rng, anchor),
        })
        .collect()
}

/// The sematext keys of a sandbox account's `[[accounts]]` entry. No `region`: the base URL is
/// the sandbox's.
#[derive(serde::Serialize)]
struct AccountKeys {
    app_id: i64,
}

pub fn seed(opts: &SeedOptions) -> (SematextState, Vec<SandboxAccount>) {
    let mut rng = store::rng_for(opts.seed, ProviderKind::Sematext);
    let mut state = SematextState::default();
    let mut accounts = Vec::new();
    for n in 1..=opts.accounts {
        let name = format!("sematext-{n}");
        let api_key = store::uuid(&mut rng);
        let mut apps = vec![App {
            id: new_id(&mut rng),
            name: APP_NAMES[rng.random_range(0..APP_NAMES.len())].to_owned(),
            tokens: seed_tokens(&mut rng, opts.tokens, opts.hostile, opts.anchor),
        }];
        if rng.random_bool(0.5) {
            apps.push(App {
                id: new_id(&mut rng),
                name: format!("{}-2", APP_NAMES[rng.random_range(0..APP_NAMES.len())]),
                tokens: seed_tokens(&mut rng, SECOND_APP_TOKENS, false, opts.anchor),
            });
        }
        accounts.push(SandboxAccount {
            name: name.clone(),
            provider: ProviderKind::Sematext,
            credential: Some(api_key.clone()),
            settings: account_keys(&AccountKeys { app_id: apps[0].id }),
        });
        state.accounts.push(Account {
            name,
            api_key,
            apps,
        });
    }
    (state, accounts)
}

const TOKENS: &str = "/users-web/api/v3/apps/{app}/tokens";
const TOKEN: &str = "/users-web/api/v3/apps/{app}/tokens/{token}";
const REGENERATE: &str = "/users-web/api/v3/apps/{app}/tokens/{token}/regenerate";

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/users-web/api/v3/apps", get(list_apps))
        .route(TOKENS, get(list_tokens).post(create_token))
        .route(TOKEN, put(update_token).delete(delete_token))
        .route(REGENERATE, post(regenerate_token))
}

pub fn account_for(state: &SematextState, headers: &HeaderMap, _path: &str) -> Option<String> {
    let key = api_key(headers)?;
    state
        .accounts
        .iter()
        .find(|a| a.api_key == key)
        .map(|a| a.name.clone())
}

/// Every error is an envelope with `success: false`.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    envelope(
        status,
        json!({
            "success": false,
            "message": message,
            "data": null,
            "errors": [{"code": status.as_str(), "message": message}],
        }),
    )
}

fn ok(data: Value, message: Option<&str>) -> Response {
    envelope(
        StatusCode::OK,
        json!({"success": true, "message": message, "data": data, "errors": []}),
    )
}

fn envelope(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn api_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("apiKey ")
}

/// A refused request, answered with the error envelope (`success: false`), whatever the status.
struct Fail {
    status: StatusCode,
    message: String,
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        error_response(self.status, &self.message)
    }
}

fn fail(status: StatusCode, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
    }
}

/// The account making the request (401 envelope otherwise), or the `success: false` answer when
/// that switch is on.
fn authorize<'a>(
    state: &'a mut SematextState,
    headers: &HeaderMap,
) -> Result<&'a mut Account, Fail> {
    let key = api_key(headers);
    let fail_with_200 = state.fail_with_200;
    let Some(account) = state
        .accounts
        .iter_mut()
        .find(|a| key.is_some_and(|k| a.api_key == k))
    else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "Invalid or missing API key; expected `Authorization: apiKey <key>`",
        ));
    };
    if fail_with_200 {
        return Err(fail(StatusCode::OK, "Operation could not be completed"));
    }
    Ok(account)
}

fn parse_id(raw: &str, what: &str) -> Result<i64, Fail> {
    raw.parse::<i64>().map_err(|_| {
        fail(
            StatusCode::BAD_REQUEST,
            format!("{what} must be an integer"),
        )
    })
}

/// The app `raw` names, if this account owns it.
fn app_of<'a>(account: &'a mut Account, raw: &str) -> Result<&'a mut App, Fail> {
    let id = parse_id(raw, "appId")?;
    account
        .apps
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "App not found"))
}

fn token_of<'a>(app: &'a mut App, raw: &str) -> Result<&'a mut AppToken, Fail> {
    let id = parse_id(raw, "tokenId")?;
    app.tokens
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "Token not found"))
}

/// Create and update need a JSON object body (`{}` is enough).
fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Fail> {
    if !super::is_json(headers) {
        return Err(fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => Ok(obj),
        _ => Err(fail(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object",
        )),
    }
}

/// Regenerate and delete take no body. Generated clients that send `Content-Type:
/// application/json` on every request frame "no body" as an empty one or as `{}`, and the real
/// service ignores both; a body with content is refused.
fn no_body(body: &[u8]) -> Result<(), Fail> {
    let empty = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => obj.is_empty(),
        _ => body.iter().all(u8::is_ascii_whitespace),
    };
    if empty {
        Ok(())
    } else {
        Err(fail(
            StatusCode::BAD_REQUEST,
            "This operation takes no request body",
        ))
    }
}

fn optional_string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, Fail> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(fail(
            StatusCode::BAD_REQUEST,
            format!("{key} must be a string"),
        )),
    }
}

fn optional_bool(obj: &Map<String, Value>, key: &str) -> Result<Option<bool>, Fail> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(fail(
            StatusCode::BAD_REQUEST,
            format!("{key} must be a boolean"),
        )),
    }
}

fn single(token: &AppToken) -> Response {
    ok(json!({ "token": token.to_json() }), None)
}

/// Run `f` with the state locked; either side of the result is the response.
fn with_state(
    state: &SandboxState,
    f: impl FnOnce(&mut SematextState) -> Result<Response, Fail>,
) -> Response {
    let mut st = state.sematext.lock().expect("sematext lock");
    f(&mut st).unwrap_or_else(IntoResponse::into_response)
}

/// `GET /users-web/api/v3/apps`: every app of the account as the spec's `App` (a few of its
/// fields), token values included as the real service sends them: `token` and `tokens[]`, the
/// app's secrets, which a client must never show.
async fn list_apps(State(state): State<Arc<SandboxState>>, headers: HeaderMap) -> Response {
    with_state(&state, |st| {
        let account = authorize(st, &headers)?;
        let apps: Vec<Value> = account.apps.iter().map(App::to_json).collect();
        Ok(ok(json!({ "apps": apps }), None))
    })
}

impl App {
    fn to_json(&self) -> Value {
        let secrets: Vec<&str> = self.tokens.iter().map(|t| t.secret.as_str()).collect();
        json!({
            "id": self.id,
            "name": self.name,
            "appType": "Logsene",
            "status": "ACTIVE",
            "displayStatus": "Active",
            "ownerEmail": format!("owner@{}.example", self.name),
            "token": secrets.first(),
            "tokens": secrets,
        })
    }
}

async fn list_tokens(
    State(state): State<Arc<SandboxState>>,
    Path(app): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_state(&state, |st| {
        let app = app_of(authorize(st, &headers)?, &app)?;
        let tokens: Vec<Value> = app.tokens.iter().map(AppToken::to_json).collect();
        Ok(ok(json!({ "tokens": tokens }), None))
    })
}

async fn create_token(
    State(state): State<Arc<SandboxState>>,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (id, secret) = state.with_rng(|r| (new_id(r), store::uuid(r)));
    with_state(&state, |st| {
        let app = app_of(authorize(st, &headers)?, &app)?;
        let obj = json_object(&headers, &body)?;
        // `writable` (sic) is not a field: it is ignored like any unknown property.
        let token = AppToken {
            id,
            name: optional_string(&obj, "name")?.unwrap_or_default(),
            secret,
            readable: optional_bool(&obj, "readable")?.unwrap_or(false),
            writeable: optional_bool(&obj, "writeable")?.unwrap_or(false),
            enabled: true,
            created_at: OffsetDateTime::now_utc(),
        };
        let response = single(&token);
        app.tokens.push(token);
        Ok(response)
    })
}

async fn update_token(
    State(state): State<Arc<SandboxState>>,
    Path((app, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_state(&state, |st| {
        let app = app_of(authorize(st, &headers)?, &app)?;
        let token = token_of(app, &token)?;
        let obj = json_object(&headers, &body)?;
        let name = optional_string(&obj, "name")?;
        let enabled = optional_bool(&obj, "enabled")?;
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(fail(StatusCode::BAD_REQUEST, "name must not be empty"));
        }
        if let Some(name) = name {
            token.name = name;
        }
        if let Some(enabled) = enabled {
            token.enabled = enabled;
        }
        Ok(single(token))
    })
}

async fn regenerate_token(
    State(state): State<Arc<SandboxState>>,
    Path((app, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let secret = state.with_rng(store::uuid);
    with_state(&state, |st| {
        let app = app_of(authorize(st, &headers)?, &app)?;
        let token = token_of(app, &token)?;
        no_body(&body)?;
        token.secret = secret;
        Ok(single(token))
    })
}

async fn delete_token(
    State(state): State<Arc<SandboxState>>,
    Path((app, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_state(&state, |st| {
        let app = app_of(authorize(st, &headers)?, &app)?;
        let id = token_of(app, &token)?.id;
        no_body(&body)?;
        app.tokens.retain(|t| t.id != id);
        Ok(ok(json!({}), Some("Token deleted")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SeedOptions {
        SeedOptions {
            seed: 5,
            accounts: 3,
            tokens: 12,
            hostile: false,
            anchor: store::default_anchor(),
        }
    }

    #[test]
    fn seeding_is_deterministic_with_mixed_tokens() {
        let (state, accounts) = seed(&opts());
        let (_, again) = seed(&opts());
        assert_eq!(accounts, again);
        assert_eq!(accounts[2].name, "sematext-3");
        let app = &state.accounts[0].apps[0];
        assert_eq!(
            Some(app.id),
            accounts[0].setting("app_id").and_then(|v| v.as_integer())
        );
        assert_eq!(app.tokens.len(), 12);
        let tokens = state
            .accounts
            .iter()
            .flat_map(|a| &a.apps)
            .flat_map(|a| &a.tokens);
        assert!(tokens.clone().any(|t| !t.enabled));
        assert!(tokens.clone().any(|t| t.writeable) && tokens.clone().any(|t| !t.writeable));
        assert!(uuid::Uuid::parse_str(accounts[0].credential.as_deref().unwrap()).is_ok());
    }

    #[test]
    fn timestamps_use_an_explicit_offset() {
        assert_eq!(
            timestamp(store::default_anchor()),
            "2026-11-01T00:00:00.000+00:00"
        );
    }
}
