//! What tokdash refuses with input it did not choose and on a machine it shares: ids that would
//! make a request name another path than one token (from the command line or a provider's own
//! list), and state files (audit trail, fingerprints, log) that are anything but private files of
//! its own. Against the in-process sandbox, with the real clients and the real binary.
//!
//! The credential command's limits (output cap, process group) are tested with real scripts in
//! `src/credential/command.rs`; the configuration's refusals in `tests/config.rs`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokdash::model::{ApiError, TokenId, TokenUpdate};
use tokdash::sandbox::SandboxOptions;

mod common {
    // Shared runners: the parts this crate leaves unused, others use.
    #[allow(dead_code)]
    pub mod cli;
    #[allow(dead_code)]
    pub mod sandbox;
}

use common::cli::{assert_stderr_has, code, printed_secret, setup, stderr};

/// Ids that, put in a request path, would name the collection or another path.
const NOT_IDS: [&str; 9] = ["", ".", "..", "../..", "a/b", "/", "%2e%2E", ".%2e", "a\\b"];

#[tokio::test(flavor = "multi_thread")]
async fn ids_that_name_another_path_are_refused_before_any_request() {
    let sandbox = common::sandbox::start(SandboxOptions::default()).await;
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        let client = common::sandbox::client(&sandbox, account);
        for raw in NOT_IDS {
            sandbox.clear_requests();
            let id = || TokenId::new(raw);
            let mut errors = vec![client.delete(id()).await.unwrap_err()];
            if account == "sematext-1" {
                let rename = TokenUpdate {
                    name: Some("x".into()),
                    ..TokenUpdate::default()
                };
                errors.push(client.update(id(), rename).await.unwrap_err());
                errors.push(client.regenerate(id()).await.unwrap_err());
            }
            // qovery and sematext name their own id format first (UUIDs, whole numbers).
            for err in errors {
                assert!(
                    matches!(&err, ApiError::NotFound(m) if m.contains("token id")),
                    "{account} {raw:?}: {err}"
                );
            }
            let sent: Vec<String> = sandbox.requests().into_iter().map(|r| r.uri).collect();
            assert!(sent.is_empty(), "{account} {raw:?}: sent {sent:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listed_id_that_names_another_path_is_never_sent() {
    let sandbox = common::sandbox::start(SandboxOptions::default()).await;
    {
        let mut lagrello = sandbox.state().lagrello.lock().unwrap();
        assert!(lagrello.set_token_key("lagrello-1", 0, ".."));
        assert!(lagrello.set_token_key("lagrello-1", 1, "a/b"));
    }
    let client = common::sandbox::client(&sandbox, "lagrello-1");
    let tokens = client.list().await.unwrap().tokens;
    for bad in ["..", "a/b"] {
        let token = tokens
            .iter()
            .find(|t| t.id.as_str() == bad)
            .unwrap_or_else(|| panic!("the list carries {bad:?}"));
        sandbox.clear_requests();
        let err = client.delete(token.id.clone()).await.unwrap_err();
        assert!(err.to_string().contains("is not a token id"), "{err}");
        assert!(sandbox.requests().is_empty(), "{bad:?} was sent");
    }
    assert_eq!(client.list().await.unwrap().tokens.len(), tokens.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_refuses_such_an_id_and_sends_nothing() {
    let env = setup().await;
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        for id in ["..", ".", "", "x/.."] {
            env.sandbox.clear_requests();
            let out = env.run(&["delete", "--account", account, "--id", id, "--yes"]);
            assert_eq!(code(&out), 1, "{account} {id:?}: {}", stderr(&out));
            // qovery and sematext name their own id format (UUIDs, whole numbers) first.
            let said = if account.starts_with("qovery") || account.starts_with("sematext") {
                "is not a"
            } else {
                "is not a token id: in a request it would name another path"
            };
            assert_stderr_has(&out, said);
            let sent: Vec<String> = env.sandbox.requests().into_iter().map(|r| r.uri).collect();
            assert!(sent.is_empty(), "{account} {id:?}: sent {sent:?}");
        }
    }
    env.sandbox.clear_requests();
    let out = env.run_with_stdin(
        &[
            "delete",
            "--account",
            "lagrello-1",
            "--id-from-stdin",
            "--yes",
        ],
        "..\n",
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "`..` is not a token id");
    assert_stderr_has(&out, "nothing was sent");
    assert!(env.sandbox.requests().is_empty());
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_directory_and_its_files_are_private() {
    let mut env = setup().await;
    env.log_level = Some("debug");
    let out = env.run(&["create", "--account", "sematext-1", "--name", "private"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&env.state_home.join("tokdash")), 0o700);
    for file in ["audit.jsonl", "fingerprints.jsonl", "tokdash.log"] {
        let path = env.state_file(file);
        assert!(
            std::fs::metadata(&path).unwrap().len() > 0,
            "{file} is written"
        );
        assert_eq!(mode(&path), 0o600, "{file}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_planted_in_the_state_directory_is_not_written_through() {
    let mut env = setup().await;
    env.log_level = Some("debug");
    let dir = env.state_home.join("tokdash");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = env.config.with_file_name("victim");
    std::fs::write(&victim, "").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    for file in ["audit.jsonl", "fingerprints.jsonl", "tokdash.log"] {
        std::os::unix::fs::symlink(&victim, dir.join(file)).unwrap();
    }
    let out = env.run(&["create", "--account", "sematext-1", "--name", "linked"]);
    // The change still happens; the records it could not write are warned about.
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!printed_secret(&out).is_empty());
    assert_stderr_has(&out, "could not write the audit log");
    assert_stderr_has(&out, "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "");
    assert_eq!(mode(&victim), 0o644);
}
