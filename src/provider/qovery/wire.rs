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

/// `role_id` is required but nullable, so it is always serialised; `description` is optional but
/// not nullable, so it is skipped when absent.
#[derive(Serialize)]
pub struct CreateBody<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub role_id: Option<&'a str>,
}
