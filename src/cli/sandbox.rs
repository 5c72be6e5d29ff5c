//! `tokdash sandbox`: the fake providers on a local port, for trying tokdash by hand or from
//! scripts. The first line printed says where it listens, so a script can wait for it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK};
use crate::sandbox::faults::FaultRule;
use crate::sandbox::lagrello::Paging;
use crate::sandbox::{Sandbox, SandboxOptions, Variants};

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Write a tokdash configuration for every sandbox account here (mode 0600)
    #[arg(long, value_name = "PATH")]
    pub write_config: Option<PathBuf>,
    #[arg(long, value_name = "N", default_value_t = SandboxOptions::default().accounts_per_provider)]
    pub accounts_per_provider: usize,
    #[arg(long, value_name = "N", default_value_t = SandboxOptions::default().tokens_per_account)]
    pub tokens_per_account: usize,
    /// Mean delay before every response
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Seed for the generated tokens
    #[arg(long, value_name = "N", default_value_t = SandboxOptions::default().seed)]
    pub seed: u64,
    /// Give tokens names with escape sequences, bidi overrides and other hostile text
    #[arg(long)]
    pub hostile_names: bool,
    /// A fault rule TARGET:OP:KIND[:RATE], e.g. sematext:list:500 (repeatable). TARGET: a
    /// provider, an account or `any`; OP: list, create, delete, update, regenerate, login, any;
    /// KIND: 401, 403, 404, 409, 429, 500, 502, 503, 504, timeout, malformed, truncated, huge,
    /// slow, no-content; RATE: the share of matching requests that fail, 0 to 1 (default 1)
    #[arg(long = "fault", value_name = "SPEC", value_parser = FaultRule::from_str)]
    pub faults: Vec<FaultRule>,
    /// Number lagrello's pages from 0 instead of 1 (its spec leaves the start open)
    #[arg(long)]
    pub lagrello_pages_from_zero: bool,
    /// Put lagrello's paging links on this origin instead of the sandbox's own, e.g.
    /// http://127.0.0.1:9 (a client must ask its own origin for the page they name)
    #[arg(long, value_name = "URL", value_parser = link_origin)]
    pub lagrello_link_origin: Option<String>,
    /// Answer without a body the errors whose spec declares no content (qovery's 400, 401, 403,
    /// 404 and 409; the other providers' errors keep theirs)
    #[arg(long)]
    pub empty_error_bodies: bool,
    /// Name fluid's session cookie NAME instead of fluid_session (deer.sh says deer_session)
    #[arg(
        long,
        value_name = "NAME",
        default_value = crate::sandbox::fluid::DEFAULT_COOKIE_NAME,
        value_parser = cookie_name
    )]
    pub fluid_cookie_name: String,
}

/// `--lagrello-link-origin`, checked as the sandbox checks it, so a bad one is a usage error.
fn link_origin(given: &str) -> Result<String, String> {
    let paging = Paging {
        link_origin: Some(given.to_owned()),
        ..Paging::default()
    };
    Ok(paging.checked()?.link_origin.unwrap_or_default())
}

/// `--fluid-cookie-name`, checked as the sandbox checks it.
fn cookie_name(given: &str) -> Result<String, String> {
    crate::sandbox::fluid::check_cookie_name(given).map(|()| given.to_owned())
}

pub async fn run(args: SandboxArgs) -> i32 {
    let opts = SandboxOptions {
        addr: args.addr,
        accounts_per_provider: args.accounts_per_provider,
        tokens_per_account: args.tokens_per_account,
        latency: Duration::from_millis(args.latency_ms),
        seed: args.seed,
        hostile_names: args.hostile_names,
        faults: args.faults,
        variants: Variants {
            lagrello_paging: Paging {
                first_page: if args.lagrello_pages_from_zero { 0 } else { 1 },
                link_origin: args.lagrello_link_origin,
            },
            empty_error_bodies: args.empty_error_bodies,
            fluid_cookie_name: args.fluid_cookie_name,
        },
        ..SandboxOptions::default()
    };
    let sandbox = match Sandbox::start(opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tokdash: could not start the sandbox on {}: {e}", args.addr);
            return EXIT_FAILED;
        }
    };
    // Written before the first line is printed, so whoever waits for that line can use it.
    if let Some(path) = &args.write_config
        && let Err(e) = write_private(path, &sandbox.config_toml())
    {
        eprintln!(
            "tokdash: could not write {}: {e}",
            crate::text::sanitize(&path.display().to_string())
        );
        sandbox.shutdown().await;
        return EXIT_FAILED;
    }

    let mut out = format!(
        "tokdash sandbox listening on {}\naccounts:\n",
        sandbox.base_url()
    );
    for a in sandbox.accounts() {
        out.push_str(&format!("  {:<14} {}\n", a.name, a.provider));
    }
    if let Some(path) = &args.write_config {
        out.push_str(&format!(
            "wrote {}; try: tokdash --config {} list\n",
            path.display(),
            path.display()
        ));
    }
    out.push_str("stop with Ctrl-C\n");
    super::output::print(&out);

    wait_for_signal().await;
    sandbox.shutdown().await;
    EXIT_OK
}

/// Write `contents` to a file only its owner can read. A new file is created with mode 0600 (not
/// chmod-ed afterwards, which would leave a window); an existing file others can read is left
/// alone rather than filled with credentials.
#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if meta.file_type().is_symlink() {
            return Err(std::io::Error::other(
                "it is a symbolic link; give the path of a regular file",
            ));
        }
        if mode & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "it already exists and others can read it (mode {mode:o}); remove it first"
            )));
        }
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
