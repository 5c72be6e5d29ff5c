//! Running the real binary against an in-process sandbox, with the state directory (log, audit
//! trail, fingerprints) in a temporary directory so tests never touch the user's own.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tokdash::sandbox::{Sandbox, SandboxOptions};

pub struct Env {
    pub sandbox: Sandbox,
    pub config: PathBuf,
    /// `$XDG_STATE_HOME` for every run; tokdash writes under `tokdash/` in it.
    pub state_home: PathBuf,
    /// `$TOKDASH_LOG` for every run, if any.
    pub log_level: Option<&'static str>,
    /// More environment variables for every run (credentials read from the environment).
    pub vars: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

pub fn write_private(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

pub async fn setup() -> Env {
    setup_with(SandboxOptions::default()).await
}

pub async fn setup_with(opts: SandboxOptions) -> Env {
    let sandbox = Sandbox::start(opts).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_private(&config, &sandbox.config_toml());
    Env {
        sandbox,
        config,
        state_home: dir.path().join("state"),
        log_level: None,
        vars: Vec::new(),
        _dir: dir,
    }
}

impl Env {
    /// Run `tokdash --config FILE ARGS…` with stdin that is not a terminal.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    /// Run `tokdash --config FILE ARGS…` with `stdin` piped in.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut cmd = Command::cargo_bin("tokdash").unwrap();
        cmd.env("XDG_STATE_HOME", &self.state_home);
        match self.log_level {
            Some(level) => cmd.env("TOKDASH_LOG", level),
            None => cmd.env_remove("TOKDASH_LOG"),
        };
        cmd.envs(self.vars.iter().map(|(k, v)| (k, v)));
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Every token of one account, from `list --format json`.
    pub fn tokens(&self, account: &str) -> Vec<Value> {
        let v = self.json(&["list", "--account", account, "--format", "json"]);
        v["tokens"].as_array().unwrap().clone()
    }

    pub fn token(&self, account: &str, id: &str) -> Option<Value> {
        self.tokens(account).into_iter().find(|t| t["id"] == id)
    }

    /// The keys (ids, which are the secrets) of a lagrello account's tokens, from the sandbox
    /// itself rather than from tokdash.
    pub fn lagrello_keys(&self, account: &str) -> Vec<String> {
        let keys = self
            .sandbox
            .state()
            .lagrello
            .lock()
            .unwrap()
            .token_keys(account);
        assert!(!keys.is_empty(), "{account} has tokens");
        keys
    }

    /// A private scratch directory beside the config, for files the test needs.
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }

    /// A file in tokdash's state directory.
    pub fn state_file(&self, name: &str) -> PathBuf {
        self.state_home.join("tokdash").join(name)
    }

    /// The records of a JSON-lines file in the state directory (none if it does not exist).
    pub fn records(&self, name: &str) -> Vec<Value> {
        let text = std::fs::read_to_string(self.state_file(name)).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// The command's stderr says `needle`; the whole of it is shown when it does not.
pub fn assert_stderr_has(out: &Output, needle: &str) {
    let err = stderr(out);
    assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The value of the `secret` line a table-format create or regenerate prints.
pub fn printed_secret(out: &Output) -> String {
    let text = stdout(out);
    let line = text
        .lines()
        .find(|l| l.starts_with("secret"))
        .unwrap_or_else(|| panic!("no secret line in {text}"));
    line.trim_start_matches("secret").trim().to_owned()
}
