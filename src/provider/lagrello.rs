//! lagrello client: access tokens (see ../shared/providers/lagrello.md).
//!
//! A token's only identifier, `tokenKey`, may also be its bearer secret, so it is treated as
//! sensitive: it never appears in a log line or an error message, and URLs that contain it are
//! never logged.

use futures::future::BoxFuture;
use reqwest::header::AUTHORIZATION;
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

mod paging;
mod wire;

use wire::{CreateRequest, WireToken};

use super::http::{Endpoint, Response, status_error};
use super::{AccountProblem, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FIELD_PERMISSIONS, FieldKind, FieldSpec, Listing,
    NewToken, Privilege, TokenId,
};

pub const CAPS: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: true,
    unique_names: false,
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
            kind: FieldKind::MultiChoice {
                choices: &["READ", "WRITE", "ADMIN"],
                // lagrello grants READ to a token created without permissions.
                default: &["READ"],
            },
            required: false,
            help: "Every token can READ; WRITE changes things, ADMIN manages tokens",
        },
    ],
};

const DEFAULT_BASE_URL: &str = "https://api.lagrello.com";
/// The largest page the API allows.
const PAGE_SIZE: usize = 20;
/// How many pages a list reads before it stops and says it is partial, unless the account sets
/// `max_pages`: 200,000 tokens, far beyond any real tenant, but a bound on a server that never
/// stops paging.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// The keys of a lagrello `[[accounts]]` entry besides the shared ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// How many pages of 20 a list may read ([`DEFAULT_MAX_PAGES`] when unset). A tenant with
    /// more tokens lists partially, and says so.
    pub max_pages: Option<i64>,
}

/// A lagrello account, checked.
pub struct Checked {
    credential: CredentialSource,
    max_pages: usize,
}

pub struct Lagrello {
    endpoint: Endpoint,
    credential: LazyCredential,
    max_pages: usize,
}

impl Client for Lagrello {
    type Settings = Settings;
    type Checked = Checked;

    fn check(
        settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Checked, AccountProblem> {
        let max_pages = match settings.max_pages {
            None => DEFAULT_MAX_PAGES,
            Some(n) => usize::try_from(n).ok().filter(|n| *n >= 1).ok_or_else(|| {
                AccountProblem::new(
                    "max_pages",
                    format!("max_pages must be a whole number from 1 (pages of {PAGE_SIZE} tokens); got {n}"),
                )
            })?,
        };
        let credential = super::require_credential(
            ProviderKind::Lagrello,
            credential,
            "an access token with ADMIN permission",
        )?;
        Ok(Checked {
            credential,
            max_pages,
        })
    }

    fn default_base_url(_checked: &Checked) -> Result<&'static str, AccountProblem> {
        Ok(DEFAULT_BASE_URL)
    }

