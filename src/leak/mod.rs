//! Leak matching: given a pasted secret, find the token it belongs to. Pure and UI-independent:
//! the dashboard calls it with the lists it already holds, the CLI with fresh ones.
//!
//! Matching goes in this order, and [`Findings::method`] says which step answered:
//!
//! 1. **Listed secrets**: the secrets providers return when listing (sematext's token value,
//!    lagrello's `tokenKey`, which is the token's id), compared in constant time over every
//!    account that could be listed;
//! 2. **Fingerprints**: the SHA-256 recorded when tokdash created or regenerated a secret, from
//!    the current fingerprint file and those of earlier runs;
//! 3. **Format hints**: where neither matches, which providers' secret formats the value fits
//!    and which configured accounts could hold it.
//!
//! Accounts that could not be listed are reported in [`Findings::unsearched`], and unreadable
//! fingerprint files in [`Findings::unreadable`]: a partial search never looks like "not found".
//!
//! The secret stays a [`SecretString`]. Comparisons hash both sides with SHA-256 and compare the
//! digests with `subtle`, so neither timing nor length gives the value away; the only thing of it
//! that may be shown or stored is [`fingerprint_prefix`].

mod findings;
pub mod fingerprints;
pub mod input;
pub mod shape;
pub mod verify;

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

use crate::model::{Token, TokenId};
use crate::provider::ProviderKind;
use crate::secret::{ExposeSecret, SecretString};
use crate::text::sanitize;

pub use findings::{Findings, Match, MatchStatus, MatchedBy, Method, Unsearched};
pub use fingerprints::{FileProblem, FingerprintRecord, Fingerprints};
pub use input::{InputError, secret_from_input};
pub use shape::{Alphabet, Fit, FormatHint, SecretFormat, Shape};
pub use verify::{Action, Verification, verify};

pub use crate::audit::FINGERPRINT_PREFIX_LEN;

/// One configured account, as the search sees it.
#[derive(Debug, Clone, Copy)]
pub struct Searched<'a> {
    pub account: &'a str,
    pub provider: ProviderKind,
    /// The account's tokens, or why they could not be listed.
    pub listing: Result<&'a [Token], &'a str>,
}

