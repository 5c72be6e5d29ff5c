//! sematext client: app tokens (`/users-web/api/v3/apps/{appId}/tokens`).
//!
//! Wire details are in `../shared/providers/sematext.md`. The quirks handled here: every body is
//! an envelope whose `success` must be checked even on a 2xx, error bodies may be empty, the
//! write flag is spelled `writeable`, ids are int64 (kept as strings in [`TokenId`]), and every
//! token in every response carries its secret.
//!
//! An account covers every app its API key can see, or those its `app_id` or `apps` name
//! ([`apps`]). Tokens live in an app, so a change goes to the token's own app: the one app of
//! the account, else the app the token was last listed in (listing first if need be).

mod apps;
mod no_content;
mod wire;

use futures::future::BoxFuture;
use futures::{StreamExt, stream};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::http::{Endpoint, Response, status_error};
use super::{AccountProblem, Client, Provider, ProviderKind};
use crate::credential::{CredentialSource, LazyCredential};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FIELD_READABLE, FIELD_WRITEABLE, FieldKind, FieldSpec,
    Listing, NewToken, Privilege, Token, TokenId, TokenUpdate,
};
use crate::text::{sanitize, truncate};
use apps::{App, AppScope, AppsData, Known, Whereabouts};
use wire::{CreateBody, Envelope, TokenData, TokensData, UpdateBody};

const US_BASE_URL: &str = "https://apps.sematext.com";
const EU_BASE_URL: &str = "https://apps.eu.sematext.com";

/// The form's defaults: a read-only token.
const READABLE_DEFAULT: bool = true;
const WRITEABLE_DEFAULT: bool = false;

/// The flags a create sends. The two are independent: an unset `readable` is on only when the
/// token is not asked to be writeable, so `--writeable` alone makes a write-only token (a log
/// shipper's), both flags a read-write one, and neither the read-only default.
fn create_flags(new: &NewToken) -> (bool, bool) {
    let writeable = new.writeable.unwrap_or(WRITEABLE_DEFAULT);
    let readable = new.readable.unwrap_or(READABLE_DEFAULT && !writeable);
    (readable, writeable)
}

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
        help: "may read the app's data (a read-only token by default; turn off for a write-only \
               one); cannot be changed later",
    },
    FieldSpec {
        key: FIELD_WRITEABLE,
        label: "Writeable",
        kind: FieldKind::Flag {
            default: WRITEABLE_DEFAULT,
        },
        required: false,
        help: "may send data to the app (with Readable off: write-only, for a log shipper); \
               cannot be changed later",
    },
];

pub const CAPS: Caps = Caps {
    rename: true,
    toggle: true,
    regenerate: true,
    secret_on_list: true,
    id_is_secret: false,
    unique_names: false,
    form: FORM,
};

/// How many apps' tokens are asked for at once.
const APP_CONCURRENCY: usize = 4;
const APPS_PATH: &str = "/users-web/api/v3/apps";

/// The keys of a sematext `[[accounts]]` entry besides the shared ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `us` (the default) or `eu`: which host is the default base URL.
    pub region: Option<String>,
    /// One app's int64 id: the account covers that app only.
    pub app_id: Option<i64>,
    /// Several apps' ids: the account covers these only. Without `app_id` or `apps` it covers
    /// every app the API key can see.
    pub apps: Option<Vec<i64>>,
}

/// A sematext account, checked.
pub struct Checked {
    scope: AppScope,
    /// The region's host.
    region_url: &'static str,
    credential: CredentialSource,
}

pub struct Sematext {
    endpoint: Endpoint,
    scope: AppScope,
    credential: LazyCredential,
    known: Known,
}

impl Client for Sematext {
    type Settings = Settings;
    type Checked = Checked;

