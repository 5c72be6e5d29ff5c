//! The headless token commands. They share the registry and the gate with the dashboard and
//! await provider calls directly.

use std::io::IsTerminal;

use futures::future::join_all;

use super::output::{self, ListError, Row};
use super::trail::Trail;
use super::{
    Command, ConfirmedTarget, CreateArgs, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Format,
    ListArgs, RenameArgs, Target,
};
use crate::audit::{Outcome as AuditOutcome, TokenLabel, storable_id};
use crate::model::{
    ApiError, Caps, Created, FIELD_DESCRIPTION, FIELD_NAME, FIELD_PERMISSIONS, FIELD_READABLE,
    FIELD_ROLE_ID, FIELD_WRITEABLE, FieldKind, NewToken, OpKind, Refusal, Token, TokenId,
    TokenUpdate,
};
use crate::provider::{Account, Registry};
use crate::text::sanitize;

/// Why a command stopped.
enum Failure {
    /// Bad flags, or a missing `--yes` where nobody can be asked: exit 2.
    Usage(String),
    /// The gate said no, or the user answered no; nothing was sent: exit 1.
    Refused(String),
    /// The provider refused or could not be reached: exit 1.
    Failed(String),
    /// A create or regenerate got no answer, so it may have happened: exit 1.
    Unknown(String),
}

impl Failure {
    fn message(&self) -> &str {
        match self {
            Failure::Usage(m) | Failure::Refused(m) | Failure::Failed(m) | Failure::Unknown(m) => m,
        }
    }

    /// How the attempt ends up in the audit log.
    fn audit_outcome(&self) -> AuditOutcome {
        match self {
            Failure::Usage(_) | Failure::Refused(_) => AuditOutcome::Refused,
            Failure::Failed(_) => AuditOutcome::Failed,
            Failure::Unknown(_) => AuditOutcome::Unknown,
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Refused(r) => Failure::Refused(r.to_string()),
            e => Failure::Failed(e.to_string()),
        }
    }
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(r.to_string())
    }
}

type Outcome = Result<i32, Failure>;

pub async fn run(command: Command, registry: &Registry, format: Format, demo: bool) -> i32 {
    let change = match command {
        Command::List(args) => return finish(list(&args, registry, format).await),
        // Dispatched before the configuration is loaded; kept here so the match is complete.
        Command::Sandbox(args) => return super::sandbox::run(args).await,
        Command::Incident(c) => return super::incident::run(c, registry, format, demo).await,
        Command::Create(args) => Change::Create(args),
        Command::Delete(args) => Change::Delete(args),
        Command::Regenerate(args) => Change::Regenerate(args),
        Command::Enable(t) => Change::Enable(t),
        Command::Disable(t) => Change::Disable(t),
        Command::Rename(args) => Change::Rename(args),
    };
    finish(run_change(change, registry, format, &Trail::from_env(demo)).await)
}

/// Print why a command stopped and pick the exit code.
fn finish(outcome: Outcome) -> i32 {
    match outcome {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("tokdash: {msg}");
            EXIT_USAGE
        }
        Err(Failure::Refused(msg) | Failure::Failed(msg) | Failure::Unknown(msg)) => {
            eprintln!("tokdash: {msg}");
            EXIT_FAILED
        }
    }
}

/// The commands that change something at a provider, and so leave an audit record.
enum Change {
    Create(CreateArgs),
    Delete(ConfirmedTarget),
    Regenerate(ConfirmedTarget),
    Enable(Target),
    Disable(Target),
    Rename(RenameArgs),
}

impl Change {
    fn op(&self) -> OpKind {
        match self {
            Change::Create(_) => OpKind::Create,
            Change::Delete(_) => OpKind::Delete,
            Change::Regenerate(_) => OpKind::Regenerate,
            Change::Enable(_) => OpKind::Enable,
            Change::Disable(_) => OpKind::Disable,
            Change::Rename(_) => OpKind::Rename,
        }
    }

    fn account(&self) -> &str {
        match self {
            Change::Create(a) => &a.account,
            Change::Delete(a) | Change::Regenerate(a) => &a.target.account,
            Change::Enable(t) | Change::Disable(t) => &t.account,
            Change::Rename(a) => &a.target.account,
        }
    }

