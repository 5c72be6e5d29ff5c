//! The audit policy: rules over tokens, and the findings where tokens break them. Pure: the
//! caller lists the accounts and passes the tokens and the time; [`check`] answers. `tokdash
//! audit` prints the findings; the dashboard could show them the same way.
//!
//! The rules, each with a default that applies without a policy file ([`Policy::defaults`]):
//!
//! - `max-age`: no token older than `max_age_days` (the config's `stale_after_days`);
//! - `privileged-max-age`: no privileged token (`privileged` or more; admin by default) older
//!   than `privileged_max_age_days` (half of `max_age_days`);
//! - `duplicate-name`: no two tokens of one account with the same name (on by default), since
//!   nobody can tell which one to revoke;
//! - `disabled-max-age`: no disabled token older than `disabled_max_age_days` (off by default):
//!   a disabled token kept that long is probably to be deleted;
//! - `privileged-account`: privileged tokens only on the accounts in `privileged_accounts` (off
//!   by default: any account may have them).
//!
//! A token's privilege is known or not: the privileged rules apply to the known ones, and
//! [`Report::unknown_privilege`] counts the rest so that a report can say so. A token without a
//! creation date cannot break an age rule; [`Report::undated`] counts those.

mod file;

use std::collections::HashMap;

use serde::Serialize;
use time::OffsetDateTime;

use crate::model::{Privilege, ProviderKind, Token, age_days};

pub use file::load;

/// What the rules allow. Build it with [`Policy::defaults`] or read it from a file with
/// [`load`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// No token older than this many days.
    pub max_age_days: u32,
    /// From this level up a token is privileged: admin or write.
    pub privileged: Privilege,
    /// No privileged token older than this many days.
    pub privileged_max_age_days: u32,
    pub no_duplicate_names: bool,
    /// No disabled token older than this many days; `None`: no limit.
    pub disabled_max_age_days: Option<u32>,
    /// Privileged tokens only on these accounts; `None`: on any.
    pub privileged_accounts: Option<Vec<String>>,
}

impl Policy {
    /// The policy without a file: tokens at most `stale_after_days` old, privileged (admin)
    /// ones at most half of that, no duplicate names.
    pub fn defaults(stale_after_days: u32) -> Self {
        Policy {
            max_age_days: stale_after_days,
            privileged: Privilege::Admin,
            privileged_max_age_days: half(stale_after_days),
            no_duplicate_names: true,
            disabled_max_age_days: None,
            privileged_accounts: None,
        }
    }

    fn is_privileged(&self, token: &Token) -> bool {
        token.privilege.at_least(self.privileged)
    }
}

/// Half of a number of days, at least one.
fn half(days: u32) -> u32 {
    (days / 2).max(1)
}

/// A rule of the policy, as reports name it (`max-age`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    MaxAge,
    PrivilegedMaxAge,
    DuplicateName,
    DisabledMaxAge,
    PrivilegedAccount,
}

impl Rule {
    pub const ALL: [Rule; 5] = [
        Rule::MaxAge,
        Rule::PrivilegedMaxAge,
        Rule::DuplicateName,
        Rule::DisabledMaxAge,
        Rule::PrivilegedAccount,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::MaxAge => "max-age",
            Rule::PrivilegedMaxAge => "privileged-max-age",
            Rule::DuplicateName => "duplicate-name",
            Rule::DisabledMaxAge => "disabled-max-age",
            Rule::PrivilegedAccount => "privileged-account",
        }
    }
}

/// One token to check, with the account it is on.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub account: &'a str,
    pub provider: ProviderKind,
    pub token: &'a Token,
}

/// A token that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    /// The token's place in the subjects given to [`check`].
    pub subject: usize,
    /// What is wrong, in a phrase without the token's name or id (the report shows those):
    /// "412 days old; at most 90 allowed".
    pub detail: String,
}

