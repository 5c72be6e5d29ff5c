//! qovery client: organization API tokens (`/organization/{id}/apiToken`).
//!
//! Wire details are in `../shared/providers/qovery.md`. The quirks handled here: `role_id` must be
//! present in every create body (a UUID or an explicit `null`), `description` must be omitted
//! rather than `null`, a 409 means the name is taken, and a 403 may mean "not found", so a 403 on
//! delete is checked against a fresh list before it is reported. An API token goes as
//! `Authorization: Token <t>`; a human login's JWT as `Bearer <jwt>`, chosen by `auth_scheme`.
//!
//! Policy API tokens, the organization's second kind, are listed beside these and created when a
//! policy is given (`policy.rs`).

use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::http::{Endpoint, Response, status_error};
use super::{AccountProblem, Choice, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_DESCRIPTION, FIELD_EXPIRES_AT, FIELD_NAME, FIELD_OPA_POLICY,
    FIELD_ROLE_ID, FieldKind, FieldSpec, Listing, NewToken, Privilege, Token, TokenId,
};
use crate::text::{sanitize, truncate};

mod policy;
mod wire;

pub use policy::POLICY_KIND;
use policy::{Kind, Kinds};
use wire::{CreateBody, ListBody, WireCreated, WireRole, WireToken};

const DEFAULT_BASE_URL: &str = "https://api.qovery.com";

const FORM: &[FieldSpec] = &[
    FieldSpec {
        key: FIELD_NAME,
        label: "Name",
        kind: FieldKind::Text,
        required: true,
        help: "unique within the organization",
    },
    FieldSpec {
        key: FIELD_DESCRIPTION,
        label: "Description",
        kind: FieldKind::Text,
        required: false,
        help: "what the token is for",
    },
    FieldSpec {
        key: FIELD_ROLE_ID,
        label: "Role",
        kind: FieldKind::RemoteChoice,
        required: false,
        help: "the organization role the token acts with; none leaves it to qovery",
    },
    FieldSpec {
        key: FIELD_OPA_POLICY,
        label: "OPA policy",
        kind: FieldKind::Text,
        required: false,
        help: "rego rules defining `allow`, no package line; set, it makes a policy API token",
    },
    FieldSpec {
        key: FIELD_EXPIRES_AT,
        label: "Expires",
        kind: FieldKind::Text,
        required: false,
        help: "policy tokens only: 2026-12-31, an RFC 3339 time, or 30d from now",
    },
];

pub const CAPS: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: false,
    unique_names: true,
    form: FORM,
};

/// The keys of a qovery `[[accounts]]` entry besides the shared ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The organization's UUID.
    pub organization_id: Option<String>,
    /// How the credential is sent: `token` (an organization API token, the default) or `bearer`
    /// (a JWT, as a human login has).
    pub auth_scheme: Option<String>,
}

/// How the credential goes in `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Token <api token>`: an organization API token.
    Token,
    /// `Bearer <jwt>`: a JWT, as qovery's generated clients document besides API tokens.
    Bearer,
}

impl AuthScheme {
    fn from_setting(raw: Option<&str>) -> Result<AuthScheme, AccountProblem> {
        match raw.map(str::trim) {
            None => Ok(AuthScheme::Token),
            Some(s) if s.eq_ignore_ascii_case("token") => Ok(AuthScheme::Token),
            Some(s) if s.eq_ignore_ascii_case("bearer") => Ok(AuthScheme::Bearer),
            Some(other) => Err(AccountProblem::new(
                "auth_scheme",
                format!(
                    "unknown auth_scheme `{}`; expected \"token\" (an organization API token, \
                     the default) or \"bearer\" (a JWT)",
                    truncate(&sanitize(other), 40)
                ),
            )),
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            AuthScheme::Token => "Token ",
            AuthScheme::Bearer => "Bearer ",
        }
    }

    /// What a 401 adds: the other scheme may be the one this credential needs.
    fn unauthorized_hint(self) -> &'static str {
        match self {
            AuthScheme::Token => {
                "sent as `Token`, for an organization API token; if this credential is a JWT, \
                 set auth_scheme = \"bearer\""
            }
            AuthScheme::Bearer => {
                "sent as `Bearer`, for a JWT; if this credential is an organization API token, \
                 set auth_scheme = \"token\" (the default)"
            }
        }
    }
}

/// A qovery account, checked.
pub struct Checked {
    /// A UUID, so also safe to put in a URL path.
    organization_id: String,
    auth_scheme: AuthScheme,
    credential: CredentialSource,
}

pub struct Qovery {
    endpoint: Endpoint,
    organization_id: String,
    auth_scheme: AuthScheme,
    credential: LazyCredential,
    /// Which path deletes each token seen: regular or policy.
    kinds: Kinds,
}

impl Client for Qovery {
    type Settings = Settings;
    type Checked = Checked;

