//! What a provider's secrets look like, declared by each provider next to its client
//! (`SECRET_FORMAT` in `src/provider/<name>.rs`), and the hints drawn from it when a pasted value
//! matches no token: which providers' formats it fits, and so where to look.
//!
//! A fit is a shape, never proof: a UUID fits every provider that uses UUIDs, and a provider
//! whose format is undocumented fits anything. The hints say so.

use crate::provider::ProviderKind;

pub use crate::model::{Alphabet, SecretFormat, Shape};

/// How a value fits a provider's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// It has the provider's documented (or observed) shape.
    Shape,
    /// The provider's format is unknown, so it cannot be ruled out.
    Unknown,
}

/// One provider the value could belong to, with the configured accounts to look in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatHint {
    pub provider: ProviderKind,
    pub format: SecretFormat,
    pub fit: Fit,
    /// Configured accounts of this provider (names sanitised for display) that could hold the
    /// token: those whose lists do not carry secrets (so only a fingerprint could have matched),
    /// and those that could not be searched.
    pub accounts: Vec<String>,
    /// Accounts of this provider whose lists carry secrets and were searched without a match:
    /// the token is not there (unless it was created after the search).
    pub ruled_out: Vec<String>,
}

impl FormatHint {
    /// One honest sentence: "fits the shape of a fluid host token (64 lowercase hex characters);
    /// look in fluid-1, fluid-2".
    pub fn sentence(&self) -> String {
        let f = &self.format;
        let mut s = match self.fit {
            Fit::Shape => format!(
                "fits the shape of a {} {} ({}; {})",
                self.provider,
                f.what,
                f.shape.describe(),
                f.source
            ),
            Fit::Unknown => format!(
                "could be a {} {} ({}, so no value can be ruled out)",
                self.provider,
                f.what,
                f.shape.describe()
            ),
        };
        if !self.accounts.is_empty() {
            s.push_str(&format!("; could be in {}", self.accounts.join(", ")));
        }
        if !self.ruled_out.is_empty() {
            s.push_str(&format!(
                "; not in {}, whose listed secrets were searched",
                self.ruled_out.join(", ")
            ));
        }
        if self.accounts.is_empty() {
            s.push_str(&format!(
                "; perhaps a {} account tokdash is not configured for",
                self.provider
            ));
        }
        let caps = self.provider.caps();
        let lists_secrets = caps.secret_on_list || caps.id_is_secret;
        if !self.accounts.is_empty() && !lists_secrets {
            s.push_str(&format!(
                " ({} lists no secrets: only secrets tokdash created can be matched, by \
                 fingerprint)",
                self.provider
            ));
        }
        s
    }
}

/// The providers whose format `value` fits: shape fits first, then the providers whose format
/// is unknown, each in [`ProviderKind::ALL`] order.
pub fn fits(value: &str) -> Vec<(ProviderKind, Fit)> {
    let mut shaped = Vec::new();
    let mut unknown = Vec::new();
    for &kind in ProviderKind::ALL {
        let format = kind.secret_format();
        if !format.shape.admits(value) {
            continue;
        }
        match format.shape {
            Shape::Opaque => unknown.push((kind, Fit::Unknown)),
            _ => shaped.push((kind, Fit::Shape)),
        }
    }
    shaped.extend(unknown);
    shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_fit_in_either_case_and_nothing_else_does() {
        assert!(Shape::Uuid.admits("13777603-bdf9-48f7-a493-3b4a94e8be02"));
        assert!(Shape::Uuid.admits("13777603-BDF9-48F7-A493-3B4A94E8BE02"));
        assert!(!Shape::Uuid.admits("13777603bdf948f7a4933b4a94e8be02"));
        assert!(!Shape::Uuid.admits("13777603-bdf9-48f7-a493-3b4a94e8be0"));
        assert!(!Shape::Uuid.admits("g3777603-bdf9-48f7-a493-3b4a94e8be02"));
    }

    #[test]
    fn chars_check_prefix_length_and_alphabet() {
        let shape = Shape::Chars {
            prefix: "ab_",
            len: 4,
            alphabet: Alphabet::LowerHex,
        };
        assert!(shape.admits("ab_00ff"));
        assert!(!shape.admits("ab_00FF"));
        assert!(!shape.admits("ab_00f"));
        assert!(!shape.admits("xx_00ff"));
        assert_eq!(shape.describe(), "`ab_` then 4 lowercase hex characters");
    }

    #[test]
    fn every_provider_declares_a_format_and_opaque_ones_come_last() {
        for kind in ProviderKind::ALL {
            assert!(!kind.secret_format().what.is_empty(), "{kind}");
        }
        let uuid = fits("13777603-bdf9-48f7-a493-3b4a94e8be02");
        let shaped: Vec<_> = uuid.iter().filter(|(_, f)| *f == Fit::Shape).collect();
        assert!(!shaped.is_empty());
        let first_unknown = uuid.iter().position(|(_, f)| *f == Fit::Unknown);
        if let Some(at) = first_unknown {
            assert!(uuid[at..].iter().all(|(_, f)| *f == Fit::Unknown));
        }
    }

    #[test]
    fn hints_say_fits_not_is() {
        let hint = FormatHint {
            provider: ProviderKind::Fluid,
            format: SecretFormat {
                what: "host token",
                shape: Shape::Chars {
                    prefix: "",
                    len: 64,
                    alphabet: Alphabet::LowerHex,
                },
                source: "per the provider's notes",
            },
            fit: Fit::Shape,
            accounts: vec!["fluid-1".into()],
            ruled_out: vec![],
        };
        assert_eq!(
            hint.sentence(),
            "fits the shape of a fluid host token (64 lowercase hex characters; per the \
             provider's notes); could be in fluid-1 (fluid lists no secrets: only secrets \
             tokdash created can be matched, by fingerprint)"
        );
    }
}
