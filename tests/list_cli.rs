//! `tokdash list` for auditing: every field in JSON and CSV alike, the filters (`--older-than`,
//! `--stale`, `--privilege`, `--disabled`), `--sort`, and a partial account named under `errors`
//! and carried in every row. Run as the real binary against the in-process sandbox, seeded
//! deterministically, its dates spread back from the moment it starts so ages do not drift with
//! the calendar.

mod common;

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::Value;
use time::OffsetDateTime;
use tokdash::model::{Privilege, natural_cmp};
use tokdash::sandbox::SandboxOptions;

use common::cli::{Env, assert_stderr_has, code, setup_with, stderr, stdout};

const FIELDS: [&str; 18] = [
    "account",
    "provider",
    "app",
    "id",
    "name",
    "enabled",
    "created_at",
    "age_days",
    "stale",
    "privilege",
    "scopes",
    "role",
    "created_by",
    "updated_at",
    "description",
    "partial",
    "kind",
    "expires_at",
];

/// A sandbox whose seeded tokens are aged from now, with `accounts` accounts per provider.
async fn seeded(accounts: usize) -> Env {
    setup_with(SandboxOptions {
        accounts_per_provider: accounts,
        hostile_names: true,
        anchor: OffsetDateTime::now_utc(),
        ..SandboxOptions::default()
    })
    .await
}

/// The tokens of `list ARGS --format json`, which must exit 0.
fn tokens(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    env.json(&all)["tokens"].as_array().unwrap().clone()
}

/// Each token as `account/id`, in order.
fn keys(tokens: &[Value]) -> Vec<String> {
    tokens
        .iter()
        .map(|t| {
            format!(
                "{}/{}",
                t["account"].as_str().unwrap(),
                t["id"].as_str().unwrap()
            )
        })
        .collect()
}

fn key_set(tokens: &[Value]) -> BTreeSet<String> {
    keys(tokens).into_iter().collect()
}

/// The tokens of `all` that `keep` lets through, as a set.
fn expected(all: &[Value], keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    let kept: Vec<Value> = all.iter().filter(|t| keep(t)).cloned().collect();
    key_set(&kept)
}

fn privilege(t: &Value) -> Privilege {
    t["privilege"].as_str().unwrap().parse().unwrap()
}

/// A JSON value as its CSV cell says it: null is empty, scopes are joined by `;`.
fn as_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    }
}

