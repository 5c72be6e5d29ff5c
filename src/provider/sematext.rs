//! sematext client: app tokens (`/users-web/api/v3/apps/{appId}/tokens`).
//!
//! Wire details are in `../shared/providers/sematext.md`. The quirks handled here: every body is
//! an envelope whose `success` must be checked even on a 2xx, error bodies may be empty, the
//! write flag is spelled `writeable`, ids are int64 (kept as strings in [`TokenId`]), and every
//! token in every response carries its secret.

use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::http::{Endpoint, Response, secret_header, status_error};
use super::{AccountProblem, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FIELD_READABLE, FIELD_WRITEABLE, FieldKind, FieldSpec,
    NewToken, Token, TokenId, TokenUpdate,
};
use crate::text::{sanitize, truncate};

const US_BASE_URL: &str = "https://apps.sematext.com";
const EU_BASE_URL: &str = "https://apps.eu.sematext.com";

const READABLE_DEFAULT: bool = true;
const WRITEABLE_DEFAULT: bool = false;

const FORM: &[FieldSpec] = &[
    FieldSpec {
        key: FIELD_NAME,
        label: "Name",
        kind: FieldKind::Text,
        required: true,
        help: "a label for the token",
    },
    FieldSpec {
        key: FIELD_READABLE,
        label: "Readable",
        kind: FieldKind::Flag {
            default: READABLE_DEFAULT,
        },
        required: false,
        help: "may read the app's data; cannot be changed later",
    },
    FieldSpec {
        key: FIELD_WRITEABLE,
        label: "Writeable",
        kind: FieldKind::Flag {
            default: WRITEABLE_DEFAULT,
        },
        required: false,
        help: "may send data to the app; cannot be changed later",
    },
];

pub const CAPS: Caps = Caps {
    rename: true,
    toggle: true,
    regenerate: true,
    secret_on_list: true,
    id_is_secret: false,
    form: FORM,
};

/// The keys of a sematext `[[accounts]]` entry besides the shared ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `us` (the default) or `eu`: which host is the default base URL.
    pub region: Option<String>,
    /// The app's int64 id.
    pub app_id: Option<i64>,
}

/// A sematext account, checked.
pub struct Checked {
    app_id: i64,
    /// The region's host.
    region_url: &'static str,
    credential: CredentialSource,
}

pub struct Sematext {
    endpoint: Endpoint,
    app_id: i64,
    credential: LazyCredential,
}

impl Client for Sematext {
    type Settings = Settings;
    type Checked = Checked;

    /// sematext needs the app's id, the account API key, and a known region (if one is given).
    fn check(
        settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Checked, AccountProblem> {
        let region_url = region_base_url(settings.region.as_deref())?;
        let Some(app_id) = settings.app_id else {
            return Err(AccountProblem::new(
                "app_id",
                "sematext accounts need app_id, the app's numeric id",
            ));
        };
        let credential =
            super::require_credential(ProviderKind::Sematext, credential, "the account API key")?;
        Ok(Checked {
            app_id,
            region_url,
            credential,
        })
    }

    fn default_base_url(checked: &Checked) -> Result<&'static str, AccountProblem> {
        Ok(checked.region_url)
    }

    fn new(endpoint: Endpoint, checked: Checked) -> Self {
        Sematext {
            endpoint,
            app_id: checked.app_id,
            credential: LazyCredential::new(checked.credential),
        }
    }
}

fn region_base_url(region: Option<&str>) -> Result<&'static str, AccountProblem> {
    match region.map(str::trim) {
        None => Ok(US_BASE_URL),
        Some(r) if r.eq_ignore_ascii_case("us") => Ok(US_BASE_URL),
        Some(r) if r.eq_ignore_ascii_case("eu") => Ok(EU_BASE_URL),
        Some(other) => Err(AccountProblem::new(
            "region",
            format!(
                "unknown sematext region `{}`; expected \"us\" or \"eu\"",
                truncate(&sanitize(other), 40)
            ),
        )),
    }
}

impl Sematext {
    fn tokens_path(&self) -> String {
        format!("/users-web/api/v3/apps/{}/tokens", self.app_id)
    }

    fn token_path(&self, id: &TokenId) -> Result<String, ApiError> {
        Ok(format!("{}/{}", self.tokens_path(), numeric_id(id)?))
    }

