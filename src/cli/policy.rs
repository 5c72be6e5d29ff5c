//! `tokdash audit`: every selected account listed at once (as `list` does), every token checked
//! against the policy ([`crate::policy`]), the findings printed as a table, JSON or Markdown
//! (for a CI job summary).
//!
//! Exit codes: 0 no findings, 1 findings, 2 usage (a bad policy file), 3 some account could not
//! be audited, or only in part (it is named; the findings in the rest are printed all the same).

use serde::Serialize;

use super::failure::{Failure, Outcome};
use super::list::{Fetched, fetch, select};
use super::output::{self, Ids, ListError};
use super::{AuditArgs, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, Format};
use crate::model::human_age;
use crate::policy::{self, Finding, Policy, Report, Subject};
use crate::provider::Registry;
use crate::record::{Clock, TokenRecord};
use crate::text::sanitize;

pub async fn run(
    args: &AuditArgs,
    registry: &Registry,
    format: Format,
    ids: Ids,
    clock: &Clock,
) -> Outcome {
    let selected = select(registry, &args.accounts)?;
    let policy = match &args.policy {
        None => Policy::defaults(clock.stale_after_days),
        Some(path) => {
            let names: Vec<&str> = registry.accounts.iter().map(|a| a.name.as_str()).collect();
            policy::load(path, clock.stale_after_days, &names)
                .map_err(|e| Failure::Usage(format!("policy error: {e}")))?
        }
    };
    let fetched = fetch(&selected).await;
    let subjects: Vec<Subject<'_>> = fetched
        .tokens()
        .map(|l| Subject {
            account: &l.account.name,
            provider: l.account.kind,
            token: l.token,
        })
        .collect();
    let report = policy::check(&policy, &subjects, clock.now);
    let audit = Audit {
        policy: &policy,
        source: args.policy.as_ref().map(|p| p.display().to_string()),
        fetched: &fetched,
        report: &report,
        ids,
        clock,
    };
    output::print(&match format {
        Format::Json => audit.json(),
        Format::Markdown => audit.markdown(),
        _ => audit.table(),
    });
    for e in &fetched.errors {
        if e.partial {
            eprintln!("tokdash: audited in part: {}", e.error);
        } else {
            eprintln!("tokdash: not audited: {}", e.message);
        }
    }
    Ok(if !fetched.errors.is_empty() {
        EXIT_PARTIAL
    } else if !report.findings.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// Everything a report says.
struct Audit<'a> {
    policy: &'a Policy,
    /// The policy file, if one was given.
    source: Option<String>,
    fetched: &'a Fetched<'a>,
    report: &'a Report,
    ids: Ids,
    clock: &'a Clock,
}

impl Audit<'_> {
    /// The token a finding is about, as `list` exports it.
    fn record(&self, f: &Finding) -> TokenRecord {
        let l = self.fetched.get(f.subject);
        l.row(self.ids).record(self.clock, l.partial)
    }

    fn age(&self, f: &Finding) -> String {
        let t = self.fetched.get(f.subject).token;
        t.created_at
            .map(|c| human_age(c, self.clock.now))
            .unwrap_or_else(|| "-".into())
    }

    /// The accounts that answered, in part or in full.
    fn audited(&self) -> usize {
        self.fetched.asked - self.fetched.failed()
    }

    /// "3 findings in 48 tokens on 4 accounts", or that there are none.
    fn headline(&self) -> String {
        let (n, tokens, accounts) = (
            self.report.findings.len(),
            self.report.checked,
            self.audited(),
        );
        let checked = format!(
            "{} on {}",
            plural(tokens, "token"),
            plural(accounts, "account")
        );
        match n {
            0 => format!("No findings: {checked} meet the policy."),
            _ => format!("{} in {checked}.", plural(n, "finding")),
        }
    }

    /// What the rules could not judge, in sentences.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let r = self.report;
        if r.unknown_privilege > 0 {
            notes.push(format!(
                "{} of unknown privilege: the privileged rules did not count {}.",
                plural(r.unknown_privilege, "token"),
                if r.unknown_privilege == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
        }
        if r.undated > 0 {
            notes.push(format!(
                "{} without a creation date: the age rules could not judge {}.",
                plural(r.undated, "token"),
                if r.undated == 1 { "it" } else { "them" }
            ));
        }
        notes
    }

    /// The policy in force, in one line.
    fn policy_line(&self) -> String {
        let p = self.policy;
        let privileged = match p.privileged {
            crate::model::Privilege::Admin => "admin tokens",
            _ => "write and admin tokens",
        };
        let mut rules = vec![
            format!("tokens at most {} days old", p.max_age_days),
            format!("{privileged} at most {} days", p.privileged_max_age_days),
        ];
        if p.no_duplicate_names {
            rules.push("no duplicate names in an account".into());
        }
        if let Some(days) = p.disabled_max_age_days {
            rules.push(format!("disabled tokens at most {days} days"));
        }
        if let Some(accounts) = &p.privileged_accounts {
            rules.push(match accounts.is_empty() {
                true => format!("no {privileged} on any account"),
                false => format!(
                    "{privileged} only on {}",
                    accounts
                        .iter()
                        .map(|a| sanitize(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let source = match &self.source {
            Some(path) => sanitize(path),
            None => format!(
                "defaults, stale_after_days = {}",
                self.clock.stale_after_days
            ),
        };
        format!("Policy ({source}): {}.", rules.join("; "))
    }

    fn table(&self) -> String {
        let mut out = String::new();
        if !self.report.findings.is_empty() {
            let rows = self
                .report
                .findings
                .iter()
                .map(|f| {
                    let r = self.record(f);
                    vec![
                        f.rule.name().to_owned(),
                        r.account,
                        r.provider.name().to_owned(),
                        r.id,
                        r.name,
                        r.privilege.name().to_owned(),
                        self.age(f),
                        f.detail.clone(),
                    ]
                })
                .collect();
            out.push_str(&output::table(
                &[
                    "RULE",
                    "ACCOUNT",
                    "PROVIDER",
                    "ID",
                    "NAME",
                    "PRIVILEGE",
                    "AGE",
                    "DETAIL",
                ],
                rows,
            ));
            out.push('\n');
        }
        for line in [self.headline()]
            .into_iter()
            .chain(self.notes())
            .chain([self.policy_line()])
        {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn json(&self) -> String {
        #[derive(Serialize)]
        struct FindingJson<'a> {
            rule: &'static str,
            detail: &'a str,
            token: TokenRecord,
        }
        #[derive(Serialize)]
        struct Checked {
            accounts: usize,
            tokens: usize,
            unknown_privilege: usize,
            undated: usize,
        }
        #[derive(Serialize)]
        struct PolicyJson<'a> {
            file: Option<&'a str>,
            #[serde(flatten)]
            rules: &'a Policy,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            findings: Vec<FindingJson<'a>>,
            errors: &'a [ListError],
            checked: Checked,
            policy: PolicyJson<'a>,
        }
        output::to_json(&Out {
            findings: self
                .report
                .findings
                .iter()
                .map(|f| FindingJson {
                    rule: f.rule.name(),
                    detail: &f.detail,
                    token: self.record(f),
                })
                .collect(),
            errors: &self.fetched.errors,
            checked: Checked {
                accounts: self.audited(),
                tokens: self.report.checked,
                unknown_privilege: self.report.unknown_privilege,
                undated: self.report.undated,
            },
            policy: PolicyJson {
                file: self.source.as_deref(),
                rules: self.policy,
            },
        })
    }

    /// GitHub-flavoured Markdown for a CI job summary. Every value that came from a provider or
    /// the configuration is a code span, so a token named like a link or an image stays text.
    fn markdown(&self) -> String {
        let mut out = String::from("## tokdash audit\n\n");
        let headline = self.headline();
        out.push_str(&match self.report.findings.len() {
            0 => format!("✅ {headline}\n\n"),
            _ => format!("❌ **{headline}**\n\n"),
        });
        if !self.report.findings.is_empty() {
            out.push_str("| Rule | Account | Provider | Token | ID | Privilege | Age | Detail |\n");
            out.push_str("|---|---|---|---|---|---|---|---|\n");
            for f in &self.report.findings {
                let r = self.record(f);
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
                    f.rule.name(),
                    md_code(&r.account, true),
                    r.provider.name(),
                    md_code(&r.name, true),
                    md_code(&r.id, true),
                    r.privilege.name(),
                    self.age(f),
                    f.detail,
                ));
            }
            out.push('\n');
        }
        if !self.fetched.errors.is_empty() {
            out.push_str("### ⚠️ Not audited\n\n");
            for e in &self.fetched.errors {
                let how = if e.partial {
                    "listed in part"
                } else {
                    "could not be listed"
                };
                out.push_str(&format!(
                    "- {} ({}), {how}: {}\n",
                    md_code(&e.account, false),
                    e.provider.name(),
                    md_code(&sanitize(&e.error), false),
                ));
            }
            out.push('\n');
        }
        for note in self.notes() {
            out.push_str(&format!("{note}\n\n"));
        }
        out.push_str(&format!("<sub>{}</sub>\n", md_escape(&self.policy_line())));
        out
    }
}

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// `text` as a Markdown code span, which shows it literally: no link, image, emphasis or HTML.
/// The fence is longer than any run of backticks inside; in a table cell `|` is escaped, the
/// one character a code span there cannot hold.
fn md_code(text: &str, in_table: bool) -> String {
    if text.is_empty() {
        return "—".into();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = if in_table {
        text.replace('|', "\\|")
    } else {
        text.to_owned()
    };
    // A space each side keeps a backtick at either end off the fence, and keeps a space there;
    // CommonMark strips one from each side.
    if body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']) {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// Plain text with every ASCII punctuation character backslash-escaped, so Markdown shows it
/// as it is.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_anything_literally() {
        assert_eq!(md_code("ci-deploy", true), "`ci-deploy`");
        assert_eq!(md_code("a|b", true), "`a\\|b`");
        assert_eq!(md_code("a|b", false), "`a|b`");
        assert_eq!(md_code("x`y``z", false), "```x`y``z```");
        assert_eq!(md_code("`x ", false), "`` `x  ``");
        assert_eq!(
            md_code("[click](https://evil)", true),
            "`[click](https://evil)`"
        );
        assert_eq!(md_code("", true), "—");
    }

    #[test]
    fn escaped_text_has_no_markup() {
        assert_eq!(md_escape("a_b *c* <d>"), "a\\_b \\*c\\* \\<d\\>");
    }
}
