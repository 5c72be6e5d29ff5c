//! Fuzzy filtering of the tokens table (`/`), across name, id, account and scopes.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::model::Token;

/// The text a token is matched against. Secret-like ids are left out: the filter must not become
/// a way to guess them.
pub fn haystack(account: &str, token: &Token, id_is_secret: bool) -> String {
    let mut s = String::with_capacity(token.name.len() + 64);
    s.push_str(&token.name);
    s.push(' ');
    if !id_is_secret {
        s.push_str(token.id.as_str());
        s.push(' ');
    }
    s.push_str(account);
    for scope in &token.scopes {
        s.push(' ');
        s.push_str(scope);
    }
    s
}

/// A compiled filter; reuse it across all tokens of one pass.
pub struct Filter {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl Filter {
    /// `None` for an empty query: everything matches.
    pub fn new(query: &str) -> Option<Filter> {
        if query.trim().is_empty() {
            return None;
        }
        Some(Filter {
            pattern: Pattern::parse(query, CaseMatching::Smart, Normalization::Smart),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        })
    }

    pub fn matches(&mut self, haystack: &str) -> bool {
        let hay = Utf32Str::new(haystack, &mut self.buf);
        self.pattern.score(hay, &mut self.matcher).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_across_fields() {
        let t = Token::new("HTK-123", "ci-deploy").with_scopes(["read:repo"]);
        let h = haystack("acme-prod", &t, false);
        assert!(Filter::new("cidep").unwrap().matches(&h));
        assert!(Filter::new("acme").unwrap().matches(&h));
        assert!(Filter::new("htk123").unwrap().matches(&h));
        assert!(Filter::new("read").unwrap().matches(&h));
        assert!(!Filter::new("zzz").unwrap().matches(&h));
        assert!(Filter::new("  ").is_none());
    }

    #[test]
    fn secret_ids_are_not_searchable() {
        let t = Token::new("k3yvalu3", "n");
        assert!(
            !Filter::new("k3yvalu3")
                .unwrap()
                .matches(&haystack("a", &t, true))
        );
    }
}
