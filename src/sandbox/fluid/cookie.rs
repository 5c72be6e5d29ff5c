//! fluid's session cookie on the fake's side: its name, which a deployment may change, and
//! reading it from a request.

use axum::http::{HeaderMap, header};

/// The session cookie's name unless the sandbox is told another (deer.sh builds say
/// `deer_session`).
pub const DEFAULT_COOKIE_NAME: &str = "fluid_session";

/// Is `name` a cookie name the sandbox can set: an RFC 6265 token (no separators, spaces or
/// control characters)?
pub fn check_cookie_name(name: &str) -> Result<(), String> {
    const SEPARATORS: &str = "()<>@,;:\\\"/[]?={} \t";
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && !SEPARATORS.contains(c))
    {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a cookie name; use letters, digits and `_` or `-` (e.g. deer_session)",
            crate::text::sanitize(name)
        ))
    }
}

pub(super) fn session_cookie<'a>(headers: &'a HeaderMap, cookie_name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie_name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_names_are_tokens() {
        assert!(check_cookie_name("deer_session").is_ok());
        for bad in ["", "two words", "a;b", "a=b", "tab\there", "é"] {
            assert!(check_cookie_name(bad).is_err(), "{bad:?}");
        }
    }
}
