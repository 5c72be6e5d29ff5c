//! `--deliver`: after create, regenerate and rotate, on every provider, the secret reaches the
//! sink on its standard input and nowhere else (not its arguments, its environment, stdout, the
//! audit trail or the log), and a failing sink never loses the secret nor lets a rotate delete
//! the old token.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::cli::*;
use sha2::{Digest, Sha256};

/// A sink script: its standard input appended to `secrets.log` (one line per delivery), its
/// arguments and environment to `argv.log`.
fn recording_sink(dir: &Path) -> PathBuf {
    let script = dir.join("record-sink.sh");
    let body = format!(
        "#!/bin/sh\ncat >> '{d}/secrets.log'\necho >> '{d}/secrets.log'\n\
         echo \"$@\" >> '{d}/argv.log'\nenv >> '{d}/argv.log'\n",
        d = dir.display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    script
}

fn failing_sink(dir: &Path, name: &str, body: &str) -> PathBuf {
    let script = dir.join(name);
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    script
}

/// Add `[[sinks]]` to the environment's config.
fn add_sinks(env: &Env, sinks: &str) {
    let mut text = std::fs::read_to_string(&env.config).unwrap();
    text.push_str(sinks);
    std::fs::write(&env.config, text).unwrap();
}

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[tokio::test(flavor = "multi_thread")]
async fn create_regenerate_and_rotate_deliver_the_secret_on_stdin_only() {
    let mut env = setup().await;
    env.log_level = Some("trace");
    let sink = recording_sink(env.dir());
    add_sinks(
        &env,
        &format!(
            "\n[[sinks]]\nname = \"ci\"\ncommand = [\"{}\", \"{{account}}\", \"{{provider}}\", \"{{name}}\", \"{{id}}\"]\n",
            sink.display()
        ),
    );
    let mut outputs = Vec::new();
    for account in ["fluid-1", "lagrello-1", "qovery-1", "sematext-1"] {
        let out = env.run(&[
            "create",
            "--account",
            account,
            "--name",
            "delivered",
            "--deliver",
            "ci",
        ]);
        assert_eq!(code(&out), 0, "{account}: {}", stderr(&out));
        assert_stderr_has(&out, "delivered to ci: ran `");
        assert!(
            !stdout(&out).lines().any(|l| l.starts_with("secret")),
            "{}",
            stdout(&out)
        );
        outputs.push(out);
    }
    let sematext = env.tokens("sematext-1")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = env.run(&[
        "regenerate",
        "--account",
        "sematext-1",
        "--id",
        &sematext,
        "--yes",
        "--deliver",
        "ci",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    outputs.push(out);
    // Rotate: a twin (qovery's under a new name), or a regenerate on sematext; the old token
    // is deleted once the sink has the new secret.
    for (account, name) in [
        ("fluid-1", None),
        ("lagrello-1", None),
        ("qovery-1", Some("delivered-2")),
        ("sematext-1", None),
    ] {
        let old = env.tokens(account)[0].clone();
        let old_id = old["id"].as_str().unwrap().to_owned();
        let mut args = vec![
            "rotate",
            "--account",
            account,
            "--id",
            &old_id,
            "--deliver",
            "ci",
            "--delete-old",
            "--yes",
        ];
        if let Some(name) = name {
            args.extend(["--name", name]);
        }
        let out = env.run(&args);
        assert_eq!(code(&out), 0, "{account}: {}", stderr(&out));
        if account != "sematext-1" {
            assert!(
                env.token(account, &old_id).is_none(),
                "{account}: the old token is deleted"
            );
        }
        outputs.push(out);
    }

    let delivered: Vec<String> = std::fs::read_to_string(env.dir().join("secrets.log"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(delivered.len(), 9, "{delivered:?}");
    // Each delivered secret is one tokdash created: its fingerprint is on record.
    let fingerprints: Vec<String> = env
        .records("fingerprints.jsonl")
        .iter()
        .map(|r| r["sha256"].as_str().unwrap().to_owned())
        .collect();
    let argv = std::fs::read_to_string(env.dir().join("argv.log")).unwrap();
    assert!(argv.contains("fluid-1 fluid delivered"), "{argv}");
    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    let log = std::fs::read_to_string(env.state_file("tokdash.log")).unwrap_or_default();
    for secret in &delivered {
        assert!(secret.len() >= 8, "{secret:?}");
        assert!(fingerprints.contains(&sha256(secret)), "{secret}");
        assert!(
            !argv.contains(secret.as_str()),
            "the arguments or environment hold a secret"
        );
        assert!(
            !audit.contains(secret.as_str()),
            "the audit trail holds a secret"
        );
        assert!(!log.contains(secret.as_str()), "the log holds a secret");
        for out in &outputs {
            assert!(
                !stdout(out).contains(secret.as_str()),
                "a secret was printed"
            );
            assert!(
                !stderr(out).contains(secret.as_str()),
                "a secret was printed"
            );
        }
    }
    let deliveries: Vec<_> = env
        .records("audit.jsonl")
        .into_iter()
        .filter(|r| r["kind"] == "delivery")
        .collect();
    assert_eq!(deliveries.len(), 9);
    assert!(
        deliveries
            .iter()
            .all(|r| r["sink"] == "ci" && r["outcome"] == "ok")
    );
    // lagrello's id is its secret: the sink's `{id}` and the record hold it masked.
    let lagrello = deliveries
        .iter()
        .find(|r| r["account"] == "lagrello-1")
        .unwrap();
    assert!(lagrello["token_id"].as_str().unwrap().starts_with("••••"));
}

#[tokio::test(flavor = "multi_thread")]
async fn print_secret_prints_it_as_well() {
    let env = setup().await;
    let sink = recording_sink(env.dir());
    add_sinks(
        &env,
        &format!(
            "\n[[sinks]]\nname = \"ci\"\ncommand = [\"{}\"]\n",
            sink.display()
        ),
    );
    let out = env.run(&[
        "create",
        "--account",
        "fluid-1",
        "--name",
        "both",
        "--deliver",
        "ci",
        "--print-secret",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let delivered = std::fs::read_to_string(env.dir().join("secrets.log")).unwrap();
    assert_eq!(delivered.trim(), printed_secret(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_sink_prints_the_secret_exits_1_and_keeps_the_old_token() {
    let env = setup().await;
    let fail = failing_sink(
        env.dir(),
        "fail.sh",
        "cat >/dev/null; echo 'vault: permission denied' >&2; exit 1",
    );
    let slow = failing_sink(env.dir(), "slow.sh", "sleep 300");
    let chatty = failing_sink(env.dir(), "chatty.sh", "exec yes tokdash");
    let ok = recording_sink(env.dir());
    add_sinks(
        &env,
        &format!(
            "\n[[sinks]]\nname = \"vault\"\ncommand = [\"{}\"]\n\
             [[sinks]]\nname = \"slow\"\ncommand = [\"{}\"]\ntimeout_secs = 1\n\
             [[sinks]]\nname = \"chatty\"\ncommand = [\"{}\"]\n\
             [[sinks]]\nname = \"ok\"\ncommand = [\"{}\"]\n",
            fail.display(),
            slow.display(),
            chatty.display(),
            ok.display()
        ),
    );
    for (sink, says) in [
        ("vault", "vault: permission denied"),
        ("slow", "did not finish within 1s"),
        ("chatty", "printed more than 64 KiB"),
    ] {
        let out = env.run(&[
            "create",
            "--account",
            "fluid-1",
            "--name",
            sink,
            "--deliver",
            "ok",
            "--deliver",
            sink,
        ]);
        assert_eq!(code(&out), 1, "{sink}: {}", stderr(&out));
        assert_stderr_has(&out, &format!("delivery to {sink} failed"));
        assert_stderr_has(&out, says);
        assert_stderr_has(
            &out,
            &format!("delivery failed to {sink}; the secret was printed"),
        );
        // The secret is not lost: it is printed, and the sink that worked has it too.
        let secret = printed_secret(&out);
        let delivered = std::fs::read_to_string(env.dir().join("secrets.log")).unwrap();
        assert_eq!(delivered.lines().last(), Some(secret.as_str()));
    }
    let failed: Vec<_> = env
        .records("audit.jsonl")
        .into_iter()
        .filter(|r| r["kind"] == "delivery" && r["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 3);
    // What the sink printed is for the user, not the record.
    assert!(
        !failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("permission denied")
    );

    // An organization API token: the sandbox seeds policy tokens too, and one without a role
    // has no role to give its twin.
    let old = env
        .tokens("qovery-1")
        .into_iter()
        .find(|t| t["kind"].is_null())
        .expect("an organization API token");
    let old_id = old["id"].as_str().unwrap().to_owned();
    let out = env.run(&[
        "rotate",
        "--account",
        "qovery-1",
        "--id",
        &old_id,
        "--name",
        "twin",
        "--deliver",
        "vault",
        "--delete-old",
        "--yes",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "was kept: it still works");
    assert!(!printed_secret(&out).is_empty());
    assert!(
        env.token("qovery-1", &old_id).is_some(),
        "the old token was deleted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_sink_is_refused_before_anything_is_sent() {
    let env = setup().await;
    let before = env.tokens("fluid-1").len();
    let out = env.run(&[
        "create",
        "--account",
        "fluid-1",
        "--name",
        "x",
        "--deliver",
        "nowhere",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "no sink named `nowhere`");
    assert_eq!(env.tokens("fluid-1").len(), before);
    let id = env.tokens("fluid-1")[0]["id"].as_str().unwrap().to_owned();
    let out = env.run(&["rotate", "--account", "fluid-1", "--id", &id]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "rotate needs --deliver SINK");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_sink_writes_a_private_file_and_refuses_a_link() {
    let env = setup().await;
    let dir = env.dir().join("tokens");
    std::fs::create_dir(&dir).unwrap();
    add_sinks(
        &env,
        &format!(
            "\n[[sinks]]\nname = \"file\"\nfile = \"{}/{{account}}-{{name}}.token\"\n",
            dir.display()
        ),
    );
    let out = env.run(&[
        "create",
        "--account",
        "fluid-1",
        "--name",
        "f",
        "--deliver",
        "file",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let file = dir.join("fluid-1-f.token");
    let secret = std::fs::read_to_string(&file).unwrap();
    assert!(
        env.records("fingerprints.jsonl")
            .iter()
            .any(|r| r["sha256"] == sha256(&secret))
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let target = env.dir().join("elsewhere");
    std::fs::write(&target, "keep").unwrap();
    std::os::unix::fs::symlink(&target, dir.join("fluid-1-g.token")).unwrap();
    let out = env.run(&[
        "create",
        "--account",
        "fluid-1",
        "--name",
        "g",
        "--deliver",
        "file",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_stderr_has(&out, "symbolic link");
    assert!(!printed_secret(&out).is_empty());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
}
