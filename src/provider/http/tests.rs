//! Tests of the request plumbing in `http.rs` that need a live loopback server or reach its
//! private parts (redirects, echoed secrets, status mapping); kept apart so `http.rs` reads as code.

use std::time::Duration;

use reqwest::header::RETRY_AFTER;

use super::*;

/// A loopback server that answers every request with a redirect to `location`.
async fn redirecting_server(location: &'static str) -> Url {
    let app = axum::Router::new().fallback(move || async move {
        (
            StatusCode::TEMPORARY_REDIRECT,
            [(LOCATION, HeaderValue::from_static(location))],
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}")).unwrap()
}

#[tokio::test]
async fn a_redirect_error_names_only_the_origin_never_the_path() {
    let key = "13777603-bdf9-48f7-a493-3b4a94e8be02";
    let settings = HttpSettings::default();
    for location in [
        "https://elsewhere.example/v1/tokens/13777603-bdf9-48f7-a493-3b4a94e8be02?x=1",
        "/v2/tokens/13777603-bdf9-48f7-a493-3b4a94e8be02",
    ] {
        let base = redirecting_server(location).await;
        let ep = Endpoint::new(build_client(&settings), base, &settings);
        let url = ep.url(&format!("/v1/tokens/{key}"));
        let err = ep.send(ep.client().delete(url)).await.unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, ApiError::Redirect { status: 307, .. }),
            "{text}"
        );
        assert!(!text.contains(key), "{text}");
        assert!(!text.contains("/v"), "{text}");
        if location.starts_with("https") {
            assert!(text.contains("https://elsewhere.example"), "{text}");
        } else {
            assert!(text.contains("same server"), "{text}");
        }
    }
}

/// A loopback server that echoes each request, headers and body, in its answer: with the
/// status the path's first segment names, as a JSON `message` (after `pad` filler
/// characters) or, under `/text`, as plain text.
async fn echoing_server() -> Url {
    async fn echo(
        uri: axum::http::Uri,
        headers: HeaderMap,
        body: String,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
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
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        echo.push_str(&body);
        if uri.path().contains("/text") {
            (status, echo).into_response()
        } else {
            let json = serde_json::json!({ "message": echo, "echo": { "headers": echo } });
            // Escape every character, so only a decoder sees the secret.
            let escaped: String = serde_json::to_string(&json)
                .unwrap()
                .replace("Bearer ", "Bearer\\u0020");
            (status, [("content-type", "application/json")], escaped).into_response()
        }
    }
    let app = axum::Router::new().fallback(echo);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}")).unwrap()
}

#[tokio::test]
async fn an_error_answer_that_echoes_the_request_has_every_held_secret_cut_out() {
    let settings = HttpSettings::default();
    let ep = Endpoint::new(build_client(&settings), echoing_server().await, &settings);
    let credential = SecretString::from("cred-7f3a9c2e-5b1d-4e8a".to_owned());
    let password = SecretString::from("pass word/+&\"é".to_owned());
    ep.hold(&password);
    for (path, pad) in [
        ("401", 0),
        ("500/290", 290),
        ("403/text", 0),
        ("500/120/text", 120),
    ] {
        let request = ep
            .client()
            .post(ep.url(&format!("/{path}")))
            .header(
                reqwest::header::AUTHORIZATION,
                ep.secret_header("Bearer ", &credential).unwrap(),
            )
            .body(format!(
                "password={}&json={}",
                url::form_urlencoded::byte_serialize(password.expose_secret().as_bytes())
                    .collect::<String>(),
                serde_json::to_string(password.expose_secret()).unwrap()
            ));
        let response = ep.send(request).await.unwrap();
        let body = String::from_utf8(response.body.clone()).unwrap();
        let message = response.error_message(&["message"]);
        let error = status_error(response.status, &response.headers, message).to_string();
        for text in [&body, &error] {
            for secret in [&credential, &password] {
                let secret = secret.expose_secret();
                assert!(!text.contains(secret), "{path}: {text}");
                // Nor a cut-off head of it, where the message is trimmed to length.
                assert!(!text.contains(&secret[..8]), "{path}: {text}");
            }
            assert!(!text.contains("pass+word"), "{path}: {text}");
        }
        assert!(body.contains(REDACTED), "{path}: {body}");
        if !path.contains("text") {
            assert_eq!(error.contains("xxx"), pad > 0, "{error}");
            if pad == 0 {
                assert!(
                    error.contains("authorization: Bearer [redacted]"),
                    "{error}"
                );
            }
        }
    }

    // A 2xx is left whole, and `scrub` serves the words read from one.
    let ok = ep.client().get(ep.url("/200")).header(
        reqwest::header::AUTHORIZATION,
        ep.secret_header("Bearer ", &credential).unwrap(),
    );
    let body = String::from_utf8(ep.send(ok).await.unwrap().body).unwrap();
    assert!(body.contains("Bearer\\u0020cred-7f3a9c2e"), "{body}");
    assert_eq!(
        ep.scrub("a cred-7f3a9c2e-5b1d-4e8acred-7f3a9c2e-5b1d-4e8a b"),
        "a [redacted][redacted] b"
    );
}

