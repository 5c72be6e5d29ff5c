//! A token as tokdash shows it, its id and app, the timestamps the providers write, and a newly
//! minted secret.

use std::fmt;
use std::sync::Arc;

use secrecy::SecretString;
use time::OffsetDateTime;

use super::Privilege;
use crate::text::sanitize;

/// A token's identifier, as the provider spells it (sematext's int64 ids are kept as strings).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub String);

impl TokenId {
    pub fn new(id: impl Into<String>) -> Self {
        TokenId(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Ids of some providers double as secrets (lagrello's `tokenKey`), so Debug never shows them.
impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenId(..)")
    }
}

/// The app a token belongs to, where a provider keeps tokens per app (sematext).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppRef {
    /// The provider's id for it (sematext's int64, as a string).
    pub id: String,
    pub name: String,
}

impl AppRef {
    /// An app with its untrusted name sanitised.
    pub fn new(id: impl Into<String>, name: &str) -> Self {
        AppRef {
            id: sanitize(&id.into()),
            name: sanitize(name),
        }
    }
}

impl fmt::Display for AppRef {
    /// `prod-logs (4242)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.id)
    }
}

/// One token as tokdash shows it. Every string in it has been through [`sanitize`].
pub struct Token {
    pub id: TokenId,
    pub name: String,
    pub created_at: Option<OffsetDateTime>,
    /// `None` when the provider has no notion of disabled tokens.
    pub enabled: Option<bool>,
    /// Permissions, role or read/write flags, in the provider's own words.
    pub scopes: Vec<String>,
    /// What the token may do, mapped by its provider from the scopes or role.
    pub privilege: Privilege,
    /// The role the token acts with, by name, where the provider has roles (qovery). Kept also
    /// when [`Token::privilege`] is `Unknown` (a custom role), so the user can judge it.
    pub role: Option<String>,
    /// The app the token belongs to, where the provider has apps (sematext). Shared by the
    /// tokens of one app.
    pub app: Option<Arc<AppRef>>,
    /// Who created it, where the provider says (lagrello).
    pub created_by: Option<String>,
    /// When it last changed, where the provider says (qovery).
    pub updated_at: Option<OffsetDateTime>,
    /// When it stops working, where the provider says (qovery's policy API tokens): see
    /// [`crate::model::Expiry`].
    pub expires_at: Option<OffsetDateTime>,
    /// Which of the provider's kinds of token it is, where it has more than one (qovery's
    /// `policy` API tokens beside its organization API tokens); `None` for the usual kind.
    pub kind: Option<&'static str>,
    pub description: Option<String>,
    /// Any other provider-only facts for the detail pane, e.g. ("role id", "…"). The fields
    /// above are not repeated here; [`Token::facts`] lists both for display.
    pub extra: Vec<(String, String)>,
    /// The token's secret, for providers whose list returns it (sematext).
    pub secret: Option<SecretString>,
    /// The strings above as the provider spelled them, where that differs from the shown ones:
    /// `None` for the usual token, whose strings needed no sanitising.
    exact: Option<Box<Exact>>,
}

/// The label of [`Token::expires_at`] among [`Token::facts`].
pub const EXPIRES_AT: &str = "expires at";

/// A token's strings as the provider spelled them; `None` where the shown one is the same.
#[derive(Clone, Default)]
struct Exact {
    name: Option<String>,
    description: Option<String>,
    scopes: Option<Vec<String>>,
    extra: Option<Vec<(String, String)>>,
    role: Option<String>,
    created_by: Option<String>,
}

/// `raw` sanitised, and `raw` itself when that changed it.
fn shown(raw: &str) -> (String, Option<String>) {
    let clean = sanitize(raw);
    let exact = (clean != raw).then(|| raw.to_owned());
    (clean, exact)
}

impl Token {
    /// A token with its untrusted strings sanitised; the other fields start empty.
    pub fn new(id: &str, name: &str) -> Self {
        let (name, exact_name) = shown(name);
        let mut token = Token {
            id: TokenId(sanitize(id)),
            name,
            created_at: None,
            enabled: None,
            scopes: Vec::new(),
            privilege: Privilege::Unknown,
            role: None,
            app: None,
            created_by: None,
            updated_at: None,
            expires_at: None,
            kind: None,
            description: None,
            extra: Vec::new(),
            secret: None,
            exact: None,
        };
        if exact_name.is_some() {
            token.exact_mut().name = exact_name;
        }
        token
    }

    fn exact_mut(&mut self) -> &mut Exact {
        self.exact.get_or_insert_with(Box::default)
    }

    /// The name as the provider spelled it: for JSON and CSV, never for the terminal.
    pub fn exact_name(&self) -> &str {
        self.exact
            .as_ref()
            .and_then(|e| e.name.as_deref())
            .unwrap_or(&self.name)
    }

    /// The description as the provider spelled it: for JSON and CSV, never for the terminal.
    pub fn exact_description(&self) -> Option<&str> {
        match self.exact.as_ref().and_then(|e| e.description.as_deref()) {
            Some(d) => Some(d),
            None => self.description.as_deref(),
        }
    }

