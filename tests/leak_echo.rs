//! A provider, or a proxy in front of it, that echoes the request back in its error answers
//! (the `Authorization` header, a session cookie, a login body) gets nothing of the credential
//! shown on stderr, put in the JSON errors, written to the audit trail or logged: the provider
//! layer cuts every secret a request carried out of every error answer (src/provider/http.rs).

mod common;

use common::cli::{code, setup_with, stderr, stdout};
use tokdash::sandbox::SandboxOptions;

/// A provider, or a proxy in front of it, that echoes each request (its headers, then its body)
/// back in an error answer: status from the first path segment of the account's base URL, the
/// echo after as many filler characters as the second says, in every field the providers read
/// their words from.
async fn echoing_server() -> String {
    use axum::http::{HeaderMap, StatusCode, Uri};
    use axum::response::IntoResponse;
    async fn echo(uri: Uri, headers: HeaderMap, body: String) -> axum::response::Response {
        let mut segments = uri.path().trim_start_matches('/').split('/');
        let status = segments
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let pad: usize = segments.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let mut echo = "x".repeat(pad);
        for (name, value) in &headers {
            echo.push_str(&format!(
                "{name}: {} ",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        echo.push_str(&body);
        let json = serde_json::json!({
            "success": false,
            "message": echo,
            "detail": echo,
            "errors": [{ "message": echo }],
        });
        (status, axum::Json(json)).into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(echo)).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_that_echoes_the_request_gets_no_credential_shown_or_stored() {
    let base = echoing_server().await;
    let mut env = setup_with(SandboxOptions::default()).await;
    env.log_level = Some("trace");
    // 401 with the echo first, 500 with it where a message is cut to length, and (for sematext,
    // whose envelope can say `success: false` in a 2xx) 200.
    let mut config = String::new();
    let mut credentials = Vec::new();
    let mut accounts = Vec::new();
    for (status, pad) in [(401, 0), (500, 262), (200, 0)] {
        let at = format!("{base}/{status}/{pad}");
        let mut add = |name: String, provider: &str, keys: String, credential: String| {
            if status == 200 && provider != "sematext" {
                return;
            }
            config.push_str(&format!(
                "[[accounts]]\nname = \"{name}\"\nprovider = \"{provider}\"\n\
                 base_url = \"{at}\"\n{keys}"
            ));
            credentials.push(credential);
            accounts.push((name, provider.to_owned()));
        };
        let secret = |what: &str| format!("{what}-{status}-5e1c0a7b9d2f4e6a8c3b");
        let c = secret("sematext-key");
        add(
            format!("sematext-{status}"),
            "sematext",
            format!("app_id = 1\ncredential = {{ value = \"{c}\" }}\n"),
            c,
        );
        let c = secret("qovery-token");
        add(
            format!("qovery-{status}"),
            "qovery",
            format!(
                "organization_id = \"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90\"\n\
                 credential = {{ value = \"{c}\" }}\n"
            ),
            c,
        );
        let c = secret("lagrello-bearer");
        add(
            format!("lagrello-{status}"),
            "lagrello",
            format!("credential = {{ value = \"{c}\" }}\n"),
            c,
        );
        let c = secret("fluid-session");
        add(
            format!("fluid-{status}"),
            "fluid",
            format!("org_slug = \"acme\"\ncredential = {{ value = \"{c}\" }}\n"),
            c,
        );
        let c = secret("fluid-password");
        add(
            format!("fluid-login-{status}"),
            "fluid",
            format!(
                "org_slug = \"acme\"\n\
                 login = {{ email = \"ops@example.com\", password = {{ value = \"{c}\" }} }}\n"
            ),
            c,
        );
    }
    std::fs::write(&env.config, config).unwrap();

    let mut outputs = Vec::new();
    let listed = env.run(&["list", "--format", "json"]);
    assert_eq!(
        code(&listed),
        1,
        "every account failed: {}",
        stderr(&listed)
    );
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), accounts.len(), "{json}");
    outputs.push(listed);
    outputs.push(env.run(&["list"]));
    for (account, provider) in &accounts {
        let id = match provider.as_str() {
            "sematext" => "42",
            "qovery" => "0b6f2a6e-3c1d-4e5f-8a9b-1c2d3e4f5a6b",
            _ => "some-token",
        };
        outputs.push(env.run(&["delete", "--account", account, "--id", id, "--yes"]));
        outputs.push(env.run(&["create", "--account", account, "--name", "echo"]));
    }

    let log = std::fs::read_to_string(env.state_file("tokdash.log")).unwrap();
    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    for credential in &credentials {
        // Nor the head of one, left where a long message is cut.
        let head = &credential[..14];
        for (what, text) in [("log", &log), ("audit", &audit)] {
            assert!(!text.contains(head), "{what} holds {head}: {text}");
        }
        for out in &outputs {
            assert!(!stderr(out).contains(head), "stderr: {}", stderr(out));
            assert!(!stdout(out).contains(head), "stdout: {}", stdout(out));
        }
    }
    // The echo really came back, redacted, so the silence above means something.
    let shown = stdout(&outputs[0]);
    assert!(
        shown.contains("authorization: apiKey [redacted]"),
        "{shown}"
    );
    assert!(
        shown.contains("authorization: Bearer [redacted]"),
        "{shown}"
    );
    assert!(shown.contains("authorization: Token [redacted]"), "{shown}");
    assert!(audit.contains("[redacted]"), "{audit}");
}
