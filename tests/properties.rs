//! Property tests of what reads untrusted input: every provider's response decoding (arbitrary
//! bytes and JSON through a loopback server, for every operation) and the configuration parser
//! (`config::load_file` on arbitrary text). Any input gives a value or a typed error, never a
//! panic, and whatever comes out is safe to show on a terminal.
//!
//! Bounded for `cargo test`; SECURITY.md says how to run them longer (`PROPTEST_CASES`).

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::{Arc, LazyLock, Mutex};

use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::IntoResponse;
use proptest::prelude::*;
use serde_json::{Map, Value};
use tokdash::config;
use tokdash::model::{ApiError, FIELD_ROLE_ID, NewToken, Token, TokenId, TokenUpdate};
use tokdash::provider::{Account, Registry};
use tokdash::text::{is_hidden, sanitize};

/// `cases` per property unless `PROPTEST_CASES` says otherwise; `PROPTEST_RNG_SEED` fixes the
/// seed.
fn config(cases: u32) -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

// --- providers -------------------------------------------------------------------------------

/// Where sematext lists the apps an API key can see, asked before any app's tokens.
const SEMATEXT_APPS: &str = "/users-web/api/v3/apps";

/// What the loopback server answers every request with, until the next case.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    body: Vec<u8>,
    /// A `Set-Cookie` for fluid's login, so the requests after it are made too.
    cookie: bool,
    retry_after: Option<String>,
    /// When set, sematext's apps list (`GET /users-web/api/v3/apps`) is answered 200 with this
    /// body, as the real service and the sandbox answer it, so the sematext client goes on to
    /// the request `status` and `body` answer; unset, the apps list gets `status` and `body`
    /// like every other request.
    apps: Option<Vec<u8>>,
}

/// Sematext's apps list as the spec and the sandbox (`src/sandbox/sematext.rs`) spell it, with
/// the app the `sematext` account's `app_id = 1` names.
fn sematext_apps() -> Vec<u8> {
    let body = serde_json::json!({
        "success": true,
        "message": null,
        "data": { "apps": [{
            "id": 1,
            "name": "prod-logs",
            "appType": "Logsene",
            "status": "ACTIVE",
            "displayStatus": "Active",
            "ownerEmail": "owner@prod-logs.example",
            "token": "app-secret",
            "tokens": ["app-secret"],
        }] },
        "errors": [],
    });
    serde_json::to_vec(&body).unwrap()
}

/// One runtime, one server and one registry of every provider, shared by all cases.
struct World {
    runtime: tokio::runtime::Runtime,
    answer: Arc<Mutex<Answer>>,
    accounts: Vec<Account>,
}

