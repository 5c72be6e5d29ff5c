//! fluid client: host tokens of a self-hosted fluid.sh control plane (see
//! ../shared/providers/fluid.md).
//!
//! The REST API only knows a login cookie. An account either carries the cookie value itself
//! (`credential`) or an email and password (`login`), in which case tokdash logs in on first use
//! and again whenever the server answers 401.

use futures::future::BoxFuture;
use reqwest::header::COOKIE;
use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use url::Url;

mod session;
mod settings;

use session::{Session, login_session};
pub use settings::{Checked, Login, Settings};

use super::http::{Endpoint, Response, status_error};
use super::{AccountProblem, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FieldKind, FieldSpec, Listing, NewToken, OpKind,
    Privilege, Token, TokenId,
};

pub const CAPS: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: false,
    unique_names: false,
    form: &[FieldSpec {
        key: FIELD_NAME,
        label: "Name",
        kind: FieldKind::Text,
        required: true,
        help: "A label for the host token; names need not be unique",
    }],
};

/// How requests are authenticated.
enum Auth {
    /// A session cookie value taken from a browser; when it expires the user must replace it.
    Session(LazyCredential),
    /// Email and password: log in on first use, and again when the session is refused.
    Login {
        email: String,
        password: LazyCredential,
        session: Mutex<Option<Session>>,
    },
}

pub struct Fluid {
    endpoint: Endpoint,
    org_slug: String,
    cookie_name: String,
    auth: Auth,
}

impl Client for Fluid {
    type Settings = Settings;
    type Checked = Checked;

    fn check(
        settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Checked, AccountProblem> {
        settings::check(settings, credential)
    }

    fn default_base_url(_checked: &Checked) -> Result<&'static str, AccountProblem> {
        Err(AccountProblem::new(
            "base_url",
            "fluid is self-hosted: set base_url to your server, e.g. https://fluid.example.com",
        ))
    }

    fn new(endpoint: Endpoint, checked: Checked) -> Self {
        Fluid {
            endpoint,
            org_slug: checked.org_slug,
            cookie_name: checked.cookie_name,
            auth: checked.auth,
        }
    }
}

impl Fluid {
    fn tokens_url(&self) -> Url {
        self.api_url(&format!("/v1/orgs/{}/hosts/tokens", self.org_slug))
    }

    /// The URL of `path` (which starts with `/v1/`). fluid's own client documentation makes
    /// URIs relative to `…/v1`, so a `base_url` ending in `/v1` is taken as that and not
    /// doubled: both `https://host` and `https://host/v1` reach `https://host/v1/…`.
    fn api_url(&self, path: &str) -> Url {
        let base = self.endpoint.base().path().trim_end_matches('/');
        match path.strip_prefix("/v1") {
            Some(rest) if base.ends_with("/v1") => self.endpoint.url(rest),
            _ => self.endpoint.url(path),
        }
    }

    /// The session to use now, logging in first if there is none yet.
    async fn session(&self) -> Result<Session, ApiError> {
        match &self.auth {
            Auth::Session(credential) => Ok(Session {
                name: self.cookie_name.clone(),
                value: credential.get().await?.clone(),
            }),
            Auth::Login { session, .. } => {
                let mut current = session.lock().await;
                if let Some(s) = current.as_ref() {
                    return Ok(s.clone());
                }
                let fresh = self.log_in().await?;
                *current = Some(fresh.clone());
                Ok(fresh)
            }
        }
    }

    /// After `refused` got a 401: a new session, or `None` when there is no way to get one. If
    /// another request already logged in again meanwhile, its session is reused.
    async fn renew(&self, refused: &Session) -> Result<Option<Session>, ApiError> {
        let Auth::Login { session, .. } = &self.auth else {
            return Ok(None);
        };
        let mut current = session.lock().await;
        if let Some(s) = current.as_ref()
            && s.value.expose_secret() != refused.value.expose_secret()
        {
            return Ok(Some(s.clone()));
        }
        *current = None;
        let fresh = self.log_in().await?;
        *current = Some(fresh.clone());
        Ok(Some(fresh))
    }

