//! Running a `{ command = ["prog", "arg"] }` credential.
//!
//! - The program is refused when it is given by a relative path (what runs would depend on the
//!   directory tokdash starts in) or when group or others could change it: the file itself, or a
//!   directory on the way to it that they can write and that is not sticky. A bare name is looked
//!   up in the absolute entries of `$PATH` only (an empty or `.` entry would mean the current
//!   directory), and what is found is vetted the same way. See [`find_program`].
//! - It runs without a shell, with no stdin and stderr discarded, in a process group of its own
//!   (`run.rs`, shared with delivery sinks).
//! - Its output is capped at [`MAX_OUTPUT`]: a credential is a line, not a stream.
//! - When it exits, runs past [`COMMAND_TIMEOUT`] or prints too much, its whole process group is
//!   ended (SIGKILL): a background child left holding its output neither stalls tokdash nor keeps
//!   running.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;

use super::run::{Program, RunError};
use crate::model::ApiError;

/// How long a `command` credential may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);
/// The most a `command` credential may print: far more than any secret.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// Why a program is not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramProblem {
    /// No such program (yet): reported when the credential is needed, not when the file loads.
    NotFound(String),
    /// A relative path, or one that group or others could change: refused outright.
    Unsafe(String),
}

/// The program to run for `program` (a `command`'s first item), with `$PATH` as given: an
/// absolute path as it is, a bare name searched in the absolute entries of `path_var`. Refused
/// when relative or when group or others could change what runs.
pub fn find_program(program: &str, path_var: Option<&OsStr>) -> Result<PathBuf, ProgramProblem> {
    let found = if program.contains('/') {
        let path = Path::new(program);
        if !path.is_absolute() {
            let example = std::env::current_dir()
                .map(|d| d.join(path).display().to_string())
                .unwrap_or_else(|_| format!("/full/path/to/{program}"));
            return Err(ProgramProblem::Unsafe(format!(
                "`{program}` is a relative path, so what runs would depend on the directory \
                 tokdash starts in; give the full path, such as `{example}`"
            )));
        }
        path.to_owned()
    } else {
        search_path(program, path_var).ok_or_else(|| {
            ProgramProblem::NotFound(format!(
                "`{program}` is not in any absolute directory of $PATH; give its full path"
            ))
        })?
    };
    if !found.exists() {
        return Err(ProgramProblem::NotFound(format!(
            "`{}` does not exist",
            found.display()
        )));
    }
    match changeable_by_others(&found) {
        Some(why) => Err(ProgramProblem::Unsafe(why)),
        None => Ok(found),
    }
}