/// The one answer the server gives is shared: a test sets it and reads what the clients make of
/// it while holding this, so tests running in parallel never answer each other's requests.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: Vec::new(),
        cookie: false,
        retry_after: None,
        apps: None,
    }));
    let shared = answer.clone();
    let base = runtime.block_on(async move {
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let answer = shared.lock().unwrap().clone();
            async move {
                if let Some(apps) = answer.apps.filter(|_| uri.path() == SEMATEXT_APPS) {
                    return (StatusCode::OK, apps).into_response();
                }
                let status = StatusCode::from_u16(answer.status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = (status, answer.body).into_response();
                let headers = response.headers_mut();
                if answer.cookie {
                    headers.insert(
                        "set-cookie",
                        HeaderValue::from_static("fluid_session=s3ss10n; Path=/"),
                    );
                }
                if let Some(v) = answer
                    .retry_after
                    .and_then(|v| HeaderValue::from_str(&v).ok())
                {
                    headers.insert("retry-after", v);
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let text = format!(
        r#"
[http]
timeout_secs = 5

# Each answer is decoded once: a retry would only wait and ask again for the same answer.
[network]
read_retries = 0

[[accounts]]
name = "fluid-session"
provider = "fluid"
base_url = "{base}"
org_slug = "acme"
credential = {{ value = "session-value" }}

[[accounts]]
name = "fluid-login"
provider = "fluid"
base_url = "{base}"
org_slug = "acme"
login = {{ email = "ops@example.com", password = {{ value = "pass-word" }} }}

[[accounts]]
name = "lagrello"
provider = "lagrello"
base_url = "{base}"
credential = {{ value = "lagrello-key" }}

[[accounts]]
name = "qovery"
provider = "qovery"
base_url = "{base}"
organization_id = "5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90"
credential = {{ value = "qovery-token" }}

[[accounts]]
name = "sematext"
provider = "sematext"
base_url = "{base}"
app_id = 1
credential = {{ value = "sematext-key" }}
"#
    );
    let config = config::parse(std::path::Path::new("properties"), &text).unwrap();
    let accounts = Registry::from_config(&config, false).unwrap().accounts;
    World {
        runtime,
        answer,
        accounts,
    }
});

/// Leaves: every JSON kind, strings rich in hostile characters.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0i64..20).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
        "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202e}\u{200b}\u{e0041}]){0,16}".prop_map(Value::from),
        Just(Value::from("2026-03-07T10:15:30Z")),
        Just(Value::from("13777603-bdf9-48f7-a493-3b4a94e8be02")),
    ]
}

/// Every field name the four providers' wire formats use, and a stranger.
const KEYS: &[&str] = &[
    "id",
    "name",
    "token",
    "tokens",
    "data",
    "results",
    "success",
    "message",
    "errors",
    "detail",
    "title",
    "paging",
    "next",
    "tokenKey",
    "tokenName",
    "createdBy",
    "createdAt",
    "created_at",
    "updated_at",
    "permissions",
    "readable",
    "writeable",
    "enabled",
    "description",
    "role_name",
    "role_id",
    "status",
    "x",
];

/// A JSON object of some of `keys`, each holding what `value` makes.
fn object(value: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    proptest::collection::vec((prop::sample::select(KEYS), value), 0..8).prop_map(|pairs| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

/// Bodies that are JSON of the providers' shapes, nested a few levels, with any values.
fn json_body() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 96, 24, |inner| {
        prop_oneof![
            2 => object(inner.clone().boxed()),
            1 => proptest::collection::vec(inner, 0..25).prop_map(Value::Array),
        ]
    })
}

/// Mostly what the field should hold, sometimes anything.
fn mostly(right: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![30 => right, 1 => leaf()].boxed()
}

fn text() -> BoxedStrategy<Value> {
    prop_oneof![
        "[ -~]{0,12}".prop_map(Value::from),
        "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202e}\u{200b}\u{e0041}]){0,16}".prop_map(Value::from),
    ]
    .boxed()
}

fn time() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::from("2026-03-07T10:15:30Z")),
        Just(Value::from("2021-09-20T10:11:12.000+00:00")),
        text(),
    ]
    .boxed()
}

fn boolean() -> BoxedStrategy<Value> {
    any::<bool>().prop_map(Value::from).boxed()
}

/// An object with each of `fields` present or not.
fn shaped(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let parts: Vec<_> = fields
        .into_iter()
        .map(|(k, v)| proptest::option::weighted(0.85, v).prop_map(move |v| (k, v)))
        .collect();
    parts
        .prop_map(|pairs| {
            Value::Object(
                pairs
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?)))
                    .collect::<Map<String, Value>>(),
            )
        })
        .boxed()
}

fn list_of(item: BoxedStrategy<Value>, max: usize) -> BoxedStrategy<Value> {
    proptest::collection::vec(item, 0..max)
        .prop_map(Value::Array)
        .boxed()
}

