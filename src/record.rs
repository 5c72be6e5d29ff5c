//! A token as one flat record: the fields an export carries, each formatted in one place, so
//! that JSON and CSV (and any other export, the dashboard's included) say the same thing.
//!
//! [`TokenRecord`] is the JSON object (serde) and, through [`TokenRecord::csv_fields`], the CSV
//! row, under the names in [`FIELDS`]. It is built from a token, its account and the moment
//! ages are counted from ([`Clock`]); ids that are secrets themselves are masked unless asked
//! ([`Ids`]). No secret is part of it.

use serde::Serialize;
use time::OffsetDateTime;

pub use crate::model::DEFAULT_EXPIRING_WITHIN_DAYS;
use crate::model::{
    Privilege, ProviderKind, Token, TokenId, age_days, format_timestamp, is_expiring, is_stale,
    masked_id,
};

/// How exports print token ids that are secrets themselves (lagrello's `tokenKey`, see
/// `Caps::id_is_secret`): masked by [`masked_id`], the rule every screen and file follows, unless
/// `--show-secrets` asks for them in full. Other ids are printed whole either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    Masked,
    Full,
}

impl Ids {
    pub fn new(show_secrets: bool) -> Self {
        if show_secrets { Ids::Full } else { Ids::Masked }
    }

    pub fn show(self, id: &TokenId, provider: ProviderKind) -> String {
        match self {
            Ids::Masked => masked_id(id, provider.caps()),
            Ids::Full => id.to_string(),
        }
    }
}

/// When ages are counted from, and when a token counts as stale (the config's
/// `stale_after_days`). One per command, so every row of an export is aged alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: OffsetDateTime,
    pub stale_after_days: u32,
    /// The config's `expiring_within_days`: the window [`Clock::is_expiring`] looks ahead.
    pub expiring_within_days: u32,
}

impl Clock {
    pub fn new(now: OffsetDateTime, stale_after_days: u32) -> Self {
        Clock {
            now,
            stale_after_days,
            expiring_within_days: DEFAULT_EXPIRING_WITHIN_DAYS,
        }
    }

    /// The same clock, looking `days` ahead for expiring tokens.
    pub fn expiring_within(mut self, days: u32) -> Self {
        self.expiring_within_days = days;
        self
    }

    /// Expired, or expiring within `expiring_within_days`.
    pub fn is_expiring(&self, expires_at: Option<OffsetDateTime>) -> bool {
        is_expiring(expires_at, self.now, self.expiring_within_days)
    }

    /// Whole days since `created`; `None` for a token without a creation date.
    pub fn age_days(&self, created: Option<OffsetDateTime>) -> Option<i64> {
        created.map(|c| age_days(c, self.now))
    }

    pub fn is_stale(&self, created: Option<OffsetDateTime>) -> bool {
        is_stale(created, self.now, self.stale_after_days)
    }
}

/// The export's field names, in order: the JSON object's keys and the CSV header alike.
pub const FIELDS: [&str; 18] = [
    "account",
    "provider",
    "app",
    "id",
    "name",
    "enabled",
    "created_at",
    "age_days",
    "stale",
    "privilege",
    "scopes",
    "role",
    "created_by",
    "updated_at",
    "description",
    "partial",
    "kind",
    "expires_at",
];

/// What separates a token's scopes in a CSV cell (JSON has them as an array).
pub const CSV_SCOPE_SEPARATOR: &str = ";";

/// One token as an export carries it. The fields are declared in [`FIELDS`]' order, which is
/// the order serde writes them in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenRecord {
    pub account: String,
    pub provider: ProviderKind,
    /// `prod-logs (4242)`: the app's name and id, where the provider has apps (sematext).
    pub app: Option<String>,
    /// Masked when it is a secret itself, unless [`Ids::Full`].
    pub id: String,
    pub name: String,
    /// `None` when the provider has no notion of disabled tokens.
    pub enabled: Option<bool>,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// Whole days since `created_at` ([`Clock::now`]); `None` without a creation date.
    pub age_days: Option<i64>,
    /// Older than `stale_after_days`; never for a token without a creation date.
    pub stale: bool,
    pub privilege: Privilege,
    pub scopes: Vec<String>,
    pub role: Option<String>,
    pub created_by: Option<String>,
    /// RFC 3339.
    pub updated_at: Option<String>,
    pub description: Option<String>,
    /// The account was listed only in part: tokens may be missing beside this one (the reason
    /// is the account's entry under `errors`, and on stderr).
    pub partial: bool,
    /// Which of its provider's kinds of token it is (qovery's `policy`); `None` for the usual.
    pub kind: Option<String>,
    /// RFC 3339; `None` for a token that does not expire. Last, so older CSV readers that take
    /// the columns by position still find theirs.
    pub expires_at: Option<String>,
}

