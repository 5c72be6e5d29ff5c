//! HTTP plumbing shared by every provider client: the one `reqwest::Client`, base-URL rules,
//! capped response reading, the mapping from HTTP status to [`ApiError`], and the scrubbing of
//! the account's secrets out of everything a provider answers with an error. Nothing here knows
//! any provider.
//!
//! **Scrubbing.** A provider (or a proxy in front of it) that echoes the request back in an
//! error body, `Authorization` header and all, would otherwise get the credential shown on
//! screen, written to the log and kept in the audit trail. So every secret an account's requests
//! carry is held by its [`Endpoint`] the moment it is put in a request
//! ([`Endpoint::secret_header`], [`Endpoint::hold`]), and [`Endpoint::send`] cuts every held
//! secret out of the body of every non-2xx answer before anyone reads it: the one place a
//! provider's words enter tokdash. (sematext's `success: false` in a 2xx is read through
//! [`Endpoint::scrub`].) A secret is cut as it is, percent-encoded and JSON-escaped, and inside
//! JSON strings after decoding, so an escaped echo is caught too; what is cut becomes
//! `[redacted]`. It happens before a message is trimmed to length, so no cut-off prefix of a
//! secret survives either.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, StatusCode};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

pub use crate::config::HttpSettings;
use crate::model::{ApiError, TokenId};
use crate::text::{sanitize, truncate};

/// Build the client every account shares. Redirects are never followed: an authenticated request
/// that is redirected could carry its credential elsewhere, and a redirect usually means a wrong
/// `base_url`, which the user should hear about.
pub fn build_client(settings: &HttpSettings) -> Client {
    Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tokdash/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client configuration is static and valid")
}

/// Why a base URL was refused. Each holds the URL as it may be shown: without any user name or
/// password written into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("`{0}` is not a valid URL")]
    Invalid(String),
    #[error(
        "`{0}` uses plain http; use https, or set allow_insecure_http = true for a trusted private network"
    )]
    Insecure(String),
    #[error("`{0}` must use http or https")]
    Scheme(String),
    #[error(
        "`{0}` has a user name or password before its host; remove it (`user:password@`) and give the secret as the account's credential: tokdash would send both"
    )]
    Userinfo(String),
}

/// Check a configured base URL: https, or http to a loopback host, or http where the account
/// opted in; never with a user name or password in it (reqwest would send them as a Basic
/// `Authorization` beside the account's own). A trailing slash is removed so paths can be
/// appended.
pub fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, BaseUrlError> {
    let shown = without_userinfo(raw);
    let url =
        Url::parse(raw.trim_end_matches('/')).map_err(|_| BaseUrlError::Invalid(shown.clone()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Userinfo(shown));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(BaseUrlError::Insecure(shown)),
        _ => Err(BaseUrlError::Scheme(shown)),
    }
}

