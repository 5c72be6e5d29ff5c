//! Unit tests of the sematext client; apart so `sematext.rs` stays near 500 lines.

use super::*;

fn settings(region: Option<&str>) -> Settings {
    Settings {
        region: region.map(str::to_owned),
        app_id: Some(42),
        apps: None,
    }
}

fn check(settings: Settings) -> Result<Checked, AccountProblem> {
    Sematext::check(settings, Some(CredentialSource::Env("X".into())))
}

#[test]
fn region_picks_the_host() {
    let url = |region| Sematext::default_base_url(&check(settings(region)).ok().unwrap());
    assert_eq!(url(None).unwrap(), US_BASE_URL);
    assert_eq!(url(Some("us")).unwrap(), US_BASE_URL);
    assert_eq!(url(Some("EU")).unwrap(), EU_BASE_URL);
    let p = check(settings(Some("ap"))).err().unwrap();
    assert_eq!(p.key, "region");
    assert!(p.message.contains("`ap`"), "{}", p.message);
}

#[test]
fn the_credential_is_required_and_the_app_optional() {
    let mut s = settings(None);
    s.app_id = None;
    assert_eq!(check(s).ok().unwrap().scope, AppScope::All);
    let mut both = settings(None);
    both.apps = Some(vec![1, 2]);
    assert_eq!(check(both).err().unwrap().key, "apps");
    let p = Sematext::check(settings(None), None).err().unwrap();
    assert_eq!(p.key, "credential");
}

#[test]
fn non_numeric_ids_are_refused_clearly() {
    let e = numeric_id(&TokenId::new("12ab")).unwrap_err();
    assert!(e.to_string().contains("whole numbers"), "{e}");
    assert_eq!(
        numeric_id(&TokenId::new("9007199254740993")).unwrap(),
        9007199254740993
    );
}

#[test]
fn readable_and_writeable_are_independent() {
    let flags = |readable, writeable| {
        create_flags(&NewToken {
            readable,
            writeable,
            ..NewToken::named("t")
        })
    };
    assert_eq!(flags(None, None), (true, false), "read-only by default");
    assert_eq!(flags(None, Some(true)), (false, true), "writeable alone");
    assert_eq!(flags(Some(true), Some(true)), (true, true));
    assert_eq!(flags(Some(true), None), (true, false));
    assert_eq!(flags(Some(false), Some(true)), (false, true), "the form");
}

#[test]
fn writeable_is_write_and_readable_alone_is_read() {
    for (readable, writeable, expected) in [
        (Some(true), Some(true), Privilege::Write),
        (Some(false), Some(true), Privilege::Write),
        (None, Some(true), Privilege::Write),
        (Some(true), Some(false), Privilege::Read),
        (Some(true), None, Privilege::Unknown),
        (Some(false), Some(false), Privilege::Unknown),
        (None, None, Privilege::Unknown),
    ] {
        assert_eq!(
            flags_privilege(readable, writeable),
            expected,
            "readable {readable:?}, writeable {writeable:?}"
        );
    }
}

#[test]
fn success_false_without_a_reason_is_still_an_error() {
    let response = Response {
        status: reqwest::StatusCode::OK,
        headers: reqwest::header::HeaderMap::new(),
        body: br#"{"success":false}"#.to_vec(),
    };
    let e = refused(&response, None);
    assert!(
        matches!(&e, ApiError::BadRequest { status: 200, message } if message.contains("without a reason")),
        "{e:?}"
    );
}
