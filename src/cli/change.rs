//! The commands that change something at a provider. Each is checked by the gate and against the
//! provider's form, finds the token it names (a masked id names the one token it masks), asks
//! first where it cannot be undone, sends one request, prints the answer, and leaves its attempt
//! in the audit trail however it ends: `pending` before the request goes out, then the outcome.

use std::io::{IsTerminal, Read};

use super::commands::account;
use super::deliver::Plan;
use super::failure::{Failure, Outcome, api_failure, outcome_unknown, subject};
use super::in_flight::{self, Signals};
use super::output::{self, Ids, Row};
use super::prompt;
use super::trail::Trail;
use super::{ConfirmedTarget, CreateArgs, EXIT_OK, Format, RenameArgs, Target};
use crate::audit::{Attempt, Outcome as AuditOutcome, TokenLabel};
use crate::model::{
    ApiError, Caps, Created, FIELD_NAME, FIELD_PERMISSIONS, FIELD_ROLE_ID, FieldKind, FieldSpec,
    Listing, NewToken, OpKind, Token, TokenId, TokenUpdate, field_flag, is_masked_id, masked_id,
    parse_expiry,
};
use crate::provider::{Account, Registry};
use crate::text::sanitize;

/// The longest id `--id-from-stdin` takes; anything longer is not an id.
const MAX_STDIN_ID: u64 = 4096;

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
    /// A delete: the id it had.
    Deleted(TokenId),
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

    /// Delete and regenerate ask first, unless `--yes` was given.
    fn asks_first(&self) -> bool {
        matches!(self, Change::Delete(a) | Change::Regenerate(a) if !a.yes)
    }

    /// The request for the token `id` (none for a create), checked against what the provider's
    /// form takes.
    fn request(&self, account: &Account, id: Option<TokenId>) -> Result<Request, Failure> {
        let update = |name: Option<&str>, enabled: Option<bool>| TokenUpdate {
            name: name.map(str::to_owned),
            enabled,
        };
        let (id, change) = match (self, id) {
            (Change::Create(args), _) => return Ok(Request::Create(new_token(args, account)?)),
            (_, None) => return Err(Failure::Usage("no token id was given".into())),
            (Change::Delete(_), Some(id)) => return Ok(Request::Delete(id)),
            (Change::Regenerate(_), Some(id)) => return Ok(Request::Regenerate(id)),
            (Change::Enable(_), Some(id)) => (id, update(None, Some(true))),
            (Change::Disable(_), Some(id)) => (id, update(None, Some(false))),
            (Change::Rename(a), _) if a.name.trim().is_empty() => {
                return Err(Failure::Usage("--name must not be empty".into()));
            }
            (Change::Rename(a), Some(id)) => (id, update(Some(&a.name), None)),
        };
        Ok(Request::Update(id, change))
    }
}

impl Request {
    /// The same request for the token `id`, once a masked id has been found.
    fn to(self, id: TokenId) -> Request {
        match self {
            Request::Create(new) => Request::Create(new),
            Request::Delete(_) => Request::Delete(id),
            Request::Regenerate(_) => Request::Regenerate(id),
            Request::Update(_, change) => Request::Update(id, change),
        }
    }
}

/// The token a change names, as far as it is known before anything is sent.
struct Named {
    /// The id as given (`--id` or standard input): whole, or masked as `list` prints it.
    given: Option<TokenId>,
    /// The token as messages and the audit trail name it: the new name for a create, the id
    /// masked where ids are secrets otherwise.
    shown: String,
    label: TokenLabel,
}

impl Named {
    async fn new(change: &Change, caps: &Caps) -> Result<Named, Failure> {
        let target = match change {
            Change::Create(args) => {
                return Ok(Named {
                    given: None,
                    shown: sanitize(&args.name),
                    label: TokenLabel::new(None, Some(&args.name), caps),
                });
            }
            Change::Delete(a) | Change::Regenerate(a) => &a.target,
            Change::Enable(t) | Change::Disable(t) => t,
            Change::Rename(a) => &a.target,
        };
        let given = match &target.token.id {
            Some(id) => id.clone(),
            None => id_from_stdin().await?,
        };
        // A masked id is shown as given; masking it again would hide what was typed.
        let shown = if is_masked_id(given.as_str()) {
            sanitize(given.as_str())
        } else {
            masked_id(&given, caps)
        };
        Ok(Named {
            label: TokenLabel {
                id: Some(shown.clone()),
                name: None,
            },
            given: Some(given),
            shown,
        })
    }
}