    /// The role as the provider spelled it: for JSON and CSV, never for the terminal.
    pub fn exact_role(&self) -> Option<&str> {
        match self.exact.as_ref().and_then(|e| e.role.as_deref()) {
            Some(r) => Some(r),
            None => self.role.as_deref(),
        }
    }

    /// Who created it, as the provider spelled it: for JSON and CSV, never for the terminal.
    pub fn exact_created_by(&self) -> Option<&str> {
        match self.exact.as_ref().and_then(|e| e.created_by.as_deref()) {
            Some(c) => Some(c),
            None => self.created_by.as_deref(),
        }
    }

    /// The scopes as the provider spelled them: for JSON and CSV, never for the terminal.
    pub fn exact_scopes(&self) -> &[String] {
        self.exact
            .as_ref()
            .and_then(|e| e.scopes.as_deref())
            .unwrap_or(&self.scopes)
    }

    /// The provider-only facts as the provider spelled them: for JSON and CSV, never for the
    /// terminal.
    pub fn exact_extra(&self) -> &[(String, String)] {
        self.exact
            .as_ref()
            .and_then(|e| e.extra.as_deref())
            .unwrap_or(&self.extra)
    }

    /// The rego rules of a policy token (qovery), exactly as listed: what its twin is created with.
    pub fn opa_policy(&self) -> Option<&str> {
        self.exact_extra()
            .iter()
            .find(|(k, _)| k == super::OPA_POLICY_FACT)
            .map(|(_, v)| v.as_str())
    }

    pub fn with_created(mut self, raw: Option<&str>) -> Self {
        if let Some(raw) = raw {
            match parse_timestamp(raw) {
                Some(t) => self.created_at = Some(t),
                None if !raw.is_empty() => self = self.with_extra("created (raw)", Some(raw)),
                None => {}
            }
        }
        self
    }

    /// When it last changed: parsed like [`Token::with_created`], kept raw in `extra` if it
    /// does not parse.
    pub fn with_updated(mut self, raw: Option<&str>) -> Self {
        if let Some(raw) = raw {
            match parse_timestamp(raw) {
                Some(t) => self.updated_at = Some(t),
                None if !raw.is_empty() => self = self.with_extra("updated (raw)", Some(raw)),
                None => {}
            }
        }
        self
    }

    /// When it stops working: parsed like [`Token::with_created`], kept raw in `extra` if it
    /// does not parse.
    pub fn with_expires(mut self, raw: Option<&str>) -> Self {
        if let Some(raw) = raw {
            match parse_timestamp(raw) {
                Some(t) => self.expires_at = Some(t),
                None if !raw.is_empty() => self = self.with_extra("expires (raw)", Some(raw)),
                None => {}
            }
        }
        self
    }

    /// Which of its provider's kinds of token it is (see [`Token::kind`]).
    pub fn with_kind(mut self, kind: Option<&'static str>) -> Self {
        self.kind = kind;
        self
    }

    pub fn with_privilege(mut self, privilege: Privilege) -> Self {
        self.privilege = privilege;
        self
    }

    pub fn with_role(mut self, role: Option<&str>) -> Self {
        let (shown, exact) = role.map(shown).unzip();
        self.role = shown;
        if let Some(exact) = exact.flatten() {
            self.exact_mut().role = Some(exact);
        }
        self
    }

    pub fn with_app(mut self, app: Option<Arc<AppRef>>) -> Self {
        self.app = app;
        self
    }

    pub fn with_created_by(mut self, created_by: Option<&str>) -> Self {
        let (shown, exact) = created_by.map(shown).unzip();
        self.created_by = shown;
        if let Some(exact) = exact.flatten() {
            self.exact_mut().created_by = Some(exact);
        }
        self
    }

