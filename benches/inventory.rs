//! `cargo bench --bench inventory [-- FILTER]`: how long `tokdash list` takes to list every
//! account at the inventory's scale, and how much memory it needs (issue 10). FILTER runs only
//! the cases whose name contains it.
//!
//! Each case starts the sandbox in this process (seeded, every response delayed by 50–150 % of
//! a mean latency), writes its configuration (mode 0600), and runs the built `tokdash` binary as
//! a child, `tokdash --config FILE list --format json` with its output going to /dev/null, the
//! real path from process start to exit. Each figure is the median of a few runs
//! (`TOKDASH_BENCH_RUNS`, 5 by default), printed as one line per case. `TOKDASH_BENCH_BIN`
//! runs another build of tokdash instead (an older commit's, to compare):
//!
//! ```text
//! inventory/<case>: seconds=… chain_seconds=… sequential_seconds=… requests=… peak_rss_mb=…
//! ```
//!
//! - `seconds`: wall time of the child, spawn to exit.
//! - `chain_seconds`: the longest chain of requests that must follow one another if each page
//!   waits for the one before (the pages of the biggest lagrello account) × the mean latency.
//! - `sequential_seconds`: requests × the mean latency: one request at a time.
//! - `requests`: what the sandbox served during the run.
//! - `peak_rss_mb`: the child's peak resident memory (`wait4`'s `ru_maxrss`).
//!
//! Linux counts the memory of the process that starts a program into the program's
//! `ru_maxrss` (exec keeps the larger of the two), and this process holds the sandbox, hundreds
//! of megabytes of seeded tokens. So tokdash is started by a small helper: this bench binary run
//! again with [`SPAWN`] as its first argument, which starts the command, waits for it and
//! reports its wait status, peak RSS and wall time on stdout.
//!
//! `harness = false`, so `cargo bench` runs `main`; without cargo bench's `--bench` argument
//! (`cargo test --benches`) it returns at once.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokdash::sandbox::{Sandbox, SandboxOptions};

/// Tokens per lagrello page: the most its API (and the sandbox's fake) returns at once.
const LAGRELLO_PAGE: usize = 20;

struct Case {
    name: &'static str,
    accounts_per_provider: usize,
    tokens_per_account: usize,
    latency_ms: u64,
    /// Extra `list` arguments (an account selection).
    select: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "40x1000_20ms",
        accounts_per_provider: 10,
        tokens_per_account: 1000,
        latency_ms: 20,
        select: &[],
    },
    Case {
        name: "10x10000_lagrello_20ms",
        accounts_per_provider: 10,
        tokens_per_account: 10_000,
        latency_ms: 20,
        select: &["--provider", "lagrello"],
    },
    Case {
        name: "40x2500_0ms",
        accounts_per_provider: 10,
        tokens_per_account: 2500,
        latency_ms: 0,
        select: &[],
    },
];

/// The first argument that makes this binary the helper that starts tokdash (see the top).
const SPAWN: &str = "--inventory-spawn";

/// One run of the child.
struct Run {
    seconds: f64,
    requests: usize,
    peak_rss_mb: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some((SPAWN, command)) = args.split_first().map(|(a, rest)| (a.as_str(), rest)) {
        spawn_and_report(command);
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let filter = args.iter().find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("TOKDASH_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    for case in CASES
        .iter()
        .filter(|c| filter.is_none_or(|f| c.name.contains(f.as_str())))
    {
        bench(&runtime, case, runs);
    }
}

fn bench(runtime: &tokio::runtime::Runtime, case: &Case, runs: usize) {
    let opts = SandboxOptions {
        accounts_per_provider: case.accounts_per_provider,
        tokens_per_account: case.tokens_per_account,
        latency: Duration::from_millis(case.latency_ms),
        ..SandboxOptions::default()
    };
    // The server runs on the runtime's worker threads while this thread waits for the child.
    let sandbox = runtime
        .block_on(Sandbox::start(opts))
        .expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().join("config.toml");
    write_private(&config, &sandbox.config_toml());

    let measured: Vec<Run> = (0..runs)
        .map(|_| {
            sandbox.clear_requests();
            let (seconds, peak_rss_mb) = list(&config, dir.path(), case.select);
            Run {
                seconds,
                requests: sandbox.requests().len(),
                peak_rss_mb,
            }
        })
        .collect();
    runtime.block_on(sandbox.shutdown());

    let latency = case.latency_ms as f64 / 1000.0;
    let requests = median(measured.iter().map(|r| r.requests as f64).collect());
    let pages = case.tokens_per_account.div_ceil(LAGRELLO_PAGE).max(1);
    println!(
        "inventory/{}: seconds={:.3} chain_seconds={:.3} sequential_seconds={:.3} requests={} \
         peak_rss_mb={:.1}",
        case.name,
        median(measured.iter().map(|r| r.seconds).collect()),
        pages as f64 * latency,
        requests * latency,
        requests,
        median(measured.iter().map(|r| r.peak_rss_mb).collect()),
    );
}

/// Run `tokdash --config CONFIG list --format json SELECT…` with its output to /dev/null, through
/// the helper; its wall time in seconds and its peak resident memory in MB. A run that does not
/// list every account completely (an exit code other than 0) stops the bench with tokdash's
/// stderr.
fn list(config: &Path, dir: &Path, select: &[&str]) -> (f64, f64) {
    let stderr_path = dir.join("stderr");
    let stderr = File::create(&stderr_path).expect("a file for stderr");
    let helper = std::env::current_exe().expect("the bench's own path");
    let tokdash = std::env::var_os("TOKDASH_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_tokdash").into());
    let out = Command::new(helper)
        .arg(SPAWN)
        .arg(tokdash)
        .arg("--config")
        .arg(config)
        .args(["list", "--format", "json"])
        .args(select)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("TOKDASH_LOG")
        .stdin(Stdio::null())
        .stderr(stderr)
        .output()
        .expect("the helper runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = report.split_whitespace().collect();
    let [status, max_rss_kb, seconds] = fields[..] else {
        panic!("the helper reported {report:?}");
    };
    if status != "0" {
        let said = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        panic!("tokdash list did not list everything ({status}):\n{said}");
    }
    let number = |s: &str| s.parse::<f64>().expect("a number");
    // Linux gives ru_maxrss in kilobytes.
    (number(seconds), number(max_rss_kb) / 1024.0)
}

/// The helper: start `command` with stdout to /dev/null (stderr inherited), wait for it, and
/// print its exit code (or `signal N`), its peak RSS in kilobytes and its wall time in seconds.
fn spawn_and_report(command: &[String]) {
    let (program, args) = command.split_first().expect("a command to run");
    let start = Instant::now();
    // Reaped by `wait4` below, which std's `Child::wait` cannot replace: it drops the rusage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("tokdash starts");
    let (status, usage) = wait4(child.id());
    let seconds = start.elapsed().as_secs_f64();
    let status = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status).to_string()
    } else {
        format!("signal-{}", libc::WTERMSIG(status))
    };
    println!("{status} {} {seconds}", usage.ru_maxrss);
}

/// Wait for the child `pid`, returning its wait status and its resource usage (std's `Child`
/// has no way to give the latter).
fn wait4(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; all zeroes is a valid value of it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if r >= 0 {
            return (status, usage);
        }
        let e = std::io::Error::last_os_error();
        assert_eq!(e.kind(), std::io::ErrorKind::Interrupted, "wait4: {e}");
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn write_private(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .expect("the config file is created");
    f.write_all(text.as_bytes()).expect("the config is written");
}