/// `raw` as it may appear in a message: without a user name or password. A URL that parses with
/// them is shown as parsed, without them; anything else loses whatever stands before an `@` in
/// what would be its authority (after `scheme:` and its slashes, up to the first `/`, `\`, `?`
/// or `#`).
fn without_userinfo(raw: &str) -> String {
    if let Ok(mut url) = Url::parse(raw)
        && (!url.username().is_empty() || url.password().is_some())
        && url.set_username("").is_ok()
        && url.set_password(None).is_ok()
    {
        return url.to_string();
    }
    let scheme_len = raw
        .find(':')
        .filter(|&i| {
            raw[..i].starts_with(|c: char| c.is_ascii_alphabetic())
                && raw[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
        .map_or(0, |i| i + 1);
    let after_scheme = &raw[scheme_len..];
    let start =
        scheme_len + (after_scheme.len() - after_scheme.trim_start_matches(['/', '\\']).len());
    let rest = &raw[start..];
    let authority = &rest[..rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{}{}", &raw[..start], &rest[at + 1..]),
        None => raw.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A provider account's origin plus the shared client, the account's name for messages, and
/// the secrets its requests carry.
/// A token id as one segment of a request path: the one check every provider's token URLs go
/// through. An id that is empty, `.` or `..` (also spelled with `%2e`), or holds `/` or `\`,
/// would make the request name another path than one token (the URL library drops dot segments:
/// `DELETE /v1/tokens/..` would be sent as `DELETE /v1/tokens`), so it is refused before any
/// request, wherever it came from: the command line, a form or a provider's own list. The id
/// itself is never repeated (some ids are secrets).
pub fn token_segment(id: &TokenId) -> Result<&str, ApiError> {
    let raw = id.as_str();
    let dots = raw.to_ascii_lowercase().replace("%2e", ".");
    let what = match raw {
        "" => "an empty id",
        "." => "`.`",
        ".." => "`..`",
        _ if dots == "." || dots == ".." => "an id that spells `.` or `..` in %-escapes",
        _ if raw.contains('/') => "an id with `/` in it",
        _ if raw.contains('\\') => "an id with `\\` in it",
        _ => return Ok(raw),
    };
    Err(ApiError::NotFound(format!(
        "{what} is not a token id: in a request it would name another path than one token, so \
         nothing was sent"
    )))
}

#[derive(Clone)]
pub struct Endpoint {
    client: Client,
    base: Url,
    max_response_bytes: usize,
    account: String,
    held: Held,
}

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The shortest secret held, in bytes (of the secret as it is, before any encoding).
///
/// A shorter "secret" is not held, so never cut out: one to seven bytes occur inside ordinary
/// words (a credential `k` or `loc` would turn "app 2 is locked" into "app 2 is
/// [redacted]ed"), so cutting them destroys every message the provider sends and hides nothing
/// worth hiding: a credential that short is guessed faster than it is read off a screen. Real
/// API keys, tokens and session ids are far longer, so each is still cut wherever it appears.
pub const MIN_HELD_LEN: usize = 8;

/// The secrets one account's requests have carried: its credential, a login password, a session.
/// Clones share them. Only secrets of at least [`MIN_HELD_LEN`] bytes are held.
#[derive(Clone, Default)]
struct Held(Arc<Mutex<Vec<SecretString>>>);

impl Held {
    fn hold(&self, secret: &SecretString) {
        if secret.expose_secret().len() < MIN_HELD_LEN {
            return;
        }
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !held
            .iter()
            .any(|h| h.expose_secret() == secret.expose_secret())
        {
            held.push(secret.clone());
        }
    }

    /// The byte strings to cut out: each secret as it is, percent-encoded and JSON-escaped.
    /// Wiped from memory when dropped, like the secrets themselves.
    fn patterns(&self) -> Vec<Zeroizing<Vec<u8>>> {
        let held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for secret in held.iter() {
            let raw = secret.expose_secret();
            let encoded: Zeroizing<String> =
                Zeroizing::new(url::form_urlencoded::byte_serialize(raw.as_bytes()).collect());
            let quoted = Zeroizing::new(serde_json::to_string(raw).unwrap_or_default());
            let escaped = quoted
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .unwrap_or(raw);
            for form in [raw, encoded.as_str(), escaped] {
                if !patterns.iter().any(|p| p.as_slice() == form.as_bytes()) {
                    patterns.push(Zeroizing::new(form.as_bytes().to_vec()));
                }
            }
        }
        patterns
    }
}

/// `input` with every occurrence of any of `patterns` replaced by [`REDACTED`] (overlapping
/// occurrences together, once), or `None` when none occurs. Patterns are UTF-8, so valid UTF-8
/// stays valid.
fn cut(input: &[u8], patterns: &[Zeroizing<Vec<u8>>]) -> Option<Vec<u8>> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for p in patterns.iter().filter(|p| !p.is_empty()) {
        // Overlapping occurrences too: `aXa` in `aXaXa` is cut whole.
        let finder = memchr::memmem::Finder::new(p.as_slice());
        let mut from = 0;
        while let Some(at) = finder.find(&input[from..]) {
            spans.push((from + at, from + at + p.len()));
            from += at + 1;
        }
    }
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = Vec::with_capacity(input.len());
    let mut done = 0;
    for (start, end) in spans {
        if start >= done {
            out.extend_from_slice(&input[done..start]);
            out.extend_from_slice(REDACTED.as_bytes());
            done = end;
        } else {
            // Overlaps the span just cut: cut it to its end too.
            done = done.max(end);
        }
    }
    out.extend_from_slice(&input[done..]);
    Some(out)
}

/// A body with `patterns` cut out: inside every string (and key) of a JSON body, after decoding,
/// so a secret written with escapes is found too; in the raw bytes of anything else.
fn scrub_body(body: Vec<u8>, patterns: &[Zeroizing<Vec<u8>>]) -> Vec<u8> {
    fn walk(value: &mut serde_json::Value, patterns: &[Zeroizing<Vec<u8>>]) -> bool {
        match value {
            serde_json::Value::String(s) => match cut(s.as_bytes(), patterns) {
                Some(clean) => {
                    *s = String::from_utf8(clean).unwrap_or_else(|_| REDACTED.to_owned());
                    true
                }
                None => false,
            },
            serde_json::Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= walk(item, patterns);
                }
                changed
            }
            serde_json::Value::Object(map) => {
                let mut changed = false;
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    changed |= walk(&mut item, patterns);
                    let key = match cut(key.as_bytes(), patterns) {
                        Some(clean) => {
                            changed = true;
                            String::from_utf8(clean).unwrap_or_else(|_| REDACTED.to_owned())
                        }
                        None => key,
                    };
                    map.insert(key, item);
                }
                changed
            }
            _ => false,
        }
    }
    if patterns.is_empty() {
        return body;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(mut value) => {
            if walk(&mut value, patterns) {
                serde_json::to_vec(&value).unwrap_or_default()
            } else {
                body
            }
        }
        Err(_) => cut(&body, patterns).unwrap_or(body),
    }
}

/// A response whose body has been read in full, within the size cap.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// Decode the body as JSON; unknown fields are ignored by serde's default.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::Decode(format!(
                "HTTP {} with a body that is not the expected JSON ({})",
                self.status.as_u16(),
                e.classify_name()
            ))
        })
    }

    /// Decode the body as JSON if there is one, else `None`; garbage also gives `None`. For error
    /// bodies, which are read leniently.
    pub fn json_lenient<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The first non-blank string among `keys` of a JSON object body: how most providers put
    /// their words in an error body. `None` for no body, garbage, or no such field.
    pub fn error_message(&self, keys: &[&str]) -> Option<String> {
        let body: serde_json::Map<String, serde_json::Value> = self.json_lenient()?;
        keys.iter()
            .filter_map(|k| body.get(*k)?.as_str())
            .find(|m| !m.trim().is_empty())
            .map(str::to_owned)
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "i/o error",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}