    fn new(endpoint: Endpoint, checked: Checked) -> Self {
        Lagrello {
            endpoint,
            credential: LazyCredential::new(checked.credential),
            max_pages: checked.max_pages,
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
        self.endpoint
            .secret_header("Bearer ", self.credential.get().await?)
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
}

/// What a token with these permissions may do: the highest granted of `ADMIN`, `WRITE` and
/// `READ` (lagrello.md: creating or updating needs WRITE, creating tokens needs ADMIN, and
/// every token has at least READ, so none listed is READ). A value lagrello does not document
/// could grant anything, so without ADMIN beside it the answer is `Unknown`.
pub fn permissions_privilege(permissions: &[String]) -> Privilege {
    let mut highest = Privilege::Read;
    let mut unknown = false;
    for p in permissions.iter().map(|p| p.trim()) {
        match p.to_ascii_uppercase().as_str() {
            "ADMIN" => return Privilege::Admin,
            "WRITE" => highest = Privilege::Write,
            "READ" => {}
            _ => unknown = true,
        }
    }
    if unknown { Privilege::Unknown } else { highest }
}

/// The error for a non-success response, with the `message` of lagrello's error body if any.
fn api_error(response: &Response) -> ApiError {
    let message = response.error_message(&["message"]);
    wrong_key_or_lacking(status_error(response.status, &response.headers, message))
}

/// lagrello answers 403 for a wrong access token as for one that lacks a permission. When its
/// message says the token is wrong, that is an authentication failure; any other 403 says both
/// causes, never only "lacks the permission".
fn wrong_key_or_lacking(error: ApiError) -> ApiError {
    match error {
        ApiError::Forbidden(m) if m.to_ascii_lowercase().contains("wrong") => {
            ApiError::Unauthorized(format!("{m} (lagrello answered 403)"))
        }
        ApiError::Forbidden(m) => ApiError::Forbidden(format!(
            "{m}; lagrello answers 403 for a wrong access token too: the key may be wrong, or \
             lack ADMIN (needed to create and delete tokens)"
        )),
        other => other,
    }
}

/// The error for a request about one token. A message that repeats the tokenKey (which may be
/// the bearer secret) gets it masked, since the text is shown, logged and audited.
fn token_error(response: &Response, key: &TokenId) -> ApiError {
    // The key is the secret: a message that repeats it shows it masked by the one rule, as the
    // table and the audit do, never its head.
    let masked = crate::model::masked_id(key, &CAPS);
    let key = key.as_str();
    let message = response.error_message(&["message"]).map(|m| {
        if key.is_empty() {
            m
        } else {
            m.replace(key, &masked)
        }
    });
    wrong_key_or_lacking(status_error(response.status, &response.headers, message))
}

impl Provider for Lagrello {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Lagrello
    }

    fn list(&self) -> BoxFuture<'_, Result<Listing, ApiError>> {
        Box::pin(self.list_all())
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
    use wire::TokenList;

    #[test]
    fn null_lists_are_empty() {
        let list: TokenList =
            serde_json::from_str(r#"{"data":null,"paging":{"previous":null,"next":null}}"#)
                .unwrap();
        assert!(list.data.is_empty());
        let list: TokenList = serde_json::from_str(
            r#"{"data":[{"tokenKey":"13777603-bdf9-48f7-a493-3b4a94e8be02","tokenName":null,
                "permissions":null}]}"#,
        )
        .unwrap();
        assert!(list.data[0].permissions.is_empty());
    }
    use crate::provider::http::{HttpSettings, build_client, check_base_url};

    fn client(base: &str) -> Lagrello {
        let settings = HttpSettings::default();
        let endpoint = Endpoint::new(
            build_client(&settings),
            check_base_url(base, false).unwrap(),
            &settings,
        );
        let checked = Lagrello::check(
            Settings::default(),
            Some(crate::credential::CredentialSource::Env("K".into())),
        )
        .ok()
        .unwrap();
        Lagrello::new(endpoint, checked)
    }

    #[test]
    fn pages_are_asked_of_the_accounts_origin_by_number() {
        let l = client("https://api.lagrello.com");
        assert_eq!(
            l.list_url(None).as_str(),
            "https://api.lagrello.com/v1/tokens?size=20"
        );
        assert_eq!(
            l.list_url(Some(0)).as_str(),
            "https://api.lagrello.com/v1/tokens?size=20&page=0"
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
        assert_eq!(t.created_by.as_deref(), Some("createdBy"));
        assert!(t.extra.is_empty());
        // Prism's placeholder permissions are no documented value.
        assert_eq!(t.privilege, Privilege::Unknown);
    }

    #[test]
    fn the_highest_permission_granted_is_the_privilege() {
        let p = |perms: &[&str]| {
            let perms: Vec<String> = perms.iter().map(|p| p.to_string()).collect();
            permissions_privilege(&perms)
        };
        assert_eq!(p(&["READ", "WRITE", "ADMIN"]), Privilege::Admin);
        assert_eq!(p(&["ADMIN"]), Privilege::Admin);
        assert_eq!(p(&["READ", "WRITE"]), Privilege::Write);
        assert_eq!(p(&["write"]), Privilege::Write);
        assert_eq!(p(&["READ"]), Privilege::Read);
        // Every token has at least READ.
        assert_eq!(p(&[]), Privilege::Read);
        // An undocumented value could be anything, unless ADMIN is granted anyway.
        assert_eq!(p(&["READ", "SUPERUSER"]), Privilege::Unknown);
        assert_eq!(p(&["SUPERUSER", "ADMIN"]), Privilege::Admin);
    }

    #[test]
    fn max_pages_is_checked() {
        let check = |n| {
            Lagrello::check(
                Settings { max_pages: n },
                Some(crate::credential::CredentialSource::Env("K".into())),
            )
        };
        assert_eq!(check(None).ok().unwrap().max_pages, DEFAULT_MAX_PAGES);
        assert_eq!(check(Some(3)).ok().unwrap().max_pages, 3);
        for bad in [0, -1] {
            let p = check(Some(bad)).err().unwrap();
            assert_eq!(p.key, "max_pages");
            assert!(p.message.contains(&bad.to_string()), "{}", p.message);
        }
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
            ApiError::NotFound("token ••••e8be02 could not be found".into())
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
