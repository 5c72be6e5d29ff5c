//! Secrets stay where they belong: with tracing at its most verbose, a full round of changes
//! through the CLI for every account leaves no credential and no returned secret in the log, the
//! audit trail, the fingerprints or stderr, and stdout shows only the secret just made.

mod common;

use std::process::Output;

use common::cli::{Env, code, printed_secret, setup_with, stderr, stdout};
use tokdash::provider::{ProviderKind, Registry};
use tokdash::sandbox::{Sandbox, SandboxOptions};

/// Two accounts per provider, so fluid is covered both logging in and with a session cookie.
fn options() -> SandboxOptions {
    SandboxOptions {
        accounts_per_provider: 2,
        ..SandboxOptions::default()
    }
}

/// Every credential the sandbox handed out: session cookies, bearer and API tokens, API keys, and
/// fluid's login passwords.
fn credentials(sandbox: &Sandbox) -> Vec<String> {
    let mut out = Vec::new();
    for a in sandbox.accounts() {
        out.extend(a.secrets());
    }
    assert!(out.len() >= 8, "every account has a credential: {out:?}");
    out
}

/// One command's output, with the secret it was allowed to print.
struct Run {
    what: String,
    out: Output,
    allowed: Option<String>,
}

fn run(env: &Env, args: &[&str], allowed: Option<&str>) -> Run {
    let out = env.run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    Run {
        what: args.join(" "),
        out,
        allowed: allowed.map(str::to_owned),
    }
}

/// The id line of a table-format create.
fn printed_id(out: &Output) -> String {
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix("id "))
        .map(|id| id.trim().to_owned())
        .expect("an id line")
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_log_the_audit_trail_or_stderr() {
    let mut env = setup_with(options()).await;
    env.log_level = Some("trace");
    let mut secrets = credentials(&env.sandbox);
    let mut runs = Vec::new();

    let names: Vec<(String, ProviderKind)> = env
        .sandbox
        .accounts()
        .iter()
        .map(|a| (a.name.clone(), a.provider))
        .collect();
    for (account, kind) in &names {
        let account = account.as_str();
        let extra: &[&str] = match kind {
            ProviderKind::Lagrello => &["--permission", "READ"],
            ProviderKind::Sematext => &["--readable"],
            _ => &[],
        };
        let mut args = vec!["create", "--account", account, "--name", "leak-check"];
        args.extend_from_slice(extra);
        let created = env.run(&args);
        assert_eq!(code(&created), 0, "{account}: {}", stderr(&created));
        let secret = printed_secret(&created);
        let id = printed_id(&created);
        secrets.push(secret.clone());
        runs.push(Run {
            what: args.join(" "),
            out: created,
            allowed: Some(secret.clone()),
        });

        // lagrello's id is its secret: `list` prints it masked in every format, and `delete`
        // below takes that masked id (create printed it masked too).
        for format in ["table", "json", "csv"] {
            runs.push(run(
                &env,
                &["list", "--account", account, "--format", format],
                None,
            ));
        }

        if *kind == ProviderKind::Sematext {
            let regenerated = env.run(&["regenerate", "--account", account, "--id", &id, "--yes"]);
            assert_eq!(code(&regenerated), 0, "{}", stderr(&regenerated));
            let new_secret = printed_secret(&regenerated);
            secrets.push(new_secret.clone());
            runs.push(Run {
                what: format!("regenerate {account}"),
                out: regenerated,
                allowed: Some(new_secret),
            });
        }
        runs.push(run(
            &env,
            &["delete", "--account", account, "--id", &id, "--yes"],
            None,
        ));
    }

    let log = std::fs::read_to_string(env.state_file("tokdash.log")).unwrap();
    // The log is really written at trace level, so its silence about secrets means something.
    assert!(log.contains("change attempted"), "{log}");
    assert!(log.contains("TRACE"), "nothing at trace level was logged");
    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    let prints = std::fs::read_to_string(env.state_file("fingerprints.jsonl")).unwrap();

    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "log holds {secret}");
        assert!(!audit.contains(secret.as_str()), "audit holds {secret}");
        assert!(
            !prints.contains(secret.as_str()),
            "fingerprints hold {secret}"
        );
        for r in &runs {
            assert!(
                !stderr(&r.out).contains(secret.as_str()),
                "{}: stderr holds {secret}",
                r.what
            );
            if r.allowed.as_deref() != Some(secret.as_str()) {
                assert!(
                    !stdout(&r.out).contains(secret.as_str()),
                    "{}: stdout holds {secret}",
                    r.what
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_output_of_the_configuration_and_registry_shows_no_credential() {
    let sandbox = Sandbox::start(options()).await.unwrap();
    let config = sandbox.config();
    let registry = Registry::from_config(&config, false).unwrap();
    let mut shown = vec![format!("{config:?}"), format!("{registry:?}")];
    shown.extend(config.accounts.iter().map(|a| format!("{a:#?}")));
    shown.extend(registry.accounts.iter().map(|a| format!("{a:#?}")));
    // The registry really lists the accounts, so its Debug is not simply empty.
    assert!(shown[1].contains("sematext-1"), "{}", shown[1]);
    for secret in credentials(&sandbox) {
        for text in &shown {
            assert!(!text.contains(&secret), "{text}");
        }
    }
}