    /// The token as known before anything is sent: the name for a create, the id otherwise.
    fn label(&self, caps: &Caps) -> TokenLabel {
        let id = |t: &Target| TokenId::new(t.id.clone());
        match self {
            Change::Create(a) => TokenLabel::new(None, Some(&a.name), caps),
            Change::Delete(a) | Change::Regenerate(a) => {
                TokenLabel::new(Some(&id(&a.target)), None, caps)
            }
            Change::Enable(t) | Change::Disable(t) => TokenLabel::new(Some(&id(t)), None, caps),
            Change::Rename(a) => TokenLabel::new(Some(&id(&a.target)), None, caps),
        }
    }
}

/// Run one change and leave exactly one audit record of the attempt, however it ends. An
/// unknown account is a usage error with no record: there is no provider to record it against.
async fn run_change(change: Change, registry: &Registry, format: Format, trail: &Trail) -> Outcome {
    let account = account(registry, change.account())?;
    let op = change.op();
    let mut label = change.label(account.kind.caps());
    let result = match account.allows(op) {
        Err(refusal) => Err(refusal.into()),
        Ok(()) => match change {
            Change::Create(args) => create(&args, account, format, trail, &mut label).await,
            Change::Delete(args) => {
                delete(&args.target, args.yes, account, format, &mut label).await
            }
            Change::Regenerate(args) => {
                regenerate(&args.target, args.yes, account, format, trail, &mut label).await
            }
            Change::Enable(t) => set_enabled(&t, true, account, format, &mut label).await,
            Change::Disable(t) => set_enabled(&t, false, account, format, &mut label).await,
            Change::Rename(args) => {
                rename(&args.target, &args.name, account, format, &mut label).await
            }
        },
    };
    match &result {
        Ok(_) => trail.record(account, op, &label, AuditOutcome::Ok, None),
        Err(f) => trail.record(account, op, &label, f.audit_outcome(), Some(f.message())),
    }
    result
}

/// The command that lists an account's tokens, for messages that send the user there.
fn list_command(account: &Account) -> String {
    format!(
        "tokdash list --account {}",
        output::shell_word(&sanitize(&account.name))
    )
}

/// A provider call that failed, said with the account and token it was about and what to do.
/// `token` is the token's name or its id as it may be shown.
fn api_failure(e: ApiError, account: &Account, op: OpKind, token: Option<&str>) -> Failure {
    if let ApiError::Refused(r) = e {
        return r.into();
    }
    let what = match (op, token) {
        (OpKind::List, _) => "list its tokens".to_owned(),
        (_, Some(t)) => format!("{} token {t}", op.verb()),
        (_, None) => format!("{} a token", op.verb()),
    };
    let mut message = format!(
        "account {} ({}): could not {what}: {e}",
        sanitize(&account.name),
        account.kind
    );
    let advice = match &e {
        ApiError::NotFound(_) => Some(format!(
            "run `{}` to see its tokens and their ids",
            list_command(account)
        )),
        e => e.advice().map(str::to_owned),
    };
    if let Some(advice) = advice {
        message.push_str("; ");
        message.push_str(&advice);
    }
    Failure::Failed(message)
}

/// A create or regenerate that got no answer may still have happened at the provider. Say so
/// plainly and point at the check; never retry, which could make a second token.
fn outcome_unknown(e: ApiError, account: &Account, op: OpKind, token: &str) -> Failure {
    if !e.outcome_unknown() {
        return api_failure(e, account, op, Some(token));
    }
    let check = list_command(account);
    let account = sanitize(&account.name);
    Failure::Unknown(match op {
        OpKind::Regenerate => format!(
            "account {account}: regenerate token {token}: {e}. The token may have been \
             regenerated anyway, in which case its old secret no longer works and the new one \
             is lost; run `{check}` to check before trying again."
        ),
        _ => format!(
            "account {account}: create token {token}: {e}. The token may have been created \
             anyway; run `{check}` to check before trying again, so as not to make a second one."
        ),
    })
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
                advice: e.advice(),
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
            let advice = e.advice.map(|a| format!("; {a}")).unwrap_or_default();
            eprintln!(
                "tokdash: account {} ({}): {}{advice}",
                e.account, e.provider, e.error
            );
        }
    }
    Ok(match errors.len() {
        0 => EXIT_OK,
        n if n == selected.len() => EXIT_FAILED,
        _ => EXIT_PARTIAL,
    })
}

