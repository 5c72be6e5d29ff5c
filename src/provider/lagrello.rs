//! lagrello client: access tokens (see ../shared/providers/lagrello.md).
//!
//! A token's only identifier, `tokenKey`, may also be its bearer secret, so it is treated as
//! sensitive: it never appears in a log line or an error message, and URLs that contain it are
//! never logged.

use futures::future::BoxFuture;
use reqwest::header::AUTHORIZATION;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;

use super::http::{Endpoint, Response, secret_header, status_error};
use super::{AccountProblem, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FIELD_PERMISSIONS, FieldKind, FieldSpec, NewToken, Token,
    TokenId,
};

pub const CAPS: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: true,
    form: &[
        FieldSpec {
            key: FIELD_NAME,
            label: "Name",
            kind: FieldKind::Text,
            required: true,
            help: "A label for the access token (1 to 128 characters)",
        },
        FieldSpec {
            key: FIELD_PERMISSIONS,
            label: "Permissions",
            kind: FieldKind::MultiChoice(&["READ", "WRITE", "ADMIN"]),
            required: false,
            help: "Every token can READ; WRITE changes things, ADMIN manages tokens",
        },
    ],
};

const DEFAULT_BASE_URL: &str = "https://api.lagrello.com";
/// The largest page the API allows.
const PAGE_SIZE: usize = 20;
/// A runaway paging loop stops here (2000 tokens).
const MAX_PAGES: usize = 100;

/// The keys of a lagrello `[[accounts]]` entry besides the shared ones: none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {}

pub struct Lagrello {
    endpoint: Endpoint,
    credential: LazyCredential,
}

impl Client for Lagrello {
    type Settings = Settings;
    /// The access token's source.
    type Checked = CredentialSource;

    fn check(
        _settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<CredentialSource, AccountProblem> {
        super::require_credential(
            ProviderKind::Lagrello,
            credential,
            "an access token with ADMIN permission",
        )
    }

    fn default_base_url(_checked: &CredentialSource) -> Result<&'static str, AccountProblem> {
        Ok(DEFAULT_BASE_URL)
    }

    fn new(endpoint: Endpoint, credential: CredentialSource) -> Self {
        Lagrello {
            endpoint,
            credential: LazyCredential::new(credential),
        }
    }
}

impl Lagrello {
    async fn get(&self, url: Url) -> Result<Response, ApiError> {
        let auth = self.auth().await?;
        let request = self.endpoint.client().get(url).header(AUTHORIZATION, auth);
        self.endpoint.send(request).await
    }

    async fn auth(&self) -> Result<reqwest::header::HeaderValue, ApiError> {
        secret_header("Bearer ", self.credential.get().await?)
    }

    fn list_url(&self, page: Option<usize>) -> Url {
        let mut url = self.endpoint.url("/v1/tokens");
        url.query_pairs_mut()
            .append_pair("size", &PAGE_SIZE.to_string());
        if let Some(page) = page {
            url.query_pairs_mut().append_pair("page", &page.to_string());
        }
        url
    }

    /// Where the page after `current` (page number `page`) is, or `None` at the end.
    ///
    /// `paging.next` is followed only on the configured origin, so the bearer token never goes
    /// elsewhere (Prism's example points at openapi-generator.tech); a foreign link still says
    /// there is more, so the next page is then asked for by number.
    fn next_url(&self, current: &Url, page: usize, next: Option<&str>) -> Option<Url> {
        let next = next.map(str::trim).filter(|n| !n.is_empty())?;
        match current.join(next) {
            Ok(url) if self.endpoint.same_origin(&url) => (url != *current).then_some(url),
            _ => Some(self.list_url(Some(page + 1))),
        }
    }
}

/// The error for a non-success response, with the `message` of lagrello's error body if any.
fn api_error(response: &Response) -> ApiError {
    let message = response.error_message(&["message"]);
    status_error(response.status, &response.headers, message)
}

