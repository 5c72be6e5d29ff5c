//! The headless commands, run as the real binary against an in-process sandbox over loopback.
//!
//! Over 500 lines: one short test per behaviour of the existing commands, each a few runs of the
//! binary through `common::cli`. A new command's tests go in a file of their own.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::Value;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};

mod common;

use common::cli::{assert_stderr_has, code, printed_secret, setup, stderr, stdout};

const ACCOUNTS: [&str; 4] = ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"];

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
        text.starts_with(
            "account,provider,app,id,name,enabled,created_at,age_days,stale,privilege,scopes,\
             role,created_by,updated_at,description,partial,kind,expires_at\r\n"
        ),
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
    assert_stderr_has(&out, "qovery-1");

    // Only the broken account selected: nothing answered at all.
    let out = env.run(&["list", "--provider", "qovery"]);
    assert_eq!(code(&out), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sematext_writeable_alone_is_write_only() {
    let env = setup().await;
    let v = env.json(&[
        "create",
        "--account",
        "sematext-1",
        "--name",
        "shipper",
        "--writeable",
        "--format",
        "json",
    ]);
    let id = v["token"]["id"].as_str().unwrap().to_owned();
    let listed = env.token("sematext-1", &id).expect("listed");
    assert_eq!(listed["scopes"], serde_json::json!(["write"]), "{listed}");
    let v = env.json(&[
        "create",
        "--account",
        "sematext-1",
        "--name",
        "both",
        "--readable",
        "--writeable",
        "--format",
        "json",
    ]);
    assert_eq!(
        v["token"]["scopes"],
        serde_json::json!(["read", "write"]),
        "{v}"
    );
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
        assert_stderr_has(&out, "--yes");
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
    assert_stderr_has(&out, "qovery cannot rename tokens");
    let out = env.run(&[
        "regenerate",
        "--account",
        "fluid-1",
        "--id",
        "HTK-0",
        "--yes",
    ]);
    assert_eq!(code(&out), 1);
    assert_stderr_has(&out, "fluid cannot regenerate");

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
    assert_stderr_has(&out, "fluid does not take --permission");
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
    assert_stderr_has(&out, "READ, WRITE, ADMIN");

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
    assert_stderr_has(&out, "read-only");
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
        &["sandbox", "--lagrello-link-origin", "not-a-url"],
        &["sandbox", "--fluid-cookie-name", "two words"],
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_on_an_unknown_target_is_refused() {
    let env = setup().await;
    let out = env.run(&["sandbox", "--fault", "bogus:list:500"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("unknown target `bogus`"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn env_credentials_are_read_when_the_command_runs() {
    let env = setup().await;
    let account = env.sandbox.account("sematext-1").unwrap().clone();
    let text = format!(
        "[[accounts]]\nname = \"st\"\nprovider = \"sematext\"\nbase_url = \"{}\"\napp_id = {}\ncredential = {{ env = \"TOKDASH_TEST_ST_KEY\" }}\n",
        env.sandbox.base_url(),
        account.setting("app_id").unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("env.toml");
    // No literal secret, so a readable file is fine.
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run = |key: Option<&str>| {
        let mut cmd = Command::cargo_bin("tokdash").unwrap();
        cmd.env("XDG_STATE_HOME", &env.state_home);
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
            .env("XDG_STATE_HOME", dir.path().join("state"))
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

/// The outcome records of one operation, in the order they were written (not the `pending`
/// records of attempts that were sent).
fn audited(env: &common::cli::Env, operation: &str) -> Vec<Value> {
    env.records("audit.jsonl")
        .into_iter()
        .filter(|r| r["operation"] == operation && r["outcome"] != "pending")
        .collect()
}

/// Every `pending` record of `records` is followed by exactly one outcome record of its attempt,
/// naming the same operation and account. Returns the pending records.
fn assert_paired(records: &[Value]) -> Vec<&Value> {
    let pending: Vec<(usize, &Value)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r["outcome"] == "pending")
        .collect();
    for (i, p) in &pending {
        assert!(p["attempt"].as_str().is_some_and(|a| !a.is_empty()), "{p}");
        let ends: Vec<&Value> = records[i + 1..]
            .iter()
            .filter(|r| r["attempt"] == p["attempt"])
            .collect();
        assert_eq!(ends.len(), 1, "{p}: {records:#?}");
        assert_ne!(ends[0]["outcome"], "pending");
        assert_eq!(ends[0]["operation"], p["operation"]);
        assert_eq!(ends[0]["account"], p["account"]);
    }
    pending.into_iter().map(|(_, p)| p).collect()
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_attempt_is_on_record_and_a_sent_one_is_pending_first() {
    let env = setup().await;
    let created = env.run(&["create", "--account", "sematext-1", "--name", "audited"]);
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    let id = stdout(&created)
        .lines()
        .find_map(|l| l.strip_prefix("id"))
        .unwrap()
        .trim()
        .to_owned();

    // Ok: the create and a rename.
    let out = env.run(&[
        "rename",
        "--account",
        "sematext-1",
        "--id",
        &id,
        "--name",
        "audited-2",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Failed: the provider answers 500.
    env.sandbox.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Update,
        FaultKind::Status(500),
    )]);
    let out = env.run(&["disable", "--account", "sematext-1", "--id", &id]);
    assert_eq!(code(&out), 1);
    env.sandbox.set_faults(Vec::new());
    // Refused: no --yes on a pipe, read-only, and an operation qovery lacks.
    let out = env.run(&["delete", "--account", "sematext-1", "--id", &id]);
    assert_eq!(code(&out), 2);
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
    let out = env.run(&[
        "rename",
        "--account",
        "qovery-1",
        "--id",
        "x",
        "--name",
        "y",
    ]);
    assert_eq!(code(&out), 1);
    // Listing is not a change and leaves no record.
    assert_eq!(code(&env.run(&["list"])), 0);

    let records = env.records("audit.jsonl");
    for r in &records {
        assert!(r["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{r}");
    }
    // The three changes that were sent were on record as pending before their request, each
    // under the attempt id of its outcome; the three refused before any request have one
    // record each.
    let pending = assert_paired(&records);
    let sent: Vec<&str> = pending
        .iter()
        .map(|p| p["operation"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ["create", "rename", "disable"]);
    assert_eq!(records.len(), 6 + 3, "{records:#?}");

    let create = &audited(&env, "create")[0];
    assert_eq!(create["outcome"], "ok");
    assert_eq!(create["account"], "sematext-1");
    assert_eq!(create["provider"], "sematext");
    assert_eq!(create["token_id"], id.as_str());
    assert_eq!(create["token_name"], "audited");
    assert!(create["error"].is_null());

    let rename = audited(&env, "rename");
    assert_eq!(rename[0]["outcome"], "ok");
    assert_eq!(rename[0]["token_name"], "audited-2");
    assert_eq!(rename[1]["outcome"], "refused");
    assert_eq!(rename[1]["provider"], "qovery");
    assert_eq!(rename[1]["error"], "qovery cannot rename tokens");

    let disable = &audited(&env, "disable")[0];
    assert_eq!(disable["outcome"], "failed");
    assert_eq!(disable["token_id"], id.as_str());
    assert!(
        disable["error"].as_str().unwrap().contains("500"),
        "{disable}"
    );

    let deletes = audited(&env, "delete");
    assert_eq!(deletes.len(), 2);
    assert!(deletes.iter().all(|d| d["outcome"] == "refused"));
    assert!(deletes[0]["error"].as_str().unwrap().contains("--yes"));
    assert!(deletes[1]["error"].as_str().unwrap().contains("read-only"));

    assert_eq!(mode(&env.state_file("audit.jsonl")), 0o600);
    assert_eq!(mode(&env.state_file("fingerprints.jsonl")), 0o600);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fingerprint_is_the_sha256_of_the_printed_secret_and_no_file_holds_it() {
    use sha2::{Digest, Sha256};
    let env = setup().await;
    let mut secrets = Vec::new();
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        let out = env.run(&["create", "--account", account, "--name", "fp"]);
        assert_eq!(code(&out), 0, "{account}: {}", stderr(&out));
        secrets.push((account, printed_secret(&out)));
    }
    let id = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = env.run(&[
        "regenerate",
        "--account",
        "sematext-1",
        "--id",
        &id,
        "--yes",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    secrets.push(("sematext-1", printed_secret(&out)));

    let fingerprints = env.records("fingerprints.jsonl");
    assert_eq!(fingerprints.len(), secrets.len());
    for ((account, secret), fp) in secrets.iter().zip(&fingerprints) {
        assert_eq!(fp["account"], *account);
        assert_eq!(
            fp["sha256"],
            hex::encode(Sha256::digest(secret.as_bytes())),
            "{account}"
        );
    }
    // lagrello's id is its secret: it is stored masked, as every screen shows it.
    let lagrello = fingerprints[1]["token_id"].as_str().unwrap();
    assert!(lagrello.starts_with("••••"), "{lagrello}");
    assert_eq!(lagrello.chars().count(), 10, "{lagrello}");

    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    let prints = std::fs::read_to_string(env.state_file("fingerprints.jsonl")).unwrap();
    for (account, secret) in &secrets {
        assert!(!audit.contains(secret.as_str()), "{account}: {audit}");
        assert!(!prints.contains(secret.as_str()), "{account}: {prints}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_without_an_answer_is_unknown_and_says_how_to_check() {
    let env = setup().await;
    env.sandbox.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Create,
        FaultKind::Malformed,
    )]);
    let before = env.sandbox.requests().len();
    let out = env.run(&["create", "--account", "sematext-1", "--name", "maybe"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("may have been created"), "{err}");
    assert!(err.contains("tokdash list --account sematext-1"), "{err}");
    // Exactly one create went out: no retry.
    let creates = env.sandbox.requests()[before..]
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(creates, 1);
    env.sandbox.set_faults(Vec::new());
    // It did happen, which is why the user is told to look.
    assert!(
        env.tokens("sematext-1")
            .iter()
            .any(|t| t["name"] == "maybe"),
        "the sandbox created it"
    );

    let record = &audited(&env, "create")[0];
    assert_eq!(record["outcome"], "unknown");
    assert_eq!(record["token_name"], "maybe");
    assert!(
        record["error"]
            .as_str()
            .unwrap()
            .contains("may have been created")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_log_that_cannot_be_written_is_a_warning_not_a_failure() {
    let mut env = setup().await;
    // A regular file where the state directory should be.
    let blocker = env.config.with_file_name("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    env.state_home = blocker;
    let out = env.run(&["create", "--account", "fluid-1", "--name", "unlogged"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!printed_secret(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("warning: could not write the audit log"),
        "{err}"
    );
    assert!(
        err.contains("warning: could not write the secret's fingerprint"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_token_names_the_account_and_id_and_says_how_to_look() {
    let env = setup().await;
    for args in [
        &[
            "regenerate",
            "--account",
            "sematext-1",
            "--id",
            "1",
            "--yes",
        ][..],
        &["delete", "--account", "sematext-1", "--id", "1", "--yes"][..],
        &["disable", "--account", "sematext-1", "--id", "1"][..],
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), 1, "{args:?}");
        // The failure and its advice in the dashboard's words, then the command to run.
        let expected = format!(
            "account sematext-1 (sematext): {} token 1 failed: not found: ",
            args[0]
        );
        assert_stderr_has(&out, &expected);
        assert_stderr_has(
            &out,
            "; it may be gone already; list the account's tokens to check \
             (`tokdash list --account sematext-1`)",
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_failure_says_what_to_do() {
    let env = setup().await;
    env.sandbox.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::Any,
        FaultKind::Status(401),
    )]);
    let id = "6f1d2c3b-1111-4222-8333-944445555666";
    let out = env.run(&["delete", "--account", "qovery-1", "--id", id, "--yes"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    let expected =
        format!("account qovery-1 (qovery): delete token {id} failed: authentication failed: ");
    assert!(err.contains(&expected), "{err}");
    assert!(err.contains("; check the account's credential"), "{err}");
    let out = env.run(&["list", "--account", "qovery-1"]);
    assert_stderr_has(
        &out,
        "account qovery-1 (qovery): list tokens failed: authentication failed: ",
    );
    assert_stderr_has(&out, "; check the account's credential");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_like_id_is_masked_alike_on_stdout_on_stderr_and_in_the_audit_trail() {
    let env = setup().await;
    let key = env.lagrello_keys("lagrello-1")[0].clone();
    let masked = masked(&key);

    // The whole id is still taken; it is printed masked all the same.
    let out = env.run(&["delete", "--account", "lagrello-1", "--id", &key, "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Deleted token {masked} from account lagrello-1.\n")
    );
    let out = env.run(&["delete", "--account", "lagrello-1", "--id", &key, "--yes"]);
    assert_eq!(code(&out), 1);
    assert_stderr_has(&out, &format!("token {masked}"));
    assert!(!stderr(&out).contains(&key), "{}", stderr(&out));

    let records = audited(&env, "delete");
    assert_eq!(records.len(), 2);
    for r in &records {
        assert_eq!(r["token_id"], masked.as_str());
    }
    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    assert!(!audit.contains(&key), "{audit}");
}

/// A lagrello key as every output masks it: `••••` and its last six characters.
fn masked(key: &str) -> String {
    let tail: String = key.chars().skip(key.chars().count() - 6).collect();
    format!("••••{tail}")
}

/// The DELETE requests the sandbox has seen.
fn deletes(env: &common::cli::Env) -> Vec<String> {
    env.sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.uri)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_secret_like_ids_masked_in_every_format_unless_asked() {
    let env = setup().await;
    let keys = env.lagrello_keys("lagrello-1");
    for format in ["table", "json", "csv"] {
        let out = env.run(&["list", "--format", format]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
        let text = stdout(&out);
        for key in &keys {
            assert!(
                !text.contains(key.as_str()),
                "{format} shows {key}:\n{text}"
            );
            assert!(
                text.contains(&masked(key)),
                "{format} lacks {}",
                masked(key)
            );
        }
        // Ids that are not secrets are printed whole.
        let sematext = env.tokens("sematext-1");
        assert!(text.contains(sematext[0]["id"].as_str().unwrap()), "{text}");

        let out = env.run(&["list", "--format", format, "--show-secrets"]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
        let text = stdout(&out);
        for key in &keys {
            assert!(
                text.contains(key.as_str()),
                "{format} --show-secrets lacks {key}"
            );
        }
    }
    let help = stdout(&env.run(&["list", "--help"]));
    assert!(help.contains("--show-secrets"), "{help}");
    assert!(help.contains("tokenKey"), "{help}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_masked_id_deletes_the_one_token_it_names() {
    let env = setup().await;
    let keys = env.lagrello_keys("lagrello-1");
    let victim = keys[1].clone();
    env.sandbox.clear_requests();

    let out = env.run(&[
        "delete",
        "--account",
        "lagrello-1",
        "--id",
        &masked(&victim),
        "--yes",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Found by listing the account: the output names the token.
    assert!(
        stdout(&out).starts_with("Deleted token "),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains(&masked(&victim)), "{}", stdout(&out));
    assert_eq!(deletes(&env), [format!("/v1/tokens/{victim}")]);
    let left = env.lagrello_keys("lagrello-1");
    let expected: Vec<String> = keys.into_iter().filter(|k| *k != victim).collect();
    assert_eq!(left, expected, "exactly that token is gone");

    let records = env.records("audit.jsonl");
    assert_paired(&records);
    let last = records.last().unwrap();
    assert_eq!(last["outcome"], "ok");
    assert_eq!(last["token_id"], masked(&victim).as_str());
    assert!(last["token_name"].is_string(), "{last}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_or_unknown_masked_id_is_refused_and_nothing_is_deleted() {
    let env = setup().await;
    let keys = env.lagrello_keys("lagrello-1");
    // Two keys that end alike, so their masked forms are the same.
    let (a, b) = (&keys[0], &keys[2]);
    let twin = format!("{}{}", &b[..b.len() - 6], &a[a.len() - 6..]);
    assert!(
        env.sandbox
            .state()
            .lagrello
            .lock()
            .unwrap()
            .set_token_key("lagrello-1", 2, &twin)
    );
    env.sandbox.clear_requests();

    let out = env.run(&[
        "delete",
        "--account",
        "lagrello-1",
        "--id",
        &masked(a),
        "--yes",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, &format!("{} names 2 tokens", masked(a)));
    assert_stderr_has(&out, "--id-from-stdin");
    assert!(!stderr(&out).contains(a.as_str()) && !stderr(&out).contains(&twin));

    let out = env.run(&[
        "delete",
        "--account",
        "lagrello-1",
        "--id",
        "••••zzzzzz",
        "--yes",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "delete token ••••zzzzzz failed: not found: no token of the account has this masked id",
    );

    assert!(deletes(&env).is_empty(), "{:?}", deletes(&env));
    assert_eq!(env.lagrello_keys("lagrello-1").len(), keys.len());
    // Refused and failed before any change was sent: no pending record.
    let records = env.records("audit.jsonl");
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["refused", "failed"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_can_come_from_stdin_instead_of_the_command_line() {
    let env = setup().await;
    let keys = env.lagrello_keys("lagrello-1");
    let victim = keys[0].clone();
    env.sandbox.clear_requests();

    let args = [
        "delete",
        "--account",
        "lagrello-1",
        "--id-from-stdin",
        "--yes",
    ];
    let out = env.run_with_stdin(&args, &format!("{victim}\n"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(deletes(&env), [format!("/v1/tokens/{victim}")]);
    assert!(!env.lagrello_keys("lagrello-1").contains(&victim));
    assert!(!stdout(&out).contains(&victim) && !stderr(&out).contains(&victim));

    // An update takes its id from stdin too.
    let sematext = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = env.run_with_stdin(
        &["disable", "--account", "sematext-1", "--id-from-stdin"],
        &sematext,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        env.token("sematext-1", &sematext).unwrap()["enabled"],
        false
    );

    // Nothing, or more than one id, is a usage error; so is asking to confirm on a pipe.
    env.sandbox.clear_requests();
    for stdin in ["", "\n", "one two\n"] {
        let out = env.run_with_stdin(&args, stdin);
        assert_eq!(code(&out), 2, "{stdin:?}: {}", stderr(&out));
        assert_stderr_has(&out, "exactly one token id");
    }
    let out = env.run_with_stdin(&args[..4], &keys[1]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "--yes");
    let out = env.run(&[
        "delete",
        "--account",
        "lagrello-1",
        "--id",
        "x",
        "--id-from-stdin",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(deletes(&env).is_empty());
}

/// `tokdash --config FILE ARGS…` running on as a child, stdin closed, stdout and stderr piped.
fn spawn(env: &common::cli::Env, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("tokdash"))
        .env("XDG_STATE_HOME", &env.state_home)
        .env_remove("TOKDASH_LOG")
        .arg("--config")
        .arg(&env.config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait (up to ten seconds) until `done` holds.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed().as_secs() < 10, "timed out waiting: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn send_signal(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: kill(2) on our own child's pid, which we have not waited for yet.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "kill failed");
}

/// The sandbox answers every sematext delete three seconds late (the `slow` fault), and the
/// delete of one token has started: its request has reached the sandbox and its pending record
/// is written. Returns the token's id and the running command.
async fn a_slow_delete_in_flight() -> (common::cli::Env, String, std::process::Child) {
    let env = common::cli::setup_with(tokdash::sandbox::SandboxOptions {
        faults: vec![FaultRule::new("sematext", FaultOp::Delete, FaultKind::Slow)],
        ..Default::default()
    })
    .await;
    let id = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.sandbox.clear_requests();
    let child = spawn(
        &env,
        &["delete", "--account", "sematext-1", "--id", &id, "--yes"],
    );
    wait_until("the delete is in flight", || {
        !deletes(&env).is_empty()
            && env
                .records("audit.jsonl")
                .iter()
                .any(|r| r["outcome"] == "pending")
    })
    .await;
    (env, id, child)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signal_mid_change_waits_for_its_outcome_and_records_it() {
    let (env, id, child) = a_slow_delete_in_flight().await;
    send_signal(&child, libc::SIGINT);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();

    // The usual exit of a delete that worked, after saying it waited.
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "SIGINT received while a change is in flight");
    assert_stderr_has(&out, "waiting for its outcome");
    assert!(
        stdout(&out).starts_with("Deleted token"),
        "{}",
        stdout(&out)
    );
    let records = env.records("audit.jsonl");
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pending", "ok"], "{records:#?}");
    assert_paired(&records);
    assert_eq!(records[0]["token_id"], id.as_str());
    assert!(env.token("sematext-1", &id).is_none(), "really deleted");
    assert_eq!(deletes(&env).len(), 1, "sent once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_signal_quits_at_once_and_leaves_the_change_pending() {
    let (env, _id, mut child) = a_slow_delete_in_flight().await;
    let mut err = BufReader::new(child.stderr.take().unwrap());
    send_signal(&child, libc::SIGTERM);
    // Once it says it waits, the second signal.
    let (first, err) = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        (line, err)
    })
    .await
    .unwrap();
    assert!(
        first.contains("SIGTERM received while a change is in flight"),
        "{first}"
    );
    send_signal(&child, libc::SIGTERM);
    let (status, rest) = tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        let mut err = err;
        std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
        (child.wait().unwrap(), rest)
    })
    .await
    .unwrap();

    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{rest}");
    assert!(rest.contains("quitting without the outcome"), "{rest}");
    assert!(rest.contains("tokdash list --account sematext-1"), "{rest}");
    let records = env.records("audit.jsonl");
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["outcome"], "pending");
    assert_eq!(records[0]["operation"], "delete");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_without_an_answer_is_recorded_unknown_and_never_retried() {
    let env = setup().await;
    let text = format!("{}\n[http]\ntimeout_secs = 1\n", env.sandbox.config_toml());
    std::fs::write(&env.config, text).unwrap();
    let id = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The sandbox deletes the token but never answers.
    env.sandbox.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Delete,
        FaultKind::Timeout,
    )]);
    env.sandbox.clear_requests();
    let out = env.run(&["delete", "--account", "sematext-1", "--id", &id, "--yes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "timed out");
    assert_stderr_has(&out, "tokdash list --account sematext-1");
    assert_eq!(deletes(&env).len(), 1, "sent once, never retried");
    env.sandbox.set_faults(Vec::new());

    let records = env.records("audit.jsonl");
    assert_paired(&records);
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pending", "unknown"]);
    // It did happen, which is why the outcome is unknown rather than failed.
    assert!(env.token("sematext-1", &id).is_none());
}