    async fn log_in(&self) -> Result<Session, ApiError> {
        let Auth::Login {
            email, password, ..
        } = &self.auth
        else {
            return Err(ApiError::Credential("this account has no login".into()));
        };
        let password = password.get().await?;
        // The password goes in the body, not a header: held by hand, so an error answer that
        // echoes the body has it cut out.
        self.endpoint.hold(password);
        let body = LoginRequest {
            email,
            password: password.expose_secret(),
        };
        let request = self
            .endpoint
            .client()
            .post(self.api_url("/v1/auth/login"))
            .json(&body);
        // A login changes nothing the user sees: tried again like a read.
        let response = self.endpoint.send_read(request).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            return Err(ApiError::Unauthorized(format!(
                "fluid refused the login for {email}: check the email and password"
            )));
        }
        if !response.status.is_success() {
            return Err(status_error(response.status, &response.headers, None));
        }
        login_session(&response.headers, &self.cookie_name).map_err(|set| {
            let set = if set.is_empty() {
                "no cookie at all".to_owned()
            } else {
                set.iter()
                    .map(|n| format!("`{}`", crate::text::sanitize(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            ApiError::Unauthorized(format!(
                "the login succeeded but set no `{}` cookie (it set {set}); set cookie_name to \
                 the session cookie's name",
                self.cookie_name
            ))
        })
    }

    /// Send a request with the session cookie. A 401 means the middleware refused the session
    /// before any handler ran, so logging in again and repeating the request once is safe, even
    /// for a create.
    async fn send(&self, build: impl Fn() -> RequestBuilder) -> Result<Response, ApiError> {
        let session = self.session().await?;
        let response = self.send_with(&build, &session).await?;
        if response.status != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        match self.renew(&session).await? {
            Some(fresh) => self.send_with(&build, &fresh).await,
            None => Ok(response),
        }
    }

    async fn send_with(
        &self,
        build: &impl Fn() -> RequestBuilder,
        session: &Session,
    ) -> Result<Response, ApiError> {
        let cookie = self
            .endpoint
            .secret_header(&format!("{}=", session.name), &session.value)?;
        self.endpoint.send(build().header(COOKIE, cookie)).await
    }

    /// fluid's error bodies carry only the status text, so the message comes from what was
    /// being done.
    fn error(&self, op: OpKind, response: &Response) -> ApiError {
        let slug = &self.org_slug;
        let message = match (response.status.as_u16(), op) {
            (401, _) if matches!(self.auth, Auth::Session(_)) => {
                "the session cookie was refused (missing, unknown or expired); update the credential"
                    .to_owned()
            }
            (401, _) => "the session was refused even after logging in again".to_owned(),
            (403, OpKind::List) => format!("you are not a member of org `{slug}`"),
            (403, _) => format!("changing host tokens in org `{slug}` needs role owner or admin"),
            (404, OpKind::Delete) => format!("no such host token in org `{slug}`"),
            (404, _) => format!(
                "there is no org `{slug}` at {} (check base_url and org_slug)",
                shown_url(&self.tokens_url())
            ),
            (400, OpKind::Create) => {
                "fluid rejected the token: a non-empty name is required".to_owned()
            }
            _ => return status_error(response.status, &response.headers, None),
        };
        status_error(response.status, &response.headers, Some(message))
    }
}

/// A URL as messages show it: no user, password, query or fragment.
fn shown_url(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[derive(Serialize)]
struct LoginRequest<'a> {
    email: &'a str,
    password: &'a str,
}

/// The server decodes strictly: exactly this one field, nothing else.
#[derive(Serialize)]
struct CreateRequest<'a> {
    name: &'a str,
}

/// Prism answers the list with `{}`, so every field has a default.
#[derive(Deserialize)]
struct ListResponse {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    tokens: Vec<WireToken>,
}

#[derive(Deserialize)]
struct WireToken {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    id: String,
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    name: String,
    #[serde(default)]
    created_at: Option<String>,
    /// Only the create response carries the secret.
    #[serde(default)]
    token: Option<String>,
}

/// What every host token may do. fluid.md: a host token lets a sandbox-host daemon connect to
/// the org's control plane over gRPC, where it registers the host and runs the org's sandboxes;
/// it has no scopes ("a token is org-scoped") and is not accepted by the REST API, so it cannot
/// manage tokens, members or the org. That is acting in the org without administering it.
pub const HOST_TOKEN_PRIVILEGE: Privilege = Privilege::Write;

impl WireToken {
    fn into_token(self) -> (Token, Option<String>) {
        let token = Token::new(&self.id, &self.name)
            .with_created(self.created_at.as_deref())
            .with_privilege(HOST_TOKEN_PRIVILEGE);
        (token, self.token)
    }
}

impl Provider for Fluid {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Fluid
    }

    fn list(&self) -> BoxFuture<'_, Result<Listing, ApiError>> {
        Box::pin(async move {
            let url = self.tokens_url();
            let response = self
                .send(|| self.endpoint.client().get(url.clone()))
                .await?;
            if !response.status.is_success() {
                return Err(self.error(OpKind::List, &response));
            }
            let body: ListResponse = response.json()?;
            let tokens = body.tokens.into_iter().map(|t| t.into_token().0).collect();
            Ok(Listing::complete(tokens))
        })
    }

