//! The headless token commands. They share the registry and the gate with the dashboard and
//! await provider calls directly: `list` here, the changes in `change.rs`.

use futures::future::join_all;

use super::change::{self, Change};
use super::failure::{Failure, Outcome, list_command, subject};
use super::output::{self, Ids, ListError, Row};
use super::trail::Trail;
use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, Format, ListArgs, TokenCommand};
use crate::model::{OpKind, Token};
use crate::provider::{Account, Registry};
use crate::text::sanitize;

/// Run one token command; `ids` says how secret-like ids are printed (`--show-secrets`).
pub async fn run(
    command: TokenCommand,
    registry: &Registry,
    format: Format,
    ids: Ids,
    demo: bool,
) -> i32 {
    let change = match command {
        TokenCommand::List(args) => return finish(list(&args, registry, format, ids).await),
        TokenCommand::Incident(c) => return super::incident::run(c, registry, format, demo).await,
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

async fn list(args: &ListArgs, registry: &Registry, format: Format, ids: Ids) -> Outcome {
    for name in &args.account {
        account(registry, name)?;
    }
    let selected: Vec<&Account> = registry
        .accounts
        .iter()
        .filter(|a| args.account.is_empty() || args.account.contains(&a.name))
        .filter(|a| args.provider.is_empty() || args.provider.contains(&a.kind))
        .collect();
    if selected.is_empty() {
        return Err(Failure::Usage(
            "no configured account matches the selection".into(),
        ));
    }
    let results = join_all(selected.iter().map(|a| async move {
        a.allows(OpKind::List)?;
        a.client.list().await
    }))
    .await;

    let mut listed: Vec<(usize, &Account, Token)> = Vec::new();
    let mut errors = Vec::new();
    for (order, (account, result)) in selected.iter().zip(results).enumerate() {
        match result {
            Ok(tokens) => listed.extend(tokens.into_iter().map(|t| (order, *account, t))),
            Err(e) => errors.push(ListError {
                account: account.name.clone(),
                provider: account.kind,
                error: e.to_string(),
                message: e.failure_text(
                    &subject(account, OpKind::List, None),
                    Some(&list_command(account)),
                ),
            }),
        }
    }
    // Accounts in config order; newest first within each, undated last, then by name.
    listed.sort_by(|(oa, _, a), (ob, _, b)| {
        oa.cmp(ob)
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| a.name.cmp(&b.name))
    });
    let rows: Vec<Row<'_>> = listed
        .iter()
        .map(|(_, a, t)| Row {
            account: &a.name,
            provider: a.kind,
            token: t,
            ids,
        })
        .collect();

    match format {
        Format::Json => output::print(&output::list_json(&rows, &errors)),
        Format::Csv => {
            let to = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                output::CsvTo::Terminal
            } else {
                output::CsvTo::Pipe
            };
            output::print(&output::list_csv(&rows, to));
        }
        Format::Table => output::print(&output::list_table(&rows)),
    }
    if format != Format::Json {
        for e in &errors {
            eprintln!("tokdash: {}", e.message);
        }
    }
    Ok(match errors.len() {
        0 => EXIT_OK,
        n if n == selected.len() => EXIT_FAILED,
        _ => EXIT_PARTIAL,
    })
}
