//! The configuration file: every kind of mistake is reported with the file, line and key, literal
//! secrets are refused in files others can read, and the file is found where documented.
//!
//! A provider's own keys are read and checked when the registry is built, as tokdash does before
//! it starts; [`load`] does both.
//! Permissions, credential commands and secrets in URLs are in `config_security.rs`.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod config_file;
}

use std::path::Path;

use assert_cmd::Command;
use common::config_file::*;
use tokdash::app::Keymap;
use tokdash::clipboard::ClipboardMode;
use tokdash::credential::CredentialSource;
use tokdash::provider::{ProviderKind, sematext};

#[test]
fn a_valid_file_loads_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "stale_after_days = 30\nexpiring_within_days = 45\n[http]\ntimeout_secs = 9\nmax_response_mb = 2\n[ui]\nmouse = false\nclipboard = \"osc52\"\n[keys]\nquit = \"ctrl-q\"\nrefresh = \"F5\"\n{SEMATEXT}"
    );
    let path = write(dir.path(), "c.toml", &text, 0o644);
    let config = load(&path).unwrap();
    assert_eq!(config.path.as_deref(), Some(path.as_path()));
    assert_eq!(config.stale_after_days, 30);
    assert_eq!(config.expiring_within_days, 45);
    assert_eq!(config.http.request_timeout.as_secs(), 9);
    assert_eq!(config.http.max_response_bytes, 2 * 1024 * 1024);
    // On by default; the file turns it off.
    assert!(!config.ui.mouse);
    assert_eq!(config.ui.clipboard, ClipboardMode::Osc52);
    // In the order written, not sorted.
    assert_eq!(
        config.keys,
        vec![
            ("quit".to_owned(), "ctrl-q".to_owned()),
            ("refresh".to_owned(), "F5".to_owned())
        ]
    );
    let account = &config.accounts[0];
    assert_eq!(account.name, "st");
    assert_eq!(account.provider, ProviderKind::Sematext);
    let settings: sematext::Settings = account.read_settings().unwrap();
    assert_eq!(settings.app_id, Some(7));
    assert!(matches!(&account.credential, Some(CredentialSource::Env(v)) if v == "ST_KEY"));
}

#[test]
fn invalid_toml_names_the_line() {
    let rest = error_of("stale_after_days = 3\nname = \n", 2);
    assert!(rest.starts_with("not valid TOML"), "{rest}");
}

#[test]
fn a_typo_is_refused_with_the_valid_keys() {
    let rest = error_of("stale_after_dayz = 3\n", 1);
    assert!(
        rest.starts_with("key `stale_after_dayz`: unknown key (did you mean `stale_after_days`?)"),
        "{rest}"
    );
    assert!(
        rest.contains(
            "stale_after_days, expiring_within_days, http, ui, theme, keys, accounts, sinks"
        ),
        "{rest}"
    );

    let rest = error_of(&format!("{SEMATEXT}read_onyl = true\n"), 8);
    assert!(rest.starts_with("key `read_onyl`: unknown key"), "{rest}");
    assert!(rest.contains("read_only"), "{rest}");

    let rest = error_of("[http]\ntimeout = 3\n", 2);
    assert!(
        rest.starts_with("key `http.timeout`: unknown key"),
        "{rest}"
    );
    assert!(rest.contains("timeout_secs"), "{rest}");
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let rest = error_of(&SEMATEXT.replace("app_id = 7", "app_id = \"7\""), 6);
    assert_eq!(rest, "key `app_id`: expected an integer, found string");

    let rest = error_of(&format!("{SEMATEXT}read_only = \"yes\"\n"), 8);
    assert_eq!(
        rest,
        "key `read_only`: expected true or false, found string"
    );

    let rest = error_of("[ui]\nclipboard = \"xclip\"\n", 2);
    assert!(
        rest.starts_with("key `ui.clipboard`: `xclip` is not a clipboard mode"),
        "{rest}"
    );

    let rest = error_of("[keys]\nquit = 3\n", 2);
    assert!(
        rest.starts_with("key `keys.quit`: expected a key spec"),
        "{rest}"
    );

    let rest = error_of("[accounts]\nname = \"x\"\n", 1);
    assert!(
        rest.starts_with("key `accounts`: expected [[accounts]]"),
        "{rest}"
    );
}

