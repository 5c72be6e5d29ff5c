//! Reads that recover: a read answered 429 or 5xx, or that found no connection or no answer in
//! time, is tried again after an exponential backoff with jitter (`backon`), honouring
//! `Retry-After` (seconds or an HTTP date) up to `[network] max_retry_after_secs`, at most
//! `[network] read_retries` times, and never past the list's deadline. Only the failed request
//! is repeated: a provider that pages asks for each page apart, so the pages it has are kept.
//!
//! Changes (create, update, regenerate, delete) never come here: a change that got no answer
//! may have happened, and a second one could make a second token (see [`super::Endpoint::send`]).

use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Request, StatusCode};

use super::scope::{ListScope, Retrying};
use super::{Endpoint, Response};
use crate::model::ApiError;

/// The first wait before a retry; it doubles each time, plus up to as much again of jitter.
const FIRST_WAIT: Duration = Duration::from_millis(200);
/// The longest wait the backoff itself grows to (a `Retry-After` may ask for more).
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// An attempt that did not succeed.
enum Failed {
    /// An answer worth trying again (429, 5xx): handed back whole if no retry is left.
    Status(Response),
    /// No answer, or one that could not be read.
    Error(ApiError),
}

impl Failed {
    fn retryable(&self) -> bool {
        match self {
            Failed::Status(_) => true,
            Failed::Error(e) => matches!(e, ApiError::Network(_) | ApiError::Timeout(_)),
        }
    }

    /// Why, in a word or a status, for "retrying 1/3 (429)".
    fn cause(&self) -> String {
        match self {
            Failed::Status(r) => r.status.as_u16().to_string(),
            Failed::Error(ApiError::Timeout(_)) => "timeout".into(),
            Failed::Error(_) => "network".into(),
        }
    }
}

/// Is this answer worth asking again? 429 and the 5xx that say "not now"; 501 and 505 say
/// "never", so they are not.
fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error()
            && status != StatusCode::NOT_IMPLEMENTED
            && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED)
}

/// `Retry-After` as a wait: whole seconds, or an HTTP date (a date in the past is no wait).
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

impl Endpoint {
    /// Send a read, trying it again as the module says. The last answer (a 503, say) is handed
    /// back as it came, for the provider to word; a transport failure is its error.
    pub(super) async fn read(&self, request: Request) -> Result<Response, ApiError> {
        let scope = ListScope::current();
        let scope = scope.as_deref();
        let settings = self.limits.settings;
        // A body that cannot be cloned (a stream) cannot be sent twice; none of ours is one.
        let Some(template) = request.try_clone() else {
            return self
                .attempt(request, scope)
                .await
                .or_else(Failed::into_result);
        };
        let target = format!("{} {}", request.method(), self.scrub(request.url().path()));
        let policy = ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(FIRST_WAIT)
            .with_max_delay(LONGEST_WAIT)
            .with_max_times(settings.read_retries);
        let mut retries = 0;
        let mut first = Some(request);
        let result = (|| {
            let request = first
                .take()
                .or_else(|| template.try_clone())
                .expect("a request that cloned once clones again");
            self.attempt(request, scope)
        })
        .retry(policy)
        .sleep(tokio::time::sleep)
        .when(|f: &Failed| f.retryable() && scope.is_none_or(|s| s.stopped().is_none()))
        .adjust(|f: &Failed, backoff: Option<Duration>| {
            let backoff = backoff?;
            let asked = match f {
                Failed::Status(r) => retry_after(&r.headers),
                Failed::Error(_) => None,
            };
            let wait = asked.map_or(backoff, |a| a.min(settings.max_retry_after).max(backoff));
            if let Some(scope) = scope
                && !scope.has_time_for(wait)
            {
                // Waiting would cross the deadline: stop now rather than at it.
                scope.stop_at_deadline();
                return None;
            }
            Some(wait)
        })
        .notify(|f: &Failed, wait: Duration| {
            retries += 1;
            let retrying = Retrying {
                retry: retries,
                of: settings.read_retries,
                cause: f.cause(),
                wait,
            };
            tracing::warn!(
                account = %self.account(),
                request = %target,
                retry = retrying.retry,
                of = retrying.of,
                cause = %retrying.cause,
                wait_ms = wait.as_millis() as u64,
                "retrying a read"
            );
            if let Some(scope) = scope {
                scope.notify(&retrying);
            }
        })
        .await;
        result.or_else(Failed::into_result)
    }

    /// One try of a read, within the list's deadline when there is one.
    async fn attempt(
        &self,
        request: Request,
        scope: Option<&ListScope>,
    ) -> Result<Response, Failed> {
        let once = self.once(request);
        let result = match scope {
            Some(scope) => match tokio::time::timeout_at(scope.deadline, once).await {
                Ok(result) => result,
                Err(_) => Err(ApiError::Timeout(scope.stop_at_deadline())),
            },
            None => once.await,
        };
        match result {
            Ok(r) if retryable_status(r.status) => Err(Failed::Status(r)),
            Ok(r) => {
                if let Some(scope) = scope
                    && r.status.is_success()
                {
                    scope.answered();
                }
                Ok(r)
            }
            Err(e) => Err(Failed::Error(e)),
        }
    }
}

impl Failed {
    fn into_result(self) -> Result<Response, ApiError> {
        match self {
            Failed::Status(r) => Ok(r),
            Failed::Error(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(90);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let wait = retry_after(&h).unwrap();
        assert!(wait > Duration::from_secs(80) && wait <= Duration::from_secs(90));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past date is no wait"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn which_answers_are_asked_again() {
        for code in [429, 500, 502, 503, 504] {
            assert!(
                retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 501, 505] {
            assert!(
                !retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }
}
