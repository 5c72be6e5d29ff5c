//! The commands that change something at a provider. Each is checked by the gate and against the
//! provider's form, asks first where it cannot be undone, sends one request, prints the answer,
//! and leaves exactly one audit record of the attempt, however it ends.

use super::commands::account;
use super::failure::{Failure, Outcome, api_failure, outcome_unknown};
use super::output::{self, Row};
use super::prompt;
use super::trail::Trail;
use super::{ConfirmedTarget, CreateArgs, EXIT_OK, Format, RenameArgs, Target};
use crate::audit::{Outcome as AuditOutcome, TokenLabel};
use crate::model::{
    Caps, Created, FIELD_NAME, FIELD_PERMISSIONS, FieldKind, FieldSpec, NewToken, OpKind, Token,
    TokenId, TokenUpdate, field_flag, masked_id,
};
use crate::provider::{Account, Registry};
use crate::text::sanitize;

/// A change the user asked for on the command line.
pub enum Change {
    Create(CreateArgs),
    Delete(ConfirmedTarget),
    Regenerate(ConfirmedTarget),
    Enable(Target),
    Disable(Target),
    Rename(RenameArgs),
}

/// What is sent to the provider.
enum Request {
    Create(NewToken),
    Delete(TokenId),
    Regenerate(TokenId),
    Update(TokenId, TokenUpdate),
}

/// What the provider answered.
enum Answer {
    /// A create or regenerate: the token and its new secret, shown once.
    Secret(Created),
    /// A rename, enable or disable: the token as it is now.
    Updated(Token),
    Deleted,
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

    /// The token the change is about, when it names one by id (all but create).
    fn target_id(&self) -> Option<TokenId> {
        let target = match self {
            Change::Create(_) => return None,
            Change::Delete(a) | Change::Regenerate(a) => &a.target,
            Change::Enable(t) | Change::Disable(t) => t,
            Change::Rename(a) => &a.target,
        };
        Some(TokenId::new(target.id.clone()))
    }

    /// The token as messages name it before anything is sent: the new name for a create, the id
    /// (masked where ids are secrets) otherwise.
    fn shown(&self, caps: &Caps) -> String {
        match (self, self.target_id()) {
            (Change::Create(a), _) => sanitize(&a.name),
            (_, id) => id.map(|id| masked_id(&id, caps)).unwrap_or_default(),
        }
    }

    /// The token as the audit record knows it before anything is sent.
    fn label(&self, caps: &Caps) -> TokenLabel {
        match self {
            Change::Create(a) => TokenLabel::new(None, Some(&a.name), caps),
            _ => TokenLabel::new(self.target_id().as_ref(), None, caps),
        }
    }

    /// The token to ask about before anything is sent: delete and regenerate ask, unless
    /// `--yes` was given.
    fn to_confirm(&self) -> Option<TokenId> {
        match self {
            Change::Delete(a) | Change::Regenerate(a) if !a.yes => self.target_id(),
            _ => None,
        }
    }

    /// The request, checked against what the provider's form takes.
    fn request(&self, account: &Account) -> Result<Request, Failure> {
        let id = |t: &Target| TokenId::new(t.id.clone());
        let update = |t: &Target, name: Option<&str>, enabled: Option<bool>| {
            let change = TokenUpdate {
                name: name.map(str::to_owned),
                enabled,
            };
            Request::Update(id(t), change)
        };
        Ok(match self {
            Change::Create(args) => Request::Create(new_token(args, account)?),
            Change::Delete(a) => Request::Delete(id(&a.target)),
            Change::Regenerate(a) => Request::Regenerate(id(&a.target)),
            Change::Enable(t) => update(t, None, Some(true)),
            Change::Disable(t) => update(t, None, Some(false)),
            Change::Rename(a) if a.name.trim().is_empty() => {
                return Err(Failure::Usage("--name must not be empty".into()));
            }
            Change::Rename(a) => update(&a.target, Some(&a.name), None),
        })
    }
}

