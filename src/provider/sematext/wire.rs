//! sematext's wire types: the `{success, message, data, errors}` envelope, the TokenDto and the
//! request bodies, as `../shared/providers/sematext.md` gives them.

use serde::{Deserialize, Serialize};

use super::apps::App;
use super::flags_privilege;
use crate::model::{ApiError, Created, Token};

/// `{success, message, data, errors}` around every body.
#[derive(Deserialize)]
pub struct Envelope<T> {
    pub success: Option<bool>,
    message: Option<String>,
    pub data: Option<T>,
    errors: Option<Vec<WireError>>,
}

impl<T> Envelope<T> {
    /// `message`, else the first error's message.
    pub fn error_text(self) -> Option<String> {
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
pub struct TokensData {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    pub tokens: Vec<WireToken>,
}

#[derive(Deserialize)]
pub struct TokenData {
    pub token: WireToken,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireToken {
    id: Option<i64>,
    name: Option<String>,
    token: Option<String>,
    readable: Option<bool>,
    writeable: Option<bool>,
    enabled: Option<bool>,
    created_at: Option<String>,
}

impl WireToken {
    pub fn into_token(self, app: &App) -> Result<Token, ApiError> {
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
                .with_privilege(flags_privilege(self.readable, self.writeable))
                .with_app(Some(app.app.clone()))
                .with_secret(self.token.filter(|t| !t.is_empty())),
        )
    }

    pub fn into_created(self, app: &App) -> Result<Created, ApiError> {
        let token = self.into_token(app)?;
        let secret = token.secret.clone().ok_or_else(|| {
            ApiError::Decode("sematext answered without the token's secret; re-list".into())
        })?;
        Ok(Created { token, secret })
    }
}

#[derive(Serialize)]
pub struct CreateBody<'a> {
    pub name: &'a str,
    pub readable: bool,
    /// Spelled as sematext spells it.
    pub writeable: bool,
}

/// Only the fields that change are sent.
#[derive(Serialize)]
pub struct UpdateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn error_text_prefers_message_then_first_error() {
        let e: Envelope<serde::de::IgnoredAny> = serde_json::from_str(
            r#"{"success":false,"message":"","errors":[{"code":"x","message":"bad app"}]}"#,
        )
        .unwrap();
        assert_eq!(e.error_text().as_deref(), Some("bad app"));
    }
}
