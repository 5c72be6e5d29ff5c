//! Running a vetted program without a shell, shared by credential commands and delivery sinks:
//! in a process group of its own, with a time limit and a cap on what it may print, its whole
//! group ended (SIGKILL) when it exits, runs too long, prints too much or is no longer awaited.
//! The group is ended before the program itself is reaped, while its id (which is the group's)
//! cannot have been reused.
//!
//! What it reads comes from `/dev/null` or from bytes handed over on a pipe (a secret to deliver
//! goes there, never into arguments, the environment or a file); what it prints is collected
//! as it comes, its standard error (when asked for) with its standard output, under one cap.

use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rustix::io::Errno;
use rustix::process::{Pid, Signal, WaitId, WaitIdOptions, kill_process_group, waitid};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::command::{ProgramProblem, find_program};

/// How often the program is checked for having exited while its output is still open.
const EXIT_POLL: Duration = Duration::from_millis(20);

/// What to run and how.
pub struct Program<'a> {
    /// The program and its arguments; the program is vetted by [`find_program`].
    pub argv: &'a [String],
    /// Written to its standard input, which is then closed; `None`: `/dev/null`.
    pub input: Option<&'a [u8]>,
    /// Collect its standard error with its standard output (else it is discarded).
    pub with_stderr: bool,
    pub timeout: Duration,
    /// The most it may print; past it, it is stopped.
    pub max_output: usize,
}

/// A program that ran to its end.
pub struct Ran {
    pub status: ExitStatus,
    /// What it printed, at most [`Program::max_output`] bytes.
    pub output: Vec<u8>,
}

impl Ran {
    /// How it ended, for a message: "`pass` exited with status 1", or the signal that ended it
    /// (not std's "exited with exit status: 1").
    pub fn failure(&self, program: &str) -> String {
        match self.status.code() {
            Some(code) => format!("`{program}` exited with status {code}"),
            None => format!("`{program}` was ended ({})", self.status),
        }
    }
}

/// Why a program did not run to its end.
#[derive(Debug)]
pub enum RunError {
    Empty,
    /// Not found, or refused (relative, or changeable by others).
    Program(ProgramProblem),
    Spawn(std::io::Error),
    /// It ran past its time; it was stopped, with what it started.
    TimedOut,
    /// It printed more than its cap; it was stopped.
    TooMuchOutput,
    Io(std::io::Error),
}

/// Run `program` as [`Program`] says. Nothing of its output is in the error.
pub async fn run(program: Program<'_>) -> Result<Ran, RunError> {
    let Some((name, args)) = program.argv.split_first() else {
        return Err(RunError::Empty);
    };
    let path =
        find_program(name, std::env::var_os("PATH").as_deref()).map_err(RunError::Program)?;
    let mut child = tokio::process::Command::new(&path)
        .arg0(name)
        .args(args)
        .stdin(match program.input {
            Some(_) => Stdio::piped(),
            None => Stdio::null(),
        })
        .stdout(Stdio::piped())
        .stderr(if program.with_stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(RunError::Spawn)?;
    // Declared after the child, so dropped first: a cancelled run ends the group while the
    // program is still unreaped.
    let group = Group::of(child.id());
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take();
    let stdin = child.stdin.take();
    let feed = async move {
        if let (Some(mut stdin), Some(bytes)) = (stdin, program.input) {
            // A program that exits without reading all of it gets no more: its exit status
            // says how it went.
            let _ = stdin.write_all(bytes).await;
            let _ = stdin.shutdown().await;
        }
    };
    let work = async {
        let (_, collected) =
            tokio::join!(feed, collect(stdout, stderr, &group, program.max_output));
        collected
    };
    let collected = tokio::time::timeout(program.timeout, work).await;
    group.end();
    let output = match collected {
        Ok(Ok(out)) => out,
        stopped => {
            let _ = child.start_kill();
            let _ = tokio::time::timeout(Duration::from_secs(1), child.wait()).await;
            return Err(match stopped {
                Err(_) => RunError::TimedOut,
                Ok(Err(Stop::TooLong)) => RunError::TooMuchOutput,
                Ok(Err(Stop::Read(e))) => RunError::Io(e),
                Ok(Ok(_)) => unreachable!("handled above"),
            });
        }
    };
    let status = child.wait().await.map_err(RunError::Io)?;
    Ok(Ran { status, output })
}

enum Stop {
    TooLong,
    Read(std::io::Error),
}

/// Read the program's output (and its error output, if taken), up to `max` together, until
/// both are closed and the program has exited. Once the program has exited, its group is ended,
/// so that what it left behind lets go of the output.
async fn collect(
    mut stdout: impl AsyncRead + Unpin,
    stderr: Option<impl AsyncRead + Unpin>,
    group: &Group,
    max: usize,
) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 8 * 1024];
    let mut err_buf = vec![0u8; 8 * 1024];
    let (mut stderr, mut err_closed) = match stderr {
        Some(e) => (Some(e), false),
        None => (None, true),
    };
    let mut closed = false;
    let mut exited = false;
    let mut poll = tokio::time::interval(EXIT_POLL);
    loop {
        if !exited && group.leader_exited() {
            exited = true;
            group.end();
        }
        if closed && err_closed && exited {
            return Ok(out);
        }
        let read_err = async {
            match stderr.as_mut() {
                Some(e) => e.read(&mut err_buf).await,
                None => std::future::pending().await,
            }
        };
        let (read, from_err) = tokio::select! {
            read = stdout.read(&mut buf), if !closed => (read, false),
            read = read_err, if !err_closed => (read, true),
            _ = poll.tick(), if !exited => continue,
        };
        match read {
            Ok(0) if from_err => err_closed = true,
            Ok(0) => closed = true,
            Ok(n) if out.len() + n > max => return Err(Stop::TooLong),
            Ok(n) if from_err => out.extend_from_slice(&err_buf[..n]),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return Err(Stop::Read(e)),
        }
    }
}

/// The program's process group (its id is the program's), ended at most once.
struct Group {
    leader: Option<Pid>,
    ended: AtomicBool,
}

impl Group {
    fn of(pid: Option<u32>) -> Self {
        Group {
            leader: pid.and_then(|p| Pid::from_raw(p as i32)),
            ended: AtomicBool::new(false),
        }
    }

    /// Has the program itself exited? Asked without reaping it, so its id stays its own.
    fn leader_exited(&self) -> bool {
        let Some(pid) = self.leader else {
            return true;
        };
        let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
        match waitid(WaitId::Pid(pid), options) {
            Ok(status) => status.is_some(),
            Err(Errno::INTR) => false,
            // ECHILD: nothing left to wait for.
            Err(_) => true,
        }
    }

    /// Send SIGKILL to every process of the group. Called before the program is reaped.
    fn end(&self) {
        if !self.ended.swap(true, Ordering::SeqCst)
            && let Some(pid) = self.leader
        {
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.end();
    }
}