    pub fn with_enabled(mut self, enabled: Option<bool>) -> Self {
        self.enabled = enabled;
        self
    }

    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let raw: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_owned()).collect();
        self.scopes = raw.iter().map(|s| sanitize(s)).collect();
        if self.scopes != raw {
            self.exact_mut().scopes = Some(raw);
        } else if let Some(e) = &mut self.exact {
            e.scopes = None;
        }
        self
    }

    pub fn with_description(mut self, description: Option<&str>) -> Self {
        let (shown, exact) = description.map(shown).unzip();
        self.description = shown;
        let exact = exact.flatten();
        if exact.is_some() || self.exact.is_some() {
            self.exact_mut().description = exact;
        }
        self
    }

    pub fn with_extra(mut self, key: &str, value: Option<&str>) -> Self {
        if let Some(v) = value {
            let (clean, exact) = shown(v);
            let kept = self.exact.as_ref().is_some_and(|e| e.extra.is_some());
            if exact.is_some() || kept {
                let all = self.extra.clone();
                let e = self.exact_mut();
                e.extra
                    .get_or_insert(all)
                    .push((key.to_owned(), v.to_owned()));
            }
            self.extra.push((key.to_owned(), clean));
        }
        self
    }

    pub fn with_secret(mut self, secret: Option<String>) -> Self {
        self.secret = secret.map(SecretString::from);
        self
    }

    /// The provider-only facts for a detail view, as (label, value): the app, who created it and
    /// when it changed (the first-class fields that have no column of their own), then
    /// [`Token::extra`]. Privilege, role and scopes are left to the caller, which shows them its
    /// own way.
    pub fn facts(&self) -> Vec<(String, String)> {
        let mut facts = Vec::with_capacity(self.extra.len() + 5);
        if let Some(kind) = self.kind {
            facts.push(("kind".to_owned(), kind.to_owned()));
        }
        if let Some(app) = &self.app {
            facts.push(("app".to_owned(), app.to_string()));
        }
        if let Some(by) = &self.created_by {
            facts.push(("created by".to_owned(), by.clone()));
        }
        facts.extend(self.extra.iter().cloned());
        // People read these (the detail pane, the CLI's table of a new token): times as
        // everywhere else they read one, not the RFC 3339 that JSON and CSV keep.
        if let Some(t) = self.updated_at {
            facts.push(("updated at".to_owned(), super::human_time(t)));
        }
        if let Some(t) = self.expires_at {
            facts.push((EXPIRES_AT.to_owned(), super::human_time(t)));
        }
        facts
    }
}

impl Clone for Token {
    fn clone(&self) -> Self {
        Token {
            id: self.id.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            enabled: self.enabled,
            scopes: self.scopes.clone(),
            privilege: self.privilege,
            role: self.role.clone(),
            app: self.app.clone(),
            created_by: self.created_by.clone(),
            updated_at: self.updated_at,
            expires_at: self.expires_at,
            kind: self.kind,
            description: self.description.clone(),
            extra: self.extra.clone(),
            exact: self.exact.clone(),
            secret: self.secret.clone(),
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("name", &self.name)
            .field("created_at", &self.created_at)
            .field("enabled", &self.enabled)
            .field("scopes", &self.scopes)
            .field("privilege", &self.privilege)
            .field("role", &self.role)
            .field("app", &self.app)
            .field("expires_at", &self.expires_at)
            .field("kind", &self.kind)
            .field("has_secret", &self.secret.is_some())
            .finish_non_exhaustive()
    }
}

/// Parse the timestamp formats the providers use: RFC 3339 (`2026-03-07T10:15:30Z`,
/// `2021-09-20T10:11:12.000+00:00`) and the same without an offset (taken as UTC).
pub fn parse_timestamp(raw: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(t);
    }
    let with_z = format!("{raw}Z");
    OffsetDateTime::parse(&with_z, &Rfc3339).ok()
}

/// Format a timestamp as RFC 3339, the form the CLI prints.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    t.format(&Rfc3339).unwrap_or_default()
}

/// A newly minted secret together with the token it belongs to (create and regenerate).
pub struct Created {
    pub token: Token,
    pub secret: SecretString,
}

impl fmt::Debug for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Created")
            .field("token", &self.token)
            .field("secret", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_provider_format_parse() {
        assert!(parse_timestamp("2026-03-07T10:15:30Z").is_some());
        assert!(parse_timestamp("2021-09-20T10:11:12.000+00:00").is_some());
        assert!(parse_timestamp("2026-05-02T09:14:11.203Z").is_some());
        assert!(parse_timestamp("2026-05-02T09:14:11").is_some());
        assert!(parse_timestamp("created_at").is_none());
    }

    #[test]
    fn unparsable_timestamp_is_kept_raw() {
        let t = Token::new("x", "n").with_created(Some("created_at"));
        assert!(t.created_at.is_none());
        assert_eq!(t.extra[0].1, "created_at");
    }

    #[test]
    fn facts_list_the_first_class_fields_then_the_rest() {
        let t = Token::new("1", "n")
            .with_app(Some(Arc::new(AppRef::new("42", "prod-logs"))))
            .with_created_by(Some("ana"))
            .with_extra("role id", Some("r-1"))
            .with_updated(Some("2026-05-02T09:14:11Z"))
            .with_role(Some("Admin"))
            .with_privilege(Privilege::Admin);
        let expected: Vec<(String, String)> = [
            ("app", "prod-logs (42)"),
            ("created by", "ana"),
            ("role id", "r-1"),
            ("updated at", "2026-05-02 09:14 UTC"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(t.facts(), expected);
        let raw = Token::new("1", "n").with_updated(Some("yesterday"));
        assert!(raw.updated_at.is_none());
        assert_eq!(
            raw.extra,
            [("updated (raw)".to_owned(), "yesterday".to_owned())]
        );
    }

    #[test]
    fn token_debug_hides_id_and_secret() {
        let t = Token::new("tok-id-secret", "n").with_secret(Some("s3cr3t".into()));
        let dbg = format!("{t:?}");
        assert!(
            !dbg.contains("s3cr3t") && !dbg.contains("tok-id-secret"),
            "{dbg}"
        );
    }
}