/// Run one change and leave its attempt in the audit trail: one record when it ends before a
/// request is sent, a `pending` record and then the outcome when one is. An unknown account is
/// a usage error with no record: there is no provider to record it against.
pub async fn run(
    change: Change,
    registry: &Registry,
    format: Format,
    ids: Ids,
    trail: &Trail,
    deliver: Option<&Plan<'_>>,
) -> Outcome {
    let account = account(registry, change.account())?;
    let op = change.op();
    let caps = account.kind.caps();
    let attempt = Attempt::new(&account.name, account.kind, op);
    // The record names the token as far as it is known: finding it learns its name, the
    // provider's answer the rest.
    let mut label = TokenLabel::default();
    let sent = async {
        let named = Named::new(&change, caps).await?;
        label = named.label;
        let shown = named.shown;
        account.allows(op)?;
        if change.asks_first() {
            prompt::require_terminal(op)?;
        }
        // Checked before the provider is asked anything.
        let mut request = change.request(account, named.given.clone())?;
        if let (Change::Create(args), Request::Create(new)) = (&change, &mut request)
            && let Some(role) = &args.role
        {
            new.role_id = Some(super::roles::resolve(account, role).await?);
        }
        let mut token = None;
        if let Some(given) = named.given {
            let (id, found) = find(account, given, op, &shown, change.asks_first()).await?;
            request = request.to(id);
            token = found;
        }
        if let Some(token) = &token {
            label.name = Some(token.name.clone());
        }
        if let Some(token) = token.filter(|_| change.asks_first()) {
            prompt::ask(account, op, &token, &shown).await?;
        }
        // From the pending record on, a signal waits for the outcome instead of ending the
        // process with the change unrecorded.
        let signals = Signals::catch();
        trail.pending(&attempt, &label);
        let what = subject(account, op, Some(&shown));
        in_flight::land(signals, send(request, account, op, &shown), &what)
            .await
            .map_err(|abandoned| {
                Failure::Abandoned(
                    format!(
                        "{} received again: quitting without the outcome of {what}; the audit \
                         trail keeps it as pending. Run `{}` to see whether it happened.",
                        abandoned.signal,
                        super::failure::list_command(account)
                    ),
                    abandoned.exit_code,
                )
            })?
    }
    .await;
    let result = sent.inspect(|answer| {
        match answer {
            Answer::Secret(created) => {
                label = TokenLabel::new(Some(&created.token.id), Some(&created.token.name), caps);
                // Fingerprinted before it is shown or delivered, so a secret that leaves tokdash
                // is always traceable.
                trail.fingerprint(account, &label, &created.secret);
            }
            Answer::Updated(token) => label.name = Some(token.name.clone()),
            Answer::Deleted(_) => {}
        }
    });
    match &result {
        Ok(_) => trail.finish(&attempt, &label, AuditOutcome::Ok, None),
        // Abandoned in flight: the pending record stays the last word.
        Err(f) if f.audit_outcome() == AuditOutcome::Pending => {}
        Err(f) => trail.finish(&attempt, &label, f.audit_outcome(), Some(f.message())),
    }
    let answer = result?;
    // The change is on record; the new secret goes to its sinks, and is printed unless they
    // all took it (and --print-secret was not given).
    let report = match (&answer, deliver) {
        (Answer::Secret(created), Some(plan)) => {
            Some(super::deliver::run(plan, account, created, &label, trail).await)
        }
        _ => None,
    };
    let print_secret = report.as_ref().is_none_or(|r| r.print_secret);
    show(account, op, &answer, &label, format, ids, print_secret);
    if let Some(report) = report {
        report.outcome()?;
    }
    Ok(EXIT_OK)
}

/// The id from standard input: one line, trimmed. Kept off the command line, where shell
/// history and `ps` would see it.
pub(super) async fn id_from_stdin() -> Result<TokenId, Failure> {
    let read = tokio::task::spawn_blocking(|| {
        let stdin = std::io::stdin();
        let mut text = String::new();
        if stdin.is_terminal() {
            stdin.read_line(&mut text)?;
        } else {
            stdin
                .lock()
                .take(MAX_STDIN_ID + 1)
                .read_to_string(&mut text)?;
        }
        Ok::<_, std::io::Error>(text)
    })
    .await
    .map_err(|e| Failure::Usage(format!("could not read the id from stdin: {e}")))?;
    let text =
        read.map_err(|e| Failure::Usage(format!("could not read the id from stdin: {e}")))?;
    let id = text.trim();
    if id.is_empty() || id.len() as u64 > MAX_STDIN_ID || id.contains(char::is_whitespace) {
        return Err(Failure::Usage(
            "--id-from-stdin takes exactly one token id on standard input".into(),
        ));
    }
    Ok(TokenId::new(id))
}

/// The token a change is about. A masked id (`••••e8be02`, as `list` prints a secret-like id)
/// names the one token of the account it masks: none is a failure (exit 1), several a usage
/// error (exit 2); either way nothing is changed. An id given whole is taken as it is, and
/// looked up only when the confirmation question needs the token's name.
pub(super) async fn find(
    account: &Account,
    given: TokenId,
    op: OpKind,
    shown: &str,
    need_token: bool,
) -> Result<(TokenId, Option<Token>), Failure> {
    if !is_masked_id(given.as_str()) && !need_token {
        return Ok((given, None));
    }
    let listing = account
        .list()
        .await
        .map_err(|e| api_failure(e, account, OpKind::List, None))?;
    let (id, token) = find_in(&listing, account, given, op, shown)?;
    Ok((id, Some(token)))
}

