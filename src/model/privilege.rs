//! What a token may do, in one provider-neutral scale, so an audit can ask "which tokens can
//! write or more?" across providers. Each provider maps its own permissions, flags or role onto
//! it, in its own file (`crate::provider::<name>`).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// A token's privilege. The variants are declared from the most to the least a token may do
/// ([`Privilege::ALL`] lists them in that order), and they compare by power:
/// `Admin > Write > Read > Unknown`, so "this level and above" is `p >= level`
/// ([`Privilege::at_least`]).
///
/// `Unknown` ranks lowest because nothing is known of it, not because it is harmless: a filter
/// that must not miss a powerful token asks [`Privilege::may_be_at_least`], which keeps the
/// unknown ones.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    strum::Display,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Privilege {
    /// May manage the account itself: its tokens, members or settings.
    Admin,
    /// May change things (send data, deploy, create), but not administer.
    Write,
    /// May only read.
    Read,
    /// The provider does not say, or says it in words tokdash does not know (a custom role).
    #[default]
    Unknown,
}

impl Privilege {
    /// Every level, from the most a token may do to the least, then `Unknown`.
    pub const ALL: &'static [Privilege] = <Self as VariantArray>::VARIANTS;

    /// `admin`, `write`, `read` or `unknown`: how the CLI prints and parses it.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Is this level known to be `level` or more? `Unknown` is at least nothing but `Unknown`.
    pub fn at_least(self, level: Privilege) -> bool {
        self >= level
    }

    /// Could this token be `level` or more: [`Privilege::at_least`], or unknown.
    pub fn may_be_at_least(self, level: Privilege) -> bool {
        self == Privilege::Unknown || self.at_least(level)
    }

    fn rank(self) -> u8 {
        match self {
            Privilege::Unknown => 0,
            Privilege::Read => 1,
            Privilege::Write => 2,
            Privilege::Admin => 3,
        }
    }
}

impl PartialOrd for Privilege {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Privilege {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_compare_by_power() {
        assert!(Privilege::Admin > Privilege::Write);
        assert!(Privilege::Write > Privilege::Read);
        assert!(Privilege::Read > Privilege::Unknown);
        let mut sorted = vec![
            Privilege::Read,
            Privilege::Unknown,
            Privilege::Admin,
            Privilege::Write,
        ];
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(sorted, Privilege::ALL);
    }

    #[test]
    fn the_level_and_above() {
        let write_or_more: Vec<_> = Privilege::ALL
            .iter()
            .filter(|p| p.at_least(Privilege::Write))
            .collect();
        assert_eq!(write_or_more, [&Privilege::Admin, &Privilege::Write]);
        assert!(!Privilege::Unknown.at_least(Privilege::Read));
        assert!(Privilege::Unknown.may_be_at_least(Privilege::Admin));
        assert!(!Privilege::Read.may_be_at_least(Privilege::Write));
        assert!(
            Privilege::ALL
                .iter()
                .all(|p| p.at_least(Privilege::Unknown))
        );
    }

    #[test]
    fn names_parse_display_and_serialize_alike() {
        for &p in Privilege::ALL {
            assert_eq!(p.name().parse::<Privilege>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.name())
            );
        }
        assert_eq!("WRITE".parse::<Privilege>(), Ok(Privilege::Write));
        assert!("owner".parse::<Privilege>().is_err());
        assert_eq!(Privilege::default(), Privilege::Unknown);
    }
}
