//! `tokdash audit`: the policy check run as the real binary against the in-process sandbox,
//! seeded deterministically with dates spread back from the moment it starts. Its exit codes (0
//! no findings, 1 findings, 2 a bad policy, 3 an account not audited), the findings against the
//! seeded data, and the Markdown a CI job summary gets.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use time::OffsetDateTime;
use tokdash::sandbox::SandboxOptions;
use tokdash::sandbox::faults::FaultRule;

use common::cli::{Env, assert_stderr_has, code, setup_with, stderr, stdout, write_private};

async fn seeded() -> Env {
    setup_with(SandboxOptions {
        anchor: OffsetDateTime::now_utc(),
        ..SandboxOptions::default()
    })
    .await
}

/// A policy file beside the config.
fn policy(env: &Env, name: &str, text: &str) -> PathBuf {
    let path = env.config.with_file_name(name);
    write_private(&path, text);
    path
}

/// Rules no seeded token breaks.
const LENIENT: &str = "max_age_days = 36500\nprivileged_max_age_days = 36500\n";

fn audit(env: &Env, args: &[&str]) -> std::process::Output {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    env.run(&all)
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// `rule account/id` of each finding.
fn findings(v: &Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}/{}",
                f["rule"].as_str().unwrap(),
                f["token"]["account"].as_str().unwrap(),
                f["token"]["id"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_findings_exit_0() {
    let env = seeded().await;
    let file = policy(&env, "lenient.toml", LENIENT);
    let file = file.to_str().unwrap();

    let out = audit(&env, &["--policy", file]);
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("No findings: 48 tokens on 4 accounts meet the policy."),
        "{text}"
    );
    assert!(text.contains("lenient.toml"), "the policy's source: {text}");

    let out = audit(&env, &["--policy", file, "--format", "json"]);
    assert_eq!(code(&out), 0);
    let v = json_of(&out);
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["errors"], serde_json::json!([]));
    assert_eq!(v["checked"]["accounts"], 4);
    assert_eq!(v["checked"]["tokens"], 48);
    assert_eq!(v["policy"]["max_age_days"], 36500);
    assert!(
        v["policy"]["file"]
            .as_str()
            .unwrap()
            .ends_with("lenient.toml")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_rules_find_exactly_the_tokens_that_break_them_exit_1() {
    let env = seeded().await;
    // Two tokens of one account with one name.
    for _ in 0..2 {
        let out = env.run(&[
            "create",
            "--account",
            "sematext-1",
            "--name",
            "twin",
            "--readable",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let tokens = env.json(&["list", "--format", "json"])["tokens"]
        .as_array()
        .unwrap()
        .clone();
    let key = |rule: &str, t: &Value| {
        format!(
            "{rule} {}/{}",
            t["account"].as_str().unwrap(),
            t["id"].as_str().unwrap()
        )
    };
    // stale_after_days is 90: admin tokens at most 45 days, the others 90.
    let mut want = BTreeSet::new();
    for t in &tokens {
        let age = t["age_days"].as_i64().unwrap();
        if t["privilege"] == "admin" && age > 45 {
            want.insert(key("privileged-max-age", t));
        } else if t["privilege"] != "admin" && age > 90 {
            want.insert(key("max-age", t));
        }
        if t["name"] == "twin" {
            want.insert(key("duplicate-name", t));
        }
    }
    assert!(want.iter().any(|k| k.starts_with("privileged-max-age")));
    assert!(want.iter().any(|k| k.starts_with("max-age")));

    let out = audit(&env, &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(findings(&v), want);
    assert_eq!(v["policy"]["privileged_max_age_days"], 45);
    assert!(v["policy"]["file"].is_null());
    // A finding carries the token as `list` exports it.
    let f = &v["findings"][0];
    assert!(f["detail"].as_str().unwrap().contains("days old"), "{f}");
    assert!(
        f["token"]["age_days"].is_i64() && f["token"].get("partial").is_some(),
        "{f}"
    );

    let out = audit(&env, &[]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.starts_with("RULE"), "{text}");
    assert!(
        text.contains(&format!(
            "{} findings in 50 tokens on 4 accounts.",
            want.len()
        )),
        "{text}"
    );
    assert!(
        text.contains("Policy (defaults, stale_after_days = 90)"),
        "{text}"
    );

    // The rules a file sets replace the defaults: write tokens count as privileged, and only
    // qovery-1 may have them.
    let file = policy(
        &env,
        "strict.toml",
        "max_age_days = 36500\nprivileged = \"write\"\nprivileged_max_age_days = 36500\n\
         no_duplicate_names = false\nprivileged_accounts = [\"qovery-1\"]\n",
    );
    let out = audit(
        &env,
        &["--policy", file.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code(&out), 1);
    let want: BTreeSet<String> = tokens
        .iter()
        .filter(|t| t["account"] != "qovery-1")
        .filter(|t| t["privilege"] == "admin" || t["privilege"] == "write")
        .map(|t| key("privileged-account", t))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(findings(&json_of(&out)), want);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_policy_is_a_usage_error_naming_the_file_line_and_key_exit_2() {
    let env = seeded().await;
    let cases = [
        (
            "typo.toml",
            "max_age_days = 30\nmax_age = 3\n",
            "typo.toml:2: key `max_age`: unknown key (did you mean `max_age_days`?)",
        ),
        (
            "type.toml",
            "\nprivileged_max_age_days = \"45\"\n",
            "type.toml:2: key `privileged_max_age_days`: expected an integer, found string",
        ),
        (
            "account.toml",
            "privileged_accounts = [\"qovery-1\", \"prod\"]\n",
            "account.toml:1: key `privileged_accounts`: no account named `prod`",
        ),
        (
            "broken.toml",
            "max_age_days = \n",
            "broken.toml:1: not valid TOML",
        ),
    ];
    for (name, text, says) in cases {
        let file = policy(&env, name, text);
        let out = audit(&env, &["--policy", file.to_str().unwrap()]);
        assert_eq!(code(&out), 2, "{name}: {}", stderr(&out));
        assert_stderr_has(&out, "tokdash: policy error: ");
        assert_stderr_has(&out, says);
        assert!(stdout(&out).is_empty(), "{name}");
    }
    let missing = env.config.with_file_name("missing.toml");
    let out = audit(&env, &["--policy", missing.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "missing.toml: cannot read the file");

    let out = audit(&env, &["--format", "csv"]);
    assert_eq!(code(&out), 2);
    let out = env.run(&["list", "--format", "markdown"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "only available for `audit`");
    // Nothing was listed for any of them.
    assert!(env.sandbox.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_down_is_named_and_exits_3_with_the_rest_audited() {
    let env = seeded().await;
    // As `tokdash sandbox --fault qovery-1:list:500` would.
    env.sandbox
        .set_faults(vec!["qovery-1:list:500".parse::<FaultRule>().unwrap()]);
    let lenient = policy(&env, "lenient.toml", LENIENT);

    let out = audit(
        &env,
        &["--policy", lenient.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_stderr_has(&out, "not audited: ");
    assert_stderr_has(&out, "qovery-1");
    let v = json_of(&out);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["account"], "qovery-1");
    assert_eq!(errors[0]["partial"], false);
    assert_eq!(v["checked"]["accounts"], 3);

    // Findings in the rest are printed, and the exit is still 3: the audit is incomplete.
    let out = audit(&env, &["--format", "markdown"]);
    assert_eq!(code(&out), 3);
    let md = stdout(&out);
    assert!(md.contains("### ⚠️ Not audited"), "{md}");
    assert!(
        md.contains("- `qovery-1` (qovery), could not be listed: `"),
        "{md}"
    );
    assert!(md.contains("| `max-age` |"), "{md}");
    assert!(!md.contains("| `qovery-1` |"), "{md}");

    // Every account down: nothing audited, still 3, and every one named.
    env.sandbox.set_faults(
        ["fluid", "lagrello", "qovery", "sematext"]
            .iter()
            .map(|p| format!("{p}:list:503").parse::<FaultRule>().unwrap())
            .collect(),
    );
    let out = audit(&env, &["--format", "json"]);
    assert_eq!(code(&out), 3);
    let v = json_of(&out);
    assert_eq!(v["errors"].as_array().unwrap().len(), 4);
    assert_eq!(v["checked"]["accounts"], 0);
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        assert_stderr_has(&out, account);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_account_is_audited_in_part_and_exits_3() {
    let env = setup_with(SandboxOptions {
        tokens_per_account: 30,
        anchor: OffsetDateTime::now_utc(),
        ..SandboxOptions::default()
    })
    .await;
    let config = std::fs::read_to_string(&env.config).unwrap();
    std::fs::write(
        &env.config,
        config.replacen(
            "provider = \"lagrello\"",
            "provider = \"lagrello\"\nmax_pages = 1",
            1,
        ),
    )
    .unwrap();
    let lenient = policy(&env, "lenient.toml", LENIENT);
    let out = audit(
        &env,
        &["--policy", lenient.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_stderr_has(&out, "audited in part: lagrello-1");
    let v = json_of(&out);
    assert_eq!(v["errors"][0]["account"], "lagrello-1");
    assert_eq!(v["errors"][0]["partial"], true);
    assert_eq!(v["checked"]["accounts"], 4);
    assert_eq!(v["checked"]["tokens"], 3 * 30 + 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_is_a_summary_with_one_table_row_per_finding() {
    let env = seeded().await;
    // Two tokens with a name that would be a link, a table break and emphasis, unescaped.
    let hostile = "[pwn](https://evil.example)|*x*`y`";
    for _ in 0..2 {
        let out = env.run(&[
            "create",
            "--account",
            "sematext-1",
            "--name",
            hostile,
            "--readable",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let json = json_of(&audit(&env, &["--format", "json"]));
    let count = json["findings"].as_array().unwrap().len();

    let out = audit(&env, &["--format", "markdown"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let md = stdout(&out);
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "## tokdash audit");
    assert_eq!(lines[1], "");
    assert_eq!(
        lines[2],
        format!("❌ **{count} findings in 50 tokens on 4 accounts.**")
    );
    assert_eq!(
        lines[4],
        "| Rule | Account | Provider | Token | ID | Privilege | Age | Detail |"
    );
    assert_eq!(lines[5], "|---|---|---|---|---|---|---|---|");
    let rows: Vec<&str> = lines[6..]
        .iter()
        .copied()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), count);
    for row in &rows {
        // Nine unescaped pipes: eight cells.
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 9, "{row}");
    }
    let dup: Vec<&&str> = rows
        .iter()
        .filter(|r| r.starts_with("| `duplicate-name` |"))
        .collect();
    assert_eq!(dup.len(), 2, "{md}");
    // The name is one code span, its pipe escaped for the table.
    assert!(
        dup[0].contains(" | `` [pwn](https://evil.example)\\|*x*`y` `` | "),
        "{}",
        dup[0]
    );
    assert!(md.trim_end().ends_with("</sub>"), "{md}");
    assert!(md.contains("Policy \\(defaults"), "{md}");

    // No findings: a line that says so, and no table.
    let file = policy(
        &env,
        "lenient-dups.toml",
        &format!("{LENIENT}no_duplicate_names = false\n"),
    );
    let out = audit(
        &env,
        &["--policy", file.to_str().unwrap(), "--format", "markdown"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let md = stdout(&out);
    assert!(
        md.contains("✅ No findings: 50 tokens on 4 accounts meet the policy."),
        "{md}"
    );
    assert!(!md.contains("| Rule |"), "{md}");
}

#[test]
fn an_account_down_by_the_sandbox_fault_flag_exits_3() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.toml");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tokdash"))
        .args(["sandbox", "--fault", "qovery-1:list:500", "--write-config"])
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
        assert!(first.starts_with("tokdash sandbox listening"), "{first}");
        let out = assert_cmd::Command::cargo_bin("tokdash")
            .unwrap()
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .arg("--config")
            .arg(&path)
            .args(["audit", "--format", "markdown"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 3, "{}", stderr(&out));
        assert_stderr_has(&out, "not audited: ");
        assert_stderr_has(&out, "qovery-1");
        assert!(stdout(&out).contains("- `qovery-1` (qovery), could not be listed"));
    });
    // SIGTERM stops it cleanly.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert_eq!(status.code(), Some(0));
}