/// [`find`] in a list already made: the one token `given` (whole or masked) names.
pub(super) fn find_in(
    listing: &Listing,
    account: &Account,
    given: TokenId,
    op: OpKind,
    shown: &str,
) -> Result<(TokenId, Token), Failure> {
    let masked = is_masked_id(given.as_str());
    let caps = account.kind.caps();
    let mut matching: Vec<&Token> = listing
        .tokens
        .iter()
        .filter(|t| {
            if masked {
                masked_id(&t.id, caps) == shown
            } else {
                t.id == given
            }
        })
        .collect();
    match matching.len() {
        0 => {
            let mut why = if masked {
                "no token of the account has this masked id".to_owned()
            } else {
                "the account has no token with this id".to_owned()
            };
            if let Some(reason) = &listing.partial {
                why.push_str(&format!(" among those listed (listed in part: {reason})"));
            }
            Err(api_failure(
                ApiError::NotFound(why),
                account,
                op,
                Some(shown),
            ))
        }
        1 => {
            let token = matching.remove(0).clone();
            Ok((token.id.clone(), token))
        }
        n => {
            let names: Vec<&str> = matching.iter().map(|t| t.name.as_str()).collect();
            Err(Failure::Usage(format!(
                "{shown} names {n} tokens of account {} ({}); give the whole id: `{} \
                 --show-secrets` prints it, and --id-from-stdin takes it without putting it on \
                 the command line",
                sanitize(&account.name),
                names.join(", "),
                super::failure::list_command(account)
            )))
        }
    }
}

async fn send(
    request: Request,
    account: &Account,
    op: OpKind,
    shown: &str,
) -> Result<Answer, Failure> {
    let client = &account.client;
    // A change that got no answer may have happened: its outcome is unknown, never retried.
    let unknown = |e| outcome_unknown(e, account, op, shown);
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
            .delete(id.clone())
            .await
            .map(|()| Answer::Deleted(id))
            .map_err(unknown),
        Request::Update(id, change) => client
            .update(id, change)
            .await
            .map(Answer::Updated)
            .map_err(unknown),
    }
}

/// Print the provider's answer; a new secret goes to stdout, once, and stderr says so (unless
/// it was delivered and not asked for: `print_secret` false).
fn show(
    account: &Account,
    op: OpKind,
    answer: &Answer,
    label: &TokenLabel,
    format: Format,
    ids: Ids,
    print_secret: bool,
) {
    let row = |token| Row {
        account: &account.name,
        provider: account.kind,
        token,
        ids,
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
            print_secret.then_some(&created.secret),
        )),
        (Answer::Secret(created), _) => {
            output::print(&format!(
                "{done} token:\n{}",
                output::token_block(
                    &row(&created.token),
                    print_secret.then_some(&created.secret)
                )
            ));
            if print_secret {
                eprintln!("tokdash: the secret is shown only this once; store it now.");
            }
        }
        (Answer::Updated(token), Format::Json) => {
            output::print(&output::token_json(&row(token), None));
        }
        (Answer::Updated(token), _) => output::print(&format!(
            "{done} token:\n{}",
            output::token_block(&row(token), None)
        )),
        (Answer::Deleted(id), Format::Json) => {
            let id = ids.show(id, account.kind);
            output::print(&output::deleted_json(&account.name, account.kind, &id));
        }
        (Answer::Deleted(id), _) => {
            // `--show-secrets` shows the id whole, as the provider or the user spelled it.
            let id = sanitize(&ids.show(id, account.kind));
            let what = match &label.name {
                Some(name) => format!("{name} ({id})"),
                None => id,
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
        opa_policy: args.opa_policy.clone(),
        expires_at: match &args.expires_at {
            Some(raw) => Some(
                parse_expiry(raw, time::OffsetDateTime::now_utc())
                    .map_err(|e| Failure::Usage(format!("--expires-at: {e}")))?,
            ),
            None => None,
        },
    };
    if args.role.is_some() && !form.iter().any(|f| f.key == FIELD_ROLE_ID) {
        return Err(Failure::Usage(format!(
            "{} tokens take no role, so --role does not apply",
            account.kind
        )));
    }
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
        && let FieldKind::MultiChoice { choices, .. } = field.kind
    {
        for p in &mut new.permissions {
            match choices.iter().find(|c| c.eq_ignore_ascii_case(p)) {
                Some(c) => *p = (*c).to_owned(),
                None => {
                    return Err(Failure::Usage(format!(
                        "{} has no permission `{}`; expected one of {}",
                        account.kind,
                        sanitize(p),
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
