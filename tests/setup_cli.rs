//! Setting tokdash up, as the real binary: `init` writes a private starter configuration where
//! the dashboard looks and never over an existing file; `completions` and `man` print what the
//! README says to install; `[theme]` colours are checked like any other key.

#[allow(dead_code)]
mod common {
    pub mod config_file;
}

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use common::config_file::{error_of, write};
use ratatui::style::Color;

/// The binary with a home of its own: no config of the user's is ever read or written.
fn tokdash(config_home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tokdash").unwrap();
    cmd.env_remove("TOKDASH_CONFIG")
        .env("XDG_CONFIG_HOME", config_home)
        .env("HOME", config_home);
    cmd
}

#[test]
fn init_writes_a_private_starter_where_the_dashboard_looks() {
    let home = tempfile::tempdir().unwrap();
    let out = tokdash(home.path()).arg("init").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let path = home.path().join("tokdash").join("config.toml");
    assert!(
        stdout.contains(&path.display().to_string()) && stdout.contains("[[accounts]]"),
        "says where and what to edit: {stdout}"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# tokdash configuration"), "{text}");
    // The starter is a configuration tokdash reads.
    tokdash::config::load_file(&path).expect("the starter parses");

    // A second run leaves the file alone and says how to replace it.
    std::fs::write(&path, "# mine\n").unwrap();
    let out = tokdash(home.path()).arg("init").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    let out = tokdash(home.path())
        .args(["init", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn init_honours_config_and_can_print_instead() {
    let home = tempfile::tempdir().unwrap();
    let chosen = home.path().join("elsewhere.toml");
    let out = tokdash(home.path())
        .arg("init")
        .arg("--config")
        .arg(&chosen)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(chosen.exists());
    assert!(!home.path().join("tokdash").exists());

    let out = tokdash(home.path())
        .args(["init", "--stdout"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        std::fs::read_to_string(&chosen).unwrap()
    );
}

#[test]
fn with_no_config_the_commands_point_at_init() {
    let home = tempfile::tempdir().unwrap();
    let out = tokdash(home.path()).arg("list").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("run `tokdash init`"), "{stderr}");
}

#[test]
fn completions_for_every_shell_and_the_manual_page() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef tokdash"),
        ("fish", "complete -c tokdash"),
        ("elvish", "edit:completion:arg-completer[tokdash]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = tokdash(home.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        let script = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(script.contains(marker), "{shell}: {script}");
        // Generated from the parser: the commands are in it.
        assert!(
            script.contains("revoke") && script.contains("init"),
            "{shell}"
        );
    }
    let out = tokdash(home.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );

    let out = tokdash(home.path()).arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(page.contains(".TH tokdash 1"), "{page}");
    assert!(
        page.contains("completions") && page.contains("\\-\\-read\\-only"),
        "{page}"
    );
}

#[test]
fn theme_colours_are_read_and_a_bad_one_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config.toml",
        "[theme]\naccent = \"blue\"\nmuted = \"#808080\"\nwarn = \"208\"\n",
        0o600,
    );
    let config = tokdash::config::load_file(&path).unwrap();
    assert_eq!(config.theme.accent, Some(Color::Blue));
    assert_eq!(config.theme.muted, Some(Color::Rgb(0x80, 0x80, 0x80)));
    assert_eq!(config.theme.warn, Some(Color::Indexed(208)));
    assert_eq!(config.theme.error, None, "the default stays");

    let rest = error_of("[theme]\naccent = \"blue\"\nerror = \"redish\"\n", 3);
    assert!(
        rest.starts_with("key `theme.error`: `redish` is not a colour"),
        "{rest}"
    );
    let rest = error_of("[theme]\nacent = \"blue\"\n", 2);
    assert!(rest.contains("did you mean `accent`"), "{rest}");
}

/// `sandbox --help` says which fault targets, operations and kinds there are, so a fault can be
/// written without the README.
#[test]
fn sandbox_help_lists_the_fault_operations_and_kinds() {
    let home = tempfile::tempdir().unwrap();
    let out = tokdash(home.path())
        .args(["sandbox", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{help}");
    for word in [
        "`any`",
        "regenerate",
        "login",
        "503",
        "timeout",
        "no-content",
        "RATE",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}