#[test]
fn a_number_out_of_range_says_which_way_and_what_is_expected() {
    let rest = error_of("stale_after_days = 99999999999999999999\n", 1);
    assert_eq!(
        rest,
        "key `stale_after_days`: 99999999999999999999 is too large: expected a number of days \
         from 1 to 36500"
    );
    let rest = error_of("\nstale_after_days = -99999999999999999999\n", 2);
    assert!(
        rest.contains("is too small: expected a number of days"),
        "{rest}"
    );
    let rest = error_of("stale_after_days = 0\n", 1);
    assert_eq!(
        rest,
        "key `stale_after_days`: 0 is too small: expected a number of days from 1 to 36500"
    );
    let rest = error_of("[http]\nconnect_timeout_secs = 601\n", 2);
    assert_eq!(
        rest,
        "key `http.connect_timeout_secs`: 601 is too large: expected a number of seconds from 1 \
         to 600"
    );
    let rest = error_of("[http]\nmax_response_mb = 0\n", 2);
    assert!(
        rest.ends_with("expected a size in MiB from 1 to 4096"),
        "{rest}"
    );
    // A provider's key, beyond any integer.
    let rest = error_of(
        &SEMATEXT.replace("app_id = 7", "app_id = 99999999999999999999"),
        6,
    );
    assert_eq!(
        rest,
        "key `app_id`: 99999999999999999999 is too large: expected a whole number from \
         -9223372036854775808 to 9223372036854775807"
    );
}

#[test]
fn a_config_without_accounts_says_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "c.toml", "stale_after_days = 30\n", 0o600);
    for args in [
        &["list"][..],
        &["delete", "--account", "x", "--id", "1", "--yes"],
    ] {
        let out = Command::cargo_bin("tokdash")
            .unwrap()
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .arg("--config")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!(
                "tokdash: the configuration {} has no [[accounts]]: add one \
                 (`tokdash init --stdout` prints a commented example) or run with --demo",
                path.display()
            ),
            "{args:?}"
        );
    }
}

/// The dashboard reads `[keys]` when it starts; a binding it refuses is named with the file,
/// the line and the key like any other configuration error.
#[test]
fn a_refused_key_binding_names_the_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[ui]\nmouse = true\n\n[keys]\nquit = \"ctrl-q\"\naccept = \"x\"\nconfrim = \"o\"\n";
    let path = write(dir.path(), "c.toml", text, 0o600);
    let config = load(&path).unwrap();
    let at = |line: usize| format!("{}:{line}: ", path.display());

    let err = Keymap::configured(&config).unwrap_err().to_string();
    let rest = err
        .strip_prefix(&at(6))
        .unwrap_or_else(|| panic!("line 6: {err}"));
    assert!(
        rest.starts_with(
            "key `keys.accept`: `x` types text in the filter and the `:` line, form text \
             fields, and the leaked-secret field, where `accept` works too; bind a key that \
             types nothing, such as ctrl-x"
        ),
        "{rest}"
    );

    let mut config = config;
    config.keys.retain(|(name, _)| name != "accept");
    let err = Keymap::configured(&config).unwrap_err().to_string();
    let rest = err
        .strip_prefix(&at(7))
        .unwrap_or_else(|| panic!("line 7: {err}"));
    assert!(
        rest.starts_with("key `keys.confrim`: unknown action (did you mean `confirm`?)"),
        "{rest}"
    );
}