/// Search every account's tokens, then the fingerprints, for `secret`.
pub fn search(
    secret: &SecretString,
    accounts: &[Searched<'_>],
    fingerprints: &Fingerprints,
) -> Findings {
    let target = digest(secret);
    let mut matches = listed_matches(&target, accounts);
    let mut method = (!matches.is_empty()).then_some(Method::ListedSecret);
    if matches.is_empty() {
        matches = fingerprint_matches(&target, accounts, fingerprints);
        method = (!matches.is_empty()).then_some(Method::Fingerprint);
    }
    Findings {
        fingerprint_prefix: fingerprint_prefix(secret),
        method,
        matches,
        searched: accounts.iter().filter(|a| a.listing.is_ok()).count(),
        unsearched: accounts
            .iter()
            .filter_map(|a| {
                a.listing.err().map(|e| Unsearched {
                    account: a.account.to_owned(),
                    provider: a.provider,
                    error: e.to_owned(),
                })
            })
            .collect(),
        fingerprint_files: fingerprints.files.clone(),
        unreadable: fingerprints.unreadable.clone(),
        skipped_lines: fingerprints.skipped_lines.clone(),
        hints: hints(secret.expose_secret(), accounts),
    }
}

/// The first [`FINGERPRINT_PREFIX_LEN`] hex digits of the secret's SHA-256: enough to tell
/// incidents apart, far too little to test guesses against.
pub fn fingerprint_prefix(secret: &SecretString) -> String {
    let mut hex = crate::secret::fingerprint(secret);
    hex.truncate(FINGERPRINT_PREFIX_LEN);
    hex
}

/// A token id fit for a screen or a file: masked where the provider's ids are secrets. The one
/// place the leak search and its commands mask ids.
pub fn shown_id(id: &TokenId, provider: ProviderKind) -> String {
    crate::model::masked_id(id, provider.caps())
}

pub(crate) type Digest = [u8; 32];

pub(crate) fn digest(secret: &SecretString) -> Digest {
    digest_str(secret.expose_secret())
}

fn digest_str(value: &str) -> Digest {
    Sha256::digest(value.as_bytes()).into()
}

/// Does `token` carry the secret whose digest is `target`, as its listed secret or (where ids
/// are secrets) as its id? Constant time in the values compared.
pub(crate) fn carries(token: &Token, target: &Digest, id_is_secret: bool) -> bool {
    let mut hit = subtle::Choice::from(0);
    if let Some(s) = &token.secret {
        hit |= digest(s).ct_eq(target);
    }
    if id_is_secret {
        hit |= digest_str(token.id.as_str()).ct_eq(target);
    }
    hit.into()
}

fn listed_matches(target: &Digest, accounts: &[Searched<'_>]) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    for a in accounts {
        let Ok(tokens) = a.listing else { continue };
        let id_is_secret = a.provider.caps().id_is_secret;
        for t in tokens {
            if !carries(t, target, id_is_secret) {
                continue;
            }
            // Lists may repeat a token (Prism does); one match per token.
            let seen = out
                .iter()
                .any(|m| m.account == a.account && m.token_id() == Some(&t.id));
            if !seen {
                out.push(Match {
                    account: a.account.to_owned(),
                    provider: a.provider,
                    matched_by: MatchedBy::ListedSecret,
                    status: MatchStatus::Listed,
                    token: Some(t.clone()),
                    shown_id: Some(shown_id(&t.id, a.provider)),
                    name: Some(t.name.clone()),
                });
            }
        }
    }
    out
}

fn fingerprint_matches(
    target: &Digest,
    accounts: &[Searched<'_>],
    fingerprints: &Fingerprints,
) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    for r in &fingerprints.records {
        if !bool::from(r.digest.ct_eq(target)) {
            continue;
        }
        // The same token recorded in the current file and a copy of it: once, from the first.
        let seen = out.iter().any(|m| {
            m.account == r.account && m.provider == r.provider && m.shown_id == r.token_id
        });
        if seen {
            continue;
        }
        let (status, token) = resolve(r, accounts);
        out.push(Match {
            account: r.account.clone(),
            provider: r.provider,
            matched_by: MatchedBy::Fingerprint {
                file: r.file.clone(),
                recorded_at: r.time.clone(),
            },
            status,
            name: token
                .as_ref()
                .map(|t| t.name.clone())
                .or_else(|| r.token_name.clone()),
            shown_id: token
                .as_ref()
                .map(|t| shown_id(&t.id, r.provider))
                .or_else(|| r.token_id.clone()),
            token,
        });
    }
    out
}

/// Where a fingerprinted token stands now, from its account's list.
fn resolve(r: &FingerprintRecord, accounts: &[Searched<'_>]) -> (MatchStatus, Option<Token>) {
    let Some(account) = accounts
        .iter()
        .find(|a| a.account == r.account && a.provider == r.provider)
    else {
        return (MatchStatus::AccountNotConfigured, None);
    };
    let Ok(tokens) = account.listing else {
        return (MatchStatus::AccountNotSearched, None);
    };
    // Where ids are secrets the record holds a masked id, and a listed token with this secret
    // as its id would have matched already in step 1: the token is gone.
    if r.provider.caps().id_is_secret {
        return (MatchStatus::NotListed, None);
    }
    let listed = r
        .token_id
        .as_deref()
        .and_then(|id| tokens.iter().find(|t| t.id.as_str() == id));
    match listed {
        None => (MatchStatus::NotListed, None),
        // Its list carries a secret, and step 1 found it is not this one.
        Some(t) if t.secret.is_some() => (MatchStatus::Superseded, None),
        Some(t) => (MatchStatus::Listed, Some(t.clone())),
    }
}

fn hints(value: &str, accounts: &[Searched<'_>]) -> Vec<FormatHint> {
    shape::fits(value)
        .into_iter()
        .map(|(kind, fit)| {
            let caps = kind.caps();
            let lists_secrets = caps.secret_on_list || caps.id_is_secret;
            let (ruled_out, could): (Vec<&Searched<'_>>, Vec<&Searched<'_>>) = accounts
                .iter()
                .filter(|a| a.provider == kind)
                .partition(|a| lists_secrets && a.listing.is_ok());
            FormatHint {
                provider: kind,
                format: *kind.secret_format(),
                fit,
                accounts: could.iter().map(|a| sanitize(a.account)).collect(),
                ruled_out: ruled_out.iter().map(|a| sanitize(a.account)).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "13777603-bdf9-48f7-a493-3b4a94e8be02";
    const HEX64: &str = "9b0c5e1f2a3d4c6b8e7f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9ce1";

    fn secret(s: &str) -> SecretString {
        SecretString::from(s)
    }

    fn sha(s: &str) -> String {
        crate::secret::fingerprint(&secret(s))
    }

    fn record(account: &str, provider: ProviderKind, id: &str, of: &str) -> FingerprintRecord {
        FingerprintRecord::new(
            account,
            provider,
            Some(id),
            Some("from-file"),
            &sha(of),
            "fingerprints.jsonl",
        )
        .unwrap()
    }

    fn prints(records: Vec<FingerprintRecord>) -> Fingerprints {
        Fingerprints {
            records,
            files: vec!["fingerprints.jsonl".into()],
            ..Fingerprints::default()
        }
    }

    #[test]
    fn a_listed_secret_matches_first_and_says_so() {
        let sematext = vec![
            Token::new("1201", "default").with_secret(Some("other".into())),
            Token::new("1202", "shipper").with_secret(Some(UUID.into())),
        ];
        let lagrello = vec![Token::new("aaaaaaaa-bdf9-48f7-a493-3b4a94e8be02", "x")];
        let accounts = [
            Searched {
                account: "s-1",
                provider: ProviderKind::Sematext,
                listing: Ok(&sematext),
            },
            Searched {
                account: "l-1",
                provider: ProviderKind::Lagrello,
                listing: Ok(&lagrello),
            },
        ];
        // A fingerprint of the same secret is not consulted once step 1 matched.
        let fp = prints(vec![record("f-1", ProviderKind::Fluid, "HTK-1", UUID)]);
        let found = search(&secret(UUID), &accounts, &fp);
        assert_eq!(found.method, Some(Method::ListedSecret));
        assert_eq!(found.matches.len(), 1);
        let m = &found.matches[0];
        assert_eq!(
            (m.account.as_str(), m.name.as_deref()),
            ("s-1", Some("shipper"))
        );
        assert_eq!(m.token_id(), Some(&TokenId::new("1202")));
        assert_eq!(found.revocable().count(), 1);
        assert!(!found.is_partial());
        assert_eq!(found.fingerprint_prefix.len(), FINGERPRINT_PREFIX_LEN);
    }

    #[test]
    fn a_lagrello_token_key_matches_as_its_id_and_is_shown_masked() {
        let tokens = vec![Token::new(UUID, "ci").with_created_by(Some("ana"))];
        let accounts = [Searched {
            account: "l-1",
            provider: ProviderKind::Lagrello,
            listing: Ok(&tokens),
        }];
        let found = search(&secret(UUID), &accounts, &Fingerprints::default());
        let m = &found.matches[0];
        assert_eq!(m.shown_id.as_deref(), Some("••••e8be02"));
        assert_eq!(m.created_by(), Some("ana"));
    }

    #[test]
    fn fingerprints_match_next_and_resolve_against_the_lists() {
        let fluid = vec![Token::new("HTK-1", "rack")];
        let sematext = vec![Token::new("7", "regenerated").with_secret(Some("new".into()))];
        let accounts = [
            Searched {
                account: "f-1",
                provider: ProviderKind::Fluid,
                listing: Ok(&fluid),
            },
            Searched {
                account: "s-1",
                provider: ProviderKind::Sematext,
                listing: Ok(&sematext),
            },
            Searched {
                account: "q-1",
                provider: ProviderKind::Qovery,
                listing: Err("server error"),
            },
        ];
        let fp = prints(vec![
            record("f-1", ProviderKind::Fluid, "HTK-1", HEX64),
            record("f-1", ProviderKind::Fluid, "HTK-1", HEX64), // a copy in an older file
            record("f-1", ProviderKind::Fluid, "HTK-gone", HEX64),
            record("s-1", ProviderKind::Sematext, "7", HEX64),
            record("q-1", ProviderKind::Qovery, "u", HEX64),
            record("old", ProviderKind::Qovery, "u", HEX64),
            record("f-1", ProviderKind::Fluid, "HTK-1", "something else"),
        ]);
        let found = search(&secret(HEX64), &accounts, &fp);
        assert_eq!(found.method, Some(Method::Fingerprint));
        let statuses: Vec<MatchStatus> = found.matches.iter().map(|m| m.status).collect();
        assert_eq!(
            statuses,
            vec![
                MatchStatus::Listed,
                MatchStatus::NotListed,
                MatchStatus::Superseded,
                MatchStatus::AccountNotSearched,
                MatchStatus::AccountNotConfigured,
            ]
        );
        assert_eq!(found.matches[0].name.as_deref(), Some("rack"));
        assert_eq!(found.revocable().count(), 1);
        assert!(found.is_partial());
        assert_eq!(found.unsearched[0].account, "q-1");
    }

    #[test]
    fn no_match_gives_hints_that_name_where_to_look() {
        let lagrello: Vec<Token> = vec![];
        let accounts = [
            Searched {
                account: "l-1",
                provider: ProviderKind::Lagrello,
                listing: Ok(&lagrello),
            },
            Searched {
                account: "l-2",
                provider: ProviderKind::Lagrello,
                listing: Err("timed out"),
            },
            Searched {
                account: "f-1",
                provider: ProviderKind::Fluid,
                listing: Ok(&[]),
            },
        ];
        let found = search(&secret(UUID), &accounts, &Fingerprints::default());
        assert_eq!(found.method, None);
        assert!(found.matches.is_empty());
        let lagrello = found
            .hints
            .iter()
            .find(|h| h.provider == ProviderKind::Lagrello)
            .unwrap();
        assert_eq!(lagrello.fit, Fit::Shape);
        assert_eq!(lagrello.accounts, vec!["l-2"]);
        assert_eq!(lagrello.ruled_out, vec!["l-1"]);
        assert!(
            !found
                .hints
                .iter()
                .any(|h| h.provider == ProviderKind::Fluid)
        );

        let found = search(&secret(HEX64), &accounts, &Fingerprints::default());
        let fluid = found
            .hints
            .iter()
            .find(|h| h.provider == ProviderKind::Fluid)
            .unwrap();
        // fluid lists no secrets, so a searched fluid account is not ruled out.
        assert_eq!(fluid.accounts, vec!["f-1"]);
    }

    #[test]
    fn findings_debug_shows_no_secret() {
        let tokens = vec![Token::new("1", "t").with_secret(Some(UUID.into()))];
        let accounts = [Searched {
            account: "s-1",
            provider: ProviderKind::Sematext,
            listing: Ok(&tokens),
        }];
        let found = search(&secret(UUID), &accounts, &Fingerprints::default());
        assert!(!format!("{found:?}").contains(UUID));
    }
}
