//! After a revoke, the account is listed again and this decides, from that list alone, whether
//! the token is really gone (or disabled).

use crate::model::{OpKind, Token, TokenId};
use crate::provider::ProviderKind;
use crate::secret::SecretString;

use super::{Digest, carries, digest};

/// What a revoke does to the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Delete,
    /// The reversible alternative, where the provider has it (sematext).
    Disable,
}

impl Action {
    pub fn op(self) -> OpKind {
        match self {
            Action::Delete => OpKind::Delete,
            Action::Disable => OpKind::Disable,
        }
    }
}

/// What the re-list showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// No listed token has the id, nor carries the secret.
    Gone,
    /// The token is listed, disabled.
    Disabled,
    /// After a delete: the token (or another carrying the secret) is still listed.
    StillListed,
    /// After a disable: the token is listed and not disabled.
    StillEnabled,
    /// The re-list failed, so nothing is known.
    NotVerified(String),
}

impl Verification {
    /// Did the action take effect, as far as the provider's own list shows?
    pub fn holds(&self) -> bool {
        matches!(self, Verification::Gone | Verification::Disabled)
    }

    /// A word for the audit record and JSON: `gone`, `disabled`, `still_listed`, ….
    pub fn key(&self) -> &'static str {
        match self {
            Verification::Gone => "gone",
            Verification::Disabled => "disabled",
            Verification::StillListed => "still_listed",
            Verification::StillEnabled => "still_enabled",
            Verification::NotVerified(_) => "not_verified",
        }
    }
}

/// Judge `listed` (the account's tokens, listed after the action) for the token `id` whose
/// secret is `secret`.
pub fn verify(
    action: Action,
    provider: ProviderKind,
    id: &TokenId,
    secret: &SecretString,
    listed: &[Token],
) -> Verification {
    let target: Digest = digest(secret);
    let id_is_secret = provider.caps().id_is_secret;
    match action {
        Action::Delete => {
            let still = listed
                .iter()
                .any(|t| t.id == *id || carries(t, &target, id_is_secret));
            if still {
                Verification::StillListed
            } else {
                Verification::Gone
            }
        }
        Action::Disable => match listed.iter().find(|t| t.id == *id) {
            None => Verification::Gone,
            Some(t) if t.enabled == Some(false) => Verification::Disabled,
            Some(_) => Verification::StillEnabled,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> SecretString {
        SecretString::from("s3cr3t")
    }

    #[test]
    fn a_delete_holds_only_when_neither_the_id_nor_the_secret_is_listed() {
        let id = TokenId::new("7");
        let other = Token::new("8", "other");
        let same = Token::new("7", "same");
        let carrier = Token::new("9", "copy").with_secret(Some("s3cr3t".into()));
        let p = ProviderKind::Sematext;
        let check = |listed: &[Token]| verify(Action::Delete, p, &id, &secret(), listed);
        assert_eq!(check(std::slice::from_ref(&other)), Verification::Gone);
        assert_eq!(check(&[other.clone(), same]), Verification::StillListed);
        assert_eq!(check(&[other, carrier]), Verification::StillListed);
    }

    #[test]
    fn a_disable_holds_when_the_token_is_listed_disabled() {
        let id = TokenId::new("7");
        let p = ProviderKind::Sematext;
        let on = Token::new("7", "t").with_enabled(Some(true));
        let off = Token::new("7", "t").with_enabled(Some(false));
        let check = |listed: &[Token]| verify(Action::Disable, p, &id, &secret(), listed);
        assert_eq!(check(&[on]), Verification::StillEnabled);
        assert_eq!(check(&[off]), Verification::Disabled);
        assert_eq!(check(&[]), Verification::Gone);
    }
}
