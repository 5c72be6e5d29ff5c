//! What a leak search answers: which step matched, the matches with their status, and the
//! accounts and files it could not search, so a partial search never reads as "not found".

use std::path::PathBuf;

use super::fingerprints::FileProblem;
use super::shape::FormatHint;
use crate::model::{Token, TokenId};
use crate::provider::ProviderKind;

/// Which step found the matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    ListedSecret,
    Fingerprint,
}

impl Method {
    /// `listed_secret` or `fingerprint`, for JSON and the audit record.
    pub fn key(self) -> &'static str {
        match self {
            Method::ListedSecret => "listed_secret",
            Method::Fingerprint => "fingerprint",
        }
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Method::ListedSecret => "listed secret",
            Method::Fingerprint => "fingerprint",
        }
    }
}

/// How one match was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedBy {
    /// The secret is among those the account's list returned.
    ListedSecret,
    /// A fingerprint recorded in `file` when tokdash created or regenerated the secret.
    Fingerprint {
        file: PathBuf,
        recorded_at: Option<String>,
    },
}

impl MatchedBy {
    pub fn method(&self) -> Method {
        match self {
            MatchedBy::ListedSecret => Method::ListedSecret,
            MatchedBy::Fingerprint { .. } => Method::Fingerprint,
        }
    }
}

/// Whether the matched token can be acted on now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchStatus {
    /// Listed by its account right now: it can be revoked.
    Listed,
    /// Its account was listed and the token was not there (deleted already).
    NotListed,
    /// Listed, but with another secret: it was regenerated since, so this secret no longer works.
    Superseded,
    /// Its account could not be listed, so whether it still exists is unknown.
    AccountNotSearched,
    /// Recorded for an account that is not configured (any more).
    AccountNotConfigured,
}

impl MatchStatus {
    pub fn key(self) -> &'static str {
        match self {
            MatchStatus::Listed => "listed",
            MatchStatus::NotListed => "not_listed",
            MatchStatus::Superseded => "superseded",
            MatchStatus::AccountNotSearched => "account_not_searched",
            MatchStatus::AccountNotConfigured => "account_not_configured",
        }
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            MatchStatus::Listed => "listed",
            MatchStatus::NotListed => "no longer listed",
            MatchStatus::Superseded => "regenerated since: this secret no longer works",
            MatchStatus::AccountNotSearched => "unknown: the account could not be listed",
            MatchStatus::AccountNotConfigured => "unknown: the account is not configured",
        }
    }
}

/// One token the secret belongs to.
#[derive(Debug, Clone)]
pub struct Match {
    pub account: String,
    pub provider: ProviderKind,
    pub matched_by: MatchedBy,
    pub status: MatchStatus,
    /// The token as its account lists it now (when [`MatchStatus::Listed`]).
    pub token: Option<Token>,
    /// The id fit for a screen or a file ([`shown_id`]), or as the fingerprint recorded it.
    pub shown_id: Option<String>,
    pub name: Option<String>,
}

impl Match {
    /// The token's real id, to act on: only for a token listed now.
    pub fn token_id(&self) -> Option<&TokenId> {
        self.token.as_ref().map(|t| &t.id)
    }

    /// "created by", where the provider says (lagrello).
    pub fn created_by(&self) -> Option<&str> {
        self.token.as_ref().and_then(|t| t.created_by.as_deref())
    }
}

/// An account that could not be searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsearched {
    pub account: String,
    pub provider: ProviderKind,
    pub error: String,
}

/// The answer of a search.
#[derive(Debug, Clone)]
pub struct Findings {
    /// The first [`FINGERPRINT_PREFIX_LEN`] hex digits of the secret's SHA-256.
    pub fingerprint_prefix: String,
    /// Which step matched; `None` when nothing did.
    pub method: Option<Method>,
    pub matches: Vec<Match>,
    /// How many accounts were searched (listed).
    pub searched: usize,
    pub unsearched: Vec<Unsearched>,
    /// The fingerprint files read, the current one first.
    pub fingerprint_files: Vec<PathBuf>,
    /// Fingerprint files that could not be read.
    pub unreadable: Vec<FileProblem>,
    /// Lines of fingerprint files that are not records, per file.
    pub skipped_lines: Vec<(PathBuf, usize)>,
    /// Which providers' formats the value fits; worth showing when nothing matched.
    pub hints: Vec<FormatHint>,
}

impl Findings {
    /// Some account or fingerprint file could not be searched: "no match" is not the answer.
    pub fn is_partial(&self) -> bool {
        !self.unsearched.is_empty() || !self.unreadable.is_empty()
    }

    /// The matches that can be revoked now.
    pub fn revocable(&self) -> impl Iterator<Item = &Match> {
        self.matches
            .iter()
            .filter(|m| m.status == MatchStatus::Listed)
    }
}
