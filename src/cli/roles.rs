//! `tokdash roles`: the roles an account's tokens can be given, and the lookup behind
//! `create --role NAME`. Which providers have roles is their create form's business: a field
//! `role_id` whose choices the provider serves ([`FieldKind::RemoteChoice`]).

use serde::Serialize;

use super::commands::account;
use super::failure::{Failure, Outcome};
use super::output;
use super::{EXIT_OK, Format, RolesArgs};
use crate::model::{FIELD_ROLE_ID, FieldKind};
use crate::provider::{Account, Choice, Registry};
use crate::text::sanitize;

pub async fn run(args: &RolesArgs, registry: &Registry, format: Format) -> Outcome {
    let account = account(registry, &args.account)?;
    let roles = fetch(account).await?;
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Role<'a> {
                id: &'a str,
                name: &'a str,
            }
            #[derive(Serialize)]
            struct Out<'a> {
                account: &'a str,
                provider: crate::model::ProviderKind,
                roles: Vec<Role<'a>>,
            }
            output::print(&output::to_json(&Out {
                account: &account.name,
                provider: account.kind,
                roles: roles
                    .iter()
                    .map(|r| Role {
                        id: &r.id,
                        name: &r.label,
                    })
                    .collect(),
            }));
        }
        _ => {
            let rows = roles
                .iter()
                .map(|r| vec![r.id.clone(), r.label.clone()])
                .collect();
            output::print(&output::table(&["ID", "NAME"], rows));
        }
    }
    Ok(EXIT_OK)
}

/// The id of the role named `name` (any case, surrounding spaces ignored) among the account's
/// roles; an unknown or ambiguous name is a usage error listing the names there are.
pub async fn resolve(account: &Account, name: &str) -> Result<String, Failure> {
    let roles = fetch(account).await?;
    let wanted = name.trim();
    let hits: Vec<&Choice> = roles
        .iter()
        .filter(|r| r.label.trim().eq_ignore_ascii_case(wanted))
        .collect();
    // An exact spelling settles a name two roles share but for case.
    let exact: Vec<&Choice> = hits
        .iter()
        .copied()
        .filter(|r| r.label.trim() == wanted)
        .collect();
    match (hits.as_slice(), exact.as_slice()) {
        ([one], _) | (_, [one]) => Ok(one.id.clone()),
        ([], _) => Err(Failure::Usage(format!(
            "{} has no role named `{}`; its roles are {} (see `tokdash roles --account {}`)",
            sanitize(&account.name),
            sanitize(wanted),
            names(&roles),
            output::shell_word(&account.name)
        ))),
        (many, _) => Err(Failure::Usage(format!(
            "{} roles of {} are named `{}` ({}); give the one meant with --role-id",
            many.len(),
            sanitize(&account.name),
            sanitize(wanted),
            many.iter()
                .map(|r| format!("{} {}", r.label, r.id))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn names(roles: &[Choice]) -> String {
    if roles.is_empty() {
        return "none".to_owned();
    }
    roles
        .iter()
        .map(|r| r.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The account's roles, as its provider serves them for the create form.
async fn fetch(account: &Account) -> Result<Vec<Choice>, Failure> {
    let has_roles = account
        .kind
        .caps()
        .form
        .iter()
        .any(|f| f.key == FIELD_ROLE_ID && f.kind == FieldKind::RemoteChoice);
    if !has_roles {
        return Err(Failure::Usage(format!(
            "{} is a {} account, and {} tokens have no roles to choose from",
            sanitize(&account.name),
            account.kind,
            account.kind
        )));
    }
    account
        .client
        .form_choices(FIELD_ROLE_ID)
        .await
        .map_err(|e| {
            Failure::Failed(format!(
                "{}: could not list its roles: {}",
                sanitize(&account.name),
                sanitize(&e.to_string())
            ))
        })
}
