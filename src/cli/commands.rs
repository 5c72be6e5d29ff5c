//! The headless token commands. They share the registry and the gate with the dashboard and
//! await provider calls directly.

use std::io::IsTerminal;

use futures::future::join_all;

use super::output::{self, ListError, Row};
use super::{
    Command, CreateArgs, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Format, ListArgs, Target,
};
use crate::model::{
    ApiError, Created, FIELD_DESCRIPTION, FIELD_NAME, FIELD_PERMISSIONS, FIELD_READABLE,
    FIELD_ROLE_ID, FIELD_WRITEABLE, FieldKind, NewToken, OpKind, Token, TokenId, TokenUpdate,
};
use crate::provider::{Account, Registry};
use crate::text::sanitize;

/// Why a command stopped: a usage problem (exit 2) or a failed operation (exit 1).
enum Failure {
    Usage(String),
    Failed(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Failed(e.to_string())
    }
}

type Outcome = Result<i32, Failure>;

pub async fn run(command: Command, registry: &Registry, format: Format) -> i32 {
    let outcome = match command {
        Command::List(args) => list(&args, registry, format).await,
        Command::Create(args) => create(&args, registry, format).await,
        Command::Delete(args) => delete(&args.target, args.yes, registry, format).await,
        Command::Enable(t) => set_enabled(&t, true, registry, format).await,
        Command::Disable(t) => set_enabled(&t, false, registry, format).await,
        Command::Rename(args) => rename(&args.target, &args.name, registry, format).await,
        Command::Regenerate(args) => regenerate(&args.target, args.yes, registry, format).await,
        // Dispatched before the configuration is loaded; kept here so the match is complete.
        Command::Sandbox(args) => return super::sandbox::run(args).await,
    };
    match outcome {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("tokdash: {msg}");
            EXIT_USAGE
        }
        Err(Failure::Failed(msg)) => {
            eprintln!("tokdash: {msg}");
            EXIT_FAILED
        }
    }
}

async fn list(args: &ListArgs, registry: &Registry, format: Format) -> Outcome {
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
                account: sanitize(&account.name),
                provider: account.kind,
                error: e.to_string(),
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
        })
        .collect();

    match format {
        Format::Json => output::print(&output::list_json(&rows, &errors)),
        Format::Csv => output::print(&output::list_csv(&rows)),
        Format::Table => output::print(&output::list_table(&rows)),
    }
    if format != Format::Json {
        for e in &errors {
            eprintln!("tokdash: {} ({}): {}", e.account, e.provider, e.error);
        }
    }
    Ok(match errors.len() {
        0 => EXIT_OK,
        n if n == selected.len() => EXIT_FAILED,
        _ => EXIT_PARTIAL,
    })
}

async fn create(args: &CreateArgs, registry: &Registry, format: Format) -> Outcome {
    let account = account(registry, &args.account)?;
    account
        .allows(OpKind::Create)
        .map_err(|r| Failure::Failed(r.to_string()))?;
    let new = new_token(args, account)?;
    let created = account.client.create(new).await?;
    print_created(account, &created, format, "Created");
    Ok(EXIT_OK)
}

/// Build the request from the flags, refusing flags the provider's form does not take and
/// choices it does not offer.
fn new_token(args: &CreateArgs, account: &Account) -> Result<NewToken, Failure> {
    let form = account.kind.caps().form;
    let mut new = NewToken {
        name: args.name.clone(),
        description: args.description.clone(),
        permissions: args.permission.clone(),
        role_id: args.role_id.clone(),
        readable: args.readable.then_some(true),
        writeable: args.writeable.then_some(true),
    };
    if args.name.trim().is_empty() {
        return Err(Failure::Usage("--name must not be empty".into()));
    }
    let unsupported = new.unsupported_fields(form);
    if !unsupported.is_empty() {
        let given: Vec<&str> = unsupported.iter().map(|k| flag(k)).collect();
        let mut taken = vec![flag(FIELD_NAME)];
        taken.extend(
            form.iter()
                .map(|f| flag(f.key))
                .filter(|f| *f != flag(FIELD_NAME)),
        );
        return Err(Failure::Usage(format!(
            "{} does not take {}; it takes {}",
            account.kind,
            given.join(", "),
            taken.join(", ")
        )));
    }
    if let Some(field) = form.iter().find(|f| f.key == FIELD_PERMISSIONS)
        && let FieldKind::MultiChoice(choices) = field.kind
    {
        for p in &mut new.permissions {
            match choices.iter().find(|c| c.eq_ignore_ascii_case(p)) {
                Some(c) => *p = (*c).to_owned(),
                None => {
                    return Err(Failure::Usage(format!(
                        "{} has no permission `{p}`; expected one of {}",
                        account.kind,
                        choices.join(", ")
                    )));
                }
            }
        }
    }
    Ok(new)
}

/// The command-line flag for a create-form field.
fn flag(key: &str) -> &'static str {
    match key {
        FIELD_NAME => "--name",
        FIELD_DESCRIPTION => "--description",
        FIELD_PERMISSIONS => "--permission",
        FIELD_ROLE_ID => "--role-id",
        FIELD_READABLE => "--readable",
        FIELD_WRITEABLE => "--writeable",
        _ => "(a field the command line cannot set)",
    }
}

