//! Which apps a sematext account covers, and what the client has learnt of them: the apps the API
//! key can see (`GET /users-web/api/v3/apps`) and the app of every token it has listed, so a
//! change goes to the token's own app.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::super::AccountProblem;
use crate::model::{ApiError, AppRef};

/// The apps an account covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppScope {
    /// Every app the API key can see.
    All,
    /// These apps only, in this order: `app_id` (one) or `apps` (several), named by `key` in
    /// messages.
    Only { key: &'static str, ids: Vec<i64> },
}

impl AppScope {
    /// The scope an entry's `app_id` and `apps` give. Setting both is refused: one of them
    /// would be ignored.
    pub fn from_settings(
        app_id: Option<i64>,
        apps: Option<Vec<i64>>,
    ) -> Result<AppScope, AccountProblem> {
        match (app_id, apps) {
            (None, None) => Ok(AppScope::All),
            (Some(id), None) => Ok(AppScope::Only {
                key: "app_id",
                ids: vec![id],
            }),
            (None, Some(ids)) if ids.is_empty() => Err(AccountProblem::new(
                "apps",
                "apps is empty; leave it out to cover every app the API key can see",
            )),
            (None, Some(mut ids)) => {
                let mut seen = std::collections::HashSet::new();
                ids.retain(|id| seen.insert(*id));
                Ok(AppScope::Only { key: "apps", ids })
            }
            (Some(_), Some(_)) => Err(AccountProblem::new(
                "apps",
                "set app_id (one app) or apps (several), not both",
            )),
        }
    }

    /// The one app of an account that covers exactly one.
    pub fn single(&self) -> Option<i64> {
        match self {
            AppScope::Only { ids, .. } if ids.len() == 1 => Some(ids[0]),
            _ => None,
        }
    }

    /// The apps in scope among those the key can see, in the scope's order. An app the entry
    /// names that the key cannot see is an error naming it.
    pub fn pick(&self, visible: Vec<App>) -> Result<Vec<App>, ApiError> {
        let AppScope::Only { key, ids } = self else {
            return Ok(visible);
        };
        let mut picked = Vec::with_capacity(ids.len());
        for id in ids {
            match visible.iter().find(|a| a.id == *id) {
                Some(app) => picked.push(app.clone()),
                None => {
                    return Err(ApiError::Misconfigured(format!(
                        "{key} names sematext app {id}, which this API key cannot see ({})",
                        seen_apps(&visible)
                    )));
                }
            }
        }
        Ok(picked)
    }
}

/// "it sees prod-logs (1), staging (2)", at most five of them.
fn seen_apps(visible: &[App]) -> String {
    const SHOWN: usize = 5;
    if visible.is_empty() {
        return "it sees no app at all".into();
    }
    let names: Vec<String> = visible
        .iter()
        .take(SHOWN)
        .map(|a| a.app.to_string())
        .collect();
    let more = match visible.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("it sees {}{more}", names.join(", "))
}

/// One app: its int64 id and what tokens carry of it.
#[derive(Debug, Clone)]
pub struct App {
    pub id: i64,
    pub app: Arc<AppRef>,
}

/// `data` of the apps list. Each app also carries token values (`token`, `readToken`,
/// `writeToken`, `readWriteToken`, `tokens[]`), which are never read.
#[derive(Deserialize)]
pub struct AppsData {
    #[serde(
        default,
        deserialize_with = "crate::provider::lenient::null_as_default"
    )]
    apps: Vec<WireApp>,
}

#[derive(Deserialize)]
struct WireApp {
    id: Option<i64>,
    name: Option<String>,
}

impl AppsData {
    /// The apps with an id; one without cannot be asked for its tokens.
    pub fn into_apps(self) -> Vec<App> {
        self.apps
            .into_iter()
            .filter_map(|a| {
                let id = a.id?;
                let name = a.name.unwrap_or_default();
                Some(App {
                    id,
                    app: Arc::new(AppRef::new(id.to_string(), &name)),
                })
            })
            .collect()
    }
}

/// Where a token is, as far as the client has listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    In(i64),
    /// Listed in more than one app: its id alone does not say which.
    Several,
    Unknown,
}

/// What the client has learnt; locked only between awaits.
#[derive(Default)]
pub struct Known {
    inner: Mutex<KnownInner>,
}