/// Bodies in one provider's own shapes (its list, create and error bodies), with mostly the
/// right types, so decoding gets past the envelope to the tokens.
fn provider_body() -> BoxedStrategy<Value> {
    let sematext_token = || {
        shaped(vec![
            ("id", mostly(any::<i64>().prop_map(Value::from))),
            ("name", mostly(text())),
            ("token", mostly(text())),
            ("readable", mostly(boolean())),
            ("writeable", mostly(boolean())),
            ("enabled", mostly(boolean())),
            ("createdAt", mostly(time())),
        ])
    };
    let sematext = shaped(vec![
        ("success", mostly(boolean())),
        ("message", mostly(text())),
        (
            "data",
            shaped(vec![
                ("tokens", list_of(sematext_token(), 5)),
                ("token", sematext_token()),
            ]),
        ),
        (
            "errors",
            list_of(shaped(vec![("message", mostly(text()))]), 2),
        ),
    ]);
    let lagrello_token = || {
        shaped(vec![
            ("tokenKey", mostly(text())),
            ("tokenName", mostly(text())),
            ("createdBy", mostly(text())),
            ("createdAt", mostly(time())),
            ("permissions", mostly(list_of(text(), 3))),
        ])
    };
    let lagrello = prop_oneof![
        shaped(vec![
            ("data", list_of(lagrello_token(), 25)),
            ("paging", shaped(vec![("next", mostly(text()))])),
            ("message", mostly(text())),
        ]),
        lagrello_token(),
    ];
    let qovery_token = || {
        shaped(vec![
            (
                "id",
                mostly(prop_oneof![
                    Just(Value::from("0b6f2a6e-3c1d-4e5f-8a9b-1c2d3e4f5a6b")),
                    text()
                ]),
            ),
            ("name", mostly(text())),
            ("created_at", mostly(time())),
            ("updated_at", mostly(time())),
            ("description", mostly(text())),
            ("role_name", mostly(text())),
            ("role_id", mostly(text())),
            ("token", mostly(text())),
        ])
    };
    let qovery = prop_oneof![
        shaped(vec![
            ("results", list_of(qovery_token(), 5)),
            ("detail", mostly(text())),
        ]),
        qovery_token(),
    ];
    let fluid_token = || {
        shaped(vec![
            ("id", mostly(text())),
            ("name", mostly(text())),
            ("created_at", mostly(time())),
            ("token", mostly(text())),
        ])
    };
    let fluid = prop_oneof![
        shaped(vec![("tokens", list_of(fluid_token(), 5))]),
        fluid_token(),
    ];
    prop_oneof![sematext, lagrello.boxed(), qovery.boxed(), fluid.boxed()].boxed()
}

fn answer() -> impl Strategy<Value = Answer> {
    let status = prop_oneof![
        4 => Just(200u16),
        1 => Just(201u16),
        1 => Just(204u16),
        3 => prop::sample::select(vec![400u16, 401, 403, 404, 409, 422, 429, 500, 502, 503]),
        1 => 200u16..600,
    ];
    let body = prop_oneof![
        4 => provider_body().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        2 => json_body().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        1 => json_body().prop_map(|v| {
            // Cut short: truncated JSON.
            let bytes = serde_json::to_vec(&v).unwrap();
            bytes[..bytes.len() / 2].to_vec()
        }),
    ];
    let retry_after = proptest::option::of(prop_oneof!["[0-9]{1,6}", "[ -~]{0,8}"]);
    // Half the time sematext's apps list answers well, so its token requests meet the answer
    // too; the other half the apps list itself gets it.
    let apps = proptest::option::of(Just(sematext_apps()));
    (status, body, any::<bool>(), retry_after, apps).prop_map(
        |(status, body, cookie, retry_after, apps)| Answer {
            status,
            body,
            cookie,
            retry_after,
            apps,
        },
    )
}

/// Text as the sanitizer leaves it: nothing hidden, and a second pass would change nothing.
fn assert_shown_safe(what: &str, text: &str) {
    assert!(
        !text.chars().any(is_hidden) && sanitize(text) == text,
        "{what} is not safe for a terminal: {text:?}"
    );
}

fn check_token(t: &Token) {
    assert_shown_safe("an id", t.id.as_str());
    assert_shown_safe("a name", &t.name);
    for s in &t.scopes {
        assert_shown_safe("a scope", s);
    }
    if let Some(d) = &t.description {
        assert_shown_safe("a description", d);
    }
    for (k, v) in &t.extra {
        assert_shown_safe("an extra", &format!("{k}{v}"));
    }
}

fn check_error(e: &ApiError) {
    assert_shown_safe("an error", &e.to_string());
}

/// Every operation of every account against the answer: each ends in a value or a typed error.
async fn every_operation(accounts: &[Account]) {
    for account in accounts {
        let client = &account.client;
        let id = match account.name.as_str() {
            "qovery" => "0b6f2a6e-3c1d-4e5f-8a9b-1c2d3e4f5a6b",
            "sematext" => "42",
            _ => "tok-1",
        };
        match client.list().await {
            Ok(tokens) => tokens.tokens.iter().for_each(check_token),
            Err(e) => check_error(&e),
        }
        let mut new = NewToken::named("prop");
        if account.name == "lagrello" {
            new.permissions = vec!["READ".into()];
        }
        match client.create(new).await {
            Ok(created) => check_token(&created.token),
            Err(e) => check_error(&e),
        }
        if let Err(e) = client.delete(TokenId::new(id)).await {
            check_error(&e);
        }
        let change = TokenUpdate {
            name: Some("renamed".into()),
            enabled: Some(false),
        };
        match client.update(TokenId::new(id), change).await {
            Ok(token) => check_token(&token),
            Err(e) => check_error(&e),
        }
        match client.regenerate(TokenId::new(id)).await {
            Ok(created) => check_token(&created.token),
            Err(e) => check_error(&e),
        }
        match client.form_choices(FIELD_ROLE_ID).await {
            Ok(choices) => choices
                .iter()
                .for_each(|c| assert_shown_safe("a choice", &format!("{}{}", c.id, c.label))),
            Err(e) => check_error(&e),
        }
    }
}

