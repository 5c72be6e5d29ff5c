//! The headless token commands. They share the registry and the gate with the dashboard and
//! await provider calls directly: the dispatch here, `list` in `list.rs`, `audit` in
//! `policy.rs`, the changes in `change.rs`.

use super::change::{self, Change};
use super::deliver::Plan;
use super::failure::{Failure, Outcome};
use super::output::Ids;
use super::trail::Trail;
use super::{Format, TokenCommand};
use crate::provider::{Account, Registry};
use crate::record::Clock;
use crate::sink::Sink;
use crate::text::sanitize;

/// Run one token command; `ids` says how secret-like ids are printed (`--show-secrets`),
/// `clock` when ages are counted from and when a token is stale.
pub async fn run(
    command: TokenCommand,
    registry: &Registry,
    sinks: &[Sink],
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
        TokenCommand::Rotate(args) => {
            let trail = Trail::from_env(demo);
            return finish(super::rotate::run(args, registry, sinks, format, ids, &trail).await);
        }
        TokenCommand::Create(args) => {
            let plan = Plan::new(&args.delivery, sinks);
            (Change::Create(args), plan)
        }
        TokenCommand::Regenerate(args) => (
            Change::Regenerate(args.target),
            Plan::new(&args.delivery, sinks),
        ),
        TokenCommand::Delete(args) => (Change::Delete(args), Ok(None)),
        TokenCommand::Enable(t) => (Change::Enable(t), Ok(None)),
        TokenCommand::Disable(t) => (Change::Disable(t), Ok(None)),
        TokenCommand::Rename(args) => (Change::Rename(args), Ok(None)),
    };
    let (change, plan) = change;
    let plan = match plan {
        Ok(plan) => plan,
        Err(failure) => return finish(Err(failure)),
    };
    let trail = Trail::from_env(demo);
    finish(change::run(change, registry, format, ids, &trail, plan.as_ref()).await)
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
