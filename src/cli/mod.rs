//! Command-line parsing and dispatch: the headless commands, `tokdash sandbox`, and the hand-off
//! to the dashboard when no command is given.
//!
//! Exit codes: 0 success, 1 an operation failed, 2 usage or configuration error, 3 partial
//! (some accounts answered, some did not).

mod change;
mod commands;
mod deliver;
mod failure;
mod in_flight;
mod incident;
mod list;
mod output;
mod policy;
mod prompt;
mod roles;
mod rotate;
mod sandbox;
mod setup;
mod trail;

use std::ffi::OsString;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, ConfigEnv, Loaded};
use crate::model::TokenId;
use crate::provider::{ProviderKind, Registry};
use crate::record::Clock;
use crate::sandbox::{Sandbox, SandboxOptions};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_PARTIAL: i32 = 3;

/// A terminal dashboard and command-line tool for API tokens across SaaS providers.
#[derive(Debug, Parser)]
#[command(name = "tokdash", version, about)]
pub struct Cli {
    /// Configuration file [default: $TOKDASH_CONFIG, else
    /// $XDG_CONFIG_HOME/tokdash/config.toml, else ~/.config/tokdash/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Output format (csv is for `list` only, markdown for `audit` only)
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Make every account read-only: only listing is allowed
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Use the built-in sandbox's demo accounts instead of the configuration
    #[arg(long, global = true)]
    pub demo: bool,

    /// Print token ids that are secrets themselves (lagrello's tokenKey) in full on stdout.
    /// Without it they are masked (••••e8be02), as everywhere else; messages and the audit
    /// trail always mask them
    #[arg(long, global = true)]
    pub show_secrets: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Token(TokenCommand),
    /// Run the fake providers on a local port, for trying tokdash out
    Sandbox(sandbox::SandboxArgs),
    /// Write a commented starter configuration (mode 0600) where tokdash looks for it
    Init(setup::InitArgs),
    /// Print a shell completion script (see the README for where to put it)
    Completions(setup::CompletionsArgs),
    /// Print the manual page (roff) on standard output
    Man,
}

/// The commands that work on the configured accounts' tokens.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// List the tokens of every account (or of the ones selected), fetched concurrently
    List(ListArgs),
    /// Check every token against the audit policy (rules in TOML, or the defaults). Exit 0 no
    /// findings, 1 findings, 2 a bad policy file, 3 some accounts could not be audited
    Audit(AuditArgs),
    /// Create a token and print its secret (shown only this once), or deliver it to sinks
    Create(CreateArgs),
    /// List the roles an account's tokens can be given (qovery), for `create --role`
    Roles(RolesArgs),
    /// Delete a token (asks first on a terminal; needs --yes otherwise)
    Delete(ConfirmedTarget),
    /// Enable a token
    Enable(Target),
    /// Disable a token
    Disable(Target),
    /// Rename a token
    Rename(RenameArgs),
    /// Issue a new secret for a token; the old one stops working (asks first, like delete)
    Regenerate(RegenerateArgs),
    /// Replace a token's secret and deliver the new one: a twin (regenerated in place on
    /// sematext), delivered to --deliver sinks, the old token deleted with --delete-old once
    /// every sink has it
    Rotate(rotate::RotateArgs),
    /// `find` and `revoke --from-stdin`: incident response for a leaked secret
    #[command(flatten)]
    Incident(incident::IncidentCommand),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub accounts: AccountSelection,
    /// Only tokens older than AGE: a whole number and a unit, d (days), w (weeks), m (months
    /// of 30 days) or y (years of 365 days), e.g. 90d, 12w, 6m, 1y
    #[arg(long, value_name = "AGE", value_parser = list::parse_age)]
    pub older_than: Option<u32>,
    /// Only stale tokens: older than `stale_after_days` in the config (90 by default)
    #[arg(long)]
    pub stale: bool,
    /// Only tokens with this privilege or more (admin > write > read). Tokens whose privilege
    /// is unknown are kept too: they may have it
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub privilege: Option<list::Level>,
    /// Only disabled tokens
    #[arg(long)]
    pub disabled: bool,
    /// Only tokens that have expired or expire within `expiring_within_days` in the config (14
    /// by default); only qovery's policy API tokens expire
    #[arg(long)]
    pub expiring: bool,
    /// Order by this field instead of accounts in config order, newest first: account, provider
    /// and name in natural order (deploy-2 before deploy-10), age oldest first, privilege most
    /// powerful first
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<list::SortKey>,
    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The rules, in TOML (see policy.example.toml). Without it: no token older than
    /// `stale_after_days`, no admin token older than half of that, no duplicate names in an
    /// account
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub accounts: AccountSelection,
}