#[test]
fn a_missing_key_points_at_its_accounts_entry() {
    let rest = error_of("\n\n[[accounts]]\nname = \"x\"\n", 3);
    assert!(rest.starts_with("key `provider`: missing"), "{rest}");
    assert!(rest.contains("fluid, lagrello, qovery, sematext"), "{rest}");

    let rest = error_of("[[accounts]]\nprovider = \"sematext\"\n", 1);
    assert!(rest.starts_with("key `name`: missing"), "{rest}");
}

#[test]
fn unknown_provider_and_duplicate_names_are_refused() {
    let rest = error_of("[[accounts]]\nname = \"x\"\nprovider = \"github\"\n", 3);
    assert!(
        rest.starts_with("key `provider`: unknown provider `github`"),
        "{rest}"
    );

    let rest = error_of(&format!("{SEMATEXT}{SEMATEXT}"), 10);
    assert_eq!(
        rest,
        "key `name`: account name `st` is already used on line 3; names must be unique"
    );
}

#[test]
fn provider_checks_point_at_the_key_or_the_entry() {
    // The key is absent: the [[accounts]] line.
    let rest = error_of(
        "[[accounts]]\nname = \"q\"\nprovider = \"qovery\"\ncredential = { env = \"Q\" }\n",
        1,
    );
    assert!(rest.starts_with("key `organization_id`: "), "{rest}");

    // Two keys that cannot go together: the one refused.
    let rest = error_of(
        &SEMATEXT.replace("app_id = 7\n", "app_id = 7\napps = [7, 8]\n"),
        7,
    );
    assert!(rest.starts_with("key `apps`: "), "{rest}");

    // The key is there but wrong: its own line.
    let rest = error_of(
        "[[accounts]]\nname = \"f\"\nprovider = \"fluid\"\nbase_url = \"https://f.example\"\norg_slug = \"NOT A SLUG\"\ncredential = { env = \"F\" }\n",
        5,
    );
    assert!(rest.starts_with("key `org_slug`: "), "{rest}");

    // fluid has no public default: base_url is required.
    let rest = error_of(
        "[[accounts]]\nname = \"f\"\nprovider = \"fluid\"\norg_slug = \"acme\"\ncredential = { env = \"F\" }\n",
        1,
    );
    assert!(rest.starts_with("key `base_url`: "), "{rest}");
}

#[test]
fn a_provider_reads_its_own_keys_with_the_same_errors() {
    // A typo of a provider's key is caught, with the key suggested from its settings type.
    let rest = error_of(&SEMATEXT.replace("app_id = 7", "app_di = 7"), 6);
    assert!(
        rest.starts_with("key `app_di`: unknown key (did you mean `app_id`?)"),
        "{rest}"
    );
    assert!(
        rest.contains("read_only") && rest.contains("region"),
        "{rest}"
    );

    // Another provider's key is not this provider's.
    let rest = error_of(&format!("{SEMATEXT}org_slug = \"acme\"\n"), 8);
    assert!(rest.starts_with("key `org_slug`: unknown key"), "{rest}");

    // Nested keys are dotted, and a missing one points at its table.
    let fluid = "[[accounts]]\nname = \"f\"\nprovider = \"fluid\"\nbase_url = \"https://f.example\"\norg_slug = \"acme\"\nlogin = { email = \"a@b.c\" }\n";
    let rest = error_of(fluid, 6);
    assert!(rest.starts_with("key `login.password`: missing"), "{rest}");
    let typo = fluid.replace("email", "emial");
    let rest = error_of(&typo, 6);
    assert!(
        rest.starts_with("key `login.emial`: unknown key (did you mean `email`?)"),
        "{rest}"
    );
    let bad = fluid.replace(
        "{ email = \"a@b.c\" }",
        "{ email = \"a@b.c\", password = { env = 3 } }",
    );
    let rest = error_of(&bad, 6);
    assert_eq!(
        rest,
        "key `login.password.env`: expected a string, found integer"
    );
}

