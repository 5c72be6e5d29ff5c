//! Secret values: re-exported `secrecy` types, plus the fingerprint used to find a leaked secret
//! later without storing it.

pub use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The SHA-256 of a secret, in lowercase hex. Safe to store: it cannot be turned back into the
/// secret, but a pasted secret can be matched against it.
pub fn fingerprint(secret: &SecretString) -> String {
    hex::encode(Sha256::digest(secret.expose_secret().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256_hex() {
        let s = SecretString::from("abc".to_owned());
        assert_eq!(
            fingerprint(&s),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