    /// qovery needs the organization's UUID and an API token.
    fn check(
        settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Checked, AccountProblem> {
        let organization_id = organization_id(settings.organization_id.as_deref())?;
        let auth_scheme = AuthScheme::from_setting(settings.auth_scheme.as_deref())?;
        let credential = super::require_credential(
            ProviderKind::Qovery,
            credential,
            "an organization API token",
        )?;
        Ok(Checked {
            organization_id,
            auth_scheme,
            credential,
        })
    }

    fn default_base_url(_checked: &Checked) -> Result<&'static str, AccountProblem> {
        Ok(DEFAULT_BASE_URL)
    }

    fn new(endpoint: Endpoint, checked: Checked) -> Self {
        Qovery {
            endpoint,
            organization_id: checked.organization_id,
            auth_scheme: checked.auth_scheme,
            credential: LazyCredential::new(checked.credential),
            kinds: Kinds::default(),
        }
    }
}

fn organization_id(raw: Option<&str>) -> Result<String, AccountProblem> {
    let raw = raw.ok_or_else(|| {
        AccountProblem::new(
            "organization_id",
            "qovery accounts need organization_id, the organization's UUID",
        )
    })?;
    // A UUID also keeps the value safe to put in a URL path.
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            AccountProblem::new(
                "organization_id",
                format!(
                    "`{}` is not a UUID; qovery organization ids look like 5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90",
                    truncate(&sanitize(raw), 60)
                ),
            )
        })
}

impl Qovery {
    fn tokens_path(&self) -> String {
        format!("/organization/{}/apiToken", self.organization_id)
    }

    /// Send an authenticated request; the status is judged by the caller.
    async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Response, ApiError> {
        let auth = self
            .endpoint
            .secret_header(self.auth_scheme.prefix(), self.credential.get().await?)?;
        let mut request = self
            .endpoint
            .client()
            .request(method, self.endpoint.url(path))
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        self.endpoint.send(request).await
    }

    async fn list_tokens(&self) -> Result<Vec<Token>, ApiError> {
        let response = self
            .send::<()>(Method::GET, &self.tokens_path(), None)
            .await?;
        if !response.status.is_success() {
            return Err(self.failure(&response));
        }
        let list: ListBody<WireToken> = response.json()?;
        let tokens: Vec<Token> = list
            .results
            .into_iter()
            .map(WireToken::into_token)
            .collect();
        self.kinds.remember(Kind::Api, tokens.iter().map(|t| &t.id));
        Ok(tokens)
    }

    /// Both kinds of token. The policy tokens are a second request: when only it fails, the
    /// organization API tokens are still shown, and the list says the policy tokens are missing.
    async fn list_all(&self) -> Result<Listing, ApiError> {
        let tokens = self.list_tokens().await?;
        match self.list_policy_part().await {
            Ok(policy) => {
                let mut all = tokens;
                all.extend(policy);
                Ok(Listing::complete(all))
            }
            Err(why) => Ok(Listing::partial(
                tokens,
                format!(
                    "{}: policy API tokens could not be listed ({why})",
                    self.endpoint.account()
                ),
            )),
        }
    }

    async fn create_token(&self, new: NewToken) -> Result<Created, ApiError> {
        if let Some(policy) = trimmed(new.opa_policy.as_deref()) {
            return self.create_policy_token(&new, policy).await;
        }
        if new.expires_at.is_some() {
            // Refused before anything is sent: qovery would create a token that never expires.
            return Err(ApiError::Invalid(
                "qovery's organization API tokens do not expire; an expiry needs a policy API \
                 token: give its OPA policy too (--opa-policy)"
                    .into(),
            ));
        }
        let body = CreateBody {
            name: &new.name,
            description: trimmed(new.description.as_deref()),
            role_id: trimmed(new.role_id.as_deref()),
        };
        let response = self
            .send(Method::POST, &self.tokens_path(), Some(&body))
            .await?;
        if response.status == StatusCode::CONFLICT {
            return Err(self.name_taken(&response, &new.name));
        }
        if !response.status.is_success() {
            return Err(self.failure(&response));
        }
        let created: WireCreated = response.json()?;
        let secret = created.token.filter(|t| !t.is_empty()).ok_or_else(|| {
            ApiError::Decode(
                "qovery answered the create without the token's secret; the token may exist: re-list"
                    .into(),
            )
        })?;
        let token = created.fields.into_token();
        self.kinds.remember(Kind::Api, [&token.id]);
        Ok(Created {
            token,
            secret: secret.into(),
        })
    }

    /// A 409: the name is taken in the organization (names are unique across both kinds).
    fn name_taken(&self, response: &Response, name: &str) -> ApiError {
        let message = match response.error_message(ERROR_KEYS) {
            Some(d) => {
                format!("a token named \"{name}\" already exists in this organization ({d})")
            }
            None => format!("a token named \"{name}\" already exists in this organization"),
        };
        status_error(response.status, &response.headers, Some(message))
    }

