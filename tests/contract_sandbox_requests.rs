//! The sandbox takes every request the providers' own generated OpenAPI clients send, over real
//! HTTP, for every operation of every provider; and it still refuses what the specs refuse.
//!
//! Generated clients are less tidy than tokdash: they send `Content-Type: application/json` on
//! every request, bodies or not (an empty body, or `{}`), `Accept: */*`, their own user agent,
//! a charset after the media type, extra query parameters (cache busters, unknown filters) and
//! bodies with every optional field. The real services take all of these, so a sandbox that
//! refused one would fail a user's own scripts that the real service serves.
//!
//! Which operations there are comes from the specs in `../shared/providers/specs/`: every one
//! tokdash uses must have been sent here (qovery's policy tokens are not its business).

mod common {
    pub mod sandbox;
    pub mod spec;
}

use reqwest::Method;
use serde_json::Value;
use tokdash::provider::ProviderKind;
use tokdash::sandbox::{Sandbox, SandboxOptions};

/// How a generated client frames a request without a body (GET, DELETE, sematext's
/// regenerate): a JSON content type over an empty body or `{}`, `Accept: */*`, an extra query
/// parameter.
const BODILESS: [(&str, &str); 3] = [
    ("application/json", ""),
    ("application/json", "{}"),
    ("application/json; charset=utf-8", ""),
];

/// One account of the sandbox as a generated client would be set up for it.
struct Caller {
    base: String,
    /// The auth header's name and value.
    auth: (&'static str, String),
    http: reqwest::Client,
}

impl Caller {
    fn new(sandbox: &Sandbox, account: &str) -> Caller {
        let credential = common::sandbox::credential(sandbox, account);
        let kind = sandbox.account(account).unwrap().provider;
        let auth = match kind {
            ProviderKind::Fluid => ("cookie", format!("theme=dark; fluid_session={credential}")),
            ProviderKind::Lagrello => ("authorization", format!("Bearer {credential}")),
            ProviderKind::Qovery => ("authorization", format!("Token {credential}")),
            ProviderKind::Sematext => ("authorization", format!("apiKey {credential}")),
        };
        Caller {
            base: sandbox.base_url(),
            auth,
            http: reqwest::Client::new(),
        }
    }

    /// Send as a generated client does; `authed` false leaves the credential out.
    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: &str,
        authed: bool,
    ) -> (u16, Value) {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{}{path}{sep}_cacheBust=1700000000", self.base);
        let mut request = self
            .http
            .request(method, url)
            .header("accept", "*/*")
            .header("user-agent", "OpenAPI-Generator/1.0.0/go")
            .header("content-type", content_type)
            .body(body.to_owned());
        if authed {
            request = request.header(self.auth.0, &self.auth.1);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A request the sandbox must take: a 2xx, with its JSON body.
    async fn ok(&self, method: Method, path: &str, content_type: &str, body: &str) -> Value {
        let (status, json) = self
            .send(method.clone(), path, content_type, body, true)
            .await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} ({content_type}, body {body:?}) got HTTP {status}: {json}"
        );
        json
    }

    /// Every bodiless framing of one request is taken.
    async fn ok_bodiless(&self, method: Method, path: &str) -> Value {
        let mut last = Value::Null;
        for (content_type, body) in BODILESS {
            last = self.ok(method.clone(), path, content_type, body).await;
        }
        last
    }

    /// A request the spec refuses is still refused, with `status`.
    async fn refused(&self, status: u16, method: Method, path: &str, body: &str, authed: bool) {
        let (got, json) = self
            .send(method.clone(), path, "application/json", body, authed)
            .await;
        assert_eq!(
            got, status,
            "{method} {path} (body {body:?}, authed: {authed}) must be refused: {json}"
        );
    }
}

async fn sandbox() -> Sandbox {
    common::sandbox::start(SandboxOptions {
        accounts_per_provider: 2,
        tokens_per_account: 3,
        ..SandboxOptions::default()
    })
    .await
}