    fn create(&self, new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>> {
        Box::pin(async move {
            let url = self.tokens_url();
            let body = CreateRequest { name: &new.name };
            let response = self
                .send(|| self.endpoint.client().post(url.clone()).json(&body))
                .await?;
            if !response.status.is_success() {
                return Err(self.error(OpKind::Create, &response));
            }
            let wire: WireToken = response.json()?;
            let (token, secret) = wire.into_token();
            match secret.filter(|s| !s.is_empty()) {
                Some(secret) => Ok(Created {
                    token,
                    secret: SecretString::from(secret),
                }),
                None => Err(ApiError::Decode(
                    "fluid created the token but sent no secret; delete it and try again".into(),
                )),
            }
        })
    }

    fn delete(&self, id: TokenId) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(async move {
            let mut url = self.tokens_url();
            url.path_segments_mut()
                .map_err(|_| ApiError::Credential("the base URL cannot take a path".into()))?
                .push(super::http::token_segment(&id)?);
            let response = self
                .send(|| self.endpoint.client().delete(url.clone()))
                .await?;
            // The body should be {"status":"deleted"}, but Prism sends any map: ignore it.
            if !response.status.is_success() {
                return Err(self.error(OpKind::Delete, &response));
            }
            Ok(())
        })
    }
}

/// What a fluid host token looks like: the hex of 32 random bytes (see fluid.md, "Create").
pub const SECRET_FORMAT: crate::model::SecretFormat = crate::model::SecretFormat {
    what: "host token",
    shape: crate::model::Shape::Chars {
        prefix: "",
        len: 64,
        alphabet: crate::model::Alphabet::LowerHex,
    },
    source: "the hex of 32 random bytes, per fluid's create handler",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_lists_and_fields_are_empty() {
        let list: ListResponse = serde_json::from_str(r#"{"tokens":null,"count":0}"#).unwrap();
        assert!(list.tokens.is_empty());
        let list: ListResponse =
            serde_json::from_str(r#"{"tokens":[{"id":"HTK-1","name":null}]}"#).unwrap();
        assert_eq!(list.tokens[0].name, "");
    }

    #[test]
    fn no_default_base_url() {
        let settings = Settings {
            org_slug: Some("acme-1".into()),
            ..Settings::default()
        };
        let credential = CredentialSource::Value("abc".to_owned().into());
        let checked = Fluid::check(settings, Some(credential)).ok().unwrap();
        let p = Fluid::default_base_url(&checked).unwrap_err();
        assert_eq!(p.key, "base_url");
        assert!(p.message.contains("https://fluid.example.com"));
    }

    #[test]
    fn prism_placeholders_decode() {
        let empty: ListResponse = serde_json::from_str("{}").unwrap();
        assert!(empty.tokens.is_empty());
        let created: WireToken = serde_json::from_str(
            r#"{"id":"id","name":"name","token":"token","created_at":"created_at","x":1}"#,
        )
        .unwrap();
        let (token, secret) = created.into_token();
        assert!(token.created_at.is_none());
        assert_eq!(secret.as_deref(), Some("token"));
    }

    #[test]
    fn every_host_token_may_write_but_not_administer() {
        let listed: ListResponse =
            serde_json::from_str(r#"{"tokens":[{"id":"HTK-3f9a1c02b7de4e58","name":"rack-01"}]}"#)
                .unwrap();
        for wire in listed.tokens {
            assert_eq!(wire.into_token().0.privilege, Privilege::Write);
        }
    }
}