/// Which configured accounts a command works on: all of them unless narrowed.
#[derive(Debug, Args)]
pub struct AccountSelection {
    /// Only this account (repeatable)
    #[arg(long, value_name = "NAME")]
    pub account: Vec<String>,
    /// Only accounts of this provider (repeatable): fluid, lagrello, qovery, sematext
    #[arg(long, value_name = "P", value_parser = ProviderKind::from_str)]
    pub provider: Vec<ProviderKind>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long, value_name = "NAME")]
    pub account: String,
    /// The new token's name
    #[arg(long, value_name = "N")]
    pub name: String,
    #[arg(long, value_name = "D")]
    pub description: Option<String>,
    /// A permission to grant (repeatable)
    #[arg(long, value_name = "P")]
    pub permission: Vec<String>,
    /// The role to give the token, by id
    #[arg(long, value_name = "R", conflicts_with = "role")]
    pub role_id: Option<String>,
    /// The role to give the token, by name, as `tokdash roles` lists them (any case)
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// qovery: the rego rules (no package line, defining `allow`) of a policy API token; giving
    /// them creates that kind of token
    #[arg(long, value_name = "REGO")]
    pub opa_policy: Option<String>,
    /// When the token stops working: a date (2026-12-31, midnight UTC), an RFC 3339 time, or a
    /// span from now (30d, 12w). qovery: policy API tokens only
    #[arg(long, value_name = "WHEN")]
    pub expires_at: Option<String>,
    /// Allow the token to read (sematext: the default, unless --writeable is given alone)
    #[arg(long)]
    pub readable: bool,
    /// Allow the token to write (sematext: alone, a write-only token; with --readable, both)
    #[arg(long)]
    pub writeable: bool,
    #[command(flatten)]
    pub delivery: deliver::DeliverArgs,
}

#[derive(Debug, Args)]
pub struct RegenerateArgs {
    #[command(flatten)]
    pub target: ConfirmedTarget,
    #[command(flatten)]
    pub delivery: deliver::DeliverArgs,
}

#[derive(Debug, Args)]
pub struct RolesArgs {
    #[arg(long, value_name = "NAME")]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct Target {
    #[arg(long, value_name = "NAME")]
    pub account: String,
    #[command(flatten)]
    pub token: TokenRef,
}

/// Which token: its id on the command line, or on standard input.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct TokenRef {
    /// The token's id, in full or masked as `list` shows it (••••e8be02) when that names one
    /// token of the account
    #[arg(long, value_name = "ID", value_parser = parse_token_id)]
    pub id: Option<TokenId>,
    /// Read the id from standard input instead, so a secret-like id stays out of shell
    /// history and `ps` (delete and regenerate then need --yes)
    #[arg(long)]
    pub id_from_stdin: bool,
}

/// A `TokenId`, whose Debug never shows the id: some ids are secrets.
fn parse_token_id(s: &str) -> Result<TokenId, std::convert::Infallible> {
    Ok(TokenId::new(s))
}

#[derive(Debug, Args)]
pub struct ConfirmedTarget {
    #[command(flatten)]
    pub target: Target,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    #[command(flatten)]
    pub target: Target,
    /// The new name
    #[arg(long, value_name = "NEW")]
    pub name: String,
}

