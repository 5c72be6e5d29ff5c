//! `tokdash rotate`: replace a token's secret and hand the new one to its sinks in one command.
//! Where the provider regenerates a secret in place, that is what happens; elsewhere a twin is
//! created (the old token's name and settings, or `--name`), its secret delivered, and, with
//! `--delete-old`, the old token deleted only once every sink has the new secret. A sink that
//! fails leaves the old token alone and prints the new secret, so nothing is lost.

use clap::Args;

use super::change::{self, Change, find_in, id_from_stdin};
use super::commands::account;
use super::deliver::{DeliverArgs, Plan};
use super::failure::{Failure, Outcome, api_failure};
use super::output::Ids;
use super::prompt;
use super::trail::Trail;
use super::{ConfirmedTarget, CreateArgs, EXIT_OK, Format, Target, TokenRef};
use crate::model::{
    FIELD_DESCRIPTION, FIELD_PERMISSIONS, FIELD_READABLE, FIELD_ROLE_ID, FIELD_WRITEABLE,
    FieldKind, FieldSpec, OpKind, Token, free_name, is_masked_id, masked_id,
};
use crate::provider::{Account, Registry};
use crate::sink::Sink;
use crate::text::sanitize;

#[derive(Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub target: Target,
    /// The new token's name (default: the old one's, or where names are unique, as on qovery,
    /// the first free one of `NAME (2)`, `NAME (3)`…)
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    #[command(flatten)]
    pub delivery: DeliverArgs,
    /// Delete the old token once every sink has the new secret
    #[arg(long)]
    pub delete_old: bool,
    /// Do not ask before regenerating or deleting (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn run(
    args: RotateArgs,
    registry: &Registry,
    sinks: &[Sink],
    format: Format,
    ids: Ids,
    trail: &Trail,
) -> Outcome {
    let account = account(registry, &args.target.account)?;
    let Some(plan) = Plan::new(&args.delivery, sinks)? else {
        return Err(Failure::Usage(
            "rotate needs --deliver SINK: the new secret goes to the sinks before the old token \
             is let go"
                .into(),
        ));
    };
    let caps = account.kind.caps();
    if caps.regenerate {
        if args.delete_old {
            eprintln!(
                "tokdash: {} regenerates a token's secret in place, so there is no old token to \
                 delete",
                account.kind
            );
        }
        let regenerate = ConfirmedTarget {
            target: args.target,
            yes: args.yes,
        };
        return change::run(
            Change::Regenerate(regenerate),
            registry,
            format,
            ids,
            trail,
            Some(&plan),
        )
        .await;
    }
    account.allows(OpKind::Create)?;
    if args.delete_old {
        account.allows(OpKind::Delete)?;
        if !args.yes {
            prompt::require_terminal(OpKind::Delete)?;
        }
    }
    let given = match args.target.token.id {
        Some(id) => id,
        None => id_from_stdin().await?,
    };
    let shown = if is_masked_id(given.as_str()) {
        sanitize(given.as_str())
    } else {
        masked_id(&given, caps)
    };
    // One list: it finds the old token, and names the taken names where they must be unique.
    let listing = account
        .list()
        .await
        .map_err(|e| api_failure(e, account, OpKind::List, None))?;
    let (old_id, old) = find_in(&listing, account, given, OpKind::Create, &shown)?;
    if args.delete_old && !args.yes {
        prompt::ask(account, OpKind::Delete, &old, &shown).await?;
    }
    // A provider whose names are unique (qovery) refuses the old name: take a free one.
    let name = match args.name {
        Some(name) => Some(name),
        None if caps.unique_names => Some(free_name(
            &old.name,
            listing.tokens.iter().map(|t| t.name.as_str()),
        )),
        None => None,
    };
    let mut create = twin(&old, name, &account.name, caps.form);
    if let Some(role) = create.role_id.take() {
        create.role_id = Some(role_id(account, &role).await?);
    }
    let created = change::run(
        Change::Create(create),
        registry,
        format,
        ids,
        trail,
        Some(&plan),
    )
    .await;
    let old_name = sanitize(&old.name);
    if let Err(failure) = created {
        if args.delete_old {
            eprintln!("tokdash: the old token {old_name} ({shown}) was kept: it still works");
        }
        return Err(failure);
    }
    if !args.delete_old {
        eprintln!(
            "tokdash: the old token {old_name} ({shown}) still works; delete it once nothing uses \
             it (`tokdash delete --account {} --id {shown}`)",
            sanitize(&account.name)
        );
        return Ok(EXIT_OK);
    }
    let delete = ConfirmedTarget {
        target: Target {
            account: args.target.account,
            token: TokenRef {
                id: Some(old_id),
                id_from_stdin: false,
            },
        },
        // Asked above, before anything was sent.
        yes: true,
    };
    change::run(Change::Delete(delete), registry, format, ids, trail, None).await
}

/// The id of the role the old token shows as `shown` (its label or its id), among the roles the
/// account offers, as the dashboard's rotate form picks it.
async fn role_id(account: &Account, shown: &str) -> Result<String, Failure> {
    let choices = account
        .client
        .form_choices(FIELD_ROLE_ID)
        .await
        .map_err(|e| api_failure(e, account, OpKind::List, None))?;
    choices
        .into_iter()
        .find(|c| c.id == shown || c.label.eq_ignore_ascii_case(shown))
        .map(|c| c.id)
        .ok_or_else(|| {
            Failure::Failed(format!(
                "the old token's role `{}` is not among the roles account {} offers; create the \
                 new token with `tokdash create --role-id …` and deliver it from there",
                sanitize(shown),
                sanitize(&account.name)
            ))
        })
}

/// The create flags that make a twin of `old`: its name (or `name`), and of its settings what
/// the provider's create form takes, read back from its scopes as the dashboard's rotate form
/// does.
fn twin(old: &Token, name: Option<String>, account: &str, form: &[FieldSpec]) -> CreateArgs {
    let has_scope = |word: &str| old.scopes.iter().any(|s| s.eq_ignore_ascii_case(word));
    let mut args = CreateArgs {
        account: account.to_owned(),
        name: name.unwrap_or_else(|| old.name.clone()),
        description: None,
        permission: Vec::new(),
        role_id: None,
        role: None,
        // The twin of a policy token is a policy token with the same policy; an expiry is
        // chosen afresh (the old one's would make the new token expire with it).
        opa_policy: old.opa_policy().map(str::to_owned),
        expires_at: None,
        readable: false,
        writeable: false,
        delivery: DeliverArgs::default(),
    };
    for field in form {
        match (field.key, field.kind) {
            (FIELD_DESCRIPTION, _) => {
                args.description = old.description.clone().filter(|d| !d.is_empty());
            }
            (FIELD_PERMISSIONS, FieldKind::MultiChoice { choices, .. }) => {
                args.permission = choices
                    .iter()
                    .filter(|c| has_scope(c))
                    .map(|c| (*c).to_owned())
                    .collect();
            }
            // The role by name; a policy token without one gets none (organization admin).
            (FIELD_ROLE_ID, FieldKind::RemoteChoice) => args.role_id = old.role.clone(),
            // `readable` is shown as the scope `read`, `writeable` as `write`.
            (FIELD_READABLE, _) => args.readable = has_scope(FIELD_READABLE) || has_scope("read"),
            (FIELD_WRITEABLE, _) => {
                args.writeable = has_scope(FIELD_WRITEABLE) || has_scope("write")
            }
            _ => {}
        }
    }
    args
}