    /// sematext needs the account API key, a known region (if one is given), and at most one of
    /// `app_id` and `apps`.
    fn check(
        settings: Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Checked, AccountProblem> {
        let region_url = region_base_url(settings.region.as_deref())?;
        let scope = AppScope::from_settings(settings.app_id, settings.apps)?;
        let credential =
            super::require_credential(ProviderKind::Sematext, credential, "the account API key")?;
        Ok(Checked {
            scope,
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
            scope: checked.scope,
            credential: LazyCredential::new(checked.credential),
            known: Known::default(),
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

fn tokens_path(app: i64) -> String {
    format!("{APPS_PATH}/{app}/tokens")
}

fn token_path(app: i64, id: i64) -> String {
    format!("{}/{id}", tokens_path(app))
}

impl Sematext {
    /// Send an authenticated request and unwrap the envelope: a 2xx with `success: false` is an
    /// error too. `None` when a 2xx came with no body (the 201 or 204 "no content" sematext
    /// declares besides its 200).
    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Option<T>, ApiError> {
        let auth = self
            .endpoint
            .secret_header("apiKey ", self.credential.get().await?)?;
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
            // A 2xx, so `send` left the body whole: the provider's words are scrubbed here.
            let message = envelope.error_text().map(|m| self.endpoint.scrub(&m));
            return Err(refused(&response, message));
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

    /// The apps in scope, asked of sematext (and remembered). An app the entry names that the
    /// API key cannot see is an error naming it.
    async fn scoped_apps(&self) -> Result<Vec<App>, ApiError> {
        let data: AppsData = self
            .call_data::<_, ()>(Method::GET, APPS_PATH, None)
            .await?;
        let apps = self.scope.pick(data.into_apps())?;
        self.known.set_apps(&apps);
        Ok(apps)
    }

    /// The app `id`, from what was learnt or else asked.
    async fn app(&self, id: i64) -> Result<App, ApiError> {
        if let Some(app) = self.known.app(id) {
            return Ok(app);
        }
        self.scoped_apps()
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| {
                ApiError::NotFound(format!("sematext app {id} is not covered by this account"))
            })
    }

    /// The app a token `id` is in: the account's one app, or where the token was listed,
    /// listing every app first when it was not.
    async fn app_of_token(&self, id: i64) -> Result<App, ApiError> {
        if let Some(app) = self.scope.single() {
            return self.app(app).await;
        }
        let mut partial = None;
        for listed in [false, true] {
            match self.known.whereabouts(id) {
                Whereabouts::In(app) => return self.app(app).await,
                Whereabouts::Several => {
                    return Err(ApiError::Misconfigured(format!(
                        "token {id} is listed in several sematext apps of this account; set \
                         app_id to the one you mean"
                    )));
                }
                Whereabouts::Unknown if listed => {}
                Whereabouts::Unknown => partial = self.list_all().await?.partial,
            }
        }
        let among = match partial {
            Some(reason) => format!(" among those that could be listed ({reason})"),
            None => String::new(),
        };
        Err(ApiError::NotFound(format!(
            "no sematext app of this account has a token {id}{among}"
        )))
    }

    /// The app new tokens go to: the account's only app. An account of several must say which.
    async fn app_for_create(&self) -> Result<App, ApiError> {
        if let Some(app) = self.scope.single() {
            return self.app(app).await;
        }
        let apps = match self.known.apps() {
            Some(apps) => apps,
            None => self.scoped_apps().await?,
        };
        match apps.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(ApiError::Misconfigured(
                "this API key sees no sematext app to create a token in".into(),
            )),
            several => {
                let names: Vec<String> = several.iter().map(|a| a.app.to_string()).collect();
                Err(ApiError::Misconfigured(format!(
                    "this account covers {} sematext apps ({}); set app_id in its config to the \
                     app new tokens go to",
                    several.len(),
                    names.join(", ")
                )))
            }
        }
    }

    /// The tokens of `app`. Every TokenDto field is optional in the spec, so one without an id
    /// (which nothing could be done with) is left out and the listing says so, rather than
    /// failing the app's whole list.
    async fn list_app(&self, app: &App) -> Result<Listing, ApiError> {
        let data: TokensData = self
            .call_data::<_, ()>(Method::GET, &tokens_path(app.id), None)
            .await?;
        let mut tokens = Vec::with_capacity(data.tokens.len());
        let mut without_id = 0;
        for wire in data.tokens {
            match wire.into_token(app) {
                Ok(token) => tokens.push(token),
                Err(_) => without_id += 1,
            }
        }
        self.known.listed(
            app.id,
            tokens.iter().filter_map(|t| t.id.as_str().parse().ok()),
        );
        Ok(match without_id {
            0 => Listing::complete(tokens),
            n => Listing::partial(
                tokens,
                format!(
                    "{}: {n} token(s) of sematext app {} came without an id and are not shown",
                    self.endpoint.account(),
                    app.app
                ),
            ),
        })
    }

    /// Every app's tokens, a few apps at a time. An app whose tokens cannot be listed makes the
    /// list partial, naming it; when none can be, the first failure is the answer.
    async fn list_all(&self) -> Result<Listing, ApiError> {
        let apps = self.scoped_apps().await?;
        let results: Vec<(App, Result<Listing, ApiError>)> = stream::iter(apps.clone())
            .map(|app| async move {
                let result = self.list_app(&app).await;
                (app, result)
            })
            .buffered(APP_CONCURRENCY)
            .collect()
            .await;
        let account = self.endpoint.account();
        let mut listing = Listing::default();
        let mut first_error = None;
        let mut failed = 0;
        for (app, result) in results {
            match result {
                Ok(listed) => listing.extend(listed),
                Err(e) => {
                    failed += 1;
                    listing.extend(Listing::partial(
                        Vec::new(),
                        format!(
                            "{account}: the tokens of sematext app {} could not be listed: {e}",
                            app.app
                        ),
                    ));
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) if failed == apps.len() => Err(e),
            _ => Ok(listing),
        }
    }

    async fn create_token(&self, new: NewToken) -> Result<Created, ApiError> {
        let app = self.app_for_create().await?;
        let (readable, writeable) = create_flags(&new);
        let body = CreateBody {
            name: &new.name,
            readable,
            writeable,
        };
        let before = self.known.ids_in(app.id);
        let answer: Option<TokenData> = self
            .call(Method::POST, &tokens_path(app.id), Some(&body))
            .await?;
        let created = match answer {
            Some(data) => data.token.into_created(&app)?,
            None => self.created_by_listing(&app, &new.name, &before).await?,
        };
        if let Ok(id) = created.token.id.as_str().parse() {
            self.known.listed(app.id, [id]);
        }
        Ok(created)
    }

    async fn update_token(&self, id: TokenId, change: TokenUpdate) -> Result<Token, ApiError> {
        let id = numeric_id(&id)?;
        let app = self.app_of_token(id).await?;
        let body = UpdateBody {
            name: change.name.as_deref(),
            enabled: change.enabled,
        };
        let path = token_path(app.id, id);
        match self
            .call::<TokenData, _>(Method::PUT, &path, Some(&body))
            .await?
        {
            Some(data) => data.token.into_token(&app),
            None => self.relisted(&app, id, "update").await,
        }
    }

    async fn regenerate_token(&self, id: TokenId) -> Result<Created, ApiError> {
        let id = numeric_id(&id)?;
        let app = self.app_of_token(id).await?;
        let path = format!("{}/regenerate", token_path(app.id, id));
        match self
            .call::<TokenData, ()>(Method::POST, &path, None)
            .await?
        {
            Some(data) => data.token.into_created(&app),
            None => self.regenerated_by_listing(&app, id).await,
        }
    }

    async fn delete_token(&self, id: TokenId) -> Result<(), ApiError> {
        let id = numeric_id(&id)?;
        let app = self.app_of_token(id).await?;
        self.call::<serde::de::IgnoredAny, ()>(Method::DELETE, &token_path(app.id, id), None)
            .await
            .map(|_| ())
    }
}

impl Provider for Sematext {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Sematext
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

/// What an app token with these flags may do: `writeable` (it may send data to the app) is
/// `Write`, `readable` alone is `Read`. App tokens cannot manage anything, so none is `Admin`. A
/// flag the provider left out could be either, so `readable` without a `writeable: false` is
/// `Unknown`; so is a token with neither flag, which grants nothing tokdash can name.
pub fn flags_privilege(readable: Option<bool>, writeable: Option<bool>) -> Privilege {
    match (readable, writeable) {
        (_, Some(true)) => Privilege::Write,
        (Some(true), Some(false)) => Privilege::Read,
        _ => Privilege::Unknown,
    }
}

/// What a sematext app token value looks like: UUID-like in every example, though the format is
/// not documented.
pub const SECRET_FORMAT: crate::model::SecretFormat = crate::model::SecretFormat {
    what: "app token",
    shape: crate::model::Shape::Uuid,
    source: "as in sematext's examples; the format is not documented",
};

#[cfg(test)]
mod tests;