/// The first executable file named `program` in an absolute directory of `path_var`.
fn search_path(program: &str, path_var: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path_var?)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Why group or others could change what `file` runs, if they could: the file (a link's target)
/// is writable by them, or a directory on the way to it, or to a link's target, is writable by
/// them and not sticky (so they could rename the file away and put their own in its place).
pub fn changeable_by_others(file: &Path) -> Option<String> {
    let mode = std::fs::metadata(file).ok()?.permissions().mode();
    if mode & 0o022 != 0 {
        return Some(format!(
            "`{}` can be written by group or others (mode {:03o}), so they could change what runs \
             with your credentials; run `chmod go-w {}`",
            file.display(),
            mode & 0o7777,
            file.display()
        ));
    }
    let real = std::fs::canonicalize(file).ok();
    let dirs = file
        .ancestors()
        .skip(1)
        .chain(real.iter().flat_map(|r| r.ancestors().skip(1)));
    for dir in dirs {
        let Ok(meta) = std::fs::metadata(dir) else {
            continue;
        };
        let mode = meta.permissions().mode();
        if mode & 0o022 != 0 && mode & 0o1000 == 0 {
            return Some(format!(
                "the directory `{}` on the way to `{}` can be written by group or others (mode \
                 {:03o}), so they could put another program in its place; run `chmod go-w {}`, or \
                 keep the program elsewhere",
                dir.display(),
                file.display(),
                mode & 0o7777,
                dir.display()
            ));
        }
    }
    None
}

/// Run the command and take its standard output, trimmed. Error messages name the program and
/// what went wrong, never what it printed.
pub(super) async fn run(argv: &[String]) -> Result<SecretString, ApiError> {
    run_within(argv, COMMAND_TIMEOUT).await
}

async fn run_within(argv: &[String], timeout: Duration) -> Result<SecretString, ApiError> {
    let program = argv.first().map_or("", String::as_str);
    let ran = super::run::run(Program {
        argv,
        input: None,
        with_stderr: false,
        timeout,
        max_output: MAX_OUTPUT,
    })
    .await
    .map_err(|e| {
        ApiError::Credential(match e {
            RunError::Empty => "the credential command is empty".into(),
            RunError::Program(ProgramProblem::NotFound(why)) => {
                format!("could not run `{program}`: {why}")
            }
            RunError::Program(ProgramProblem::Unsafe(why)) => {
                format!("refusing to run `{program}`: {why}")
            }
            RunError::Spawn(e) => format!("could not run `{program}`: {e}"),
            RunError::TimedOut => format!(
                "`{program}` did not finish within {}s; it was stopped, with what it started",
                timeout.as_secs()
            ),
            RunError::TooMuchOutput => format!(
                "`{program}` printed more than {} KiB, so it was stopped; a credential \
                 command must print only the secret",
                MAX_OUTPUT / 1024
            ),
            RunError::Io(e) => format!("`{program}` failed: {e}"),
        })
    })?;
    if !ran.status.success() {
        return Err(ApiError::Credential(ran.failure(program)));
    }
    let text = String::from_utf8(ran.output).map_err(|_| {
        ApiError::Credential(format!("`{program}` printed something that is not UTF-8"))
    })?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ApiError::Credential(format!("`{program}` printed nothing")));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::os::unix::fs::PermissionsExt;

    /// A shell script `name` in `dir` with mode 0700; its argv.
    fn script(dir: &Path, name: &str, body: &str) -> Vec<String> {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
        vec![path.to_str().unwrap().to_owned()]
    }

    /// The process group a script wrote to `dir/pgid` (its `$$`: it leads its own group).
    fn recorded_group(dir: &Path) -> i32 {
        let text = std::fs::read_to_string(dir.join("pgid")).unwrap();
        text.trim().parse().unwrap()
    }

    /// Is a process of group `pgid` still running? `kill -0` on the group, then, where it still
    /// answers, a look at /proc: members that have died but that a parent which never reaps (a
    /// container's init) keeps as zombies do not count.
    fn group_running(pgid: i32) -> bool {
        if unsafe { libc::kill(-pgid, 0) } != 0 {
            return false;
        }
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return true;
        };
        procs.filter_map(Result::ok).any(|entry| {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                return false;
            };
            // "pid (comm) STATE ppid pgrp …"; comm may hold spaces and parentheses.
            let Some((_, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            fields.get(2) == Some(&pgid.to_string().as_str()) && fields.first() != Some(&"Z")
        })
    }

    /// Wait (a little) for a killed group to be gone: SIGKILL is delivered asynchronously.
    async fn assert_group_gone(pgid: i32) {
        for _ in 0..100 {
            if !group_running(pgid) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("process group {pgid} is still running");
    }

    #[tokio::test]
    async fn a_background_child_holding_the_output_neither_stalls_nor_survives() {
        let dir = tempfile::tempdir().unwrap();
        let pgid = dir.path().join("pgid");
        let argv = script(
            dir.path(),
            "cred.sh",
            &format!("echo $$ > '{}'\nsleep 300 &\necho s3cret", pgid.display()),
        );
        let secret = run(&argv).await.unwrap();
        assert_eq!(secret.expose_secret(), "s3cret");
        assert_group_gone(recorded_group(dir.path())).await;
    }

    #[tokio::test]
    async fn endless_output_is_cut_off_at_the_cap_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let pgid = dir.path().join("pgid");
        let argv = script(
            dir.path(),
            "cred.sh",
            &format!("echo $$ > '{}'\nexec yes 0123456789abcdef", pgid.display()),
        );
        let err = run(&argv).await.unwrap_err().to_string();
        assert!(err.contains("printed more than 64 KiB"), "{err}");
        assert!(err.contains("print only the secret"), "{err}");
        assert!(!err.contains("0123456789abcdef"), "{err}");
        assert_group_gone(recorded_group(dir.path())).await;

        // Just under the cap is fine.
        let argv = script(
            dir.path(),
            "long.sh",
            &format!("head -c {} /dev/zero | tr '\\0' a", MAX_OUTPUT - 1),
        );
        let secret = run(&argv).await.unwrap();
        assert_eq!(secret.expose_secret().len(), MAX_OUTPUT - 1);
    }

    #[tokio::test]
    async fn a_command_past_its_time_is_ended_with_its_group() {
        let dir = tempfile::tempdir().unwrap();
        let pgid = dir.path().join("pgid");
        let argv = script(
            dir.path(),
            "cred.sh",
            &format!("echo $$ > '{}'\nsleep 300 &\nsleep 300", pgid.display()),
        );
        let err = run_within(&argv, Duration::from_secs(1))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("did not finish within 1s"), "{err}");
        assert_group_gone(recorded_group(dir.path())).await;
    }

    #[tokio::test]
    async fn a_cancelled_fetch_ends_the_group_too() {
        let dir = tempfile::tempdir().unwrap();
        let pgid = dir.path().join("pgid");
        let argv = script(
            dir.path(),
            "cred.sh",
            &format!("echo $$ > '{}'\nsleep 300", pgid.display()),
        );
        let fetch = run(&argv);
        let waited = tokio::time::timeout(Duration::from_millis(500), fetch).await;
        assert!(waited.is_err(), "the command sleeps");
        assert_group_gone(recorded_group(dir.path())).await;
    }

    #[test]
    fn a_relative_or_writable_program_is_refused() {
        let unsafe_ = |r: Result<PathBuf, ProgramProblem>| match r {
            Err(ProgramProblem::Unsafe(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        };
        let why = unsafe_(find_program("./getpw", None));
        assert!(why.contains("is a relative path"), "{why}");
        assert!(unsafe_(find_program("bin/getpw", None)).contains("give the full path"));

        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        let program = script(&shared, "getpw", "echo x").remove(0);
        assert_eq!(find_program(&program, None), Ok(PathBuf::from(&program)));

        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o722)).unwrap();
        let why = unsafe_(find_program(&program, None));
        assert!(why.contains("mode 722"), "{why}");
        assert!(why.contains(&format!("chmod go-w {program}")), "{why}");

        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        let why = unsafe_(find_program(&program, None));
        assert!(why.contains("mode 777"), "{why}");
        assert!(
            why.contains(&format!("chmod go-w {}", shared.display())),
            "{why}"
        );
        // A sticky directory (as /tmp) lets nobody replace another's file.
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(find_program(&program, None).is_ok());
        // Found through $PATH, it is vetted alike.
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        let path_var = std::ffi::OsString::from(shared.as_os_str());
        assert!(matches!(
            find_program("getpw", Some(&path_var)),
            Err(ProgramProblem::Unsafe(_))
        ));
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(
            find_program("getpw", Some(&path_var)),
            Ok(shared.join("getpw"))
        );
    }

    #[test]
    fn relative_entries_of_path_are_not_searched() {
        // Whatever the current directory holds, "" and "." never name it.
        for path_var in ["", ".", "bin", ":.:"] {
            let found = find_program("sh", Some(OsStr::new(path_var)));
            assert!(
                matches!(found, Err(ProgramProblem::NotFound(_))),
                "{path_var:?}: {found:?}"
            );
        }
        assert!(find_program("sh", Some(OsStr::new("relative:/usr/bin:/bin"))).is_ok());
    }

    #[tokio::test]
    async fn a_refused_program_is_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let argv = script(
            dir.path(),
            "getpw",
            &format!("touch '{}'", marker.display()),
        );
        std::fs::set_permissions(&argv[0], std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = run(&argv).await.unwrap_err().to_string();
        assert!(err.contains("refusing to run"), "{err}");
        assert!(!marker.exists());
    }
}