/// The error for a request about one token. A message that repeats the tokenKey (which may be
/// the bearer secret) gets it masked, since the text is shown, logged and audited.
fn token_error(response: &Response, key: &TokenId) -> ApiError {
    let key = key.as_str();
    let message = response.error_message(&["message"]).map(|m| {
        if key.is_empty() {
            m
        } else {
            let head: String = key.chars().take(8).collect();
            m.replace(key, &format!("{head}…"))
        }
    });
    status_error(response.status, &response.headers, message)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest<'a> {
    token_name: &'a str,
    /// Left out when empty: the service gives every token at least READ.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    permissions: &'a [String],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireToken {
    #[serde(default)]
    token_key: String,
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

impl WireToken {
    fn to_token(&self) -> Token {
        Token::new(&self.token_key, &self.token_name)
            .with_created(self.created_at.as_deref())
            .with_scopes(&self.permissions)
            .with_extra("created by", self.created_by.as_deref())
    }
}

#[derive(Deserialize)]
struct TokenList {
    #[serde(default)]
    data: Vec<WireToken>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    next: Option<String>,
}

impl Provider for Lagrello {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Lagrello
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Token>, ApiError>> {
        Box::pin(async move {
            // Ids are not assumed unique (Prism repeats them): every item is kept, in order.
            let mut tokens = Vec::new();
            let mut url = self.list_url(None);
            for page in 1..=MAX_PAGES {
                let response = self.get(url.clone()).await?;
                if !response.status.is_success() {
                    return Err(api_error(&response));
                }
                let body: TokenList = response.json()?;
                tokens.extend(body.data.iter().map(WireToken::to_token));
                if body.data.len() < PAGE_SIZE {
                    break;
                }
                let next = body.paging.as_ref().and_then(|p| p.next.as_deref());
                match self.next_url(&url, page, next) {
                    Some(next) => url = next,
                    None => break,
                }
            }
            Ok(tokens)
        })
    }

    fn create(&self, new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>> {
        Box::pin(async move {
            let body = CreateRequest {
                token_name: &new.name,
                permissions: &new.permissions,
            };
            let auth = self.auth().await?;
            let request = self
                .endpoint
                .client()
                .post(self.endpoint.url("/v1/tokens"))
                .header(AUTHORIZATION, auth)
                .json(&body);
            let response = self.endpoint.send(request).await?;
            if !response.status.is_success() {
                return Err(api_error(&response));
            }
            let wire: WireToken = response.json()?;
            if wire.token_key.is_empty() {
                return Err(ApiError::Decode(
                    "lagrello answered the create without a tokenKey".into(),
                ));
            }
            let token = wire.to_token();
            Ok(Created {
                token,
                secret: SecretString::from(wire.token_key),
            })
        })
    }

    fn delete(&self, id: TokenId) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(async move {
            // Built by hand: the spec's `{id}`/`tokenId` mismatch makes generated clients send
            // a literal `{id}`. push() percent-encodes the key as one path segment.
            let mut url = self.endpoint.url("/v1/tokens");
            url.path_segments_mut()
                .map_err(|_| ApiError::Credential("the base URL cannot take a path".into()))?
                .push(super::http::token_segment(&id)?);
            let auth = self.auth().await?;
            let request = self
                .endpoint
                .client()
                .delete(url)
                .header(AUTHORIZATION, auth);
            let response = self.endpoint.send(request).await?;
            if !response.status.is_success() {
                return Err(token_error(&response, &id));
            }
            Ok(())
        })
    }
}

/// What a lagrello `tokenKey` looks like: a UUID (`format: uuid` in the spec). Whether it is the
/// bearer secret is unclear, so it is matched as one.
pub const SECRET_FORMAT: crate::model::SecretFormat = crate::model::SecretFormat {
    what: "tokenKey",
    shape: crate::model::Shape::Uuid,
    source: "`format: uuid` in lagrello's spec",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::http::{HttpSettings, build_client, check_base_url};

    fn client(base: &str) -> Lagrello {
        let settings = HttpSettings::default();
        let endpoint = Endpoint::new(
            build_client(&settings),
            check_base_url(base, false).unwrap(),
            &settings,
        );
        Lagrello::new(
            endpoint,
            crate::credential::CredentialSource::Env("K".into()),
        )
    }

    #[test]
    fn next_link_rules() {
        let l = client("https://api.lagrello.com");
        let first = l.list_url(None);
        assert_eq!(first.as_str(), "https://api.lagrello.com/v1/tokens?size=20");
        let same = "https://api.lagrello.com/v1/tokens?size=20&page=2";
        assert_eq!(l.next_url(&first, 1, Some(same)).unwrap().as_str(), same);
        assert_eq!(l.next_url(&first, 1, Some("")), None);
        assert_eq!(l.next_url(&first, 1, None), None);
        assert_eq!(l.next_url(&first, 1, Some(first.as_str())), None);
        let foreign = l
            .next_url(&first, 1, Some("https://openapi-generator.tech"))
            .unwrap();
        assert_eq!(
            foreign.as_str(),
            "https://api.lagrello.com/v1/tokens?size=20&page=2"
        );
    }

    #[test]
    fn prism_example_decodes() {
        let body = r#"{"data":[{"tokenKey":"k","tokenName":"n","createdBy":"createdBy",
            "createdAt":"2000-01-23T04:56:07.000+00:00","permissions":["permissions","permissions"]}],
            "paging":{"previous":"https://openapi-generator.tech","next":"https://openapi-generator.tech"}}"#;
        let list: TokenList = serde_json::from_str(body).unwrap();
        let t = list.data[0].to_token();
        assert_eq!(t.scopes.len(), 2);
        assert!(t.created_at.is_some());
        assert_eq!(t.extra, vec![("created by".into(), "createdBy".into())]);
    }

    #[test]
    fn an_error_that_repeats_the_token_key_shows_it_masked() {
        let key = TokenId::new("13777603-bdf9-48f7-a493-3b4a94e8be02");
        let response = Response {
            status: reqwest::StatusCode::NOT_FOUND,
            headers: reqwest::header::HeaderMap::new(),
            body: br#"{"message":"token 13777603-bdf9-48f7-a493-3b4a94e8be02 could not be found"}"#
                .to_vec(),
        };
        let err = token_error(&response, &key);
        assert_eq!(
            err,
            ApiError::NotFound("token 13777603… could not be found".into())
        );
    }

    #[test]
    fn create_body_is_camel_case() {
        let perms = vec!["READ".to_owned()];
        let body = CreateRequest {
            token_name: "ci",
            permissions: &perms,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"tokenName":"ci","permissions":["READ"]}"#
        );
    }
}