async fn delete(target: &Target, yes: bool, registry: &Registry, format: Format) -> Outcome {
    let account = account(registry, &target.account)?;
    account
        .allows(OpKind::Delete)
        .map_err(|r| Failure::Failed(r.to_string()))?;
    let id = TokenId::new(target.id.clone());
    let name = if yes {
        None
    } else {
        let token = confirmable(account, &id, "delete").await?;
        let question = format!(
            "Delete token {} ({id}) from account {}?",
            token.name,
            sanitize(&account.name)
        );
        if !confirm(question).await? {
            return Err(Failure::Failed("cancelled; nothing was deleted".into()));
        }
        Some(token.name)
    };
    account.client.delete(id.clone()).await?;
    match format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Deleted<'a> {
                account: String,
                provider: crate::provider::ProviderKind,
                id: &'a str,
                deleted: bool,
            }
            output::print(&output::to_json(&Deleted {
                account: sanitize(&account.name),
                provider: account.kind,
                id: id.as_str(),
                deleted: true,
            }))
        }
        _ => {
            let what = match name {
                Some(n) => format!("{n} ({id})"),
                None => id.to_string(),
            };
            output::print(&format!(
                "Deleted token {what} from account {}.\n",
                sanitize(&account.name)
            ));
        }
    }
    Ok(EXIT_OK)
}

async fn regenerate(target: &Target, yes: bool, registry: &Registry, format: Format) -> Outcome {
    let account = account(registry, &target.account)?;
    account
        .allows(OpKind::Regenerate)
        .map_err(|r| Failure::Failed(r.to_string()))?;
    let id = TokenId::new(target.id.clone());
    if !yes {
        let token = confirmable(account, &id, "regenerate").await?;
        let question = format!(
            "Regenerate token {} ({id}) in account {}? The old secret stops working.",
            token.name,
            sanitize(&account.name)
        );
        if !confirm(question).await? {
            return Err(Failure::Failed(
                "cancelled; the token was not regenerated".into(),
            ));
        }
    }
    let created = account.client.regenerate(id).await?;
    print_created(account, &created, format, "Regenerated");
    Ok(EXIT_OK)
}

async fn set_enabled(
    target: &Target,
    enabled: bool,
    registry: &Registry,
    format: Format,
) -> Outcome {
    let op = if enabled {
        OpKind::Enable
    } else {
        OpKind::Disable
    };
    let change = TokenUpdate {
        name: None,
        enabled: Some(enabled),
    };
    update(target, op, change, registry, format).await
}

async fn rename(target: &Target, name: &str, registry: &Registry, format: Format) -> Outcome {
    if name.trim().is_empty() {
        return Err(Failure::Usage("--name must not be empty".into()));
    }
    let change = TokenUpdate {
        name: Some(name.to_owned()),
        enabled: None,
    };
    update(target, OpKind::Rename, change, registry, format).await
}

async fn update(
    target: &Target,
    op: OpKind,
    change: TokenUpdate,
    registry: &Registry,
    format: Format,
) -> Outcome {
    let account = account(registry, &target.account)?;
    account
        .allows(op)
        .map_err(|r| Failure::Failed(r.to_string()))?;
    let token = account
        .client
        .update(TokenId::new(target.id.clone()), change)
        .await?;
    let row = Row {
        account: &account.name,
        provider: account.kind,
        token: &token,
    };
    match format {
        Format::Json => output::print(&output::token_json(&row, None)),
        _ => {
            let done = match op {
                OpKind::Enable => "Enabled",
                OpKind::Disable => "Disabled",
                _ => "Renamed",
            };
            output::print(&format!(
                "{done} token:\n{}",
                output::token_block(&row, None)
            ));
        }
    }
    Ok(EXIT_OK)
}

fn print_created(account: &Account, created: &Created, format: Format, done: &str) {
    let row = Row {
        account: &account.name,
        provider: account.kind,
        token: &created.token,
    };
    match format {
        Format::Json => output::print(&output::token_json(&row, Some(&created.secret))),
        _ => {
            output::print(&format!(
                "{done} token:\n{}",
                output::token_block(&row, Some(&created.secret))
            ));
            eprintln!("tokdash: the secret is shown only this once; store it now.");
        }
    }
}

fn account<'a>(registry: &'a Registry, name: &str) -> Result<&'a Account, Failure> {
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

/// Before asking, make sure someone can answer, and find the token so the question names it.
async fn confirmable(account: &Account, id: &TokenId, verb: &str) -> Result<Token, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(format!(
            "refusing to {verb} without confirmation: stdin is not a terminal; pass --yes to {verb} anyway"
        )));
    }
    let tokens = account.client.list().await?;
    tokens.into_iter().find(|t| t.id == *id).ok_or_else(|| {
        Failure::Failed(format!(
            "account {} has no token with id {id}",
            sanitize(&account.name)
        ))
    })
}

/// Ask a yes/no question on the terminal; anything but `y` or `yes` is no.
async fn confirm(question: String) -> Result<bool, Failure> {
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| Failure::Failed(format!("could not read the answer: {e}")))?
    .map_err(|e| Failure::Failed(format!("could not read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
