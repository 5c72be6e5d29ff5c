//! fluid's part of an `[[accounts]]` entry: its own keys, read with serde, and the one check of
//! them, together with the shared `credential`, that gives what the client is built from.

use serde::Deserialize;
use tokio::sync::Mutex;

use super::Auth;
use crate::credential::{CredentialSource, LazyCredential};
use crate::provider::AccountProblem;

const DEFAULT_COOKIE_NAME: &str = "fluid_session";

/// The keys of a fluid `[[accounts]]` entry besides the shared ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The organisation's slug, as in `/v1/orgs/<slug>/…`.
    pub org_slug: Option<String>,
    /// The session cookie's name: `fluid_session` by default (`deer_session` after the rename).
    pub cookie_name: Option<String>,
    /// Log in with email and password instead of a session `credential`.
    pub login: Option<Login>,
}

/// `login = { email = "…", password = <credential> }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: Option<String>,
    pub password: Option<CredentialSource>,
}

/// A fluid account, checked: what [`super::Fluid`] is built from.
pub struct Checked {
    pub(super) org_slug: String,
    pub(super) cookie_name: String,
    pub(super) auth: Auth,
}

fn valid_slug(slug: &str) -> bool {
    (3..=50).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn valid_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Check fluid's keys with the entry's shared credential: the one place they are validated.
pub(super) fn check(
    settings: Settings,
    credential: Option<CredentialSource>,
) -> Result<Checked, AccountProblem> {
    let login = match settings.login {
        None => None,
        Some(Login { email: None, .. }) => {
            return Err(AccountProblem::new(
                "login.email",
                "missing; login needs the account's email address",
            ));
        }
        Some(Login { password: None, .. }) => {
            return Err(AccountProblem::new(
                "login.password",
                "missing; login needs a password: { env = \"VAR\" }, { command = [\"prog\", \"arg\"] } or { value = \"…\" }",
            ));
        }
        Some(Login {
            email: Some(email),
            password: Some(password),
        }) => Some((email, password)),
    };
    let org_slug = match settings.org_slug {
        None => {
            return Err(AccountProblem::new(
                "org_slug",
                "fluid accounts need org_slug, the organisation's slug (e.g. acme)",
            ));
        }
        Some(slug) if !valid_slug(&slug) => {
            return Err(AccountProblem::new(
                "org_slug",
                format!("`{slug}` is not an org slug: use 3 to 50 characters of a-z, 0-9 and -"),
            ));
        }
        Some(slug) => slug,
    };
    let auth = match (credential, login) {
        (Some(_), Some(_)) => {
            return Err(AccountProblem::new(
                "login",
                "set either credential (a session cookie value) or login (email and password), not both",
            ));
        }
        (None, None) => {
            return Err(AccountProblem::new(
                "credential",
                "fluid accounts need credential (the session cookie value) or login = { email = \"…\", password = … }",
            ));
        }
        (None, Some((email, _))) if email.trim().is_empty() => {
            return Err(AccountProblem::new("login", "login.email is empty"));
        }
        (Some(credential), None) => Auth::Session(LazyCredential::new(credential)),
        (None, Some((email, password))) => Auth::Login {
            email: email.trim().to_owned(),
            password: LazyCredential::new(password),
            session: Mutex::new(None),
        },
    };
    let cookie_name = match settings.cookie_name {
        None => DEFAULT_COOKIE_NAME.to_owned(),
        Some(name) if !valid_cookie_name(&name) => {
            return Err(AccountProblem::new(
                "cookie_name",
                format!("`{name}` is not a cookie name (e.g. fluid_session or deer_session)"),
            ));
        }
        Some(name) => name,
    };
    Ok(Checked {
        org_slug,
        cookie_name,
        auth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            org_slug: Some("acme-1".into()),
            ..Settings::default()
        }
    }

    fn session() -> Option<CredentialSource> {
        Some(CredentialSource::Value("abc".to_owned().into()))
    }

    fn problem(settings: Settings, credential: Option<CredentialSource>) -> &'static str {
        check(settings, credential).err().unwrap().key
    }

    #[test]
    fn org_slug_is_checked() {
        assert!(check(settings(), session()).is_ok());
        for bad in ["ab", "Acme", "acme_1", &"a".repeat(51)] {
            let s = Settings {
                org_slug: Some(bad.into()),
                ..settings()
            };
            assert_eq!(problem(s, session()), "org_slug", "{bad}");
        }
        assert_eq!(problem(Settings::default(), session()), "org_slug");
    }

    #[test]
    fn exactly_one_of_credential_and_login() {
        let with_login = |email: &str| Settings {
            login: Some(Login {
                email: Some(email.into()),
                password: Some(CredentialSource::Env("X".into())),
            }),
            ..settings()
        };
        assert_eq!(problem(with_login("a@b.c"), session()), "login");
        assert!(check(with_login("a@b.c"), None).is_ok());
        assert_eq!(problem(with_login(" "), None), "login");
        assert_eq!(problem(settings(), None), "credential");
        let half = Settings {
            login: Some(Login {
                email: Some("a@b.c".into()),
                password: None,
            }),
            ..settings()
        };
        assert_eq!(problem(half, None), "login.password");
    }

    #[test]
    fn cookie_name_is_checked() {
        let s = Settings {
            cookie_name: Some("bad name".into()),
            ..settings()
        };
        assert_eq!(problem(s, session()), "cookie_name");
    }
}
