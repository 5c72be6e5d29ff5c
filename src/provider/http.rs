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
//! secret survives either. The cutting itself lives in `http/scrub.rs`; the base-URL rules in
//! `http/base_url.rs`.
//!
//! **Reads recover, changes never repeat.** [`Endpoint::send`] tries a read (GET, HEAD) again
//! on 429, 5xx, no connection or no answer (`http/retry.rs`), and sends anything else exactly
//! once: a change that got no answer may have happened. Every request waits for a place among
//! the requests in flight, overall and in its account's adaptive window (`http/limits.rs`); a
//! read made while listing is bounded by the list's deadline and memory budget
//! (`http/scope.rs`).

use std::sync::Arc;

use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use reqwest::{Client, Method, Request, RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

pub use crate::config::{HttpSettings, NetworkSettings};
use crate::model::{ApiError, TokenId};
use crate::text::{sanitize, truncate};

mod base_url;
mod limits;
mod retry;
mod scope;
mod scrub;

pub use base_url::{BaseUrlError, check_base_url};
pub use limits::{Limits, Window};
pub use scope::{ListScope, OnRetry, Retrying, bounded_list, keep_listed};
use scrub::{Held, cut, scrub_body};
pub use scrub::{MIN_HELD_LEN, REDACTED};

/// Build the client every account shares. Redirects are never followed: an authenticated request
/// that is redirected could carry its credential elsewhere, and a redirect usually means a wrong
/// `base_url`, which the user should hear about. Connections are kept and reused (HTTP/2 where
/// the server offers it through ALPN, one connection carrying many requests), so a list of many
/// pages or accounts does not open a connection per request.
pub fn build_client(settings: &HttpSettings) -> Client {
    Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tokdash/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client configuration is static and valid")
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

/// A provider account's origin plus the shared client, the account's name for messages, the
/// secrets its requests carry, and its share of the network: the registry's [`Limits`] and the
/// account's own [`Window`].
#[derive(Clone)]
pub struct Endpoint {
    client: Client,
    base: Url,
    max_response_bytes: usize,
    account: String,
    held: Held,
    limits: Arc<Limits>,
    window: Arc<Window>,
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
    /// An endpoint with the default `[network]` limits of its own; the registry gives every
    /// account the shared ones with [`Endpoint::with_limits`].
    pub fn new(client: Client, base: Url, settings: &HttpSettings) -> Self {
        let limits = Limits::new(NetworkSettings::default());
        Endpoint {
            client,
            base,
            max_response_bytes: settings.max_response_bytes,
            account: String::new(),
            held: Held::default(),
            window: Arc::new(Window::new(limits.settings.requests_per_account)),
            limits,
        }
    }

    /// The same endpoint, sharing `limits` with every other account of the registry, with a
    /// window of its own.
    pub fn with_limits(mut self, limits: Arc<Limits>) -> Self {
        self.window = Arc::new(Window::new(limits.settings.requests_per_account));
        self.limits = limits;
        self
    }

    /// How many requests this account may have in flight now (its adaptive window): a provider
    /// that asks for pages at once asks for no more than this.
    pub fn window(&self) -> usize {
        self.window.limit()
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

    /// Send a request and read the whole body, up to the size cap. A read (GET, HEAD) is tried
    /// again on 429, 5xx, no connection or no answer (`http/retry.rs`); anything else is a
    /// change and is sent exactly once. Transport failures become [`ApiError::Network`] or
    /// [`ApiError::Timeout`]; a redirect becomes [`ApiError::Redirect`]. The status is not
    /// otherwise judged here.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let request = request.build().map_err(transport_error)?;
        if matches!(*request.method(), Method::GET | Method::HEAD) {
            self.read(request).await
        } else {
            self.once(request).await
        }
    }

    /// Send a request that changes nothing although its method says otherwise (fluid's login,
    /// a POST), trying it again like any read.
    pub async fn send_read(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let request = request.build().map_err(transport_error)?;
        self.read(request).await
    }

    /// Send once, after a place in the account's window and among the requests in flight
    /// overall; a 429 shrinks the window, any other answer grows it back.
    async fn once(&self, request: Request) -> Result<Response, ApiError> {
        let _in_window = self.window.acquire().await;
        let _in_flight = self.limits.request_slot().await;
        let response = self.exchange(request).await;
        match &response {
            Ok(r) if r.status == StatusCode::TOO_MANY_REQUESTS => self.window.shrink(),
            Ok(_) => self.window.grow(),
            Err(_) => {}
        }
        response
    }

    async fn exchange(&self, request: Request) -> Result<Response, ApiError> {
        let scope = ListScope::current();
        let response = self
            .client
            .execute(request)
            .await
            .map_err(transport_error)?;
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
            // The size cap bounds one answer; the list's budget bounds all its pages together.
            if let Some(scope) = &scope {
                scope.charge(chunk.len()).map_err(ApiError::Decode)?;
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
            retry_after: retry::retry_after(headers),
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

#[cfg(test)]
mod tests;