fn setting(sandbox: &Sandbox, account: &str, key: &str) -> String {
    let value = sandbox.account(account).unwrap().setting(key).unwrap();
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn fluid_takes_generated_client_requests_and_refuses_what_the_spec_refuses() {
    let sandbox = sandbox().await;
    // fluid-2 carries a session cookie (fluid-1 logs in), as an owner of its org.
    let caller = Caller::new(&sandbox, "fluid-2");
    let tokens = format!(
        "/v1/orgs/{}/hosts/tokens",
        setting(&sandbox, "fluid-2", "org_slug")
    );

    caller.ok_bodiless(Method::GET, &tokens).await;
    let mut ids = Vec::new();
    for content_type in ["application/json", "application/json; charset=utf-8"] {
        let created = caller
            .ok(
                Method::POST,
                &tokens,
                content_type,
                "{\n  \"name\": \"gen-client\"\n}\n",
            )
            .await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    for (id, (content_type, body)) in ids.iter().zip(BODILESS) {
        let path = format!("{tokens}/{id}");
        caller.ok(Method::DELETE, &path, content_type, body).await;
    }

    for (method, path) in [(Method::GET, &tokens), (Method::POST, &tokens)] {
        caller
            .refused(401, method, path, "{\"name\":\"x\"}", false)
            .await;
    }
    caller
        .refused(400, Method::POST, &tokens, "{\"name\":1}", true)
        .await;
    // The real server decodes strictly: an unknown field is refused.
    let expires = "{\"name\":\"x\",\"expires_at\":\"2030-01-01T00:00:00Z\"}";
    caller
        .refused(400, Method::POST, &tokens, expires, true)
        .await;
    assert_covers(&sandbox, "fluid.yaml", &[]);
}

#[tokio::test]
async fn lagrello_takes_generated_client_requests_and_refuses_what_the_spec_refuses() {
    let sandbox = sandbox().await;
    let caller = Caller::new(&sandbox, "lagrello-1");

    caller.ok_bodiless(Method::GET, "/v1/tokens").await;
    caller
        .ok_bodiless(Method::GET, "/v1/tokens?size=20&page=1")
        .await;
    let body = "{\"tokenName\":\"gen-client\",\"permissions\":[\"READ\",\"WRITE\"]}";
    let mut keys = Vec::new();
    for _ in BODILESS {
        let created = caller
            .ok(
                Method::POST,
                "/v1/tokens",
                "application/json; charset=utf-8",
                body,
            )
            .await;
        keys.push(created["tokenKey"].as_str().unwrap().to_owned());
    }
    for (key, (content_type, body)) in keys.iter().zip(BODILESS) {
        let path = format!("/v1/tokens/{key}");
        caller.ok(Method::DELETE, &path, content_type, body).await;
    }

    // A wrong or missing token is 403 at lagrello.
    caller
        .refused(403, Method::GET, "/v1/tokens", "", false)
        .await;
    caller
        .refused(403, Method::POST, "/v1/tokens", body, false)
        .await;
    caller
        .refused(
            403,
            Method::DELETE,
            &format!("/v1/tokens/{}", keys[0]),
            "",
            false,
        )
        .await;
    caller
        .refused(400, Method::POST, "/v1/tokens", "{\"tokenName\":1}", true)
        .await;
    caller
        .refused(
            400,
            Method::POST,
            "/v1/tokens",
            "{\"permissions\":[]}",
            true,
        )
        .await;
    caller
        .refused(400, Method::GET, "/v1/tokens?size=50", "", true)
        .await;
    assert_covers(&sandbox, "lagrello.yaml", &[]);
}

#[tokio::test]
async fn qovery_takes_generated_client_requests_and_refuses_what_the_spec_refuses() {
    let sandbox = sandbox().await;
    let caller = Caller::new(&sandbox, "qovery-1");
    let org = setting(&sandbox, "qovery-1", "organization_id");
    let tokens = format!("/organization/{org}/apiToken");
    let roles = format!("/organization/{org}/availableRole");

    caller.ok_bodiless(Method::GET, &tokens).await;
    caller
        .ok_bodiless(Method::GET, &format!("{tokens}?name=a&creatorName=b"))
        .await;
    let listed = caller.ok_bodiless(Method::GET, &roles).await;
    let role = listed["results"][0]["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (n, _) in BODILESS.iter().enumerate() {
        // Every field a generated client knows, the nullable ones as null.
        let body = serde_json::json!({
            "name": format!("gen-client-{n}"),
            "description": "made by a generated client",
            "role_id": if n == 0 { Value::Null } else { Value::from(role.clone()) },
            "scope": Value::Null,
        });
        let created = caller
            .ok(
                Method::POST,
                &tokens,
                "application/json; charset=utf-8",
                &body.to_string(),
            )
            .await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    for (id, (content_type, body)) in ids.iter().zip(BODILESS) {
        let path = format!("{tokens}/{id}");
        caller.ok(Method::DELETE, &path, content_type, body).await;
    }

    let valid = "{\"name\":\"x\",\"role_id\":null}";
    for (method, path) in [
        (Method::GET, &tokens),
        (Method::POST, &tokens),
        (Method::GET, &roles),
        (Method::DELETE, &format!("{tokens}/{}", ids[0])),
    ] {
        caller.refused(401, method, path, valid, false).await;
    }
    caller
        .refused(
            400,
            Method::POST,
            &tokens,
            "{\"name\":1,\"role_id\":null}",
            true,
        )
        .await;
    caller
        .refused(400, Method::POST, &tokens, "{\"name\":\"x\"}", true)
        .await;
    let null_description = "{\"name\":\"x\",\"description\":null,\"role_id\":null}";
    caller
        .refused(400, Method::POST, &tokens, null_description, true)
        .await;
    let unused = "qovery's policy tokens are not managed by tokdash";
    assert_covers(
        &sandbox,
        "qovery.yaml",
        &[
            ("GET /organization/{organizationId}/policyApiToken", unused),
            ("POST /organization/{organizationId}/policyApiToken", unused),
            (
                "DELETE /organization/{organizationId}/policyApiToken/{policyApiTokenId}",
                unused,
            ),
        ],
    );
}

#[tokio::test]
async fn sematext_takes_generated_client_requests_and_refuses_what_the_spec_refuses() {
    let sandbox = sandbox().await;
    let caller = Caller::new(&sandbox, "sematext-1");
    let app = setting(&sandbox, "sematext-1", "app_id");
    let tokens = format!("/users-web/api/v3/apps/{app}/tokens");

    caller
        .ok_bodiless(Method::GET, "/users-web/api/v3/apps")
        .await;
    caller.ok_bodiless(Method::GET, &tokens).await;
    let body = "{\"name\":\"gen-client\",\"readable\":true,\"writeable\":false}";
    let mut ids = Vec::new();
    for _ in BODILESS {
        let created = caller
            .ok(
                Method::POST,
                &tokens,
                "application/json; charset=utf-8",
                body,
            )
            .await;
        ids.push(created["data"]["token"]["id"].as_i64().unwrap());
    }
    let update = "{\"name\":\"renamed\",\"enabled\":false}";
    for (id, (content_type, bodiless)) in ids.iter().zip(BODILESS) {
        let token = format!("{tokens}/{id}");
        caller
            .ok(
                Method::PUT,
                &token,
                "application/json; charset=utf-8",
                update,
            )
            .await;
        caller
            .ok(Method::PUT, &token, "application/json", "{}")
            .await;
        let regenerate = format!("{token}/regenerate");
        caller
            .ok(Method::POST, &regenerate, content_type, bodiless)
            .await;
        caller
            .ok(Method::DELETE, &token, content_type, bodiless)
            .await;
    }

    let token = format!("{tokens}/{}", sandbox_token(&caller, &tokens).await);
    for (method, path) in [
        (Method::GET, "/users-web/api/v3/apps".to_owned()),
        (Method::GET, tokens.clone()),
        (Method::POST, tokens.clone()),
        (Method::PUT, token.clone()),
        (Method::POST, format!("{token}/regenerate")),
        (Method::DELETE, token.clone()),
    ] {
        caller.refused(401, method, &path, "", false).await;
    }
    caller
        .refused(400, Method::POST, &tokens, "{\"readable\":\"yes\"}", true)
        .await;
    caller
        .refused(400, Method::PUT, &token, "{\"enabled\":\"no\"}", true)
        .await;
    caller.refused(400, Method::PUT, &token, "", true).await;
    // Regenerate and delete take no body: `{}` is how a generated client says none, but a body
    // with content is refused.
    let content = "{\"name\":\"x\"}";
    caller
        .refused(
            400,
            Method::POST,
            &format!("{token}/regenerate"),
            content,
            true,
        )
        .await;
    caller
        .refused(400, Method::DELETE, &token, content, true)
        .await;
    caller
        .ok(Method::POST, &tokens, "Application/JSON", body)
        .await;
    let (status, _) = caller
        .send(Method::POST, &tokens, "text/plain", body, true)
        .await;
    assert_eq!(status, 415, "a create body must be sent as JSON");
    let (status, _) = caller
        .send(Method::POST, &tokens, "application/jsonp", body, true)
        .await;
    assert_eq!(status, 415, "application/jsonp is not JSON");
    assert_covers(&sandbox, "sematext.yaml", &[]);
}

/// The id of a token the sandbox lists in `tokens`.
async fn sandbox_token(caller: &Caller, tokens: &str) -> i64 {
    let listed = caller.ok(Method::GET, tokens, "application/json", "").await;
    listed["data"]["tokens"][0]["id"].as_i64().unwrap()
}

/// Every operation of `spec` but those `unused` names was sent to the sandbox (each request
/// above already asserted its answer). Skipped, saying so, without `../shared` outside CI.
fn assert_covers(sandbox: &Sandbox, spec: &str, unused: &[(&str, &str)]) {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !common::spec::specs_dir().is_dir() {
        assert!(!in_ci, "../shared/providers/specs is missing under CI");
        eprintln!("SKIP coverage check: ../shared/providers/specs not found");
        return;
    }
    let requests = sandbox.requests();
    let missing: Vec<String> = common::spec::operations(std::path::Path::new(spec))
        .into_iter()
        .filter(|op| !unused.iter().any(|(name, _)| *name == op.name()))
        .filter(|op| {
            !requests.iter().any(|r| {
                let path = r.uri.split('?').next().unwrap_or_default();
                op.matches(r.method.as_str(), path)
            })
        })
        .map(|op| op.name())
        .collect();
    assert!(
        missing.is_empty(),
        "{spec}: operations never sent here: {missing:?}"
    );
}