    async fn delete_token(&self, id: TokenId) -> Result<(), ApiError> {
        let uuid = token_uuid(&id)?;
        if self.kind_of(&uuid).await? == Kind::Policy {
            return self.delete_policy_token(&id).await;
        }
        let id = uuid;
        let path = format!("{}/{id}", self.tokens_path());
        let response = self.send::<()>(Method::DELETE, &path, None).await?;
        if response.status.is_success() {
            return Ok(());
        }
        let error = self.failure(&response);
        if response.status != StatusCode::FORBIDDEN {
            return Err(error);
        }
        // qovery answers 403 for tokens that do not exist; a fresh list tells the two apart. If
        // the list fails too, the 403 is all we know.
        match self.list_tokens().await {
            Ok(tokens) if !tokens.iter().any(|t| t.id.as_str() == id) => Err(ApiError::NotFound(
                "the token no longer exists in this organization (qovery answered 403)".into(),
            )),
            _ => Err(error),
        }
    }

    async fn roles(&self) -> Result<Vec<Choice>, ApiError> {
        let path = format!("/organization/{}/availableRole", self.organization_id);
        let response = self.send::<()>(Method::GET, &path, None).await?;
        if !response.status.is_success() {
            return Err(self.failure(&response));
        }
        let list: ListBody<WireRole> = response.json()?;
        Ok(list
            .results
            .into_iter()
            .map(|r| Choice {
                id: sanitize(&r.id),
                label: sanitize(&r.name),
            })
            .collect())
    }
}

impl Provider for Qovery {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Qovery
    }

    fn list(&self) -> BoxFuture<'_, Result<Listing, ApiError>> {
        Box::pin(self.list_all())
    }

    fn create(&self, new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>> {
        Box::pin(self.create_token(new))
    }

    fn delete(&self, id: TokenId) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(self.delete_token(id))
    }

    fn form_choices(&self, field: &'static str) -> BoxFuture<'_, Result<Vec<Choice>, ApiError>> {
        if field == FIELD_ROLE_ID {
            Box::pin(self.roles())
        } else {
            Box::pin(async { Ok(Vec::new()) })
        }
    }
}

/// An optional text field as sent: trimmed, and absent when empty.
fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// qovery token ids are UUIDs; anything else cannot name a token (and must not reach a path).
fn token_uuid(id: &TokenId) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(id.as_str())
        .map(|u| u.to_string())
        .map_err(|_| {
            ApiError::NotFound(format!(
                "`{}` is not a qovery token id (they are UUIDs)",
                truncate(&sanitize(id.as_str()), 60)
            ))
        })
        .and_then(|uuid| super::http::token_segment(id).map(|_| uuid))
}

/// qovery's error body is undocumented; in practice `{status, detail}`, sometimes `message` or
/// `title`, sometimes empty. Read whatever is there, in this order.
const ERROR_KEYS: &[&str] = &["detail", "message", "title"];

impl Qovery {
    /// The error for a non-success response, with qovery's own words when the body has them; a
    /// 401 also says which scheme the credential went with and how to send it the other way.
    fn failure(&self, response: &Response) -> ApiError {
        let message = response.error_message(ERROR_KEYS);
        let message = if response.status == StatusCode::UNAUTHORIZED {
            let words = message.map_or_else(|| "Unauthorized".into(), |m| truncate(&m, 120));
            Some(format!("{words}; {}", self.auth_scheme.unauthorized_hint()))
        } else {
            message
        };
        status_error(response.status, &response.headers, message)
    }
}

/// What a token acting with the role `name` may do. qovery's five built-in organization roles
/// (its members-and-RBAC docs; the example role in qovery.md is "Admin"):
///
/// - Owner, Admin: everything, members, roles and API tokens included → `Admin`;
/// - DevOps: manages clusters, registries, webhooks and deployments, not members, roles or
///   billing → `Write`;
/// - Billing Manager: changes the billing, reads nothing else → `Write`;
/// - Viewer: reads the whole organization → `Read`.
///
/// Any other name is a custom role, whose permissions the token list does not give → `Unknown`
/// (the role's name stays on the token). So is a token without a role.
pub fn role_privilege(name: Option<&str>) -> Privilege {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Privilege::Unknown;
    };
    const BUILT_IN: [(&str, Privilege); 5] = [
        ("Owner", Privilege::Admin),
        ("Admin", Privilege::Admin),
        ("DevOps", Privilege::Write),
        ("Billing Manager", Privilege::Write),
        ("Viewer", Privilege::Read),
    ];
    BUILT_IN
        .iter()
        .find(|(role, _)| role.eq_ignore_ascii_case(name))
        .map_or(Privilege::Unknown, |(_, privilege)| *privilege)
}

/// What a qovery API token looks like: undocumented ("treat it as opaque"), so any value could
/// be one.
pub const SECRET_FORMAT: crate::model::SecretFormat = crate::model::SecretFormat {
    what: "organization API token",
    shape: crate::model::Shape::Opaque,
    source: "qovery does not document it",
};

#[cfg(test)]
mod tests;
