//! HTTP plumbing shared by every provider client: the one `reqwest::Client`, base-URL rules,
//! capped response reading and the mapping from HTTP status to [`ApiError`]. Nothing here knows
//! any provider.

use std::time::Duration;

use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, StatusCode};
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

/// A provider account's origin plus the shared client.
#[derive(Clone)]
pub struct Endpoint {
    client: Client,
    base: Url,
    max_response_bytes: usize,
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

/// A header value holding a credential, marked sensitive so reqwest redacts it in Debug output.
pub fn secret_header(prefix: &str, secret: &SecretString) -> Result<HeaderValue, ApiError> {
    let mut value =
        HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret())).map_err(|_| {
            ApiError::Credential(
                "the credential contains characters that cannot go in an HTTP header".into(),
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
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
