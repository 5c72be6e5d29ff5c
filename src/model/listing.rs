//! An account's list of tokens, which is either complete or says why it is not: tokdash never
//! shows less than there is without saying so.

use super::Token;

/// What [`crate::provider::Provider::list`] answers: the tokens, and whether any are missing.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub tokens: Vec<Token>,
    /// `None` when the list is complete. Otherwise tokens are missing, and this sentence says
    /// so, naming the account (and the app or page where that helps) and why, e.g.
    /// "lagrello-1: only the first 10000 pages were listed (max_pages = 10000); …". Show it as
    /// it is.
    pub partial: Option<String>,
}

impl Listing {
    /// Every token there is.
    pub fn complete(tokens: Vec<Token>) -> Self {
        Listing {
            tokens,
            partial: None,
        }
    }

    /// Some of the tokens; `reason` names the account and says what is missing and why.
    pub fn partial(tokens: Vec<Token>, reason: impl Into<String>) -> Self {
        Listing {
            tokens,
            partial: Some(reason.into()),
        }
    }

    pub fn is_complete(&self) -> bool {
        self.partial.is_none()
    }

    /// Add another part of the same account's list (sematext lists each app apart): the tokens
    /// are appended, and the result is partial if either part is, with both reasons.
    pub fn extend(&mut self, other: Listing) {
        self.tokens.extend(other.tokens);
        self.partial = match (self.partial.take(), other.partial) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
    }
}

impl From<Vec<Token>> for Listing {
    fn from(tokens: Vec<Token>) -> Self {
        Listing::complete(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_that_is_partial_makes_the_whole_partial() {
        let mut all = Listing::complete(vec![Token::new("1", "a")]);
        assert!(all.is_complete());
        all.extend(Listing::partial(
            vec![Token::new("2", "b")],
            "app 2: forbidden",
        ));
        all.extend(Listing::complete(vec![Token::new("3", "c")]));
        assert_eq!(all.tokens.len(), 3);
        assert_eq!(all.partial.as_deref(), Some("app 2: forbidden"));
        all.extend(Listing::partial(Vec::new(), "app 4: timed out"));
        assert_eq!(
            all.partial.as_deref(),
            Some("app 2: forbidden; app 4: timed out")
        );
    }
}