/// Parse `args` (including the program name) and run; returns the process exit code.
pub async fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let typed_unsafe = args
                .iter()
                .any(|a| a.to_string_lossy().chars().any(crate::text::is_unsafe));
            print_clap_error(&e, typed_unsafe);
            // 2 for usage errors, 0 for --help and --version.
            return e.exit_code();
        }
    };
    if cli.format == Format::Csv
        && !matches!(cli.command, Some(Command::Token(TokenCommand::List(_))))
    {
        eprintln!("tokdash: --format csv is only available for `list`; use table or json");
        return EXIT_USAGE;
    }
    if cli.format == Format::Markdown
        && !matches!(cli.command, Some(Command::Token(TokenCommand::Audit(_))))
    {
        eprintln!("tokdash: --format markdown is only available for `audit`; use table or json");
        return EXIT_USAGE;
    }
    let command = match cli.command {
        Some(Command::Sandbox(args)) => return sandbox::run(args).await,
        Some(Command::Init(args)) => return setup::init(&args, cli.config.as_deref()),
        Some(Command::Completions(args)) => return setup::completions(&args),
        Some(Command::Man) => return setup::man(),
        Some(Command::Token(command)) => command,
        None => {
            let (config, notice) = if cli.demo {
                (None, None)
            } else {
                match load_config(&cli.config) {
                    Ok(Loaded::Config(c)) => (Some(c), None),
                    Ok(Loaded::NotFound { .. }) => (None, Some(demo_notice())),
                    Err(code) => return code,
                }
            };
            return run_dashboard(config, cli.demo, cli.read_only, notice).await;
        }
    };

    // To the log file only (TOKDASH_LOG sets the level), never the terminal; the guard flushes
    // the file when the command ends.
    let _log = crate::logging::init();

    // `--demo` with a command runs it against an in-process sandbox, for trying the CLI out.
    let demo_sandbox;
    let config = if cli.demo {
        demo_sandbox = match Sandbox::start(SandboxOptions::default()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("tokdash: could not start the demo sandbox: {e}");
                return EXIT_FAILED;
            }
        };
        demo_sandbox.config()
    } else {
        match load_config(&cli.config) {
            Ok(Loaded::Config(c)) => c,
            Ok(Loaded::NotFound { looked }) => {
                eprintln!("tokdash: {}", not_found_message(&looked));
                return EXIT_USAGE;
            }
            Err(code) => return code,
        }
    };
    let registry = match Registry::from_config(&config, cli.read_only) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tokdash: configuration error: {e}");
            return EXIT_USAGE;
        }
    };
    if registry.accounts.is_empty() {
        let file = config
            .path
            .as_ref()
            .map(|p| format!(" {}", p.display()))
            .unwrap_or_default();
        eprintln!(
            "tokdash: the configuration{file} has no [[accounts]]: add one \
             (`tokdash init --stdout` prints a commented example) or run with --demo"
        );
        return EXIT_USAGE;
    }
    let ids = output::Ids::new(cli.show_secrets);
    let clock = Clock::new(time::OffsetDateTime::now_utc(), config.stale_after_days)
        .expiring_within(config.expiring_within_days);
    commands::run(
        command,
        &registry,
        &config.sinks,
        cli.format,
        ids,
        &clock,
        cli.demo,
    )
    .await
}

/// Print clap's message (an error, or the help). An error quotes the argument it refuses, as
/// typed, and clap prints it as it is to a terminal: where the command line held a control or
/// invisible character (`typed_unsafe`), the message is printed plain (clap's plain rendering
/// drops escape sequences) with each line sanitised, so a command line cannot drive the terminal
/// through it.
fn print_clap_error(e: &clap::Error, typed_unsafe: bool) {
    let plain = e.render().to_string();
    if !typed_unsafe
        && !plain
            .chars()
            .any(|c| c != '\n' && crate::text::is_unsafe(c))
    {
        let _ = e.print();
        return;
    }
    let safe: String = plain
        .lines()
        .map(|l| format!("{}\n", crate::text::sanitize(l)))
        .collect();
    if e.use_stderr() {
        eprint!("{safe}");
    } else {
        output::print(&safe);
    }
}

/// Load the configuration, printing any error; `Err` holds the exit code.
fn load_config(explicit: &Option<PathBuf>) -> Result<Loaded, i32> {
    config::load(explicit.as_deref(), &ConfigEnv::from_process()).map_err(|e| {
        eprintln!("tokdash: configuration error: {e}");
        EXIT_USAGE
    })
}

fn not_found_message(looked: &[PathBuf]) -> String {
    let places = if looked.is_empty() {
        "nowhere: no home directory was found".to_owned()
    } else {
        looked
            .iter()
            .map(|p| crate::text::sanitize(&p.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "no configuration file (looked at {places}); run `tokdash init` to write a starter, pass --config PATH or set $TOKDASH_CONFIG, or try --demo"
    )
}

/// Why the dashboard opened the demo: there was no configuration to open. Short enough for a
/// toast; the README and `--help` name the places looked at.
fn demo_notice() -> String {
    "No config file: this is the demo; `tokdash init` writes one to edit".to_owned()
}

/// Open the dashboard: the configured accounts, or the demo when `config` is `None` (no file
/// anywhere) or `demo` is set.
pub async fn run_dashboard(
    config: Option<Config>,
    demo: bool,
    read_only: bool,
    notice: Option<String>,
) -> i32 {
    crate::dashboard::run_async(crate::dashboard::Launch {
        demo: demo || config.is_none(),
        config: config.unwrap_or_default(),
        read_only,
        notice,
    })
    .await
}
