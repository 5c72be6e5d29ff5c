//! `tokdash roles`, `create --role NAME`, qovery's policy tokens with `--opa-policy` and
//! `--expires-at`, and `list --expiring`: the real binary against an in-process sandbox.

use serde_json::Value;

mod common;

use common::cli::{Env, assert_stderr_has, code, setup, stderr, stdout};

const QOVERY: &str = "qovery-1";

/// The create requests the sandbox saw for qovery, as (path, body).
fn posts(env: &Env) -> Vec<(String, Value)> {
    env.sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.uri.starts_with("/organization/"))
        .map(|r| (r.uri.clone(), r.json().unwrap_or(Value::Null)))
        .collect()
}

/// The roles as `roles --format json` gives them: (id, name).
fn roles(env: &Env) -> Vec<(String, String)> {
    let v = env.json(&["roles", "--account", QOVERY, "--format", "json"]);
    assert_eq!(v["account"], QOVERY);
    v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_are_listed_as_a_table_and_as_json() {
    let env = setup().await;
    let roles = roles(&env);
    let names: Vec<&str> = roles.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Admin", "Viewer", "DevOps", "Billing Manager", "Deployer"]
    );
    let out = env.run(&["roles", "--account", QOVERY]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines
            .next()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec!["ID", "NAME"])
    );
    for (id, name) in &roles {
        assert!(
            text.lines()
                .any(|l| l.starts_with(id.as_str()) && l.ends_with(name.as_str())),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_without_roles_says_so() {
    let env = setup().await;
    let out = env.run(&["roles", "--account", "fluid-1"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "fluid tokens have no roles");
    let out = env.run(&[
        "create",
        "--account",
        "sematext-1",
        "--name",
        "x",
        "--role",
        "Admin",
    ]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "sematext tokens take no role");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_a_role_name_sends_that_roles_id() {
    let env = setup().await;
    let devops = roles(&env)
        .into_iter()
        .find(|(_, n)| n == "DevOps")
        .unwrap()
        .0;
    env.sandbox.clear_requests();
    let out = env.run(&[
        "create",
        "--account",
        QOVERY,
        "--name",
        "deployer",
        "--role",
        "devops",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let posts = posts(&env);
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(posts[0].0.ends_with("/apiToken"), "{posts:?}");
    assert_eq!(posts[0].1["role_id"], devops.as_str());
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["token"]["scopes"], serde_json::json!(["DevOps"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_role_lists_the_names_and_sends_nothing() {
    let env = setup().await;
    env.sandbox.clear_requests();
    let out = env.run(&[
        "create",
        "--account",
        QOVERY,
        "--name",
        "x",
        "--role",
        "Deployr",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "no role named `Deployr`");
    assert_stderr_has(&out, "Admin, Viewer, DevOps, Billing Manager, Deployer");
    assert!(posts(&env).is_empty(), "nothing was created");
    let out = env.run(&[
        "create",
        "--account",
        QOVERY,
        "--name",
        "x",
        "--role",
        "Admin",
        "--role-id",
        "y",
    ]);
    assert_eq!(code(&out), 2, "--role and --role-id exclude each other");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_token_is_created_with_an_expiry_listed_as_expiring_and_deleted() {
    let env = setup().await;
    env.sandbox.clear_requests();
    let out = env.run(&[
        "create",
        "--account",
        QOVERY,
        "--name",
        "weekly-agent",
        "--opa-policy",
        "allow := true",
        "--expires-at",
        "7d",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["token"]["kind"], "policy");
    let expires = created["token"]["expires_at"].as_str().unwrap().to_owned();
    let posts = posts(&env);
    assert!(posts[0].0.ends_with("/policyApiToken"), "{posts:?}");
    assert_eq!(posts[0].1["expires_at"], expires.as_str());
    assert_eq!(posts[0].1["opa_policy"], "allow := true");
    let id = created["token"]["id"].as_str().unwrap().to_owned();

    // Within the default 14 days, with the seeded expired and soon-expiring ones; no other.
    let expiring = env.json(&[
        "list",
        "--account",
        QOVERY,
        "--expiring",
        "--format",
        "json",
    ]);
    let expiring = expiring["tokens"].as_array().unwrap();
    assert!(
        expiring.iter().any(|t| t["id"] == id.as_str()),
        "{expiring:?}"
    );
    assert!(
        expiring.iter().any(|t| t["name"] == "migration-agent"),
        "the expired one"
    );
    assert!(
        expiring.iter().any(|t| t["name"] == "deploy-agent"),
        "the soon one"
    );
    assert!(
        expiring
            .iter()
            .all(|t| t["kind"] == "policy" && t["expires_at"].is_string()),
        "{expiring:?}"
    );
    let table = stdout(&env.run(&["list", "--account", QOVERY, "--expiring"]));
    assert!(
        table
            .lines()
            .any(|l| l.contains("migration-agent") && l.contains("EXPIRED")),
        "{table}"
    );
    assert!(
        table.lines().skip(1).all(|l| l.contains("qovery/policy")),
        "{table}"
    );

    let out = env.run(&["delete", "--account", QOVERY, "--id", &id, "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(env.token(QOVERY, &id).is_none(), "deleted");
    assert!(
        env.sandbox
            .requests()
            .iter()
            .any(|r| r.method == "DELETE" && r.uri.ends_with(&format!("/policyApiToken/{id}"))),
        "deleted at the policy path"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_or_past_expiry_is_a_usage_error() {
    let env = setup().await;
    for (when, says) in [("soon", "30d"), ("2020-01-01", "not in the future")] {
        let out = env.run(&[
            "create",
            "--account",
            QOVERY,
            "--name",
            "x",
            "--opa-policy",
            "allow := true",
            "--expires-at",
            when,
        ]);
        assert_eq!(code(&out), 2, "{when}: {}", stderr(&out));
        assert_stderr_has(&out, says);
    }
    let out = env.run(&[
        "create",
        "--account",
        QOVERY,
        "--name",
        "x",
        "--expires-at",
        "30d",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "do not expire");
    assert!(posts(&env).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_keeps_its_columns_and_adds_kind_and_expires_at_at_the_end() {
    let env = setup().await;
    let out = env.run(&["list", "--account", QOVERY, "--format", "csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "account,provider,app,id,name,enabled,created_at,age_days,stale,privilege,scopes,role,\
         created_by,updated_at,description,partial,kind,expires_at"
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[16] == "policy" && !r[17].is_empty()));
    assert!(rows.iter().any(|r| r[16].is_empty() && r[17].is_empty()));
}