/// Run one change and leave exactly one audit record of the attempt. An unknown account is a
/// usage error with no record: there is no provider to record it against.
pub async fn run(change: Change, registry: &Registry, format: Format, trail: &Trail) -> Outcome {
    let account = account(registry, change.account())?;
    let op = change.op();
    let caps = account.kind.caps();
    let shown = change.shown(caps);
    // The record names the token as far as it is known: a confirmation learns its name, the
    // provider's answer the rest.
    let mut label = change.label(caps);
    let sent = async {
        account.allows(op)?;
        let request = change.request(account)?;
        if let Some(id) = change.to_confirm() {
            let token = prompt::confirmable(account, &id, op, &shown).await?;
            label.name = Some(token.name.clone());
            prompt::ask(account, op, &token, &shown).await?;
        }
        send(request, account, op, &shown).await
    }
    .await;
    let result = sent.map(|answer| {
        match &answer {
            Answer::Secret(created) => {
                label = TokenLabel::new(Some(&created.token.id), Some(&created.token.name), caps);
                // Fingerprinted before it is shown, so a secret on screen is always traceable.
                trail.fingerprint(account, &label, &created.secret);
            }
            Answer::Updated(token) => label.name = Some(token.name.clone()),
            Answer::Deleted => {}
        }
        show(account, op, &answer, &label, &shown, format);
        EXIT_OK
    });
    match &result {
        Ok(_) => trail.record(account, op, &label, AuditOutcome::Ok, None),
        Err(f) => trail.record(account, op, &label, f.audit_outcome(), Some(f.message())),
    }
    result
}

async fn send(
    request: Request,
    account: &Account,
    op: OpKind,
    shown: &str,
) -> Result<Answer, Failure> {
    let client = &account.client;
    // A create or regenerate that got no answer may have happened; the others just failed.
    let unknown = |e| outcome_unknown(e, account, op, shown);
    let failed = |e| api_failure(e, account, op, Some(shown));
    match request {
        Request::Create(new) => client
            .create(new)
            .await
            .map(Answer::Secret)
            .map_err(unknown),
        Request::Regenerate(id) => client
            .regenerate(id)
            .await
            .map(Answer::Secret)
            .map_err(unknown),
        Request::Delete(id) => client
            .delete(id)
            .await
            .map(|()| Answer::Deleted)
            .map_err(failed),
        Request::Update(id, change) => client
            .update(id, change)
            .await
            .map(Answer::Updated)
            .map_err(failed),
    }
}

/// Print the provider's answer; a new secret goes to stdout, once, and stderr says so.
fn show(
    account: &Account,
    op: OpKind,
    answer: &Answer,
    label: &TokenLabel,
    shown: &str,
    format: Format,
) {
    let row = |token| Row {
        account: &account.name,
        provider: account.kind,
        token,
    };
    let done = match op {
        OpKind::List => "Listed",
        OpKind::Create => "Created",
        OpKind::Delete => "Deleted",
        OpKind::Rename => "Renamed",
        OpKind::Enable => "Enabled",
        OpKind::Disable => "Disabled",
        OpKind::Regenerate => "Regenerated",
    };
    match (answer, format) {
        (Answer::Secret(created), Format::Json) => output::print(&output::token_json(
            &row(&created.token),
            Some(&created.secret),
        )),
        (Answer::Secret(created), _) => {
            output::print(&format!(
                "{done} token:\n{}",
                output::token_block(&row(&created.token), Some(&created.secret))
            ));
            eprintln!("tokdash: the secret is shown only this once; store it now.");
        }
        (Answer::Updated(token), Format::Json) => {
            output::print(&output::token_json(&row(token), None));
        }
        (Answer::Updated(token), _) => output::print(&format!(
            "{done} token:\n{}",
            output::token_block(&row(token), None)
        )),
        (Answer::Deleted, Format::Json) => {
            output::print(&output::deleted_json(&account.name, account.kind, shown));
        }
        (Answer::Deleted, _) => {
            let what = match &label.name {
                Some(name) => format!("{name} ({shown})"),
                None => shown.to_owned(),
            };
            output::print(&format!(
                "{done} token {what} from account {}.\n",
                sanitize(&account.name)
            ));
        }
    }
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
        let given: Vec<&str> = unsupported.iter().map(|key| field_flag(key)).collect();
        let taken: Vec<&str> = std::iter::once(field_flag(FIELD_NAME))
            .chain(
                form.iter()
                    .filter(|f| f.key != FIELD_NAME)
                    .map(FieldSpec::flag),
            )
            .collect();
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::Cli;
    use crate::provider::ProviderKind;

    /// The field table's flags are the ones `tokdash create` really has.
    #[test]
    fn every_form_field_has_a_create_flag() {
        let cli = Cli::command();
        let create = cli.find_subcommand("create").expect("a create command");
        for kind in ProviderKind::ALL {
            for field in kind.caps().form {
                let flag = field.flag().trim_start_matches("--");
                assert!(
                    create.get_arguments().any(|a| a.get_long() == Some(flag)),
                    "{kind}: {} has no flag {flag}",
                    field.key
                );
            }
        }
    }
}