/// What the CSV writer makes of a cell a spreadsheet would run as a formula.
fn defused(cell: String) -> String {
    let formula =
        cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    if formula { format!("'{cell}") } else { cell }
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_rows_equal_json_rows_field_for_field() {
    let env = seeded(1).await;
    // A name a spreadsheet would run: CSV defuses it, JSON keeps it as it is.
    let out = env.run(&[
        "create",
        "--account",
        "sematext-1",
        "--name",
        "=HYPERLINK(\"http://evil.example\")",
        "--readable",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let json = env.json(&["list", "--format", "json"]);
    let tokens = json["tokens"].as_array().unwrap();
    for t in tokens {
        let keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields = FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(keys, fields, "{t}");
    }
    // The fields the providers fill in are there, not always null.
    for field in [
        "role",
        "created_by",
        "updated_at",
        "age_days",
        "kind",
        "expires_at",
    ] {
        assert!(
            tokens.iter().any(|t| !t[field].is_null()),
            "no token has {field}"
        );
    }

    let out = env.run(&["list", "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, FIELDS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), tokens.len());
    let mut defused_names = 0;
    for (row, t) in rows.iter().zip(tokens) {
        for (field, cell) in FIELDS.iter().zip(row.iter()) {
            let want = defused(as_cell(&t[*field]));
            assert_eq!(cell, want, "{field} of {t}");
        }
        if t["name"].as_str().unwrap().starts_with('=') {
            assert_eq!(&row[4], format!("'{}", t["name"].as_str().unwrap()));
            defused_names += 1;
        }
    }
    assert_eq!(defused_names, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_filters_keep_exactly_the_tokens_they_name() {
    let env = seeded(1).await;
    let all = tokens(&env, &[]);
    let age = |t: &Value| t["age_days"].as_i64();
    let cases: Vec<(Vec<&str>, BTreeSet<String>)> = vec![
        (
            vec!["--older-than", "90d"],
            expected(&all, |t| age(t).is_some_and(|d| d > 90)),
        ),
        (
            vec!["--older-than", "12w"],
            expected(&all, |t| age(t).is_some_and(|d| d > 84)),
        ),
        (
            vec!["--older-than", "6m"],
            expected(&all, |t| age(t).is_some_and(|d| d > 180)),
        ),
        (
            vec!["--older-than", "1y"],
            expected(&all, |t| age(t).is_some_and(|d| d > 365)),
        ),
        // stale_after_days is 90 unless the config says otherwise.
        (
            vec!["--stale"],
            expected(&all, |t| t["stale"] == true && age(t).unwrap() > 90),
        ),
        (
            vec!["--disabled"],
            expected(&all, |t| t["enabled"] == false),
        ),
        (
            vec!["--privilege", "write", "--older-than", "30d"],
            expected(&all, |t| {
                privilege(t).may_be_at_least(Privilege::Write) && age(t).is_some_and(|d| d > 30)
            }),
        ),
    ];
    for (args, want) in cases {
        let got = key_set(&tokens(&env, &args));
        assert!(
            !want.is_empty() && want.len() < all.len(),
            "{args:?}: the seeded data should tell kept from left out ({} of {})",
            want.len(),
            all.len()
        );
        assert_eq!(got, want, "{args:?}");
    }

    // The same filters in every format: a table row per token kept, and CSV likewise. A table
    // is sanitised, so a row is a line; CSV to a pipe is exact, so a hostile name's line break
    // sits inside a quoted cell and the records are counted by a CSV reader, not by lines.
    let kept = tokens(&env, &["--older-than", "90d"]);
    let table = env.run(&["list", "--older-than", "90d"]);
    assert_eq!(stdout(&table).lines().count(), kept.len() + 1);
    let csv = env.run(&["list", "--older-than", "90d", "--format", "csv"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let name_col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "name")
        .unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), kept.len());
    assert!(
        kept.iter()
            .any(|t| t["name"].as_str().unwrap().contains("\r\n")),
        "the hostile names should put a line break in a kept name"
    );
    for (record, t) in records.iter().zip(&kept) {
        assert_eq!(record[name_col], defused(as_cell(&t["name"])));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_privilege_filter_keeps_the_level_and_above_on_every_provider() {
    let env = seeded(1).await;
    for provider in ["fluid", "lagrello", "qovery", "sematext"] {
        let all = tokens(&env, &["--provider", provider]);
        assert!(!all.is_empty(), "{provider}");
        for (level, at_least) in [
            ("admin", Privilege::Admin),
            ("write", Privilege::Write),
            ("read", Privilege::Read),
        ] {
            let got = tokens(&env, &["--provider", provider, "--privilege", level]);
            assert_eq!(
                key_set(&got),
                expected(&all, |t| privilege(t).may_be_at_least(at_least)),
                "{provider} --privilege {level}"
            );
            for t in &got {
                let p = privilege(t);
                assert!(
                    p >= at_least || p == Privilege::Unknown,
                    "{provider} {level}: {t}"
                );
            }
        }
        // Read and above is every token.
        assert_eq!(
            tokens(&env, &["--provider", provider, "--privilege", "read"]).len(),
            all.len()
        );
    }
    // What each provider's mapping gives its seeded tokens: fluid's host tokens all write, so
    // none is admin; lagrello and qovery have admins.
    assert!(tokens(&env, &["--provider", "fluid", "--privilege", "admin"]).is_empty());
    let fluid_write = tokens(&env, &["--provider", "fluid", "--privilege", "write"]);
    assert_eq!(
        fluid_write.len(),
        tokens(&env, &["--provider", "fluid"]).len()
    );
    for provider in ["lagrello", "qovery"] {
        let admins = tokens(&env, &["--provider", provider, "--privilege", "admin"]);
        assert!(
            admins.iter().any(|t| t["privilege"] == "admin"),
            "{provider} has seeded admins"
        );
    }
    // sematext app tokens cannot administer: admin keeps only the unknown ones.
    for t in tokens(&env, &["--provider", "sematext", "--privilege", "admin"]) {
        assert_eq!(t["privilege"], "unknown", "{t}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sort_orders_by_the_field_and_reverse_turns_it_round() {
    let env = seeded(2).await;
    for name in ["deploy-10", "deploy-2", "Deploy-1"] {
        let out = env.run(&[
            "create",
            "--account",
            "sematext-1",
            "--name",
            name,
            "--readable",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let names = |ts: &[Value]| -> Vec<String> {
        ts.iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let pairs_ok =
        |ts: &[Value], ok: &dyn Fn(&Value, &Value) -> bool| ts.windows(2).all(|w| ok(&w[0], &w[1]));

    let by_name = tokens(&env, &["--sort", "name"]);
    assert!(
        pairs_ok(&by_name, &|a, b| {
            natural_cmp(a["name"].as_str().unwrap(), b["name"].as_str().unwrap())
                != Ordering::Greater
        }),
        "{:?}",
        names(&by_name)
    );
    let sematext = names(&tokens(
        &env,
        &["--sort", "name", "--account", "sematext-1"],
    ));
    let at = |n: &str| sematext.iter().position(|s| s == n).unwrap();
    assert!(at("Deploy-1") < at("deploy-2") && at("deploy-2") < at("deploy-10"));

    let by_age = tokens(&env, &["--sort", "age"]);
    let created: Vec<&str> = by_age
        .iter()
        .filter_map(|t| t["created_at"].as_str())
        .collect();
    let parsed: Vec<OffsetDateTime> = created
        .iter()
        .map(|c| OffsetDateTime::parse(c, &time::format_description::well_known::Rfc3339).unwrap())
        .collect();
    assert!(parsed.is_sorted(), "oldest first");
    assert_eq!(created.len(), by_age.len(), "every seeded token is dated");

    let by_privilege = tokens(&env, &["--sort", "privilege"]);
    assert!(pairs_ok(&by_privilege, &|a, b| privilege(a) >= privilege(b)));
    assert_eq!(by_privilege[0]["privilege"], "admin");

    let by_account = tokens(&env, &["--sort", "account"]);
    let accounts: Vec<&str> = by_account
        .iter()
        .map(|t| t["account"].as_str().unwrap())
        .collect();
    let mut sorted = accounts.clone();
    sorted.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(accounts, sorted);

    let by_provider = tokens(&env, &["--sort", "provider"]);
    assert!(pairs_ok(&by_provider, &|a, b| {
        a["provider"].as_str() <= b["provider"].as_str()
    }));

    // The default order: accounts in config order, newest first within each.
    let default = tokens(&env, &[]);
    let fluid2: Vec<&str> = default
        .iter()
        .filter(|t| t["account"] == "fluid-2")
        .filter_map(|t| t["created_at"].as_str())
        .collect();
    assert!(fluid2.windows(2).all(|w| w[0] >= w[1]), "{fluid2:?}");

    for key in ["name", "age", "privilege", "account", "provider"] {
        let forward = keys(&tokens(&env, &["--sort", key]));
        let mut backward = keys(&tokens(&env, &["--sort", key, "--reverse"]));
        backward.reverse();
        assert_eq!(forward, backward, "--sort {key} --reverse");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_mistakes_are_usage_errors_that_say_what_is_expected() {
    let env = seeded(1).await;
    for (args, says) in [
        (vec!["--older-than", "90"], "no unit"),
        (vec!["--older-than", "3h"], "unknown unit `h`"),
        (vec!["--older-than", "ninety-days"], "unknown unit `s`"),
        (vec!["--older-than", "1.5y"], "a whole number and a unit"),
        (vec!["--privilege", "owner"], "admin"),
        (vec!["--sort", "colour"], "privilege"),
    ] {
        let mut all = vec!["list"];
        all.extend_from_slice(&args);
        let out = env.run(&all);
        assert_eq!(code(&out), 2, "{args:?}");
        assert_stderr_has(&out, says);
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_shows_ages_as_people_say_them_and_the_privilege() {
    let env = seeded(1).await;
    let out = env.run(&["list", "--stale", "--account", "qovery-1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    for column in ["ACCOUNT", "NAME", "AGE", "PRIVILEGE"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(!header.contains("DESCRIPTION"), "{header}");
    // Stale ages are in days (over 90), months or years, and marked.
    for line in text.lines().skip(1) {
        assert!(line.contains(" !"), "{line}");
        assert!(
            ["admin", "write", "read", "unknown"]
                .iter()
                .any(|p| line.contains(p)),
            "{line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_account_is_under_errors_and_marks_its_rows() {
    let env = setup_with(SandboxOptions {
        tokens_per_account: 30,
        anchor: OffsetDateTime::now_utc(),
        ..SandboxOptions::default()
    })
    .await;
    // Pages of 20: one page lists 20 of lagrello's 30 tokens, and says so.
    let config = std::fs::read_to_string(&env.config).unwrap();
    let capped = config.replacen(
        "provider = \"lagrello\"",
        "provider = \"lagrello\"\nmax_pages = 1",
        1,
    );
    assert_ne!(config, capped);
    std::fs::write(&env.config, capped).unwrap();

    let out = env.run(&["list", "--format", "json"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_stderr_has(&out, "listed in part: lagrello-1");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["account"], "lagrello-1");
    assert_eq!(errors[0]["provider"], "lagrello");
    assert_eq!(errors[0]["partial"], true);
    assert!(
        errors[0]["error"].as_str().unwrap().contains("max_pages"),
        "{}",
        errors[0]
    );
    let tokens = v["tokens"].as_array().unwrap();
    let lagrello: Vec<&Value> = tokens
        .iter()
        .filter(|t| t["account"] == "lagrello-1")
        .collect();
    assert_eq!(lagrello.len(), 20);
    for t in tokens {
        assert_eq!(t["partial"], t["account"] == "lagrello-1", "{t}");
    }

    let out = env.run(&["list", "--format", "csv"]);
    assert_eq!(code(&out), 3);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let partial_rows = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[15] == "true")
        .inspect(|r| assert_eq!(&r[0], "lagrello-1"))
        .count();
    assert_eq!(partial_rows, 20);
    assert_stderr_has(&out, "max_pages");

    let out = env.run(&["list"]);
    assert_eq!(code(&out), 3);
    assert_stderr_has(&out, "listed in part: lagrello-1");

    // The partial account alone: what it listed is printed, so it is partial, not a failure.
    let out = env.run(&["list", "--format", "json", "--account", "lagrello-1"]);
    assert_eq!(code(&out), 3);
}

/// `list` writes each token as it is formatted, without building the document first: a large
/// list still comes out whole and well-formed, every token once, in JSON, CSV and the table.
#[tokio::test(flavor = "multi_thread")]
async fn a_large_list_comes_out_whole_in_every_format() {
    let env = setup_with(SandboxOptions {
        accounts_per_provider: 1,
        tokens_per_account: 1250,
        ..SandboxOptions::default()
    })
    .await;
    // Lagrello's ids in full: masked, two of 1,250 could share their last six characters.
    let json = env.json(&["list", "--format", "json", "--show-secrets"]);
    let tokens = json["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 5000);
    assert_eq!(key_set(tokens).len(), 5000, "every token once");
    assert_eq!(json["errors"], serde_json::json!([]));

    let out = env.run(&["list", "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(reader.headers().unwrap().len(), FIELDS.len());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5000);

    let out = env.run(&["list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let table = stdout(&out);
    assert_eq!(
        table.lines().count(),
        1 + 5000,
        "a header and a line per token"
    );
    assert!(table.starts_with("ACCOUNT "), "{}", &table[..80]);
}

/// Output that cannot be written (a full disk) is not a list: the command says so and fails,
/// rather than leaving a cut-off document behind as if it were whole.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_cannot_be_written_fails_and_says_so() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full here");
        return;
    };
    let env = seeded(1).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tokdash"))
        .env("XDG_STATE_HOME", &env.state_home)
        .arg("--config")
        .arg(&env.config)
        .args(["list", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "could not write the list to standard output");
    assert_stderr_has(&out, "incomplete");
}
