//! lagrello's wire types: the create request body, the token as listed and created, and a page
//! of the token list with its paging link. Apart from `lagrello.rs` so the client reads as
//! requests and their rules, not serde shapes.

use serde::{Deserialize, Serialize};

use super::permissions_privilege;
use crate::model::Token;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest<'a> {
    pub token_name: &'a str,
    /// Left out when empty: the service gives every token at least READ.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub permissions: &'a [String],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireToken {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub token_key: String,
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub token_name: String,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub permissions: Vec<String>,
}

impl WireToken {
    pub fn to_token(&self) -> Token {
        Token::new(&self.token_key, &self.token_name)
            .with_created(self.created_at.as_deref())
            .with_scopes(&self.permissions)
            .with_privilege(permissions_privilege(&self.permissions))
            .with_created_by(self.created_by.as_deref().filter(|c| !c.is_empty()))
    }
}

#[derive(Deserialize)]
pub struct TokenList {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub data: Vec<WireToken>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub next: Option<String>,
}