/// What [`check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// By rule (in [`Rule::ALL`]'s order), then in the order the tokens were given.
    pub findings: Vec<Finding>,
    /// How many tokens were checked.
    pub checked: usize,
    /// Tokens whose privilege is unknown: the privileged rules could not judge them.
    pub unknown_privilege: usize,
    /// Tokens without a creation date: the age rules could not judge them.
    pub undated: usize,
}

/// Check every token in `subjects` against `policy`, ages counted to `now`.
pub fn check(policy: &Policy, subjects: &[Subject<'_>], now: OffsetDateTime) -> Report {
    let mut report = Report {
        checked: subjects.len(),
        ..Report::default()
    };
    let mut findings = Vec::new();
    let mut found = |rule, subject, detail: String| {
        findings.push(Finding {
            rule,
            subject,
            detail,
        })
    };

    // How many tokens of each account bear each name.
    let mut names: HashMap<(&str, &str), usize> = HashMap::new();
    if policy.no_duplicate_names {
        for s in subjects {
            *names.entry((s.account, s.token.name.as_str())).or_default() += 1;
        }
    }

    for (i, s) in subjects.iter().enumerate() {
        let t = s.token;
        let privileged = policy.is_privileged(t);
        if t.privilege == Privilege::Unknown {
            report.unknown_privilege += 1;
        }
        match t.created_at.map(|c| age_days(c, now)) {
            None => report.undated += 1,
            Some(age) => {
                let (rule, limit) =
                    if privileged && policy.privileged_max_age_days < policy.max_age_days {
                        (Rule::PrivilegedMaxAge, policy.privileged_max_age_days)
                    } else {
                        (Rule::MaxAge, policy.max_age_days)
                    };
                if age > i64::from(limit) {
                    let detail = match rule {
                        Rule::PrivilegedMaxAge => format!(
                            "{} and {age} days old; privileged tokens at most {limit}",
                            t.privilege
                        ),
                        _ => format!("{age} days old; at most {limit} allowed"),
                    };
                    found(rule, i, detail);
                }
                if let Some(limit) = policy.disabled_max_age_days
                    && t.enabled == Some(false)
                    && age > i64::from(limit)
                {
                    found(
                        Rule::DisabledMaxAge,
                        i,
                        format!(
                            "disabled and {age} days old; disabled tokens at most {limit}: delete it?"
                        ),
                    );
                }
            }
        }
        let same_name = names
            .get(&(s.account, t.name.as_str()))
            .copied()
            .unwrap_or(0);
        if same_name > 1 {
            found(
                Rule::DuplicateName,
                i,
                format!("{same_name} tokens of this account have this name"),
            );
        }
        if let Some(allowed) = &policy.privileged_accounts
            && privileged
            && !allowed.iter().any(|a| a == s.account)
        {
            found(
                Rule::PrivilegedAccount,
                i,
                format!("{} on an account not in privileged_accounts", t.privilege),
            );
        }
    }
    findings.sort_by_key(|f| (f.rule, f.subject));
    report.findings = findings;
    report
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    fn token(name: &str, days: Option<i64>, privilege: Privilege) -> Token {
        let mut t = Token::new(name, name).with_privilege(privilege);
        t.created_at = days.map(|d| NOW - time::Duration::days(d));
        t
    }

    fn on<'a>(account: &'a str, token: &'a Token) -> Subject<'a> {
        Subject {
            account,
            provider: ProviderKind::Qovery,
            token,
        }
    }

    fn rules(report: &Report) -> Vec<(Rule, usize)> {
        report
            .findings
            .iter()
            .map(|f| (f.rule, f.subject))
            .collect()
    }

    #[test]
    fn defaults_follow_stale_after_days() {
        let p = Policy::defaults(90);
        assert_eq!(p.max_age_days, 90);
        assert_eq!(p.privileged_max_age_days, 45);
        assert_eq!(p.privileged, Privilege::Admin);
        assert!(p.no_duplicate_names);
        assert_eq!(p.disabled_max_age_days, None);
        assert_eq!(p.privileged_accounts, None);
        assert_eq!(Policy::defaults(1).privileged_max_age_days, 1);
    }

    #[test]
    fn ages_are_judged_by_the_limit_for_the_token() {
        let tokens = [
            token("old", Some(91), Privilege::Write),
            token("fine", Some(90), Privilege::Write),
            token("old-admin", Some(46), Privilege::Admin),
            token("young-admin", Some(45), Privilege::Admin),
            token("undated", None, Privilege::Admin),
            token("unknown", Some(60), Privilege::Unknown),
        ];
        let subjects: Vec<_> = tokens.iter().map(|t| on("a", t)).collect();
        let report = check(&Policy::defaults(90), &subjects, NOW);
        assert_eq!(
            rules(&report),
            [(Rule::MaxAge, 0), (Rule::PrivilegedMaxAge, 2)]
        );
        assert_eq!(report.findings[0].detail, "91 days old; at most 90 allowed");
        assert_eq!(
            report.findings[1].detail,
            "admin and 46 days old; privileged tokens at most 45"
        );
        assert_eq!(report.checked, 6);
        assert_eq!(report.undated, 1);
        assert_eq!(report.unknown_privilege, 1);

        // Write counts as privileged when the policy says so.
        let policy = Policy {
            privileged: Privilege::Write,
            ..Policy::defaults(90)
        };
        let report = check(&policy, &subjects, NOW);
        assert_eq!(
            rules(&report),
            [
                (Rule::PrivilegedMaxAge, 0),
                (Rule::PrivilegedMaxAge, 1),
                (Rule::PrivilegedMaxAge, 2)
            ]
        );
    }

    #[test]
    fn duplicate_names_are_per_account() {
        let tokens = [
            token("ci", Some(1), Privilege::Read),
            token("ci", Some(2), Privilege::Read),
            token("other", Some(3), Privilege::Read),
        ];
        let subjects = [
            on("a", &tokens[0]),
            on("a", &tokens[1]),
            on("b", &tokens[0]),
            on("a", &tokens[2]),
        ];
        let report = check(&Policy::defaults(90), &subjects, NOW);
        assert_eq!(
            rules(&report),
            [(Rule::DuplicateName, 0), (Rule::DuplicateName, 1)]
        );
        assert_eq!(
            report.findings[0].detail,
            "2 tokens of this account have this name"
        );
        let off = Policy {
            no_duplicate_names: false,
            ..Policy::defaults(90)
        };
        assert!(check(&off, &subjects, NOW).findings.is_empty());
    }

    #[test]
    fn disabled_tokens_and_privileged_accounts_when_asked() {
        let mut disabled = token("off", Some(31), Privilege::Read);
        disabled.enabled = Some(false);
        let mut enabled = token("on", Some(31), Privilege::Read);
        enabled.enabled = Some(true);
        let admin = token("root", Some(1), Privilege::Admin);
        let subjects = [
            on("a", &disabled),
            on("a", &enabled),
            on("prod", &admin),
            on("lab", &admin),
        ];
        let policy = Policy {
            disabled_max_age_days: Some(30),
            privileged_accounts: Some(vec!["prod".into()]),
            ..Policy::defaults(90)
        };
        let report = check(&policy, &subjects, NOW);
        assert_eq!(
            rules(&report),
            [(Rule::DisabledMaxAge, 0), (Rule::PrivilegedAccount, 3)]
        );
        assert_eq!(
            report.findings[1].detail,
            "admin on an account not in privileged_accounts"
        );
        assert!(
            check(&Policy::defaults(90), &subjects, NOW)
                .findings
                .is_empty()
        );
    }

    #[test]
    fn rule_names_are_what_json_says() {
        for rule in Rule::ALL {
            assert_eq!(
                serde_json::to_string(&rule).unwrap(),
                format!("\"{}\"", rule.name())
            );
        }
    }
}
