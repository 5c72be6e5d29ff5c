//! The headless commands, run as the real binary against an in-process sandbox over loopback.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions};

const ACCOUNTS: [&str; 4] = ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"];

struct Env {
    sandbox: Sandbox,
    config: PathBuf,
    _dir: tempfile::TempDir,
}

fn write_private(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

async fn setup() -> Env {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_private(&config, &sandbox.config_toml());
    Env {
        sandbox,
        config,
        _dir: dir,
    }
}

impl Env {
    /// Run `tokdash --config FILE ARGS…` with stdin that is not a terminal.
    fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("tokdash")
            .unwrap()
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .write_stdin("")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Every token of one account, from `list --format json`.
    fn tokens(&self, account: &str) -> Vec<Value> {
        let v = self.json(&["list", "--account", account, "--format", "json"]);
        v["tokens"].as_array().unwrap().clone()
    }

    fn token(&self, account: &str, id: &str) -> Option<Value> {
        self.tokens(account).into_iter().find(|t| t["id"] == id)
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_json_has_every_account_and_the_documented_fields() {
    let env = setup().await;
    let v = env.json(&["list", "--format", "json"]);
    assert_eq!(v["errors"], serde_json::json!([]));
    let tokens = v["tokens"].as_array().unwrap();
    for account in ACCOUNTS {
        assert!(
            tokens.iter().any(|t| t["account"] == account),
            "no tokens for {account}"
        );
    }
    for t in tokens {
        assert!(t["id"].is_string() && t["name"].is_string(), "{t}");
        assert!(t["provider"].is_string(), "{t}");
        assert!(t["enabled"].is_boolean() || t["enabled"].is_null(), "{t}");
        assert!(
            t["created_at"].is_string() || t["created_at"].is_null(),
            "{t}"
        );
        assert!(t["scopes"].is_array(), "{t}");
        assert!(
            t["description"].is_string() || t["description"].is_null(),
            "{t}"
        );
        // Secrets are printed by create and regenerate only.
        assert!(t.get("secret").is_none(), "{t}");
    }
    // Newest first within an account.
    let sematext: Vec<&str> = tokens
        .iter()
        .filter(|t| t["account"] == "sematext-1")
        .filter_map(|t| t["created_at"].as_str())
        .collect();
    let mut sorted = sematext.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sematext, sorted);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_table_and_csv_show_the_same_tokens() {
    let env = setup().await;
    let count = env.json(&["list", "--format", "json"])["tokens"]
        .as_array()
        .unwrap()
        .len();

    let table = env.run(&["list"]);
    assert_eq!(code(&table), 0, "{}", stderr(&table));
    let text = stdout(&table);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("ACCOUNT"), "{header}");
    // Columns line up: every row's PROVIDER starts where the header's does.
    let col = header.find("PROVIDER").unwrap();
    for line in text.lines().skip(1) {
        let prefix: String = line.chars().take(col).collect();
        assert!(prefix.ends_with("  "), "misaligned: {line}");
    }
    assert_eq!(text.lines().count(), count + 1);
    for account in ACCOUNTS {
        assert!(text.contains(account), "{text}");
    }

    let csv = env.run(&["list", "--format", "csv"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    let text = stdout(&csv);
    assert!(
        text.starts_with("account,provider,id,name,enabled,created,scopes,description\r\n"),
        "{text}"
    );
    assert_eq!(
        text.split("\r\n").filter(|l| !l.is_empty()).count(),
        count + 1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_account_gives_exit_3_and_the_rest_still_prints() {
    let env = setup().await;
    env.sandbox.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::List,
        FaultKind::Status(500),
    )]);

    let out = env.run(&["list", "--format", "json"]);
    assert_eq!(code(&out), 3);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["account"], "qovery-1");
    assert_eq!(errors[0]["provider"], "qovery");
    assert!(errors[0]["error"].as_str().unwrap().contains("500"));
    let tokens = v["tokens"].as_array().unwrap();
    assert!(tokens.iter().any(|t| t["account"] == "sematext-1"));
    assert!(!tokens.iter().any(|t| t["account"] == "qovery-1"));

    let out = env.run(&["list"]);
    assert_eq!(code(&out), 3);
    assert!(stdout(&out).contains("sematext-1"));
    assert!(stderr(&out).contains("qovery-1"), "{}", stderr(&out));

    // Only the broken account selected: nothing answered at all.
    let out = env.run(&["list", "--provider", "qovery"]);
    assert_eq!(code(&out), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sematext_token_lifecycle() {
    let env = setup().await;
    let v = env.json(&[
        "create",
        "--account",
        "sematext-1",
        "--name",
        "cli-made",
        "--readable",
        "--format",
        "json",
    ]);
    let id = v["token"]["id"].as_str().unwrap().to_owned();
    let first_secret = v["secret"].as_str().unwrap().to_owned();
    assert!(!first_secret.is_empty());
    assert_eq!(v["token"]["name"], "cli-made");
    let listed = env
        .token("sematext-1", &id)
        .expect("created token is listed");
    assert_eq!(listed["name"], "cli-made");

    let out = env.run(&[
        "rename",
        "--account",
        "sematext-1",
        "--id",
        &id,
        "--name",
        "cli-renamed",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.token("sematext-1", &id).unwrap()["name"], "cli-renamed");

    let out = env.run(&["disable", "--account", "sematext-1", "--id", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.token("sematext-1", &id).unwrap()["enabled"], false);

    let out = env.run(&["enable", "--account", "sematext-1", "--id", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.token("sematext-1", &id).unwrap()["enabled"], true);

    let v = env.json(&[
        "regenerate",
        "--account",
        "sematext-1",
        "--id",
        &id,
        "--yes",
        "--format",
        "json",
    ]);
    let new_secret = v["secret"].as_str().unwrap();
    assert!(!new_secret.is_empty());
    assert_ne!(new_secret, first_secret);

    let out = env.run(&["delete", "--account", "sematext-1", "--id", &id, "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(env.token("sematext-1", &id).is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn create_and_delete_on_the_other_providers() {
    let env = setup().await;
    let cases: [(&str, &[&str]); 3] = [
        ("fluid-1", &[]),
        (
            "lagrello-1",
            &["--permission", "read", "--permission", "WRITE"],
        ),
        ("qovery-1", &["--description", "made by the cli test"]),
    ];
    for (account, extra) in cases {
        let mut args = vec![
            "create",
            "--account",
            account,
            "--name",
            "cli-made",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let v = env.json(&args);
        assert!(!v["secret"].as_str().unwrap().is_empty(), "{account}");
        let id = v["token"]["id"].as_str().unwrap().to_owned();
        let listed = env
            .token(account, &id)
            .unwrap_or_else(|| panic!("{account}: created token not listed"));
        assert_eq!(listed["name"], "cli-made");
        if account == "lagrello-1" {
            let scopes: Vec<&str> = listed["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(
                scopes.contains(&"READ") && scopes.contains(&"WRITE"),
                "{scopes:?}"
            );
        }

        let out = env.run(&["delete", "--account", account, "--id", &id, "--yes"]);
        assert_eq!(code(&out), 0, "{account}: {}", stderr(&out));
        assert!(env.token(account, &id).is_none(), "{account}: still listed");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_prints_the_secret_on_stdout_only() {
    let env = setup().await;
    let out = env.run(&["create", "--account", "fluid-1", "--name", "shown-once"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let secret_line = text
        .lines()
        .find(|l| l.starts_with("secret"))
        .expect("a secret line");
    let secret = secret_line.trim_start_matches("secret").trim();
    assert!(!secret.is_empty());
    assert!(!stderr(&out).contains(secret));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_without_yes_on_a_pipe_exits_2_and_deletes_nothing() {
    let env = setup().await;
    let before = env.tokens("sematext-1");
    let id = before[0]["id"].as_str().unwrap().to_owned();
    env.sandbox.clear_requests();

    for verb in ["delete", "regenerate"] {
        let out = env.run(&[verb, "--account", "sematext-1", "--id", &id]);
        assert_eq!(code(&out), 2, "{verb}");
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    }
    assert!(
        env.sandbox.requests().is_empty(),
        "no request may be sent before confirmation"
    );
    assert_eq!(env.tokens("sematext-1").len(), before.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn what_a_provider_cannot_do_is_refused_before_any_request() {
    let env = setup().await;
    let id = env.tokens("qovery-1")[0]["id"].as_str().unwrap().to_owned();
    env.sandbox.clear_requests();

    let out = env.run(&[
        "rename",
        "--account",
        "qovery-1",
        "--id",
        &id,
        "--name",
        "x",
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("qovery cannot rename tokens"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "regenerate",
        "--account",
        "fluid-1",
        "--id",
        "HTK-0",
        "--yes",
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("fluid cannot regenerate"),
        "{}",
        stderr(&out)
    );

    // A create flag the provider does not take is a usage error naming both.
    let out = env.run(&[
        "create",
        "--account",
        "fluid-1",
        "--name",
        "x",
        "--permission",
        "READ",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("fluid does not take --permission"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "create",
        "--account",
        "lagrello-1",
        "--name",
        "x",
        "--permission",
        "SUDO",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("READ, WRITE, ADMIN"),
        "{}",
        stderr(&out)
    );

    assert!(env.sandbox.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_changes_but_lists() {
    let env = setup().await;
    let id = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.sandbox.clear_requests();
    let out = env.run(&[
        "--read-only",
        "delete",
        "--account",
        "sematext-1",
        "--id",
        &id,
        "--yes",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert!(env.sandbox.requests().is_empty());
    assert_eq!(code(&env.run(&["--read-only", "list"])), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_mistakes_exit_2() {
    let env = setup().await;
    for args in [
        &["list", "--no-such-flag"][..],
        &["list", "--account", "nobody"],
        &["list", "--provider", "github"],
        &[
            "--format",
            "csv",
            "delete",
            "--account",
            "sematext-1",
            "--id",
            "1",
        ],
        &["create", "--account", "sematext-1"],
        &["sandbox", "--fault", "sematext:list:418"],
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn env_credentials_are_read_when_the_command_runs() {
    let env = setup().await;
    let account = env.sandbox.account("sematext-1").unwrap().clone();
    let text = format!(
        "[[accounts]]\nname = \"st\"\nprovider = \"sematext\"\nbase_url = \"{}\"\napp_id = {}\ncredential = {{ env = \"TOKDASH_TEST_ST_KEY\" }}\n",
        env.sandbox.base_url(),
        account.app_id.unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("env.toml");
    // No literal secret, so a readable file is fine.
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run = |key: Option<&str>| {
        let mut cmd = Command::cargo_bin("tokdash").unwrap();
        cmd.env_remove("TOKDASH_TEST_ST_KEY");
        if let Some(k) = key {
            cmd.env("TOKDASH_TEST_ST_KEY", k);
        }
        cmd.arg("--config")
            .arg(&path)
            .args(["list", "--format", "json"])
            .output()
            .unwrap()
    };
    let out = run(account.credential.as_deref());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["tokens"].as_array().unwrap().is_empty());

    let out = run(None);
    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("TOKDASH_TEST_ST_KEY is not set"),
        "{v}"
    );
}

#[test]
fn the_sandbox_command_writes_a_private_config_that_list_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.toml");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tokdash"))
        .args(["sandbox", "--tokens-per-account", "3", "--write-config"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let result = std::panic::catch_unwind(|| {
        assert!(
            first.starts_with("tokdash sandbox listening on http://127.0.0.1:"),
            "{first}"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let out = Command::cargo_bin("tokdash")
            .unwrap()
            .arg("--config")
            .arg(&path)
            .args(["list", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["tokens"].as_array().unwrap().len(), 4 * 3);
    });
    // SIGTERM stops it cleanly.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert_eq!(status.code(), Some(0));
}
