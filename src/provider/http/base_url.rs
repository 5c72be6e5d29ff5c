//! The rules a configured base URL must pass before any request is sent to it: https (or http
//! to loopback, or where the account opted in), and no user name or password written into it,
//! which is also kept out of every message that repeats the URL. Apart from `http.rs` because
//! it runs once, at configuration time, and touches no request.

use url::Url;

/// Why a base URL was refused. Each holds the URL as it may be shown: without any user name or
/// password written into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("`{0}` is not a valid URL")]
    Invalid(String),
    #[error(
        "`{0}` uses plain http; use https, or set allow_insecure_http = true for a trusted private network"
    )]
    Insecure(String),
    #[error("`{0}` must use http or https")]
    Scheme(String),
    #[error(
        "`{0}` has a user name or password before its host; remove it (`user:password@`) and give the secret as the account's credential: tokdash would send both"
    )]
    Userinfo(String),
}

/// Check a configured base URL: https, or http to a loopback host, or http where the account
/// opted in; never with a user name or password in it (reqwest would send them as a Basic
/// `Authorization` beside the account's own). A trailing slash is removed so paths can be
/// appended.
pub fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, BaseUrlError> {
    let shown = without_userinfo(raw);
    let url =
        Url::parse(raw.trim_end_matches('/')).map_err(|_| BaseUrlError::Invalid(shown.clone()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Userinfo(shown));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(BaseUrlError::Insecure(shown)),
        _ => Err(BaseUrlError::Scheme(shown)),
    }
}

/// `raw` as it may appear in a message: without a user name or password. A URL that parses with
/// them is shown as parsed, without them; anything else loses whatever stands before an `@` in
/// what would be its authority (after `scheme:` and its slashes, up to the first `/`, `\`, `?`
/// or `#`).
fn without_userinfo(raw: &str) -> String {
    if let Ok(mut url) = Url::parse(raw)
        && (!url.username().is_empty() || url.password().is_some())
        && url.set_username("").is_ok()
        && url.set_password(None).is_ok()
    {
        return url.to_string();
    }
    let scheme_len = raw
        .find(':')
        .filter(|&i| {
            raw[..i].starts_with(|c: char| c.is_ascii_alphabetic())
                && raw[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
        .map_or(0, |i| i + 1);
    let after_scheme = &raw[scheme_len..];
    let start =
        scheme_len + (after_scheme.len() - after_scheme.trim_start_matches(['/', '\\']).len());
    let rest = &raw[start..];
    let authority = &rest[..rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{}{}", &raw[..start], &rest[at + 1..]),
        None => raw.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_except_loopback_and_opt_in() {
        assert!(check_base_url("https://api.example.com", false).is_ok());
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_base_url("http://localhost:8080/", false).is_ok());
        assert!(check_base_url("http://[::1]:8080", false).is_ok());
        assert!(matches!(
            check_base_url("http://fluid.internal:8080", false),
            Err(BaseUrlError::Insecure(_))
        ));
        assert!(check_base_url("http://fluid.internal:8080", true).is_ok());
        assert!(matches!(
            check_base_url("ftp://x", true),
            Err(BaseUrlError::Scheme(_))
        ));
        assert!(matches!(
            check_base_url("not a url", true),
            Err(BaseUrlError::Invalid(_))
        ));
    }

    #[test]
    fn userinfo_is_refused_and_never_shown() {
        for raw in [
            "https://ops:hunter2@api.example.com",
            "https://ops@api.example.com/prefix",
            "https://:hunter2@api.example.com",
            "http://ops:hunter2@127.0.0.1:8080",
        ] {
            let err = check_base_url(raw, true).unwrap_err();
            assert!(matches!(err, BaseUrlError::Userinfo(_)), "{raw}: {err}");
            let text = err.to_string();
            assert!(!text.contains("hunter2") && !text.contains("ops"), "{text}");
            assert!(text.contains("://"), "{text}");
        }
        // Refused for another reason, the URL is still shown without them.
        for raw in [
            "http://ops:hunter2@fluid.internal",
            "ftp://ops:hunter2@x",
            "https:/ops:hunter2@api.example.com",
            "https://ops:hunter2 @exa mple.com/a@b",
            "ops:hunter2@api.example.com",
            "https:\\\\ops:hunter2@exa mple.com",
        ] {
            let text = check_base_url(raw, false).unwrap_err().to_string();
            assert!(!text.contains("hunter2"), "{text}");
        }
        assert_eq!(
            without_userinfo("https://u:p@h.example:8443/a@b?c@d"),
            "https://h.example:8443/a@b?c@d"
        );
        assert_eq!(
            without_userinfo("https://u:p @h.example/a@b"),
            "https://h.example/a@b"
        );
        assert_eq!(without_userinfo("not a url"), "not a url");
    }
}
