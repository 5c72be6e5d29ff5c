//! Incident response from the command line: `tokdash find` and `tokdash revoke --from-stdin`, run
//! as the real binary against the in-process sandbox over loopback, with the leaked secret on
//! standard input.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use tokdash::sandbox::SandboxOptions;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::secret::{SecretString, fingerprint};

use common::cli::{Env, assert_stderr_has, code, setup, setup_with, stderr, stdout};

const ACCOUNTS: [&str; 4] = ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"];

/// Run `tokdash --config FILE ARGS…` with `input` on stdin, in a session of its own: it has no
/// controlling terminal, so a confirmation can never reach whoever runs the tests.
fn run_in(env: &Env, args: &[&str], input: &str) -> Output {
    let mut std_cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tokdash"));
    std_cmd.env("XDG_STATE_HOME", &env.state_home);
    match env.log_level {
        Some(level) => std_cmd.env("TOKDASH_LOG", level),
        None => std_cmd.env_remove("TOKDASH_LOG"),
    };
    std_cmd.arg("--config").arg(&env.config).args(args);
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        std_cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    assert_cmd::Command::from_std(std_cmd)
        .write_stdin(input)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// Create a token through the CLI; its id and secret.
fn create(env: &Env, account: &str, name: &str) -> (String, String) {
    let mut args = vec![
        "create",
        "--account",
        account,
        "--name",
        name,
        "--format",
        "json",
    ];
    if account.starts_with("lagrello") {
        args.extend(["--permission", "READ"]);
    }
    if account.starts_with("sematext") {
        args.push("--readable");
    }
    let v = env.json(&args);
    (
        v["token"]["id"].as_str().unwrap().to_owned(),
        v["secret"].as_str().unwrap().to_owned(),
    )
}

fn listed(env: &Env, account: &str, id: &str) -> Option<Value> {
    env.token(account, id)
}

fn prefix_of(secret: &str) -> String {
    fingerprint(&SecretString::from(secret))[..12].to_owned()
}

/// The incident records of the audit trail.
fn incidents(env: &Env) -> Vec<Value> {
    env.records("audit.jsonl")
        .into_iter()
        .filter(|r| r["kind"] == "incident")
        .collect()
}

/// Every file under `dir`, with its text.
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_finds_by_the_right_method_revokes_verifies_and_leaks_nothing() {
    let mut env = setup().await;
    env.log_level = Some("trace");
    let mut secrets = Vec::new();
    let mut outputs: Vec<(String, Output)> = Vec::new();

    for account in ACCOUNTS {
        let name = format!("incident-{account}");
        let (id, secret) = create(&env, account, &name);
        secrets.push(secret.clone());
        let input = format!("{secret}\n");
        let expected = if account.starts_with("sematext") || account.starts_with("lagrello") {
            "listed_secret"
        } else {
            "fingerprint"
        };

        let found = run_in(&env, &["find", "--format", "json"], &input);
        assert_eq!(code(&found), 0, "{account}: {}", stderr(&found));
        let v = json_of(&found);
        assert_eq!(v["matched_by"], expected, "{account}: {v}");
        assert_eq!(v["fingerprint_prefix"], prefix_of(&secret));
        let matches = v["matches"].as_array().unwrap();
        assert_eq!(matches.len(), 1, "{account}: {v}");
        let m = &matches[0];
        assert_eq!(m["account"], account);
        assert_eq!(m["name"], name.as_str());
        assert_eq!(m["status"], "listed");
        assert_eq!(m["matched_by"], expected);
        assert!(
            m["created_at"].is_string() && m["age_days"].is_number(),
            "{m}"
        );
        // The id as `create` printed it: masked where it is a secret (lagrello), as everywhere.
        assert_eq!(m["id"], id.as_str());
        if account.starts_with("lagrello") {
            assert!(id.starts_with("••••"), "{id}");
            assert!(m["created_by"].is_string(), "{m}");
        }
        if expected == "fingerprint" {
            assert!(
                m["fingerprint_file"]
                    .as_str()
                    .unwrap()
                    .ends_with("fingerprints.jsonl"),
                "{m}"
            );
        }
        outputs.push((format!("find json {account}"), found));

        let table = run_in(&env, &["find"], &input);
        assert_eq!(code(&table), 0, "{}", stderr(&table));
        let text = stdout(&table);
        let how = if expected == "fingerprint" {
            "fingerprint"
        } else {
            "listed secret"
        };
        assert!(text.contains(&format!("Matched by {how}")), "{text}");
        assert!(
            text.contains(&name) && text.contains("tokdash revoke --from-stdin"),
            "{text}"
        );
        outputs.push((format!("find {account}"), table));

        let revoked = run_in(&env, &["revoke", "--from-stdin", "--yes"], &input);
        assert_eq!(code(&revoked), 0, "{account}: {}", stderr(&revoked));
        let text = stdout(&revoked);
        assert!(
            text.contains(&format!("verified: token {name} (")),
            "{account}: {text}"
        );
        assert!(
            text.contains(&format!("no longer listed in {account}.")),
            "{text}"
        );
        assert!(
            listed(&env, account, &id).is_none(),
            "{account}: still listed"
        );
        outputs.push((format!("revoke {account}"), revoked));

        let record = incidents(&env).pop().expect("an incident record");
        assert_eq!(record["account"], account);
        assert_eq!(record["token_name"], name.as_str());
        assert_eq!(record["operation"], "delete");
        assert_eq!(record["outcome"], "ok");
        assert_eq!(record["matched_by"], expected);
        assert_eq!(record["verification"], "gone");
        assert_eq!(record["fingerprint_prefix"], prefix_of(&secret));
        assert!(record["time"].is_string());
        // The delete itself was on record before it was sent, and its outcome after.
        let attempts: Vec<Value> = env
            .records("audit.jsonl")
            .into_iter()
            .filter(|r| r["kind"] != "incident" && r["operation"] == "delete")
            .filter(|r| r["account"] == account)
            .collect();
        assert_eq!(attempts.len(), 2, "{account}: {attempts:?}");
        assert_eq!(attempts[0]["outcome"], "pending");
        assert_eq!(attempts[1]["outcome"], "ok");
        assert_eq!(attempts[0]["attempt"], attempts[1]["attempt"]);

        // Afterwards the fingerprint still says whose it was, and that it is gone.
        let again = run_in(&env, &["find", "--format", "json"], &input);
        assert_eq!(code(&again), 0, "{}", stderr(&again));
        let v = json_of(&again);
        assert_eq!(v["matched_by"], "fingerprint", "{v}");
        assert_eq!(v["matches"][0]["status"], "not_listed", "{v}");
        outputs.push((format!("find after revoke {account}"), again));
    }

    let files = files_under(&env.state_home);
    assert!(
        files
            .iter()
            .any(|(p, t)| p.ends_with("tokdash.log") && t.contains("TRACE")),
        "the log was written at trace level"
    );
    assert!(files.iter().any(|(p, _)| p.ends_with("fingerprints.jsonl")));
    for secret in &secrets {
        for (path, text) in &files {
            assert!(!text.contains(secret.as_str()), "{path} holds a secret");
        }
        for (what, out) in &outputs {
            assert!(!stdout(out).contains(secret.as_str()), "{what}: stdout");
            assert!(!stderr(out).contains(secret.as_str()), "{what}: stderr");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_that_matches_nothing_exits_1_with_a_format_hint() {
    let env = setup().await;
    let value = "0123456789abcdef".repeat(4);
    let out = run_in(&env, &["find"], &value);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_stderr_has(&out, "no token matches this secret");
    assert_stderr_has(&out, "hint: the value fits the shape of a fluid host token");
    assert_stderr_has(&out, "could be in fluid-1");
    assert!(!stderr(&out).contains(&value));

    let out = run_in(&env, &["revoke", "--from-stdin", "--yes"], &value);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "hint:");
    assert!(incidents(&env).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_that_cannot_be_searched_gives_exit_3_and_is_named() {
    let env = setup().await;
    let (_, secret) = create(&env, "sematext-1", "leaked");
    env.sandbox.set_faults(vec![FaultRule::new(
        "qovery-1",
        FaultOp::List,
        FaultKind::Status(500),
    )]);

    // Nothing matches in the accounts searched: that is not "not found".
    let out = run_in(&env, &["find"], "not-a-secret-of-anyone");
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_stderr_has(&out, "account qovery-1 (qovery) could not be searched");
    assert_stderr_has(&out, "the search was partial");
    assert!(
        !stderr(&out).contains("no token matches"),
        "{}",
        stderr(&out)
    );

    let out = run_in(
        &env,
        &["find", "--format", "json"],
        "not-a-secret-of-anyone",
    );
    assert_eq!(code(&out), 3);
    let v = json_of(&out);
    assert_eq!(v["unsearched"][0]["account"], "qovery-1");
    assert!(
        v["unsearched"][0]["error"]
            .as_str()
            .unwrap()
            .contains("500")
    );
    assert_eq!(v["searched_accounts"], 3);

    // A match elsewhere is shown, still with exit 3 and the account named.
    let out = run_in(&env, &["find"], &secret);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stdout(&out).contains("leaked"), "{}", stdout(&out));
    assert_stderr_has(&out, "qovery-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn several_matches_are_refused_without_all_and_revoked_with_it() {
    let env = setup().await;
    // An earlier run's fingerprint file says one secret went to two tokens.
    let fluid = env.tokens("fluid-1")[0].clone();
    let qovery = env.tokens("qovery-1")[0].clone();
    let secret = "shared-secret-of-two-tokens";
    let sha = fingerprint(&SecretString::from(secret));
    let line = |account: &str, provider: &str, t: &Value| {
        serde_json::json!({
            "time": "2026-01-02T03:04:05Z", "account": account, "provider": provider,
            "token_id": t["id"], "token_name": t["name"], "sha256": sha,
        })
        .to_string()
    };
    let dir = env.state_home.join("tokdash");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("fingerprints.jsonl.1"),
        format!(
            "{}\n{}\n",
            line("fluid-1", "fluid", &fluid),
            line("qovery-1", "qovery", &qovery)
        ),
    )
    .unwrap();

    let out = run_in(&env, &["find", "--format", "json"], secret);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["matched_by"], "fingerprint");
    assert_eq!(v["matches"].as_array().unwrap().len(), 2, "{v}");
    assert!(
        v["matches"][0]["fingerprint_file"]
            .as_str()
            .unwrap()
            .ends_with("fingerprints.jsonl.1")
    );

    let out = run_in(&env, &["revoke", "--from-stdin", "--yes"], secret);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "2 tokens match this secret");
    assert_stderr_has(&out, "--all");
    let fluid_id = fluid["id"].as_str().unwrap();
    let qovery_id = qovery["id"].as_str().unwrap();
    assert!(listed(&env, "fluid-1", fluid_id).is_some());
    assert!(listed(&env, "qovery-1", qovery_id).is_some());
    assert!(incidents(&env).is_empty());

    let out = run_in(&env, &["revoke", "--from-stdin", "--yes", "--all"], secret);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("no longer listed in fluid-1."), "{text}");
    assert!(text.contains("no longer listed in qovery-1."), "{text}");
    assert!(listed(&env, "fluid-1", fluid_id).is_none());
    assert!(listed(&env, "qovery-1", qovery_id).is_none());
    assert_eq!(incidents(&env).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoke_costs_one_list_per_account_one_delete_and_one_verifying_list() {
    let env = setup_with(SandboxOptions {
        latency: Duration::from_millis(40),
        ..SandboxOptions::default()
    })
    .await;
    let (id, secret) = create(&env, "sematext-1", "costly");
    env.sandbox.clear_requests();

    let out = run_in(&env, &["revoke", "--from-stdin", "--yes"], &secret);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let requests = env.sandbox.requests();
    let lists = |prefix: &str| {
        requests
            .iter()
            .filter(|r| r.method == "GET" && r.uri.starts_with(prefix))
            .count()
    };
    assert_eq!(lists("/v1/orgs/"), 1, "fluid");
    assert_eq!(lists("/v1/tokens"), 1, "lagrello");
    assert_eq!(
        lists("/organization/"),
        2,
        "qovery: its organization and its policy API tokens"
    );
    // Each sematext list asks for the account's apps, then the app's tokens.
    assert_eq!(
        lists("/users-web/api/v3/apps/"),
        2,
        "sematext: the search and the verification"
    );
    assert_eq!(lists("/users-web/"), 4, "sematext: with the apps lists");
    let deletes: Vec<&String> = requests
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| &r.uri)
        .collect();
    assert_eq!(deletes.len(), 1);
    assert!(
        deletes[0].ends_with(&format!("/tokens/{id}")),
        "{deletes:?}"
    );
    // Nothing else, but fluid-1's login (it signs in with a password, once per run).
    let others: Vec<String> = requests
        .iter()
        .filter(|r| r.method != "GET" && r.method != "DELETE")
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert_eq!(others, vec!["POST /v1/auth/login".to_owned()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn disable_on_sematext_disables_and_verifies_and_is_refused_elsewhere() {
    let env = setup().await;
    let (id, secret) = create(&env, "sematext-1", "to-disable");
    let out = run_in(
        &env,
        &["revoke", "--from-stdin", "--disable", "--yes"],
        &secret,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("verified: token to-disable ("),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("listed as disabled in sematext-1."));
    let token = listed(&env, "sematext-1", &id).expect("still listed");
    assert_eq!(token["enabled"], false);
    let record = incidents(&env).pop().unwrap();
    assert_eq!(record["operation"], "disable");
    assert_eq!(record["verification"], "disabled");

    let (fluid_id, fluid_secret) = create(&env, "fluid-1", "cannot-disable");
    let out = run_in(
        &env,
        &["revoke", "--from-stdin", "--disable", "--yes"],
        &fluid_secret,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "fluid cannot disable tokens");
    assert_stderr_has(&out, "revoke without --disable to delete it");
    assert!(listed(&env, "fluid-1", &fluid_id).is_some());
    let record = incidents(&env).pop().unwrap();
    assert_eq!(record["outcome"], "refused");
    assert_eq!(record["verification"], "not_run");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_and_without_a_terminal_to_ask_on_revoke_refuses_before_any_request() {
    let env = setup().await;
    let (id, secret) = create(&env, "qovery-1", "keep-me");
    env.sandbox.clear_requests();
    let out = run_in(&env, &["revoke", "--from-stdin"], &secret);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "pass --yes");
    assert!(env.sandbox.requests().is_empty());
    assert!(listed(&env, "qovery-1", &id).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_the_revoke_and_records_it() {
    let env = setup().await;
    let (id, secret) = create(&env, "sematext-1", "protected");
    let out = run_in(
        &env,
        &["--read-only", "revoke", "--from-stdin", "--yes"],
        &secret,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "read-only");
    assert!(listed(&env, "sematext-1", &id).is_some());
    assert_eq!(incidents(&env).pop().unwrap()["outcome"], "refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_usage_error_that_never_quotes_it() {
    let env = setup().await;
    let out = run_in(&env, &["find"], "\n");
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "no secret on standard input");
    let out = run_in(&env, &["find"], "first-secret\nsecond-secret\n");
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "2 lines");
    assert!(!stderr(&out).contains("first-secret"));
    // A secret is never an argument.
    let out = run_in(&env, &["revoke", "--yes"], "x");
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "--from-stdin");
    let out = run_in(&env, &["find", "--format", "csv"], "x");
    assert_eq!(code(&out), 2);
}
