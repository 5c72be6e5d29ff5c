//! The pasted secret, as it arrives on standard input: one line, trimmed, held as a
//! [`SecretString`] from the moment it is read. The raw bytes are wiped once copied.

use secrecy::zeroize::Zeroize;

use crate::secret::SecretString;

/// More than this is not a token secret (the providers' are well under 100 bytes).
pub const MAX_INPUT: usize = 16 * 1024;

/// Why the input is not one secret. The messages never quote the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error(
        "no secret on standard input: pipe it in, e.g. `pbpaste | tokdash find`, or paste it when asked"
    )]
    Empty,
    #[error("standard input holds {0} lines; give exactly one secret")]
    SeveralLines(usize),
    #[error("standard input is longer than {MAX_INPUT} bytes; that is not a token secret")]
    TooLong,
    #[error("standard input is not UTF-8 text")]
    NotText,
}

/// One secret from what was read: surrounding whitespace and the trailing newline removed;
/// empty input, several lines, binary data and oversized input refused. `raw` is wiped.
pub fn secret_from_input(mut raw: Vec<u8>) -> Result<SecretString, InputError> {
    let result = parse(&raw);
    raw.zeroize();
    result
}

fn parse(raw: &[u8]) -> Result<SecretString, InputError> {
    if raw.len() > MAX_INPUT {
        return Err(InputError::TooLong);
    }
    let text = std::str::from_utf8(raw).map_err(|_| InputError::NotText)?;
    let value = text.trim();
    if value.is_empty() {
        return Err(InputError::Empty);
    }
    let lines = value.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > 1 {
        return Err(InputError::SeveralLines(lines));
    }
    Ok(SecretString::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;

    #[test]
    fn trims_the_newline_and_surrounding_space() {
        let s = secret_from_input(b"  abc-123\r\n".to_vec()).unwrap();
        assert_eq!(s.expose_secret(), "abc-123");
    }

    #[test]
    fn refuses_what_is_not_one_secret_without_quoting_it() {
        assert_eq!(
            secret_from_input(b"\n \n".to_vec()).unwrap_err(),
            InputError::Empty
        );
        let e = secret_from_input(b"hunter2\nhunter3\n".to_vec()).unwrap_err();
        assert_eq!(e, InputError::SeveralLines(2));
        assert!(!e.to_string().contains("hunter"));
        assert_eq!(
            secret_from_input(vec![0xff, 0xfe]).unwrap_err(),
            InputError::NotText
        );
        assert_eq!(
            secret_from_input(vec![b'a'; MAX_INPUT + 1]).unwrap_err(),
            InputError::TooLong
        );
    }
}