#[test]
fn the_example_config_is_valid_and_covers_every_provider() {
    // Copied as a user would install it, whatever the umask of this checkout.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example).unwrap();
    let path = write(dir.path(), "config.toml", &text, 0o644);
    let config = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut kinds: Vec<ProviderKind> = config.accounts.iter().map(|a| a.provider).collect();
    kinds.sort();
    assert_eq!(kinds, ProviderKind::ALL.to_vec());
    assert!(
        config
            .accounts
            .iter()
            .all(|a| !matches!(a.credential, Some(CredentialSource::Value(_)))),
        "the example must not teach literal secrets"
    );
}

/// Run `tokdash list` with only the given variables set; the config files below are broken in a
/// recognisable way, so the error shows which file was read.
fn tokdash_with_env(vars: &[(&str, &Path)], args: &[&str]) -> (i32, String) {
    let mut cmd = Command::cargo_bin("tokdash").unwrap();
    cmd.env_remove("TOKDASH_CONFIG")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("HOME");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.args(args).arg("list").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_file_is_found_in_the_documented_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("xdg/tokdash")).unwrap();
    std::fs::create_dir_all(d.join("home/.config/tokdash")).unwrap();
    let broken = "bogus_key = 1\n";
    let explicit = write(d, "explicit.toml", broken, 0o600);
    let from_env = write(d, "env.toml", broken, 0o600);
    let xdg_file = write(&d.join("xdg/tokdash"), "config.toml", broken, 0o600);
    let home_file = write(
        &d.join("home/.config/tokdash"),
        "config.toml",
        broken,
        0o600,
    );
    let xdg = d.join("xdg");
    let home = d.join("home");
    let all = [
        ("TOKDASH_CONFIG", from_env.as_path()),
        ("XDG_CONFIG_HOME", xdg.as_path()),
        ("HOME", home.as_path()),
    ];

    let explicit_arg = explicit.to_str().unwrap();
    let (code, err) = tokdash_with_env(&all, &["--config", explicit_arg]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{}:1: key `bogus_key`", explicit.display())),
        "{err}"
    );

    let (_, err) = tokdash_with_env(&all, &[]);
    assert!(err.contains(&format!("{}:1:", from_env.display())), "{err}");

    let (_, err) = tokdash_with_env(&all[1..], &[]);
    assert!(err.contains(&format!("{}:1:", xdg_file.display())), "{err}");

    let (_, err) = tokdash_with_env(&all[2..], &[]);
    assert!(
        err.contains(&format!("{}:1:", home_file.display())),
        "{err}"
    );
}

#[test]
fn no_file_anywhere_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = tokdash_with_env(&[("XDG_CONFIG_HOME", dir.path())], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&dir.path().join("tokdash/config.toml").display().to_string()),
        "{err}"
    );

    // A file named explicitly must exist.
    let missing = dir.path().join("nope.toml");
    let (code, err) = tokdash_with_env(&[("TOKDASH_CONFIG", missing.as_path())], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such file (named by $TOKDASH_CONFIG)"),
        "{err}"
    );
}

#[test]
fn refresh_secs_is_off_by_default_and_bad_values_say_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::config_file::write(dir.path(), "config.toml", "[ui]\n", 0o600);
    assert_eq!(
        common::config_file::load(&path)
            .expect("loads")
            .ui
            .refresh_secs,
        0
    );
    let path =
        common::config_file::write(dir.path(), "ok.toml", "[ui]\nrefresh_secs = 300\n", 0o600);
    assert_eq!(
        common::config_file::load(&path)
            .expect("loads")
            .ui
            .refresh_secs,
        300
    );
    let rest = error_of("[ui]\nrefresh_secs = 2\n", 2);
    assert!(
        rest.starts_with("key `ui.refresh_secs`: 2 is too often: expected 0 (off) or at least 10"),
        "{rest}"
    );
    let rest = error_of("[ui]\n\nrefresh_secs = \"5m\"\n", 3);
    assert!(
        rest.starts_with("key `ui.refresh_secs`: expected an integer"),
        "{rest}"
    );
    let rest = error_of("[ui]\nrefresh_secs = -1\n", 2);
    assert!(rest.contains("is too small"), "{rest}");
}