async fn create(
    args: &CreateArgs,
    account: &Account,
    format: Format,
    trail: &Trail,
    label: &mut TokenLabel,
) -> Outcome {
    let new = new_token(args, account)?;
    let created = account
        .client
        .create(new)
        .await
        .map_err(|e| outcome_unknown(e, account, OpKind::Create, &sanitize(&args.name)))?;
    show_created(account, &created, format, "Created", trail, label);
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

async fn delete(
    target: &Target,
    yes: bool,
    account: &Account,
    format: Format,
    label: &mut TokenLabel,
) -> Outcome {
    let id = TokenId::new(target.id.clone());
    // Echo the id as it may be shown: where ids are secrets, the user has it already.
    let shown_id = storable_id(&id, account.kind.caps());
    let name = if yes {
        None
    } else {
        let token = confirmable(account, &id, "delete").await?;
        label.name = Some(token.name.clone());
        let question = format!(
            "Delete token {} ({shown_id}) from account {}?",
            token.name,
            sanitize(&account.name)
        );
        if !confirm(question).await? {
            return Err(Failure::Refused("cancelled; nothing was deleted".into()));
        }
        Some(token.name)
    };
    account
        .client
        .delete(id.clone())
        .await
        .map_err(|e| api_failure(e, account, OpKind::Delete, Some(&shown_id)))?;
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
                id: &shown_id,
                deleted: true,
            }))
        }
        _ => {
            let what = match name {
                Some(n) => format!("{n} ({shown_id})"),
                None => shown_id,
            };
            output::print(&format!(
                "Deleted token {what} from account {}.\n",
                sanitize(&account.name)
            ));
        }
    }
    Ok(EXIT_OK)
}

async fn regenerate(
    target: &Target,
    yes: bool,
    account: &Account,
    format: Format,
    trail: &Trail,
    label: &mut TokenLabel,
) -> Outcome {
    let id = TokenId::new(target.id.clone());
    let shown_id = storable_id(&id, account.kind.caps());
    if !yes {
        let token = confirmable(account, &id, "regenerate").await?;
        label.name = Some(token.name.clone());
        let question = format!(
            "Regenerate token {} ({shown_id}) in account {}? The old secret stops working.",
            token.name,
            sanitize(&account.name)
        );
        if !confirm(question).await? {
            return Err(Failure::Refused(
                "cancelled; the token was not regenerated".into(),
            ));
        }
    }
    let created = account
        .client
        .regenerate(id)
        .await
        .map_err(|e| outcome_unknown(e, account, OpKind::Regenerate, &shown_id))?;
    show_created(account, &created, format, "Regenerated", trail, label);
    Ok(EXIT_OK)
}

async fn set_enabled(
    target: &Target,
    enabled: bool,
    account: &Account,
    format: Format,
    label: &mut TokenLabel,
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
    update(target, change, account, format, op, label).await
}

async fn rename(
    target: &Target,
    name: &str,
    account: &Account,
    format: Format,
    label: &mut TokenLabel,
) -> Outcome {
    if name.trim().is_empty() {
        return Err(Failure::Usage("--name must not be empty".into()));
    }
    let change = TokenUpdate {
        name: Some(name.to_owned()),
        enabled: None,
    };
    update(target, change, account, format, OpKind::Rename, label).await
}

async fn update(
    target: &Target,
    change: TokenUpdate,
    account: &Account,
    format: Format,
    op: OpKind,
    label: &mut TokenLabel,
) -> Outcome {
    let id = TokenId::new(target.id.clone());
    let shown_id = storable_id(&id, account.kind.caps());
    let token = account
        .client
        .update(id, change)
        .await
        .map_err(|e| api_failure(e, account, op, Some(&shown_id)))?;
    label.name = Some(token.name.clone());
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

/// Fingerprint the new secret, then show it, once.
fn show_created(
    account: &Account,
    created: &Created,
    format: Format,
    done: &str,
    trail: &Trail,
    label: &mut TokenLabel,
) {
    *label = TokenLabel::new(
        Some(&created.token.id),
        Some(&created.token.name),
        account.kind.caps(),
    );
    trail.fingerprint(account, label, &created.secret);
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
    let tokens = account
        .client
        .list()
        .await
        .map_err(|e| api_failure(e, account, OpKind::List, None))?;
    tokens.into_iter().find(|t| t.id == *id).ok_or_else(|| {
        Failure::Failed(format!(
            "account {} has no token with id {}; run `{}` to see its tokens and their ids",
            sanitize(&account.name),
            storable_id(id, account.kind.caps()),
            list_command(account)
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
