//! Text from the user or a provider never reaches the terminal raw, and exports keep it exact.
//!
//! Every message that quotes what the user typed (an `--id`, a config file's provider, account
//! names, `base_url`, a refused argument) or what a provider sent is sanitised; JSON and CSV keep
//! names and accounts as spelled, JSON escaping what a terminal would act on, CSV defusing what a
//! spreadsheet would run. All through the real binary.

mod common;

use std::process::Output;

use common::cli::{Env, code, setup, setup_with, stderr, stdout, write_private};
use serde_json::Value;
use tokdash::sandbox::SandboxOptions;
use tokdash::text::is_unsafe;

/// What a terminal would act on, or hide: ESC, C1 controls, bidi and invisible characters.
fn assert_terminal_safe(what: &str, out: &Output) {
    for (stream, text) in [("stdout", stdout(out)), ("stderr", stderr(out))] {
        let bad: Vec<String> = text
            .chars()
            .filter(|c| *c != '\n' && is_unsafe(*c))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(bad.is_empty(), "{what}: {stream} holds {bad:?}:\n{text}");
    }
}

/// A config file whose errors quote what it holds, run through `list`.
fn config_error(text: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config\x1b[2J.toml");
    write_private(&path, text);
    let out = assert_cmd::Command::cargo_bin("tokdash")
        .unwrap()
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .arg("--config")
        .arg(&path)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    out
}

const ACCOUNT: &str = "organization_id = \"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90\"\n\
                       credential = { env = \"X\" }\n";

#[test]
fn config_errors_quote_the_file_sanitised() {
    let cases = [
        (
            "provider",
            "[[accounts]]\nname = \"a\"\nprovider = \"qo\\u001b[2Jvery\"\n".to_owned(),
            "unknown provider `qo\\x1b[2Jvery`",
        ),
        (
            "duplicate name",
            format!(
                "[[accounts]]\nname = \"a\\u202e\\u001b[31m\"\nprovider = \"qovery\"\n{ACCOUNT}\
                 [[accounts]]\nname = \"a\\u202e\\u001b[31m\"\nprovider = \"qovery\"\n{ACCOUNT}"
            ),
            "account name `a<U+202E>\\x1b[31m` is already used",
        ),
        (
            "base_url",
            format!(
                "[[accounts]]\nname = \"a\"\nprovider = \"qovery\"\n{ACCOUNT}\
                 base_url = \"http://example.com/\\u001b]52;c;aGk=\\u0007\"\n"
            ),
            "`http://example.com/\\x1b]52;c;aGk=\\x07` uses plain http",
        ),
        (
            "unknown key",
            format!(
                "[[accounts]]\nname = \"a\"\nprovider = \"qovery\"\n{ACCOUNT}\
                 \"base_\\u001b[8mur\\u2066l\" = \"x\"\n"
            ),
            "key `base_\\x1b[8mur<U+2066>l`: unknown key",
        ),
    ];
    for (what, text, shown) in cases {
        let out = config_error(&text);
        assert_terminal_safe(what, &out);
        let err = stderr(&out);
        assert!(err.contains(shown), "{what}: {err}");
        assert!(err.contains("config\\x1b[2J.toml"), "{what}: {err}");
    }
}

#[test]
fn a_refused_argument_is_quoted_sanitised() {
    let out = assert_cmd::Command::cargo_bin("tokdash")
        .unwrap()
        .args(["list", "--format", "t\x1b[2Jable\u{9b}\u{202E}"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert_terminal_safe("--format", &out);
    assert!(
        stderr(&out).contains("<U+009B><U+202E>"),
        "{}",
        stderr(&out)
    );
}

/// A fluid server that says yes to every request: any id, even one holding escape sequences,
/// "deletes".
async fn yes_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async { axum::Json(serde_json::json!({})) });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_with_escape_sequences_is_echoed_sanitised() {
    let env = setup().await;
    let id = "HTK\x1b[2J\x1b]52;c;aGk=\x07\u{202E}";
    let shown = "HTK\\x1b[2J\\x1b]52;c;aGk=\\x07<U+202E>";
    // The sandbox has no such token: "could not delete", in every provider's words.
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        for show in [&[][..], &["--show-secrets"][..]] {
            let mut args = show.to_vec();
            args.extend(["delete", "--account", account, "--id", id, "--yes"]);
            let out = env.run(&args);
            assert_eq!(code(&out), 1, "{account}: {}", stderr(&out));
            assert_terminal_safe(account, &out);
        }
    }

    // A server that deletes anything: "Deleted token …", whole with --show-secrets.
    let base = yes_server().await;
    std::fs::write(
        &env.config,
        format!(
            "[[accounts]]\nname = \"yes\"\nprovider = \"fluid\"\nbase_url = \"{base}\"\n\
             org_slug = \"acme\"\ncredential = {{ value = \"session-1\" }}\n"
        ),
    )
    .unwrap();
    for show in [&[][..], &["--show-secrets"][..]] {
        let mut args = show.to_vec();
        args.extend(["delete", "--account", "yes", "--id", id, "--yes"]);
        let out = env.run(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_terminal_safe("deleted", &out);
        assert!(
            stdout(&out).contains(&format!("Deleted token {shown} from account yes")),
            "{}",
            stdout(&out)
        );
    }
}

/// An account named with an escape sequence and a bidi override, beside the sandbox's own.
fn rename_first_account(env: &Env, name: &str) {
    let text = std::fs::read_to_string(&env.config).unwrap();
    let quoted = serde_json::to_string(name).unwrap();
    let renamed = text.replacen("name = \"fluid-1\"", &format!("name = {quoted}"), 1);
    assert_ne!(renamed, text, "the sandbox config names fluid-1");
    std::fs::write(&env.config, renamed).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_keep_names_and_accounts_exact_and_tables_show_them_sanitised() {
    let env = setup_with(SandboxOptions {
        hostile_names: true,
        ..SandboxOptions::default()
    })
    .await;
    let account = "ops\x1b[31m\u{202E}1";
    rename_first_account(&env, account);

    // JSON: exact, and still safe on a terminal.
    let out = env.run(&["list", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_terminal_safe("json", &out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens = json["tokens"].as_array().unwrap();
    let names: Vec<&str> = tokens.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"admin\u{202E}txt.exe"), "{names:?}");
    assert!(names.contains(&"\x1b[2J\x1b[H\x1b[31mCLEARED"), "{names:?}");
    let accounts: Vec<&str> = tokens
        .iter()
        .map(|t| t["account"].as_str().unwrap())
        .collect();
    assert!(accounts.contains(&account), "{accounts:?}");

    // The JSON account goes back to --account as it is.
    let again = env.run(&["list", "--account", account, "--format", "json"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let json: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(!json["tokens"].as_array().unwrap().is_empty());

    // CSV to a pipe: exact, every formula defused.
    let out = env.run(&["list", "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.iter().any(|r| &r[0] == account));
    assert!(
        records.iter().any(|r| &r[4] == "admin\u{202E}txt.exe"),
        "the name column"
    );

    // Tables: sanitised.
    let out = env.run(&["list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_terminal_safe("table", &out);
    assert!(
        stdout(&out).contains("ops\\x1b[31m<U+202E>1"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_defuses_disguised_formulas_from_a_provider() {
    let env = setup().await;
    let mut names = Vec::new();
    for name in [
        "\u{00A0}=HYPERLINK(\"http://evil\")",
        "\u{FF1D}1+1",
        "\u{FF0B}cmd",
        "\u{FF0D}2",
        "\u{FF20}SUM(A1)",
        "+NaN",
        "-inf",
    ] {
        let out = env.run(&[
            "create",
            "--account",
            "sematext-1",
            &format!("--name={name}"),
            "--readable",
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        names.push(name);
    }
    let out = env.run(&["list", "--account", "sematext-1", "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let cells: Vec<String> = reader.records().map(|r| r.unwrap()[4].to_owned()).collect();
    for name in names {
        let defused = format!("'{name}");
        assert!(
            cells.contains(&defused),
            "{name:?} not defused in {cells:?}"
        );
    }
}
