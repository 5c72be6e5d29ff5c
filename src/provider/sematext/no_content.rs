//! sematext declares "201, no content" besides the 200 with a body for create, update and
//! regenerate. Such an answer says the change happened but carries neither the token nor its
//! secret; sematext lists every token with its secret, so the client lists the token's app and
//! takes them from there, and says so in the log. When the list cannot tell which token it is,
//! the error says that the change happened and how to see the secret.

use crate::model::{ApiError, Created, Token, TokenId};
use crate::text::{sanitize, truncate};

use super::Sematext;
use super::apps::App;

impl Sematext {
    /// The token `id` as listed now in `app`, after a `what` answered with no content.
    pub(super) async fn relisted(&self, app: &App, id: i64, what: &str) -> Result<Token, ApiError> {
        tracing::info!(
            app = app.id,
            token = id,
            "sematext answered the {what} with no content; listing the app for the token"
        );
        let tokens = self.list_app(app).await.map(|l| l.tokens).map_err(|e| {
            ApiError::Decode(format!(
                "sematext answered the {what} of token {id} with no content (it happened), and \
                 listing app {} to see the result failed: {e}",
                app.app
            ))
        })?;
        let id = TokenId::new(id.to_string());
        tokens.into_iter().find(|t| t.id == id).ok_or_else(|| {
            ApiError::NotFound(format!(
                "sematext answered the {what} of token {id} with no content, and app {} no \
                 longer lists that token",
                app.app
            ))
        })
    }

    /// The secret of a token regenerated with no content, from the list.
    pub(super) async fn regenerated_by_listing(
        &self,
        app: &App,
        id: i64,
    ) -> Result<Created, ApiError> {
        let token = self.relisted(app, id, "regenerate").await?;
        created(token, || {
            format!(
                "sematext regenerated token {id} (201, no content) but did not send the new \
                 secret, and the list shows none; list the account to see it"
            )
        })
    }

    /// A token created with no content: the one named `name` in `app` that was not listed
    /// there before (`before`: the ids known before the create, if the app was listed).
    pub(super) async fn created_by_listing(
        &self,
        app: &App,
        name: &str,
        before: &[i64],
    ) -> Result<Created, ApiError> {
        tracing::info!(
            app = app.id,
            "sematext answered the create with no content; listing the app for the new token"
        );
        let shown = truncate(&sanitize(name), 60);
        let tokens = self.list_app(app).await.map(|l| l.tokens).map_err(|e| {
            ApiError::Decode(format!(
                "sematext created the token `{shown}` (201, no content) without sending it, and \
                 listing app {} for its secret failed: {e}",
                app.app
            ))
        })?;
        let mut candidates: Vec<Token> = tokens
            .into_iter()
            .filter(|t| t.name == sanitize(name))
            .filter(|t| {
                t.id.as_str()
                    .parse::<i64>()
                    .is_ok_and(|id| !before.contains(&id))
            })
            .collect();
        // An id listed twice is one token listed twice (Prism's example list repeats one), not
        // two new tokens to choose between.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|t| seen.insert(t.id.clone()));
        match candidates.len() {
            1 => created(candidates.remove(0), || {
                format!(
                    "sematext created the token `{shown}` (201, no content) without sending it, \
                     and the list shows no secret for it; list the account to see it"
                )
            }),
            0 => Err(ApiError::Decode(format!(
                "sematext answered the create of `{shown}` with 201 and no content, but app {} \
                 lists no new token of that name; list the account to see whether it exists",
                app.app
            ))),
            n => Err(ApiError::Decode(format!(
                "sematext created the token `{shown}` (201, no content) without sending it, and \
                 app {} lists {n} tokens of that name it had not listed before, so which one is \
                 new is unknown; list the account to see them and their secrets",
                app.app
            ))),
        }
    }
}

fn created(token: Token, no_secret: impl FnOnce() -> String) -> Result<Created, ApiError> {
    match token.secret.clone() {
        Some(secret) => Ok(Created { token, secret }),
        None => Err(ApiError::Decode(no_secret())),
    }
}