impl TokenRecord {
    /// The record of `token`, of `account` (a name from the configuration) of `provider`.
    /// `partial` says its account was listed only in part.
    pub fn new(
        account: &str,
        provider: ProviderKind,
        token: &Token,
        ids: Ids,
        clock: &Clock,
        partial: bool,
    ) -> Self {
        TokenRecord {
            account: account.to_owned(),
            provider,
            app: token.app.as_ref().map(|a| a.to_string()),
            id: ids.show(&token.id, provider),
            name: token.exact_name().to_owned(),
            enabled: token.enabled,
            created_at: token.created_at.map(format_timestamp),
            age_days: clock.age_days(token.created_at),
            stale: clock.is_stale(token.created_at),
            privilege: token.privilege,
            scopes: token.exact_scopes().to_vec(),
            role: token.exact_role().map(str::to_owned),
            created_by: token.exact_created_by().map(str::to_owned),
            updated_at: token.updated_at.map(format_timestamp),
            description: token.exact_description().map(str::to_owned),
            partial,
            kind: token.kind.map(str::to_owned),
            expires_at: token.expires_at.map(format_timestamp),
        }
    }

    /// The record as CSV fields, in [`FIELDS`]' order: what is `null` in JSON is an empty
    /// field, booleans are `true`/`false`, scopes are joined by [`CSV_SCOPE_SEPARATOR`]. Cells
    /// are not yet defused for spreadsheets: the CSV writer does that.
    pub fn csv_fields(&self) -> [String; 18] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
        [
            self.account.clone(),
            self.provider.name().to_owned(),
            opt(&self.app),
            self.id.clone(),
            self.name.clone(),
            flag(self.enabled),
            opt(&self.created_at),
            self.age_days.map(|d| d.to_string()).unwrap_or_default(),
            self.stale.to_string(),
            self.privilege.name().to_owned(),
            self.scopes.join(CSV_SCOPE_SEPARATOR),
            opt(&self.role),
            opt(&self.created_by),
            opt(&self.updated_at),
            opt(&self.description),
            self.partial.to_string(),
            opt(&self.kind),
            opt(&self.expires_at),
        ]
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use time::macros::datetime;

    use super::*;
    use crate::model::AppRef;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    fn token() -> Token {
        Token::new("4242", "ci-deploy")
            .with_created(Some("2026-01-01T00:00:00Z"))
            .with_updated(Some("2026-02-01T00:00:00Z"))
            .with_enabled(Some(false))
            .with_scopes(["read", "write"])
            .with_privilege(Privilege::Write)
            .with_role(Some("DevOps"))
            .with_app(Some(Arc::new(AppRef::new("7", "prod-logs"))))
            .with_created_by(Some("ana"))
            .with_description(Some("deploys"))
            .with_kind(Some("policy"))
            .with_expires(Some("2026-07-01T00:00:00Z"))
    }

    #[test]
    fn json_keys_and_csv_fields_follow_the_field_list() {
        let clock = Clock::new(NOW, 90);
        let r = TokenRecord::new(
            "acc",
            ProviderKind::Sematext,
            &token(),
            Ids::Masked,
            &clock,
            true,
        );
        let json = serde_json::to_value(&r).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut sorted_fields = FIELDS.to_vec();
        sorted_fields.sort_unstable();
        assert_eq!(keys, sorted_fields, "serde_json sorts keys");
        let ordered = serde_json::to_string(&r).unwrap();
        let positions: Vec<usize> = FIELDS
            .iter()
            .map(|f| ordered.find(&format!("\"{f}\":")).unwrap())
            .collect();
        assert!(positions.is_sorted(), "{ordered}");
        assert_eq!(
            r.csv_fields(),
            [
                "acc",
                "sematext",
                "prod-logs (7)",
                "4242",
                "ci-deploy",
                "false",
                "2026-01-01T00:00:00Z",
                "151",
                "true",
                "write",
                "read;write",
                "DevOps",
                "ana",
                "2026-02-01T00:00:00Z",
                "deploys",
                "true",
                "policy",
                "2026-07-01T00:00:00Z",
            ]
            .map(str::to_owned)
        );
    }

    #[test]
    fn missing_facts_are_null_in_json_and_empty_in_csv() {
        let clock = Clock::new(NOW, 90);
        let t = Token::new("k", "n");
        let r = TokenRecord::new("a", ProviderKind::Fluid, &t, Ids::Full, &clock, false);
        assert_eq!(r.age_days, None);
        assert!(!r.stale, "no date, not called stale");
        let json = serde_json::to_value(&r).unwrap();
        for f in [
            "app",
            "enabled",
            "created_at",
            "age_days",
            "role",
            "updated_at",
            "kind",
            "expires_at",
        ] {
            assert!(json[f].is_null(), "{f}: {json}");
        }
        assert_eq!(json["privilege"], "unknown");
        let csv = r.csv_fields();
        assert_eq!(csv[5], "");
        assert_eq!(csv[7], "");
        assert_eq!(csv[8], "false");
    }

    #[test]
    fn secret_like_ids_are_masked_unless_asked() {
        let clock = Clock::new(NOW, 90);
        let t = Token::new("0123456789abcdef0123456789abcdef", "n");
        let masked = TokenRecord::new("a", ProviderKind::Lagrello, &t, Ids::Masked, &clock, false);
        assert_eq!(masked.id, masked_id(&t.id, ProviderKind::Lagrello.caps()));
        assert!(!masked.id.contains("0123456789"));
        let full = TokenRecord::new("a", ProviderKind::Lagrello, &t, Ids::Full, &clock, false);
        assert_eq!(full.id, t.id.as_str());
    }
}