#[test]
fn error_message_takes_the_first_non_blank_field_in_order() {
    let response = |body: &str| Response {
        status: StatusCode::BAD_REQUEST,
        headers: HeaderMap::new(),
        body: body.as_bytes().to_vec(),
    };
    let keys = &["detail", "message"];
    let both = response(r#"{"message":"second","detail":"first"}"#);
    assert_eq!(both.error_message(keys).as_deref(), Some("first"));
    let blank = response(r#"{"detail":"  ","message":"used","status":400}"#);
    assert_eq!(blank.error_message(keys).as_deref(), Some("used"));
    assert_eq!(response(r#"{"detail":5}"#).error_message(keys), None);
    assert_eq!(
        response("<html>Bad Gateway</html>").error_message(keys),
        None
    );
    assert_eq!(response("").error_message(keys), None);
}

#[test]
fn url_keeps_a_base_path_prefix() {
    let settings = HttpSettings::default();
    let ep = Endpoint::new(
        build_client(&settings),
        check_base_url("https://h.example/prefix/", false).unwrap(),
        &settings,
    );
    assert_eq!(
        ep.url("/v1/tokens").as_str(),
        "https://h.example/prefix/v1/tokens"
    );
    assert!(ep.same_origin(&Url::parse("https://h.example/other").unwrap()));
    assert!(!ep.same_origin(&Url::parse("https://openapi-generator.tech/").unwrap()));
    assert!(!ep.same_origin(&Url::parse("http://h.example/prefix").unwrap()));
}

#[test]
fn statuses_map_to_kinds_with_the_provider_message() {
    let h = HeaderMap::new();
    assert_eq!(
        status_error(StatusCode::UNAUTHORIZED, &h, None),
        ApiError::Unauthorized("Unauthorized".into())
    );
    assert_eq!(
        status_error(StatusCode::CONFLICT, &h, Some("name taken".into())),
        ApiError::Conflict("name taken".into())
    );
    let mut h429 = HeaderMap::new();
    h429.insert(RETRY_AFTER, HeaderValue::from_static("7"));
    assert_eq!(
        status_error(StatusCode::TOO_MANY_REQUESTS, &h429, None),
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            message: "Too Many Requests".into()
        }
    );
    assert!(matches!(
        status_error(StatusCode::BAD_GATEWAY, &h, Some("<html>".into())),
        ApiError::Server { status: 502, .. }
    ));
    assert_eq!(
        status_error(StatusCode::FORBIDDEN, &h, Some("\x1b[2Jgone".into())),
        ApiError::Forbidden("\\x1b[2Jgone".into())
    );
}

/// A loopback server that counts the requests it holds at once (each for 50 ms) and answers
/// 429 to the first `refuse` of them.
async fn counting_server(refuse: usize) -> (Url, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let now = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let (n, m) = (now.clone(), most.clone());
    let app = axum::Router::new().fallback(move || {
        let (now, most, seen) = (n.clone(), m.clone(), seen.clone());
        async move {
            let held = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(held, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            now.fetch_sub(1, Ordering::SeqCst);
            if seen.fetch_add(1, Ordering::SeqCst) < refuse {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}")).unwrap(), most)
}

#[tokio::test]
async fn requests_in_flight_stay_within_the_overall_bound_across_accounts() {
    use std::sync::atomic::Ordering;
    let (base, most) = counting_server(0).await;
    let settings = HttpSettings::default();
    let limits = Limits::new(NetworkSettings {
        requests_in_flight: 3,
        ..NetworkSettings::default()
    });
    let client = build_client(&settings);
    let accounts: Vec<Endpoint> = (0..5)
        .map(|_| Endpoint::new(client.clone(), base.clone(), &settings).with_limits(limits.clone()))
        .collect();
    let sends = accounts
        .iter()
        .flat_map(|ep| (0..4).map(move |_| ep.send(ep.client().get(ep.url("/")))));
    for answer in futures::future::join_all(sends).await {
        assert_eq!(answer.unwrap().status, StatusCode::OK);
    }
    assert!(most.load(Ordering::SeqCst) <= 3, "{most:?} at once");
}

#[tokio::test]
async fn an_account_answered_429_sends_fewer_at_once() {
    let (base, _) = counting_server(4).await;
    let settings = HttpSettings::default();
    let ep = Endpoint::new(build_client(&settings), base, &settings);
    assert_eq!(ep.window(), 8);
    // Sent once each (a POST is never retried), so the four 429s reach the window.
    let sends = (0..4).map(|_| ep.send(ep.client().post(ep.url("/"))));
    for answer in futures::future::join_all(sends).await {
        assert_eq!(answer.unwrap().status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(ep.window(), 1, "halved on each 429, never below one");
    ep.send(ep.client().get(ep.url("/"))).await.unwrap();
    assert_eq!(ep.window(), 2, "grows back by one per answer");
}
