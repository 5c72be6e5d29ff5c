//! The fingerprints tokdash recorded for the secrets it created or regenerated
//! (`fingerprints.jsonl`, written by [`crate::audit::AuditLog::fingerprint`]), read back for a
//! leak search: the current file and those of earlier runs (`fingerprints*.jsonl*` beside it,
//! such as a rotated `fingerprints.jsonl.1`).
//!
//! A file that cannot be read is reported, never skipped quietly: a search that could not read
//! every file is partial.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::audit::FINGERPRINTS_FILE;
use crate::provider::ProviderKind;
use crate::text::sanitize;

/// One recorded fingerprint, with the file it came from. Its Debug leaves the digest out: a
/// matched record's digest is the pasted secret's.
#[derive(Clone, PartialEq, Eq)]
pub struct FingerprintRecord {
    /// When it was recorded, as written (RFC 3339).
    pub time: Option<String>,
    pub account: String,
    pub provider: ProviderKind,
    /// The token's id as it was stored: masked where the provider's ids are secrets.
    pub token_id: Option<String>,
    pub token_name: Option<String>,
    /// The SHA-256 of the secret.
    pub(crate) digest: [u8; 32],
    pub file: PathBuf,
}

impl FingerprintRecord {
    /// A record made here rather than read from a file (for tests and callers that hold one).
    pub fn new(
        account: &str,
        provider: ProviderKind,
        token_id: Option<&str>,
        token_name: Option<&str>,
        sha256_hex: &str,
        file: impl Into<PathBuf>,
    ) -> Option<Self> {
        Some(FingerprintRecord {
            time: None,
            account: account.to_owned(),
            provider,
            token_id: token_id.map(str::to_owned),
            token_name: token_name.map(str::to_owned),
            digest: decode_digest(sha256_hex)?,
            file: file.into(),
        })
    }
}

impl std::fmt::Debug for FingerprintRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FingerprintRecord")
            .field("time", &self.time)
            .field("account", &self.account)
            .field("provider", &self.provider)
            .field("token_id", &self.token_id)
            .field("token_name", &self.token_name)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// A fingerprint file that could not be searched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    pub error: String,
}

/// Every fingerprint found, the files read, and the files that could not be.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    pub records: Vec<FingerprintRecord>,
    /// The files read, the current one first.
    pub files: Vec<PathBuf>,
    /// Files (or the directory) that could not be read: the search was partial.
    pub unreadable: Vec<FileProblem>,
    /// Files with lines that are not fingerprint records, and how many.
    pub skipped_lines: Vec<(PathBuf, usize)>,
}

/// Suffixes of files this reader cannot open; they are reported, not searched.
const COMPRESSED: [&str; 5] = [".gz", ".xz", ".zst", ".bz2", ".zip"];

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    time: Option<String>,
    account: String,
    provider: ProviderKind,
    #[serde(default)]
    token_id: Option<String>,
    #[serde(default)]
    token_name: Option<String>,
    sha256: String,
}

impl Fingerprints {
    /// Read every fingerprint file in `dir`. A directory that does not exist holds none (nothing
    /// was ever created there); one that cannot be listed is a problem.
    pub fn load(dir: &Path) -> Fingerprints {
        let mut out = Fingerprints::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
            Err(e) => {
                out.unreadable.push(FileProblem {
                    path: dir.to_owned(),
                    error: e.to_string(),
                });
                return out;
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with("fingerprints") && n.contains(".jsonl"))
            .collect();
        // The current file first, then earlier ones by name.
        names.sort_by_key(|n| (n != FINGERPRINTS_FILE, n.clone()));
        for name in names {
            let path = dir.join(&name);
            if COMPRESSED.iter().any(|s| name.ends_with(s)) {
                out.unreadable.push(FileProblem {
                    path,
                    error: "compressed; decompress it beside the others to have it searched".into(),
                });
                continue;
            }
            if path.is_dir() {
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(text) => out.add_file(path, &text),
                Err(e) => out.unreadable.push(FileProblem {
                    path,
                    error: e.to_string(),
                }),
            }
        }
        out
    }

    /// No fingerprints could be looked for at all (there is no state directory).
    pub fn unavailable(why: &str) -> Fingerprints {
        Fingerprints {
            unreadable: vec![FileProblem {
                path: PathBuf::new(),
                error: why.to_owned(),
            }],
            ..Fingerprints::default()
        }
    }

    fn add_file(&mut self, path: PathBuf, text: &str) {
        let mut skipped = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let record = serde_json::from_str::<Line>(line).ok().and_then(|l| {
                Some(FingerprintRecord {
                    time: l.time.map(|t| sanitize(&t)),
                    account: sanitize(&l.account),
                    provider: l.provider,
                    token_id: l.token_id.map(|t| sanitize(&t)),
                    token_name: l.token_name.map(|t| sanitize(&t)),
                    digest: decode_digest(&l.sha256)?,
                    file: path.clone(),
                })
            });
            match record {
                Some(r) => self.records.push(r),
                None => skipped += 1,
            }
        }
        if skipped > 0 {
            self.skipped_lines.push((path.clone(), skipped));
        }
        self.files.push(path);
    }
}

/// 64 hex digits as 32 bytes.
fn decode_digest(hex_digits: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_digits.trim()).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditLog, TokenLabel};
    use crate::model::TokenId;
    use crate::secret::SecretString;

    #[test]
    fn reads_the_current_file_first_then_earlier_ones_and_reports_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        let label = TokenLabel::new(
            Some(&TokenId::new("HTK-1")),
            Some("rack"),
            ProviderKind::Fluid.caps(),
        );
        log.fingerprint(
            "fluid-1",
            ProviderKind::Fluid,
            &label,
            &SecretString::from("a"),
        )
        .unwrap();
        let earlier = dir.path().join("fingerprints.jsonl.1");
        std::fs::copy(dir.path().join(FINGERPRINTS_FILE), &earlier).unwrap();
        std::fs::write(
            dir.path().join("fingerprints.jsonl.2"),
            "not json\n{\"account\":\"x\",\"provider\":\"nope\",\"sha256\":\"00\"}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("fingerprints.jsonl.3.gz"), "").unwrap();
        std::fs::write(dir.path().join("audit.jsonl"), "{}\n").unwrap();

        let found = Fingerprints::load(dir.path());
        assert_eq!(found.files[0], dir.path().join(FINGERPRINTS_FILE));
        assert_eq!(found.files.len(), 3);
        assert_eq!(found.records.len(), 2);
        assert_eq!(found.records[1].file, earlier);
        assert_eq!(found.records[0].token_id.as_deref(), Some("HTK-1"));
        assert_eq!(
            found.skipped_lines,
            vec![(dir.path().join("fingerprints.jsonl.2"), 2)]
        );
        assert_eq!(found.unreadable.len(), 1);
        assert!(found.unreadable[0].error.contains("compressed"));
    }

    #[test]
    fn a_missing_directory_holds_nothing_and_is_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        let found = Fingerprints::load(&dir.path().join("nope"));
        assert!(found.records.is_empty() && found.unreadable.is_empty());
    }
}
