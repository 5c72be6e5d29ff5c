//! qovery's wire types: the `{results}` list around every listing, the token and role as listed,
//! the created token with its secret, and the create request body (`../shared/providers/qovery.md`).
//! Apart from `qovery.rs` so the client reads as requests and their rules, not serde shapes.

use serde::{Deserialize, Serialize};

use super::role_privilege;
use crate::model::Token;

#[derive(Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub struct ListBody<T> {
    #[serde(
        default = "Vec::new",
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub results: Vec<T>,
}

#[derive(Deserialize)]
pub struct WireRole {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
pub struct WireToken {
    pub id: String,
    pub name: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub description: Option<String>,
    pub role_name: Option<String>,
    pub role_id: Option<String>,
}

impl WireToken {
    pub fn into_token(self) -> Token {
        let role = self.role_name.as_deref().filter(|r| !r.is_empty());
        Token::new(&self.id, self.name.as_deref().unwrap_or_default())
            .with_created(self.created_at.as_deref())
            .with_updated(self.updated_at.as_deref())
            .with_scopes(role)
            .with_role(role)
            .with_privilege(role_privilege(role))
            .with_description(self.description.as_deref().filter(|d| !d.is_empty()))
            .with_extra("role id", self.role_id.as_deref())
    }
}

#[derive(Deserialize)]
pub struct WireCreated {
    #[serde(flatten)]
    pub fields: WireToken,
    pub token: Option<String>,
}

/// A policy API token as listed: the regular token's fields and its policy, creator and expiry.
#[derive(Deserialize)]
pub struct WirePolicyToken {
    #[serde(flatten)]
    pub fields: WireToken,
    pub opa_policy: Option<String>,
    pub creator_name: Option<String>,
    pub expires_at: Option<String>,
}

/// What marks a policy API token among an organization's tokens.
pub const POLICY_KIND: &str = "policy";

/// What a policy token without a role acts as: the spec's "omit it, or send null, for
/// organization-admin".
const NO_ROLE: &str = "organization admin (no role)";

impl WirePolicyToken {
    /// Its privilege is the role's (or admin, without one): the policy may narrow it further,
    /// but a policy that allows everything leaves the whole of it, so an audit counts the role.
    pub fn into_token(self) -> Token {
        let role = self
            .fields
            .role_name
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let privilege = match (&role, &self.fields.role_id) {
            (Some(r), _) => role_privilege(Some(r)),
            (None, Some(_)) => crate::model::Privilege::Unknown,
            (None, None) => crate::model::Privilege::Admin,
        };
        let scope = match (&role, &self.fields.role_id) {
            (Some(r), _) => r.clone(),
            (None, Some(_)) => "role (unnamed)".to_owned(),
            (None, None) => NO_ROLE.to_owned(),
        };
        let opa_policy = self.opa_policy.filter(|p| !p.trim().is_empty());
        let creator = self.creator_name.filter(|c| !c.is_empty());
        let expires = self.expires_at.filter(|e| !e.is_empty());
        self.fields
            .into_token()
            .with_scopes([scope])
            .with_privilege(privilege)
            .with_kind(Some(POLICY_KIND))
            .with_created_by(creator.as_deref())
            .with_expires(expires.as_deref())
            .with_extra(crate::model::OPA_POLICY_FACT, opa_policy.as_deref())
    }
}

#[derive(Deserialize)]
pub struct WirePolicyCreated {
    #[serde(flatten)]
    pub fields: WirePolicyToken,
    pub token: Option<String>,
}

/// A policy token's create body: `name` and `opa_policy` required; `role_id` and `expires_at`
/// nullable and sent as `null` when absent (the spec allows both, and `null` says "none" plainly);
/// `description` optional but not nullable, like the regular body's.
#[derive(Serialize)]
pub struct PolicyCreateBody<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub opa_policy: &'a str,
    pub role_id: Option<&'a str>,
    pub expires_at: Option<String>,
}

/// `role_id` is required but nullable, so it is always serialised; `description` is optional but
/// not nullable, so it is skipped when absent.
#[derive(Serialize)]
pub struct CreateBody<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub role_id: Option<&'a str>,
}
