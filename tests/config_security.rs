//! The config file's security checks: literal secrets refused in files others can read, files
//! others can write refused whole, credential programs vetted and fetched when used, exactly one
//! credential source, and base URLs without plain http (unless opted in) or a user and password.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod config_file;
}

use std::os::unix::fs::PermissionsExt;

use assert_cmd::Command;
use common::config_file::*;
use secrecy::ExposeSecret;
use tokdash::credential::CredentialSource;

#[test]
fn a_plain_http_base_url_needs_an_opt_in() {
    let insecure = SEMATEXT.replace("127.0.0.1:9", "apps.internal:8080");
    let rest = error_of(&insecure, 5);
    assert!(rest.starts_with("key `base_url`: "), "{rest}");
    assert!(rest.contains("allow_insecure_http"), "{rest}");

    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "c.toml",
        &format!("{insecure}allow_insecure_http = true\n"),
        0o600,
    );
    assert!(load(&path).is_ok());

    let rest = error_of(&SEMATEXT.replace("http://127.0.0.1:9", "not a url"), 5);
    assert!(
        rest.starts_with("key `base_url`: `not a url` is not a valid URL"),
        "{rest}"
    );
}

#[test]
fn a_base_url_with_a_user_or_password_is_refused_without_showing_them() {
    let with = |url: &str| SEMATEXT.replace("http://127.0.0.1:9", url);
    let rest = error_of(&with("https://ops:hunter2@apps.example.com/api"), 5);
    assert!(
        rest.starts_with(
            "key `base_url`: `https://apps.example.com/api` has a user name or password"
        ),
        "{rest}"
    );
    assert!(rest.contains("credential"), "{rest}");
    for url in [
        "http://ops:hunter2@127.0.0.1:9",
        "https://:hunter2@apps.example.com",
        "https://ops:hunter2@not a host",
    ] {
        let rest = error_of(&with(url), 5);
        assert!(rest.starts_with("key `base_url`: "), "{rest}");
        assert!(!rest.contains("hunter2"), "{rest}");
    }

    // The binary refuses it before any request, and says so without the password.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "c.toml",
        &with("http://ops:hunter2@127.0.0.1:9"),
        0o600,
    );
    let out = Command::cargo_bin("tokdash")
        .unwrap()
        .env("ST_KEY", "k")
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .arg("--config")
        .arg(&path)
        .arg("list")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("user name or password"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_credential_must_be_exactly_one_source() {
    let two = SEMATEXT.replace(
        "credential = { env = \"ST_KEY\" }",
        "credential = { env = \"A\", value = \"b\" }",
    );
    let rest = error_of(&two, 7);
    assert!(
        rest.starts_with("key `credential`: give exactly one source"),
        "{rest}"
    );

    let plain = SEMATEXT.replace("credential = { env = \"ST_KEY\" }", "credential = \"abc\"");
    let rest = error_of(&plain, 7);
    assert!(
        rest.starts_with("key `credential`: expected { env"),
        "{rest}"
    );
    // The value itself is never repeated back.
    assert!(!rest.contains("abc"), "{rest}");

    let empty = SEMATEXT.replace("{ env = \"ST_KEY\" }", "{ command = [] }");
    let rest = error_of(&empty, 7);
    assert!(
        rest.starts_with("key `credential.command`: expected a non-empty array"),
        "{rest}"
    );

    let typo = SEMATEXT.replace("{ env = \"ST_KEY\" }", "{ evn = \"ST_KEY\" }");
    let rest = error_of(&typo, 7);
    assert!(
        rest.starts_with("key `credential.evn`: unknown key (did you mean `env`?)"),
        "{rest}"
    );
}

#[test]
fn a_literal_secret_in_a_readable_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = SEMATEXT.replace("{ env = \"ST_KEY\" }", "{ value = \"hunter2\" }");
    let path = write(dir.path(), "c.toml", &text, 0o644);
    let shown = load(&path).unwrap_err().to_string();
    assert!(
        shown.starts_with(&format!("{}:7: key `credential.value`: ", path.display())),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("chmod 600 {}", path.display())),
        "{shown}"
    );
    assert!(
        shown.contains("env") && shown.contains("command"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");

    // Group-readable is as bad as world-readable.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert!(load(&path).is_err());

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = load(&path).unwrap();
    assert!(matches!(
        &config.accounts[0].credential,
        Some(CredentialSource::Value(v)) if v.expose_secret() == "hunter2"
    ));
}

#[test]
fn a_file_others_can_write_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    // A command credential and a base_url: what another user would like to change.
    let text = SEMATEXT.replace("{ env = \"ST_KEY\" }", "{ command = [\"printf\", \"k\"] }");
    for mode in [0o622, 0o602, 0o620, 0o666, 0o664, 0o660, 0o646] {
        let path = write(dir.path(), &format!("w{mode:o}.toml"), &text, mode);
        let err = load(&path).unwrap_err();
        assert_eq!((err.line, err.key.as_deref()), (None, None), "{err}");
        let shown = err.to_string();
        assert!(shown.contains(&format!("(mode {mode:03o})")), "{shown}");
        assert!(
            shown.contains(&format!("run `chmod go-w {}`", path.display())),
            "{shown}"
        );
    }
    for mode in [0o600, 0o640, 0o644, 0o400] {
        let path = write(dir.path(), &format!("r{mode:o}.toml"), &text, mode);
        assert!(load(&path).is_ok(), "mode {mode:o}");
    }
}

