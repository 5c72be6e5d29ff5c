//! The providers tokdash speaks to, by name.
//!
//! This sits at the bottom of the module tree so that the configuration, the model and the
//! provider clients can all name a provider without importing one another. What a provider can
//! do ([`ProviderKind::caps`]) is the provider layer's business and is added there, in
//! `crate::provider`, the registry that names every client.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray, VariantNames};

/// A provider. Its name, parsing, display and the list of all of them come from the variant
/// names (lowercased), so there is no table to keep in step.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
    VariantNames,
    strum::Display,
)]
#[serde(rename_all = "lowercase")]
#[strum(
    serialize_all = "lowercase",
    parse_err_ty = String,
    parse_err_fn = unknown_provider
)]
pub enum ProviderKind {
    Fluid,
    Lagrello,
    Qovery,
    Sematext,
}

impl ProviderKind {
    /// Every provider, in declaration order.
    pub const ALL: &'static [ProviderKind] = <Self as VariantArray>::VARIANTS;
    /// Every provider's name, in the same order.
    pub const NAMES: &'static [&'static str] = <Self as VariantNames>::VARIANTS;

    pub fn name(self) -> &'static str {
        self.into()
    }
}

fn unknown_provider(name: &str) -> String {
    format!(
        "unknown provider `{name}`; expected one of {}",
        ProviderKind::NAMES.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_display_and_serialize_alike() {
        assert_eq!(
            ProviderKind::NAMES,
            ["fluid", "lagrello", "qovery", "sematext"]
        );
        for &kind in ProviderKind::ALL {
            assert_eq!(kind.name().parse::<ProviderKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.name())
            );
        }
        assert_eq!(
            "github".parse::<ProviderKind>().unwrap_err(),
            "unknown provider `github`; expected one of fluid, lagrello, qovery, sematext"
        );
    }
}
