//! qovery's policy API tokens (`/organization/{id}/policyApiToken`): listed beside the
//! organization API tokens and marked [`POLICY_KIND`], created when a policy is given, deleted at
//! their own path. The only tokens of these APIs that carry an expiry (`expires_at`).
//!
//! Which path deletes a token is remembered from the lists and creates ([`Kinds`]); an id not
//! seen yet is looked up in a fresh list of policy tokens, never guessed by sending a delete to
//! one path and then the other (a change is never sent twice).

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::{Method, StatusCode};

use super::wire::{ListBody, PolicyCreateBody, WirePolicyCreated, WirePolicyToken};
use super::{ERROR_KEYS, Qovery, token_uuid};
use crate::model::{ApiError, Created, NewToken, Token, TokenId, format_timestamp};
use crate::provider::http::{Response, status_error};

pub use super::wire::POLICY_KIND;

/// The two kinds of qovery token, by the path that deletes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Api,
    Policy,
}

/// The kind of every token id this client has listed or created.
#[derive(Debug, Default)]
pub struct Kinds(Mutex<HashMap<String, Kind>>);

impl Kinds {
    pub fn remember<'a>(&self, kind: Kind, ids: impl IntoIterator<Item = &'a TokenId>) {
        if let Ok(mut map) = self.0.lock() {
            for id in ids {
                map.insert(id.as_str().to_owned(), kind);
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<Kind> {
        self.0.lock().ok().and_then(|map| map.get(id).copied())
    }

    fn forget(&self, id: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(id);
        }
    }
}

impl Qovery {
    fn policy_path(&self) -> String {
        format!("/organization/{}/policyApiToken", self.organization_id)
    }

    /// The policy tokens, for a lookup of which kind a token is: any failure is the error.
    pub(super) async fn list_policy_tokens(&self) -> Result<Vec<Token>, ApiError> {
        let response = self
            .send::<()>(Method::GET, &self.policy_path(), None)
            .await?;
        if !response.status.is_success() {
            return Err(self.failure(&response));
        }
        self.read_policy_list(&response)
    }

    /// The policy tokens as the second part of the list, or why they are missing: the status
    /// qovery answered and its words, for the list's partial reason. A 401 here gets no advice
    /// about `auth_scheme`: the organization tokens were just listed with the same scheme.
    pub(super) async fn list_policy_part(&self) -> Result<Vec<Token>, String> {
        let response = self
            .send::<()>(Method::GET, &self.policy_path(), None)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status;
        if !status.is_success() {
            let error = status_error(
                status,
                &response.headers,
                response.error_message(ERROR_KEYS),
            )
            .to_string();
            let code = format!("HTTP {}", status.as_u16());
            return Err(if error.contains(&code) {
                error
            } else {
                format!("{code}, {error}")
            });
        }
        self.read_policy_list(&response).map_err(|e| e.to_string())
    }

    fn read_policy_list(&self, response: &Response) -> Result<Vec<Token>, ApiError> {
        let list: ListBody<WirePolicyToken> = response.json()?;
        let tokens: Vec<Token> = list
            .results
            .into_iter()
            .map(WirePolicyToken::into_token)
            .collect();
        self.kinds
            .remember(Kind::Policy, tokens.iter().map(|t| &t.id));
        Ok(tokens)
    }

    pub(super) async fn create_policy_token(
        &self,
        new: &NewToken,
        opa_policy: &str,
    ) -> Result<Created, ApiError> {
        let body = PolicyCreateBody {
            name: &new.name,
            description: super::trimmed(new.description.as_deref()),
            opa_policy,
            role_id: super::trimmed(new.role_id.as_deref()),
            expires_at: new.expires_at.map(format_timestamp),
        };
        let response = self
            .send(Method::POST, &self.policy_path(), Some(&body))
            .await?;
        if response.status == StatusCode::CONFLICT {
            return Err(self.name_taken(&response, &new.name));
        }
        if !response.status.is_success() {
            return Err(self.failure(&response));
        }
        let created: WirePolicyCreated = response.json()?;
        let secret = created.token.filter(|t| !t.is_empty()).ok_or_else(|| {
            ApiError::Decode(
                "qovery answered the create without the policy token's secret; the token may \
                 exist: re-list"
                    .into(),
            )
        })?;
        let token = created.fields.into_token();
        self.kinds.remember(Kind::Policy, [&token.id]);
        Ok(Created {
            token,
            secret: secret.into(),
        })
    }

    /// The kind of the token `id`: remembered, or looked up in a fresh list of policy tokens
    /// (anything not there is an organization API token).
    pub(super) async fn kind_of(&self, id: &str) -> Result<Kind, ApiError> {
        if let Some(kind) = self.kinds.get(id) {
            return Ok(kind);
        }
        let policy = self.list_policy_tokens().await?;
        Ok(if policy.iter().any(|t| t.id.as_str() == id) {
            Kind::Policy
        } else {
            Kind::Api
        })
    }

    pub(super) async fn delete_policy_token(&self, id: &TokenId) -> Result<(), ApiError> {
        let id = token_uuid(id)?;
        let path = format!("{}/{id}", self.policy_path());
        let response = self.send::<()>(Method::DELETE, &path, None).await?;
        if response.status.is_success() {
            self.kinds.forget(&id);
            return Ok(());
        }
        let error = self.failure(&response);
        if response.status != StatusCode::FORBIDDEN {
            return Err(error);
        }
        // As for API tokens: qovery's 403 may mean the token does not exist.
        match self.list_policy_tokens().await {
            Ok(tokens) if !tokens.iter().any(|t| t.id.as_str() == id) => Err(ApiError::NotFound(
                "the policy token no longer exists in this organization (qovery answered 403)"
                    .into(),
            )),
            _ => Err(error),
        }
    }
}
