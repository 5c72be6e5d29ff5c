//! Delivering a new secret straight to where it is used (a CI secret store, a password manager,
//! Vault, a file on disk), so that it never has to pass through the clipboard.
//!
//! A sink is configured once, by name (`[[sinks]]`): a command that gets the secret on its
//! standard input (`command.rs`), or a file written privately and atomically (`file.rs`). Its
//! arguments or path may name what the secret is for with placeholders (`placeholder.rs`). The
//! secret goes only to the command's standard input or into the file: never into arguments, the
//! environment, a log, an error or an audit record. What a failing command printed is shown to
//! the user, sanitised, cut short and with the secret cut out, and never recorded.
//!
//! This module runs one delivery and says how it went; who asks (the worker for the dashboard,
//! the CLI) keeps the audit record of it.

pub mod command;
pub mod file;
pub mod placeholder;

use std::time::Duration;

use secrecy::SecretString;

pub use placeholder::{Subject, Template};

/// How long a sink's command may run unless its `timeout_secs` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One `[[sinks]]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sink {
    pub name: String,
    pub target: Target,
    /// How long its command may run.
    pub timeout: Duration,
}

/// Where a sink puts the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A program and its arguments, run without a shell; the secret on its standard input.
    Command(Vec<Template>),
    /// A file, written 0600 via a temporary file beside it and a rename, never through a link.
    File(Template),
}

/// Why a delivery failed: `reason` is what may be logged and audited; `output` is what the
/// command printed (sanitised, cut to its last lines, the secret cut out), for the user only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub output: Option<String>,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Self {
        Failure {
            reason: reason.into(),
            output: None,
        }
    }

    /// The reason, with what the command printed, for the user.
    pub fn message(&self) -> String {
        match &self.output {
            Some(output) => format!("{}; it printed:\n{output}", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// Deliver `secret` to `sink` for `subject`: `Ok` says what was done ("ran `gh`", "wrote
/// /path").
pub async fn deliver(
    sink: &Sink,
    subject: &Subject,
    secret: &SecretString,
) -> Result<String, Failure> {
    match &sink.target {
        Target::Command(argv) => command::deliver(argv, subject, secret, sink.timeout).await,
        Target::File(path) => file::deliver(path, subject, secret),
    }
}

/// The sink named `name` among `sinks`.
pub fn find<'a>(sinks: &'a [Sink], name: &str) -> Option<&'a Sink> {
    sinks.iter().find(|s| s.name == name)
}
