//! `[[sinks]]` (where a new secret can be delivered) and an account's `sinks` (the ones its
//! dashboard dialog preselects), read with the same file:line:key errors as the rest.

use std::collections::HashMap;

use toml::Spanned;
use toml::de::DeValue;

use super::{Doc, Table, closest};
use crate::config::{AccountConfig, ConfigError};
use crate::credential::{ProgramProblem, find_program};
use crate::sink::{DEFAULT_TIMEOUT, Sink, Target, Template};

const SINK_KEYS: &[&str] = &["name", "command", "file", "timeout_secs"];

/// Every `[[sinks]]` entry, in file order.
pub(super) fn read_sinks(top: &Table<'_, '_>, doc: &Doc<'_>) -> Result<Vec<Sink>, ConfigError> {
    let Some(sinks) = top.get("sinks") else {
        return Ok(Vec::new());
    };
    let Some(items) = sinks.get_ref().as_array() else {
        return Err(top.error_at(
            sinks.span(),
            "sinks",
            "expected [[sinks]] entries (an array of tables)".into(),
        ));
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        out.push(read_sink(doc, item, &mut seen)?);
    }
    Ok(out)
}

fn read_sink(
    doc: &Doc<'_>,
    item: &Spanned<DeValue<'_>>,
    seen: &mut HashMap<String, usize>,
) -> Result<Sink, ConfigError> {
    let Some(table) = item.get_ref().as_table() else {
        return Err(doc.error(
            item.span(),
            Some("sinks".into()),
            format!("expected a sink table, found {}", item.get_ref().type_str()),
        ));
    };
    let entry = Table {
        doc,
        table,
        span: item.span(),
        prefix: "sinks.".into(),
    };
    entry.check_keys(SINK_KEYS)?;
    let name = entry.unique_name("sink", "[[sinks]]", seen)?;
    let target = match (entry.get("command"), entry.string("file")?) {
        (Some(command), None) => Target::Command(read_command(&entry, command)?),
        (None, Some((file, span))) => {
            if file.trim().is_empty() {
                return Err(entry.error_at(span, "file", "the path is empty".into()));
            }
            let template =
                Template::parse(&file).map_err(|problem| entry.error_at(span, "file", problem))?;
            Target::File(template)
        }
        (Some(command), Some(_)) => {
            return Err(entry.error_at(
                command.span(),
                "command",
                "give either `command` or `file`, not both".into(),
            ));
        }
        (None, None) => {
            return Err(entry.missing(
                "command",
                "give `command = [\"prog\", \"arg\"]` (the secret on its standard input) or \
                 `file = \"path\"`",
            ));
        }
    };
    let timeout = match entry.integer_in("timeout_secs", 1..=3_600, "a number of seconds")? {
        Some(s) => std::time::Duration::from_secs(s as u64),
        None => DEFAULT_TIMEOUT,
    };
    Ok(Sink {
        name,
        target,
        timeout,
    })
}

/// A sink's `command`: a non-empty array of strings, its program not empty and not one group
/// or others could change (as a credential command's), each item a checked template.
fn read_command(
    entry: &Table<'_, '_>,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<Template>, ConfigError> {
    let expected = || {
        entry.error_at(
            value.span(),
            "command",
            "expected a non-empty array of strings: the program and its arguments, run without \
             a shell (the secret arrives on standard input)"
                .into(),
        )
    };
    let items = value.get_ref().as_array().ok_or_else(expected)?;
    let mut argv = Vec::with_capacity(items.len());
    for item in items.iter() {
        let Some(s) = item.get_ref().as_str() else {
            return Err(expected());
        };
        argv.push((s.to_owned(), item.span()));
    }
    let Some((program, span)) = argv.first() else {
        return Err(expected());
    };
    if program.is_empty() {
        return Err(expected());
    }
    if program.contains('{') {
        return Err(entry.error_at(
            span.clone(),
            "command",
            "the program cannot be a placeholder; name it".into(),
        ));
    }
    if let Err(ProgramProblem::Unsafe(why)) =
        find_program(program, std::env::var_os("PATH").as_deref())
    {
        return Err(entry.error_at(span.clone(), "command", why));
    }
    argv.into_iter()
        .map(|(raw, span)| {
            Template::parse(&raw).map_err(|problem| entry.error_at(span, "command", problem))
        })
        .collect()
}

/// An account's `sinks`: names of `[[sinks]]` entries.
pub(super) fn read_account_sinks(entry: &Table<'_, '_>) -> Result<Vec<String>, ConfigError> {
    let Some(value) = entry.get("sinks") else {
        return Ok(Vec::new());
    };
    let expected = || entry.type_error("sinks", value, "an array of sink names");
    let items = value.get_ref().as_array().ok_or_else(expected)?;
    items
        .iter()
        .map(|item| {
            item.get_ref()
                .as_str()
                .map(str::to_owned)
                .ok_or_else(expected)
        })
        .collect()
}

/// Every name in an account's `sinks` is a `[[sinks]]` entry (which may come later in the
/// file, so this is checked once all is read).
pub(super) fn check_account_sinks(
    accounts: &[AccountConfig],
    sinks: &[Sink],
) -> Result<(), ConfigError> {
    let names: Vec<&str> = sinks.iter().map(|s| s.name.as_str()).collect();
    for account in accounts {
        for name in &account.sinks {
            if names.contains(&name.as_str()) {
                continue;
            }
            let suggestion = closest(name, &names)
                .map(|a| format!(" (did you mean `{a}`?)"))
                .unwrap_or_default();
            let known = if names.is_empty() {
                "there are no [[sinks]] entries".to_owned()
            } else {
                format!("configured: {}", names.join(", "))
            };
            return Err(account.error(
                "sinks",
                format!("no sink named `{name}`{suggestion}; {known}"),
            ));
        }
    }
    Ok(())
}