impl Endpoint {
    pub fn new(client: Client, base: Url, settings: &HttpSettings) -> Self {
        Endpoint {
            client,
            base,
            max_response_bytes: settings.max_response_bytes,
            account: String::new(),
            held: Held::default(),
        }
    }

    /// The same endpoint, for the account `name` (the registry names every account it builds).
    pub fn for_account(mut self, name: &str) -> Self {
        self.account = sanitize(name);
        self
    }

    /// The account's name, as messages that must name it say it ("this account" when the
    /// endpoint was built without one).
    pub fn account(&self) -> &str {
        if self.account.is_empty() {
            "this account"
        } else {
            &self.account
        }
    }

    /// Hold `secret`, which a request is about to carry outside a header (fluid's login
    /// password): it is cut out of every error answer from now on.
    pub fn hold(&self, secret: &SecretString) {
        self.held.hold(secret);
    }

    /// A header value carrying `secret` after `prefix`, marked sensitive so reqwest redacts it in
    /// Debug output; the secret is held, so it is cut out of every error answer from now on. The
    /// only way a provider puts a credential in a header.
    pub fn secret_header(
        &self,
        prefix: &str,
        secret: &SecretString,
    ) -> Result<HeaderValue, ApiError> {
        self.held.hold(secret);
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
            .map_err(|_| {
                ApiError::Credential(
                    "the credential contains characters that cannot go in an HTTP header".into(),
                )
            })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// `text` with every held secret cut out: for provider words that arrive in a 2xx answer
    /// (sematext's `success: false`), which [`Endpoint::send`] leaves as they are.
    pub fn scrub(&self, text: &str) -> String {
        let patterns = self.held.patterns();
        match cut(text.as_bytes(), &patterns) {
            Some(clean) => String::from_utf8(clean).unwrap_or_else(|_| REDACTED.to_owned()),
            None => text.to_owned(),
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The base URL with `path` (which starts with `/`) appended, keeping any base path prefix.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    /// Does `url` have the same scheme, host and port as the base URL? Credentials are only ever
    /// sent there.
    pub fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// Send a request and read the whole body, up to the size cap. Transport failures become
    /// [`ApiError::Network`] or [`ApiError::Timeout`]; a redirect becomes
    /// [`ApiError::Redirect`]. The status is not otherwise judged here.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|s| redirect_target(response.url(), s))
                .unwrap_or_else(|| "(no location)".into());
            return Err(ApiError::Redirect {
                status: status.as_u16(),
                location,
            });
        }
        if let Some(len) = response.content_length()
            && len as usize > self.max_response_bytes
        {
            return Err(too_large(self.max_response_bytes));
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(transport_error)?;
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(too_large(self.max_response_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        // An error answer may echo the request: cut every held secret out before anything
        // reads it. A 2xx is left whole: it may rightly hold a secret (a new token's).
        if !status.is_success() {
            body = scrub_body(body, &self.held.patterns());
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Where a redirect points, as far as it may be shown: only the origin. The path and query of a
/// `Location` often repeat the request's own path, which can hold an id that is also a secret
/// (lagrello's tokenKey), and the error text ends up on screen and in the audit log.
fn redirect_target(request: &Url, location: &str) -> String {
    match request.join(location.trim()) {
        Ok(target) if target.origin() == request.origin() => {
            "another path on the same server".into()
        }
        Ok(target) => truncate(&sanitize(&target.origin().ascii_serialization()), 200),
        Err(_) => "an address that is not a valid URL".into(),
    }
}

fn too_large(max: usize) -> ApiError {
    ApiError::Decode(format!(
        "the response is larger than {} MiB; refusing to read it",
        max / (1024 * 1024)
    ))
}

fn transport_error(e: reqwest::Error) -> ApiError {
    // reqwest's Display includes the URL, which may carry an id that is also a secret
    // (lagrello's tokenKey); without_url() keeps it out of every message.
    let e = e.without_url();
    if e.is_timeout() {
        ApiError::Timeout("the provider did not answer in time".into())
    } else if e.is_connect() {
        ApiError::Network(format!("could not connect ({})", root_cause(&e)))
    } else if e.is_body() || e.is_decode() {
        ApiError::Network(format!(
            "the connection broke while reading the response ({})",
            root_cause(&e)
        ))
    } else {
        ApiError::Network(root_cause(&e))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    sanitize(&cur.to_string())
}

/// Map a non-success status to an [`ApiError`], with `message` the provider's own words (or the
/// status text when it gave none). 429 carries `Retry-After` when the provider sent one.
pub fn status_error(status: StatusCode, headers: &HeaderMap, message: Option<String>) -> ApiError {
    let message = message
        .filter(|m| !m.trim().is_empty())
        .map(|m| truncate(&sanitize(m.trim()), 300))
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("no reason given")
                .to_owned()
        });
    let code = status.as_u16();
    match code {
        401 => ApiError::Unauthorized(message),
        403 => ApiError::Forbidden(message),
        404 => ApiError::NotFound(message),
        409 => ApiError::Conflict(message),
        429 => ApiError::RateLimited {
            retry_after: retry_after(headers),
            message,
        },
        400..=499 => ApiError::BadRequest {
            status: code,
            message,
        },
        _ => ApiError::Server {
            status: code,
            message,
        },
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
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
    fn a_short_credential_leaves_a_message_whole_and_a_real_one_is_cut() {
        let settings = HttpSettings::default();
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        let ep = Endpoint::new(build_client(&settings), base, &settings);
        // Shorter than MIN_HELD_LEN: found inside ordinary words, so not held.
        for short in ["k", "loc", "is", "1234567"] {
            ep.hold(&SecretString::from(short.to_owned()));
        }
        assert_eq!(
            ep.scrub("app 2 is locked (code 1234567)"),
            "app 2 is locked (code 1234567)"
        );
        // A real-length credential (from MIN_HELD_LEN bytes up) is still cut wherever it stands.
        let real = "cred-7f3a9c2e-5b1d-4e8a";
        ep.hold(&SecretString::from(real.to_owned()));
        let eight = "12345678";
        assert_eq!(eight.len(), MIN_HELD_LEN);
        ep.hold(&SecretString::from(eight.to_owned()));
        assert_eq!(
            ep.scrub(&format!("app 2 is locked: key {real}, pin {eight}")),
            "app 2 is locked: key [redacted], pin [redacted]"
        );
    }

    #[test]
    fn overlapping_secrets_are_cut_together() {
        let patterns = [b"abcdef".to_vec(), b"defghi".to_vec(), b"zz".to_vec()]
            .map(Zeroizing::new)
            .to_vec();
        let cut = |s: &str| String::from_utf8(cut(s.as_bytes(), &patterns).unwrap()).unwrap();
        assert_eq!(cut("1abcdefghi2"), "1[redacted]2");
        assert_eq!(cut("zzz"), "[redacted]");
        assert_eq!(cut("abcdef abcdef"), "[redacted] [redacted]");
        let aba = [Zeroizing::new(b"aXa".to_vec())];
        assert_eq!(super::cut(b"aXaXa", &aba).unwrap(), b"[redacted]");
        assert!(super::cut(b"nothing here", &patterns).is_none());
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
    fn https_is_required_except_loopback_and_opt_in() {
        assert!(check_base_url("https://api.example.com", false).is_ok());
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_base_url("http://localhost:8080/", false).is_ok());
        assert!(check_base_url("http://[::1]:8080", false).is_ok());
        assert!(matches!(
            check_base_url("http://fluid.internal:8080", false),
            Err(BaseUrlError::Insecure(_))
        ));
        assert!(check_base_url("http://fluid.internal:8080", true).is_ok());
        assert!(matches!(
            check_base_url("ftp://x", true),
            Err(BaseUrlError::Scheme(_))
        ));
        assert!(matches!(
            check_base_url("not a url", true),
            Err(BaseUrlError::Invalid(_))
        ));
    }

    #[test]
    fn userinfo_is_refused_and_never_shown() {
        for raw in [
            "https://ops:hunter2@api.example.com",
            "https://ops@api.example.com/prefix",
            "https://:hunter2@api.example.com",
            "http://ops:hunter2@127.0.0.1:8080",
        ] {
            let err = check_base_url(raw, true).unwrap_err();
            assert!(matches!(err, BaseUrlError::Userinfo(_)), "{raw}: {err}");
            let text = err.to_string();
            assert!(!text.contains("hunter2") && !text.contains("ops"), "{text}");
            assert!(text.contains("://"), "{text}");
        }
        // Refused for another reason, the URL is still shown without them.
        for raw in [
            "http://ops:hunter2@fluid.internal",
            "ftp://ops:hunter2@x",
            "https:/ops:hunter2@api.example.com",
            "https://ops:hunter2 @exa mple.com/a@b",
            "ops:hunter2@api.example.com",
            "https:\\\\ops:hunter2@exa mple.com",
        ] {
            let text = check_base_url(raw, false).unwrap_err().to_string();
            assert!(!text.contains("hunter2"), "{text}");
        }
        assert_eq!(
            without_userinfo("https://u:p@h.example:8443/a@b?c@d"),
            "https://h.example:8443/a@b?c@d"
        );
        assert_eq!(
            without_userinfo("https://u:p @h.example/a@b"),
            "https://h.example/a@b"
        );
        assert_eq!(without_userinfo("not a url"), "not a url");
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
}
