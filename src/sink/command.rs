//! A command sink: the program runs without a shell, in its own process group, with a time
//! limit and capped output (the runner credential commands use, `credential::run`), and gets
//! the secret on its standard input, which is then closed. Its arguments hold only what the
//! placeholders name. What it printed (standard output and error together) is kept for a
//! failure's message: sanitised, cut to its last lines, and with the secret cut out, should the
//! program have echoed it.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::Failure;
use super::placeholder::{Subject, Template, Use};
use crate::credential::ProgramProblem;
use crate::credential::run::{Program, RunError, run};
use crate::text::sanitize;

/// The most a sink's command may print before it is stopped.
pub const MAX_OUTPUT: usize = 64 * 1024;
/// How many of its last lines a failure shows, and how long each may be.
const SHOWN_LINES: usize = 12;
const SHOWN_LINE_CHARS: usize = 200;

pub async fn deliver(
    argv: &[Template],
    subject: &Subject,
    secret: &SecretString,
    timeout: Duration,
) -> Result<String, Failure> {
    let argv: Vec<String> = argv
        .iter()
        .map(|t| t.fill(subject, Use::Argument))
        .collect::<Result<_, _>>()
        .map_err(Failure::new)?;
    let program = sanitize(argv.first().map_or("", String::as_str));
    let ran = run(Program {
        argv: &argv,
        input: Some(secret.expose_secret().as_bytes()),
        with_stderr: true,
        timeout,
        max_output: MAX_OUTPUT,
    })
    .await
    .map_err(|e| {
        Failure::new(match e {
            RunError::Empty => "the sink's command is empty".to_owned(),
            RunError::Program(ProgramProblem::NotFound(why)) => {
                format!("could not run `{program}`: {}", sanitize(&why))
            }
            RunError::Program(ProgramProblem::Unsafe(why)) => {
                format!("refusing to run `{program}`: {}", sanitize(&why))
            }
            RunError::Spawn(e) => format!("could not run `{program}`: {e}"),
            RunError::TimedOut => format!(
                "`{program}` did not finish within {}s; it was stopped, with what it started",
                timeout.as_secs()
            ),
            RunError::TooMuchOutput => format!(
                "`{program}` printed more than {} KiB, so it was stopped",
                MAX_OUTPUT / 1024
            ),
            RunError::Io(e) => format!("`{program}` failed: {e}"),
        })
    })?;
    if ran.status.success() {
        return Ok(format!("ran `{program}`"));
    }
    Err(Failure {
        reason: ran.failure(&program),
        output: shown(&ran.output, secret),
    })
}

/// What a failed command printed, as it may be shown: its last lines, each sanitised and cut
/// short, with the secret cut out. `None` when it printed nothing.
fn shown(output: &[u8], secret: &SecretString) -> Option<String> {
    let mut text = String::from_utf8_lossy(output).into_owned();
    let secret = secret.expose_secret();
    if !secret.is_empty() {
        text = text.replace(secret, "[the secret]");
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    let skipped = lines.len().saturating_sub(SHOWN_LINES);
    let mut out: Vec<String> = Vec::new();
    if skipped > 0 {
        out.push(format!("  … {skipped} earlier lines"));
    }
    for line in &lines[skipped..] {
        let mut line = sanitize(line);
        if line.chars().count() > SHOWN_LINE_CHARS {
            line = line.chars().take(SHOWN_LINE_CHARS).collect::<String>() + "…";
        }
        out.push(format!("  {line}"));
    }
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn script(dir: &Path, body: &str) -> Vec<Template> {
        let path = dir.join("sink.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
        vec![
            Template::parse(path.to_str().unwrap()).unwrap(),
            Template::parse("{account}/{name}").unwrap(),
        ]
    }

    fn subject() -> Subject {
        Subject {
            account: "prod".into(),
            provider: "fluid".into(),
            name: "ci".into(),
            id: "42".into(),
        }
    }

    fn secret() -> SecretString {
        SecretString::from("s3cret-value-xyz".to_owned())
    }

    #[tokio::test]
    async fn the_secret_arrives_on_stdin_and_the_arguments_hold_the_placeholders() {
        let dir = tempfile::tempdir().unwrap();
        let got = dir.path().join("got");
        let args = dir.path().join("args");
        let argv = script(
            dir.path(),
            &format!(
                "cat > '{}'\necho \"$@\" > '{}'",
                got.display(),
                args.display()
            ),
        );
        let done = deliver(&argv, &subject(), &secret(), Duration::from_secs(10))
            .await
            .unwrap();
        assert!(done.starts_with("ran `"), "{done}");
        assert_eq!(std::fs::read_to_string(&got).unwrap(), "s3cret-value-xyz");
        assert_eq!(std::fs::read_to_string(&args).unwrap(), "prod/ci\n");
    }

    #[tokio::test]
    async fn a_failure_shows_what_was_printed_without_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let argv = script(
            dir.path(),
            "read s; echo \"got $s\"; echo 'permission denied' >&2; exit 1",
        );
        let err = deliver(&argv, &subject(), &secret(), Duration::from_secs(10))
            .await
            .unwrap_err();
        assert!(err.reason.contains("exited with status 1"), "{err:?}");
        let output = err.output.clone().unwrap();
        assert!(output.contains("permission denied"), "{output}");
        assert!(output.contains("got [the secret]"), "{output}");
        assert!(!err.message().contains("s3cret"), "{err:?}");
    }

    #[tokio::test]
    async fn a_slow_or_chatty_command_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let argv = script(dir.path(), "sleep 300");
        let err = deliver(&argv, &subject(), &secret(), Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(err.reason.contains("did not finish within 1s"), "{err:?}");
        let argv = script(dir.path(), "exec yes tokdash");
        let err = deliver(&argv, &subject(), &secret(), Duration::from_secs(10))
            .await
            .unwrap_err();
        assert!(err.reason.contains("printed more than 64 KiB"), "{err:?}");
    }
}