#[test]
fn a_credential_program_given_by_a_relative_or_writable_path_is_refused() {
    let command = |program: &str| {
        SEMATEXT.replace(
            "{ env = \"ST_KEY\" }",
            &format!("{{ command = [\"{program}\", \"show\"] }}"),
        )
    };
    let rest = error_of(&command("./getpw"), 7);
    assert!(
        rest.starts_with("key `credential.command`: `./getpw` is a relative path"),
        "{rest}"
    );
    assert!(rest.contains("give the full path"), "{rest}");

    let dir = tempfile::tempdir().unwrap();
    let program = write(dir.path(), "getpw", "#!/bin/sh\necho pw\n", 0o777);
    let shown = program.display().to_string();
    let rest = error_of(&command(&shown), 7);
    assert!(rest.starts_with("key `credential.command`: "), "{rest}");
    assert!(rest.contains("(mode 777)"), "{rest}");
    assert!(
        rest.contains(&format!("run `chmod go-w {shown}`")),
        "{rest}"
    );

    // fluid's login password is a credential too.
    let fluid = format!(
        "[[accounts]]\nname = \"f\"\nprovider = \"fluid\"\nbase_url = \"https://f.example\"\norg_slug = \"acme\"\nlogin = {{ email = \"a@b.c\", password = {{ command = [\"{shown}\"] }} }}\n"
    );
    let rest = error_of(&fluid, 6);
    assert!(
        rest.starts_with("key `login.password.command`: ") && rest.contains("(mode 777)"),
        "{rest}"
    );

    // Once only its owner can change it, it loads; a program not there yet is reported when
    // the credential is needed.
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = write(dir.path(), "c.toml", &command(&shown), 0o600);
    assert!(load(&path).is_ok());
    let path = write(dir.path(), "d.toml", &command("/nonexistent/getpw"), 0o600);
    assert!(load(&path).is_ok());
}

#[test]
fn a_literal_login_password_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[accounts]]\nname = \"f\"\nprovider = \"fluid\"\nbase_url = \"https://f.example\"\norg_slug = \"acme\"\nlogin = { email = \"a@b.c\", password = { value = \"pw\" } }\n";
    let path = write(dir.path(), "c.toml", text, 0o644);
    let shown = load(&path).unwrap_err().to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:6: key `login.password.value`: ",
            path.display()
        )),
        "{shown}"
    );
}

#[tokio::test]
async fn env_and_command_credentials_are_fetched_when_used() {
    let dir = tempfile::tempdir().unwrap();
    let text = SEMATEXT.replace(
        "{ env = \"ST_KEY\" }",
        "{ command = [\"printf\", \"%s\", \"from-a-command\"] }",
    );
    // A command (or env) credential is fine in a file anyone can read.
    let path = write(dir.path(), "c.toml", &text, 0o644);
    let config = load(&path).unwrap();
    let source = config.accounts[0].credential.clone().unwrap();
    assert!(matches!(&source, CredentialSource::Command(argv) if argv[0] == "printf"));
    assert_eq!(
        source.fetch().await.unwrap().expose_secret(),
        "from-a-command"
    );
}
