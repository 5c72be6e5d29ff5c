//! Cutting an account's held secrets out of what a provider answers with an error: the secrets
//! held ([`Held`]), the byte patterns each is searched as (as it is, percent-encoded,
//! JSON-escaped), the cut itself and the walk through a JSON body that cuts after decoding.
//! Kept apart from the request plumbing in `http.rs` because it is the one piece whose job is
//! keeping credentials off the screen, the log and the audit trail, and it is tested on its own.

use std::sync::{Arc, Mutex, PoisonError};

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The shortest secret held, in bytes (of the secret as it is, before any encoding).
///
/// A shorter "secret" is not held, so never cut out: one to seven bytes occur inside ordinary
/// words (a credential `k` or `loc` would turn "app 2 is locked" into "app 2 is
/// [redacted]ed"), so cutting them destroys every message the provider sends and hides nothing
/// worth hiding: a credential that short is guessed faster than it is read off a screen. Real
/// API keys, tokens and session ids are far longer, so each is still cut wherever it appears.
pub const MIN_HELD_LEN: usize = 8;

/// The secrets one account's requests have carried: its credential, a login password, a session.
/// Clones share them. Only secrets of at least [`MIN_HELD_LEN`] bytes are held.
#[derive(Clone, Default)]
pub(super) struct Held(Arc<Mutex<Vec<SecretString>>>);

impl Held {
    pub(super) fn hold(&self, secret: &SecretString) {
        if secret.expose_secret().len() < MIN_HELD_LEN {
            return;
        }
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !held
            .iter()
            .any(|h| h.expose_secret() == secret.expose_secret())
        {
            held.push(secret.clone());
        }
    }

    /// The byte strings to cut out: each secret as it is, percent-encoded and JSON-escaped.
    /// Wiped from memory when dropped, like the secrets themselves.
    pub(super) fn patterns(&self) -> Vec<Zeroizing<Vec<u8>>> {
        let held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for secret in held.iter() {
            let raw = secret.expose_secret();
            let encoded: Zeroizing<String> =
                Zeroizing::new(url::form_urlencoded::byte_serialize(raw.as_bytes()).collect());
            let quoted = Zeroizing::new(serde_json::to_string(raw).unwrap_or_default());
            let escaped = quoted
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .unwrap_or(raw);
            for form in [raw, encoded.as_str(), escaped] {
                if !patterns.iter().any(|p| p.as_slice() == form.as_bytes()) {
                    patterns.push(Zeroizing::new(form.as_bytes().to_vec()));
                }
            }
        }
        patterns
    }
}

/// `input` with every occurrence of any of `patterns` replaced by [`REDACTED`] (overlapping
/// occurrences together, once), or `None` when none occurs. Patterns are UTF-8, so valid UTF-8
/// stays valid.
pub(super) fn cut(input: &[u8], patterns: &[Zeroizing<Vec<u8>>]) -> Option<Vec<u8>> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for p in patterns.iter().filter(|p| !p.is_empty()) {
        // Overlapping occurrences too: `aXa` in `aXaXa` is cut whole.
        let finder = memchr::memmem::Finder::new(p.as_slice());
        let mut from = 0;
        while let Some(at) = finder.find(&input[from..]) {
            spans.push((from + at, from + at + p.len()));
            from += at + 1;
        }
    }
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = Vec::with_capacity(input.len());
    let mut done = 0;
    for (start, end) in spans {
        if start >= done {
            out.extend_from_slice(&input[done..start]);
            out.extend_from_slice(REDACTED.as_bytes());
            done = end;
        } else {
            // Overlaps the span just cut: cut it to its end too.
            done = done.max(end);
        }
    }
    out.extend_from_slice(&input[done..]);
    Some(out)
}

/// A body with `patterns` cut out: inside every string (and key) of a JSON body, after decoding,
/// so a secret written with escapes is found too; in the raw bytes of anything else.
pub(super) fn scrub_body(body: Vec<u8>, patterns: &[Zeroizing<Vec<u8>>]) -> Vec<u8> {
    fn walk(value: &mut serde_json::Value, patterns: &[Zeroizing<Vec<u8>>]) -> bool {
        match value {
            serde_json::Value::String(s) => match cut(s.as_bytes(), patterns) {
                Some(clean) => {
                    *s = String::from_utf8(clean).unwrap_or_else(|_| REDACTED.to_owned());
                    true
                }
                None => false,
            },
            serde_json::Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= walk(item, patterns);
                }
                changed
            }
            serde_json::Value::Object(map) => {
                let mut changed = false;
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    changed |= walk(&mut item, patterns);
                    let key = match cut(key.as_bytes(), patterns) {
                        Some(clean) => {
                            changed = true;
                            String::from_utf8(clean).unwrap_or_else(|_| REDACTED.to_owned())
                        }
                        None => key,
                    };
                    map.insert(key, item);
                }
                changed
            }
            _ => false,
        }
    }
    if patterns.is_empty() {
        return body;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(mut value) => {
            if walk(&mut value, patterns) {
                serde_json::to_vec(&value).unwrap_or_default()
            } else {
                body
            }
        }
        Err(_) => cut(&body, patterns).unwrap_or(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::http::{Endpoint, HttpSettings, build_client};
    use url::Url;

    #[test]
    fn a_short_credential_leaves_a_message_whole_and_a_real_one_is_cut() {
        let settings = HttpSettings::default();
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        let ep = Endpoint::new(build_client(&settings), base, &settings);
        // Shorter than MIN_HELD_LEN: found inside ordinary words, so not held.
        for short in ["k", "loc", "is", "1234567"] {
            ep.hold(&SecretString::from(short.to_owned()));
        }
        assert_eq!(
            ep.scrub("app 2 is locked (code 1234567)"),
            "app 2 is locked (code 1234567)"
        );
        // A real-length credential (from MIN_HELD_LEN bytes up) is still cut wherever it stands.
        let real = "cred-7f3a9c2e-5b1d-4e8a";
        ep.hold(&SecretString::from(real.to_owned()));
        let eight = "12345678";
        assert_eq!(eight.len(), MIN_HELD_LEN);
        ep.hold(&SecretString::from(eight.to_owned()));
        assert_eq!(
            ep.scrub(&format!("app 2 is locked: key {real}, pin {eight}")),
            "app 2 is locked: key [redacted], pin [redacted]"
        );
    }

    #[test]
    fn overlapping_secrets_are_cut_together() {
        let patterns = [b"abcdef".to_vec(), b"defghi".to_vec(), b"zz".to_vec()]
            .map(Zeroizing::new)
            .to_vec();
        let cut = |s: &str| String::from_utf8(cut(s.as_bytes(), &patterns).unwrap()).unwrap();
        assert_eq!(cut("1abcdefghi2"), "1[redacted]2");
        assert_eq!(cut("zzz"), "[redacted]");
        assert_eq!(cut("abcdef abcdef"), "[redacted] [redacted]");
        let aba = [Zeroizing::new(b"aXa".to_vec())];
        assert_eq!(super::cut(b"aXaXa", &aba).unwrap(), b"[redacted]");
        assert!(super::cut(b"nothing here", &patterns).is_none());
    }
}