#[derive(Default)]
struct KnownInner {
    /// The apps in scope, as last listed.
    apps: Option<Vec<App>>,
    /// Token id → its app id; `None` for an id listed in several apps.
    token_app: HashMap<i64, Option<i64>>,
}

impl Known {
    fn lock(&self) -> std::sync::MutexGuard<'_, KnownInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_apps(&self, apps: &[App]) {
        self.lock().apps = Some(apps.to_vec());
    }

    pub fn apps(&self) -> Option<Vec<App>> {
        self.lock().apps.clone()
    }

    pub fn app(&self, id: i64) -> Option<App> {
        let known = self.lock();
        known.apps.as_ref()?.iter().find(|a| a.id == id).cloned()
    }

    /// Record the tokens one listing of `app` found there.
    pub fn listed(&self, app: i64, tokens: impl IntoIterator<Item = i64>) {
        let mut known = self.lock();
        for token in tokens {
            let entry = known.token_app.entry(token).or_insert(Some(app));
            if *entry != Some(app) {
                *entry = None;
            }
        }
    }

    /// The tokens listed in `app` so far (none when it never was).
    pub fn ids_in(&self, app: i64) -> Vec<i64> {
        self.lock()
            .token_app
            .iter()
            .filter(|(_, a)| **a == Some(app))
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn whereabouts(&self, token: i64) -> Whereabouts {
        match self.lock().token_app.get(&token) {
            Some(Some(app)) => Whereabouts::In(*app),
            Some(None) => Whereabouts::Several,
            None => Whereabouts::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: i64, name: &str) -> App {
        App {
            id,
            app: Arc::new(AppRef::new(id.to_string(), name)),
        }
    }

    #[test]
    fn app_id_and_apps_set_the_scope() {
        assert_eq!(AppScope::from_settings(None, None), Ok(AppScope::All));
        let one = AppScope::from_settings(Some(7), None).unwrap();
        assert_eq!(one.single(), Some(7));
        let several = AppScope::from_settings(None, Some(vec![3, 1, 3])).unwrap();
        assert_eq!(
            several,
            AppScope::Only {
                key: "apps",
                ids: vec![3, 1]
            }
        );
        assert_eq!(several.single(), None);
        assert_eq!(
            AppScope::from_settings(Some(1), Some(vec![2]))
                .unwrap_err()
                .key,
            "apps"
        );
        assert_eq!(
            AppScope::from_settings(None, Some(vec![])).unwrap_err().key,
            "apps"
        );
    }

    #[test]
    fn an_app_the_key_cannot_see_is_named() {
        let visible = vec![app(1, "prod-logs"), app(2, "staging")];
        let scope = AppScope::from_settings(Some(4242), None).unwrap();
        let err = scope.pick(visible.clone()).unwrap_err();
        assert_eq!(
            err,
            ApiError::Misconfigured(
                "app_id names sematext app 4242, which this API key cannot see (it sees \
                 prod-logs (1), staging (2))"
                    .into()
            )
        );
        let only = AppScope::from_settings(None, Some(vec![2])).unwrap();
        let picked = only.pick(visible.clone()).unwrap();
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].app.name, "staging");
        assert_eq!(AppScope::All.pick(visible).unwrap().len(), 2);
    }

    #[test]
    fn a_token_listed_in_two_apps_is_in_neither() {
        let known = Known::default();
        known.listed(1, [10, 11]);
        known.listed(2, [12, 11]);
        assert_eq!(known.whereabouts(10), Whereabouts::In(1));
        assert_eq!(known.whereabouts(12), Whereabouts::In(2));
        assert_eq!(known.whereabouts(11), Whereabouts::Several);
        assert_eq!(known.whereabouts(99), Whereabouts::Unknown);
        // Listing the same app again changes nothing.
        known.listed(1, [10]);
        assert_eq!(known.whereabouts(10), Whereabouts::In(1));
    }

    #[test]
    fn the_apps_list_decodes_and_skips_token_values() {
        let data: AppsData = serde_json::from_str(
            r#"{"apps":[{"id":5,"name":"name","token":"t","readToken":"r","tokens":["a"]},
                {"name":"no id"}]}"#,
        )
        .unwrap();
        let apps = data.into_apps();
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].app.to_string(), "name (5)");
    }
}