    /// Send an authenticated request and unwrap the envelope: a 2xx with `success: false` is an
    /// error too. `None` when a 2xx came with no body (delete's 204).
    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Option<T>, ApiError> {
        let auth = secret_header("apiKey ", self.credential.get().await?)?;
        let mut request = self
            .endpoint
            .client()
            .request(method, self.endpoint.url(path))
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = self.endpoint.send(request).await?;
        if !response.status.is_success() {
            let message = response
                .json_lenient::<Envelope<serde::de::IgnoredAny>>()
                .and_then(Envelope::error_text);
            return Err(status_error(response.status, &response.headers, message));
        }
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let envelope: Envelope<T> = response.json()?;
        if envelope.success == Some(false) {
            return Err(refused(&response, envelope.error_text()));
        }
        Ok(envelope.data)
    }

    /// A call whose answer must carry `data`.
    async fn call_data<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        self.call(method, path, body)
            .await?
            .ok_or_else(|| ApiError::Decode("sematext answered without any data".into()))
    }

    async fn list_tokens(&self) -> Result<Vec<Token>, ApiError> {
        let data: TokensData = self
            .call_data::<_, ()>(Method::GET, &self.tokens_path(), None)
            .await?;
        data.tokens.into_iter().map(WireToken::into_token).collect()
    }

    async fn create_token(&self, new: NewToken) -> Result<Created, ApiError> {
        let body = CreateBody {
            name: &new.name,
            readable: new.readable.unwrap_or(READABLE_DEFAULT),
            writeable: new.writeable.unwrap_or(WRITEABLE_DEFAULT),
        };
        let data: TokenData = self
            .call_data(Method::POST, &self.tokens_path(), Some(&body))
            .await?;
        data.token.into_created()
    }

    async fn update_token(&self, id: TokenId, change: TokenUpdate) -> Result<Token, ApiError> {
        let path = self.token_path(&id)?;
        let body = UpdateBody {
            name: change.name.as_deref(),
            enabled: change.enabled,
        };
        let data: TokenData = self.call_data(Method::PUT, &path, Some(&body)).await?;
        data.token.into_token()
    }

    async fn regenerate_token(&self, id: TokenId) -> Result<Created, ApiError> {
        let path = format!("{}/regenerate", self.token_path(&id)?);
        let data: TokenData = self.call_data::<_, ()>(Method::POST, &path, None).await?;
        data.token.into_created()
    }

    async fn delete_token(&self, id: TokenId) -> Result<(), ApiError> {
        let path = self.token_path(&id)?;
        self.call::<serde::de::IgnoredAny, ()>(Method::DELETE, &path, None)
            .await
            .map(|_| ())
    }
}

impl Provider for Sematext {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Sematext
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Token>, ApiError>> {
        Box::pin(self.list_tokens())
    }

    fn create(&self, new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>> {
        Box::pin(self.create_token(new))
    }

    fn delete(&self, id: TokenId) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(self.delete_token(id))
    }

    fn update(&self, id: TokenId, change: TokenUpdate) -> BoxFuture<'_, Result<Token, ApiError>> {
        Box::pin(self.update_token(id, change))
    }

    fn regenerate(&self, id: TokenId) -> BoxFuture<'_, Result<Created, ApiError>> {
        Box::pin(self.regenerate_token(id))
    }
}

/// sematext token ids are int64; anything else cannot name a token (and must not reach a path).
fn numeric_id(id: &TokenId) -> Result<i64, ApiError> {
    let n = id.as_str().trim().parse::<i64>().map_err(|_| {
        ApiError::NotFound(format!(
            "`{}` is not a sematext token id (they are whole numbers)",
            truncate(&sanitize(id.as_str()), 60)
        ))
    })?;
    super::http::token_segment(id).map(|_| n)
}

/// A 2xx whose envelope says `success: false`: the provider refused, whatever the status.
fn refused(response: &Response, message: Option<String>) -> ApiError {
    let message = message
        .map(|m| truncate(&sanitize(m.trim()), 300))
        .unwrap_or_else(|| "sematext reported failure without a reason".into());
    ApiError::BadRequest {
        status: response.status.as_u16(),
        message,
    }
}

/// `{success, message, data, errors}` around every body.
#[derive(Deserialize)]
struct Envelope<T> {
    success: Option<bool>,
    message: Option<String>,
    data: Option<T>,
    errors: Option<Vec<WireError>>,
}

impl<T> Envelope<T> {
    /// `message`, else the first error's message.
    fn error_text(self) -> Option<String> {
        let first = self
            .errors
            .into_iter()
            .flatten()
            .filter_map(|e| e.message)
            .find(|m| !m.trim().is_empty());
        self.message.filter(|m| !m.trim().is_empty()).or(first)
    }
}

