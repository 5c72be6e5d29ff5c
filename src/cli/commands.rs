//! The headless token commands. They share the registry and the gate with the dashboard and
//! await provider calls directly: the dispatch here, `list` in `list.rs`, `audit` in
//! `policy.rs`, the changes in `change.rs`.

use super::change::{self, Change};
use super::failure::{Failure, Outcome};
use super::output::Ids;
use super::trail::Trail;
use super::{Format, TokenCommand};
use crate::provider::{Account, Registry};
use crate::record::Clock;
use crate::text::sanitize;

/// Run one token command; `ids` says how secret-like ids are printed (`--show-secrets`),
/// `clock` when ages are counted from and when a token is stale.
pub async fn run(
    command: TokenCommand,
    registry: &Registry,
    format: Format,
    ids: Ids,
    clock: &Clock,
    demo: bool,
) -> i32 {
    let change = match command {
        TokenCommand::List(args) => {
            return finish(super::list::run(&args, registry, format, ids, clock).await);
        }
        TokenCommand::Audit(args) => {
            return finish(super::policy::run(&args, registry, format, ids, clock).await);
        }
        TokenCommand::Incident(c) => return super::incident::run(c, registry, format, demo).await,
        TokenCommand::Roles(args) => {
            return finish(super::roles::run(&args, registry, format).await);
        }
        TokenCommand::Create(args) => Change::Create(args),
        TokenCommand::Delete(args) => Change::Delete(args),
        TokenCommand::Regenerate(args) => Change::Regenerate(args),
        TokenCommand::Enable(t) => Change::Enable(t),
        TokenCommand::Disable(t) => Change::Disable(t),
        TokenCommand::Rename(args) => Change::Rename(args),
    };
    finish(change::run(change, registry, format, ids, &Trail::from_env(demo)).await)
}

/// Print why a command stopped and pick the exit code. The message quotes what the user typed
/// and what providers said, each sanitised where it was quoted; sanitising the whole again is
/// the backstop (it changes nothing that already was).
fn finish(outcome: Outcome) -> i32 {
    outcome.unwrap_or_else(|failure| {
        eprintln!("tokdash: {}", sanitize(failure.message()));
        failure.exit_code()
    })
}

/// The account named `name`; a usage error naming the configured ones when there is none.
pub fn account<'a>(registry: &'a Registry, name: &str) -> Result<&'a Account, Failure> {
    registry.get(name).ok_or_else(|| {
        let names: Vec<String> = registry
            .accounts
            .iter()
            .map(|a| sanitize(&a.name))
            .collect();
        Failure::Usage(format!(
            "no account named `{}`; configured: {}",
            sanitize(name),
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        ))
    })
}