proptest! {
    #![proptest_config(config(40))]

    /// Any status and body, for every provider and every operation: a value or a typed error
    /// whose text is safe to show, never a panic.
    #[test]
    fn every_provider_decodes_any_answer_without_panicking(answer in answer()) {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let world = &*WORLD;
        *world.answer.lock().unwrap() = answer;
        world.runtime.block_on(every_operation(&world.accounts));
    }
}

// --- the configuration ------------------------------------------------------------------------

/// Lines of configuration: the real keys and tables, with any values, and anything at all.
fn config_text() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "name",
        "provider",
        "base_url",
        "credential",
        "read_only",
        "allow_insecure_http",
        "org_slug",
        "cookie_name",
        "login",
        "organization_id",
        "region",
        "app_id",
        "stale_after_days",
        "timeout_secs",
        "max_response_mb",
        "mouse",
        "clipboard",
        "quit",
        "na\u{1b}me",
    ]);
    let value = prop_oneof![
        Just("\"sematext\"".to_owned()),
        Just("\"fluid\"".to_owned()),
        Just("\"qovery\"".to_owned()),
        Just("\"lagrello\"".to_owned()),
        Just("\"https://api.example.com\"".to_owned()),
        Just("{ env = \"X\" }".to_owned()),
        Just("{ value = \"hunter2\" }".to_owned()),
        Just("{ command = [\"true\"] }".to_owned()),
        Just("{ email = \"a@b.c\", password = { env = \"P\" } }".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        "(\\PC|[\u{0}-\u{1f}\u{202e}]){0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        "[ -~]{0,12}",
    ];
    let line = prop_oneof![
        6 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => prop::sample::select(vec!["[[accounts]]", "[http]", "[ui]", "[keys]", "[x]"])
            .prop_map(str::to_owned),
        1 => "(\\PC|[\u{0}-\u{1f}]){0,30}",
    ];
    proptest::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

static CONFIG_DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());

proptest! {
    #![proptest_config(config(256))]

    /// Any text: a configuration or an error naming the file, safe to show; never a panic. The
    /// accounts' own keys are checked too, as tokdash does before it starts.
    #[test]
    fn the_config_parser_takes_any_text(text in config_text()) {
        let path = CONFIG_DIR.path().join("config.toml");
        let _ = std::fs::remove_file(&path);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
        drop(file);
        let loaded = config::load_file(&path)
            .and_then(|c| Registry::from_config(&c, false).map(|_| c));
        if let Err(e) = loaded {
            let shown = e.to_string();
            prop_assert!(
                !shown.chars().any(is_hidden) && sanitize(&shown) == shown,
                "{:?}", shown
            );
            prop_assert!(shown.starts_with(&path.display().to_string()), "{}", shown);
        }
    }

    /// Bytes that are not even text: a typed error.
    #[test]
    fn the_config_parser_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &bytes).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        if let Err(e) = config::load_file(&path) {
            let shown = e.to_string();
            prop_assert!(!shown.chars().any(is_hidden) && sanitize(&shown) == shown);
        }
    }
}

#[test]
fn the_properties_see_real_answers_too() {
    // A well-formed list reaches tokens, so the decoding above is not all errors.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let world = &*WORLD;
    let body = serde_json::json!({
        "success": true,
        "data": { "tokens": [{ "id": 7, "name": "a\u{1b}[2Jb", "token": "s", "enabled": true }] },
    });
    *world.answer.lock().unwrap() = Answer {
        status: 200,
        body: serde_json::to_vec(&body).unwrap(),
        cookie: false,
        retry_after: None,
        apps: Some(sematext_apps()),
    };
    let sematext = world
        .accounts
        .iter()
        .find(|a| a.name == "sematext")
        .unwrap();
    let tokens = world.runtime.block_on(sematext.client.list()).unwrap();
    assert_eq!(tokens.tokens.len(), 1);
    assert_eq!(tokens.tokens[0].name, "a\\x1b[2Jb");
}
