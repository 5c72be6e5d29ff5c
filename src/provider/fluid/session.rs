//! fluid's session cookie: which of a login's `Set-Cookie` headers is the session, under the
//! configured name or, when the login sets just one cookie, whatever name the server gives it
//! (deer.sh builds call it `deer_session`).

use reqwest::header::{HeaderMap, SET_COOKIE};
use secrecy::SecretString;

/// A session cookie: its name and value.
#[derive(Clone)]
pub(super) struct Session {
    pub(super) name: String,
    pub(super) value: SecretString,
}

/// The cookies the `Set-Cookie` headers set, as (name, value); an empty value (the server
/// clearing the cookie) sets none.
fn set_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.trim(), v.trim().trim_matches('"')))
        .filter(|(_, v)| !v.is_empty())
}

/// The value of the cookie `name` among the `Set-Cookie` headers.
fn session_cookie(headers: &HeaderMap, name: &str) -> Option<SecretString> {
    set_cookies(headers)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| SecretString::from(v.to_owned()))
}

/// The session a login's answer set: the cookie `name`, or else the only cookie it set, whatever
/// its name (a server built with another name, as deer.sh's `deer_session`, sets just that one).
/// Without either, the names of the cookies it did set.
pub(super) fn login_session(headers: &HeaderMap, name: &str) -> Result<Session, Vec<String>> {
    if let Some(value) = session_cookie(headers, name) {
        return Ok(Session {
            name: name.to_owned(),
            value,
        });
    }
    let set: Vec<(&str, &str)> = set_cookies(headers).collect();
    match set.as_slice() {
        [(only, value)] => Ok(Session {
            name: (*only).to_owned(),
            value: SecretString::from((*value).to_owned()),
        }),
        _ => Err(set.iter().map(|(n, _)| (*n).to_owned()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use secrecy::ExposeSecret;

    #[test]
    fn session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        h.append(
            SET_COOKIE,
            HeaderValue::from_static("fluid_session=abcd; Path=/; HttpOnly; Max-Age=604800"),
        );
        let s = session_cookie(&h, "fluid_session").unwrap();
        assert_eq!(s.expose_secret(), "abcd");
        assert!(session_cookie(&h, "deer_session").is_none());
        let mut cleared = HeaderMap::new();
        cleared.append(
            SET_COOKIE,
            HeaderValue::from_static("fluid_session=; Path=/; Max-Age=0"),
        );
        assert!(session_cookie(&cleared, "fluid_session").is_none());
    }

    #[test]
    fn a_login_under_another_cookie_name_is_taken_when_it_is_the_only_one() {
        let headers = |cookies: &[&'static str]| {
            let mut h = HeaderMap::new();
            for c in cookies {
                h.append(SET_COOKIE, HeaderValue::from_static(c));
            }
            h
        };
        let only = headers(&["deer_session=beef; Path=/; HttpOnly"]);
        let s = login_session(&only, "fluid_session").ok().unwrap();
        assert_eq!(
            (s.name.as_str(), s.value.expose_secret()),
            ("deer_session", "beef")
        );
        // The configured name wins among several; without it, nothing is guessed.
        let several = headers(&["a=1", "fluid_session=cafe", "b=2"]);
        let s = login_session(&several, "fluid_session").ok().unwrap();
        assert_eq!(s.value.expose_secret(), "cafe");
        let names = login_session(&headers(&["a=1", "b=2"]), "fluid_session").err();
        assert_eq!(names, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(login_session(&headers(&[]), "x").err(), Some(vec![]));
    }
}