#[derive(Deserialize)]
struct WireError {
    message: Option<String>,
}

#[derive(Deserialize)]
struct TokensData {
    #[serde(default)]
    tokens: Vec<WireToken>,
}

#[derive(Deserialize)]
struct TokenData {
    token: WireToken,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireToken {
    id: Option<i64>,
    name: Option<String>,
    token: Option<String>,
    readable: Option<bool>,
    writeable: Option<bool>,
    enabled: Option<bool>,
    created_at: Option<String>,
}

impl WireToken {
    fn into_token(self) -> Result<Token, ApiError> {
        let id = self
            .id
            .ok_or_else(|| ApiError::Decode("sematext sent a token without an id".into()))?;
        let mut scopes = Vec::new();
        if self.readable == Some(true) {
            scopes.push("read");
        }
        if self.writeable == Some(true) {
            scopes.push("write");
        }
        Ok(
            Token::new(&id.to_string(), self.name.as_deref().unwrap_or_default())
                .with_created(self.created_at.as_deref())
                .with_enabled(self.enabled)
                .with_scopes(scopes)
                .with_secret(self.token.filter(|t| !t.is_empty())),
        )
    }

    fn into_created(self) -> Result<Created, ApiError> {
        let token = self.into_token()?;
        let secret = token.secret.clone().ok_or_else(|| {
            ApiError::Decode("sematext answered without the token's secret; re-list".into())
        })?;
        Ok(Created { token, secret })
    }
}

#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
    readable: bool,
    /// Spelled as sematext spells it.
    writeable: bool,
}

/// Only the fields that change are sent.
#[derive(Serialize)]
struct UpdateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
}

/// What a sematext app token value looks like: UUID-like in every example, though the format is
/// not documented.
pub const SECRET_FORMAT: crate::model::SecretFormat = crate::model::SecretFormat {
    what: "app token",
    shape: crate::model::Shape::Uuid,
    source: "as in sematext's examples; the format is not documented",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(region: Option<&str>) -> Settings {
        Settings {
            region: region.map(str::to_owned),
            app_id: Some(42),
        }
    }

    fn check(settings: Settings) -> Result<Checked, AccountProblem> {
        Sematext::check(settings, Some(CredentialSource::Env("X".into())))
    }

    #[test]
    fn region_picks_the_host() {
        let url = |region| Sematext::default_base_url(&check(settings(region)).ok().unwrap());
        assert_eq!(url(None).unwrap(), US_BASE_URL);
        assert_eq!(url(Some("us")).unwrap(), US_BASE_URL);
        assert_eq!(url(Some("EU")).unwrap(), EU_BASE_URL);
        let p = check(settings(Some("ap"))).err().unwrap();
        assert_eq!(p.key, "region");
        assert!(p.message.contains("`ap`"), "{}", p.message);
    }

    #[test]
    fn app_id_and_credential_are_required() {
        let mut s = settings(None);
        s.app_id = None;
        assert_eq!(check(s).err().unwrap().key, "app_id");
        let p = Sematext::check(settings(None), None).err().unwrap();
        assert_eq!(p.key, "credential");
    }

    #[test]
    fn non_numeric_ids_are_refused_clearly() {
        let e = numeric_id(&TokenId::new("12ab")).unwrap_err();
        assert!(e.to_string().contains("whole numbers"), "{e}");
        assert_eq!(
            numeric_id(&TokenId::new("9007199254740993")).unwrap(),
            9007199254740993
        );
    }

    #[test]
    fn update_body_carries_only_the_change() {
        let body = UpdateBody {
            name: None,
            enabled: Some(false),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"enabled":false}"#
        );
    }

    #[test]
    fn success_false_without_a_reason_is_still_an_error() {
        let response = Response {
            status: reqwest::StatusCode::OK,
            headers: reqwest::header::HeaderMap::new(),
            body: br#"{"success":false}"#.to_vec(),
        };
        let e = refused(&response, None);
        assert!(
            matches!(&e, ApiError::BadRequest { status: 200, message } if message.contains("without a reason")),
            "{e:?}"
        );
    }

    #[test]
    fn error_text_prefers_message_then_first_error() {
        let e: Envelope<serde::de::IgnoredAny> = serde_json::from_str(
            r#"{"success":false,"message":"","errors":[{"code":"x","message":"bad app"}]}"#,
        )
        .unwrap();
        assert_eq!(e.error_text().as_deref(), Some("bad app"));
    }
}
