//! `tokdash find`: which token a leaked secret belongs to, and how that was found out.

use serde::Serialize;

use super::{
    MatchJson, UnsearchedJson, match_rows, ok_or_partial, report_no_match, report_unsearched,
    unreadable_json, unsearched_json,
};
use crate::cli::Format;
use crate::cli::output;
use crate::leak::{Findings, Fit, Match, MatchStatus};
use crate::provider::ProviderKind;

pub fn run(f: &Findings, format: Format) -> i32 {
    match format {
        Format::Json => output::print(&json(f)),
        _ => {
            if !f.matches.is_empty() {
                output::print(&table(f));
            }
        }
    }
    report_unsearched(f);
    if f.matches.is_empty() {
        return report_no_match(f);
    }
    ok_or_partial(f)
}

fn table(f: &Findings) -> String {
    let method = f.method.map(|m| m.describe()).unwrap_or("nothing");
    let mut out = format!(
        "Matched by {method} (searched {} of {} accounts and {} fingerprint file(s); the \
         secret's SHA-256 begins {}).\n\n",
        f.searched,
        f.searched + f.unsearched.len(),
        f.fingerprint_files.len(),
        f.fingerprint_prefix
    );
    let matches: Vec<&Match> = f.matches.iter().collect();
    out.push_str(&match_rows(&matches));
    let revocable = f.revocable().count();
    if revocable > 0 {
        let all = if revocable > 1 { " --all" } else { "" };
        let disable = if f.revocable().any(|m| m.provider.caps().toggle) {
            " (or add --disable to disable it instead, where the provider allows)"
        } else {
            ""
        };
        out.push_str(&format!(
            "\nTo revoke: pipe the same secret into `tokdash revoke --from-stdin{all}`{disable}.\n"
        ));
    } else if f.matches.iter().all(|m| m.status == MatchStatus::NotListed) {
        out.push_str("\nThe token is no longer listed: there is nothing left to revoke.\n");
    }
    out
}

fn json(f: &Findings) -> String {
    #[derive(Serialize)]
    struct Hint {
        provider: ProviderKind,
        secret: &'static str,
        shape: String,
        fit: &'static str,
        source: &'static str,
        accounts: Vec<String>,
        ruled_out: Vec<String>,
        hint: String,
    }
    #[derive(Serialize)]
    struct Out {
        fingerprint_prefix: String,
        matched_by: Option<&'static str>,
        matches: Vec<MatchJson>,
        searched_accounts: usize,
        unsearched: Vec<UnsearchedJson>,
        fingerprint_files: Vec<String>,
        unreadable_fingerprint_files: Vec<super::FileProblemJson>,
        format_hints: Vec<Hint>,
    }
    let out = Out {
        fingerprint_prefix: f.fingerprint_prefix.clone(),
        matched_by: f.method.map(|m| m.key()),
        matches: f.matches.iter().map(MatchJson::new).collect(),
        searched_accounts: f.searched,
        unsearched: unsearched_json(f),
        fingerprint_files: f
            .fingerprint_files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        unreadable_fingerprint_files: unreadable_json(f),
        format_hints: f
            .hints
            .iter()
            .map(|h| Hint {
                provider: h.provider,
                secret: h.format.what,
                shape: h.format.shape.describe(),
                fit: match h.fit {
                    Fit::Shape => "shape",
                    Fit::Unknown => "unknown_format",
                },
                source: h.format.source,
                accounts: h.accounts.clone(),
                ruled_out: h.ruled_out.clone(),
                hint: format!("the value {}", h.sentence()),
            })
            .collect(),
    };
    output::to_json(&out)
}
