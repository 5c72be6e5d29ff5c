//! `tokdash list`: every selected account listed at once, filtered, sorted and printed. The
//! fetch is shared with `tokdash audit`: an account that fails or answers only in part is named,
//! never dropped.

use std::cmp::Ordering;

use clap::ValueEnum;
use futures::future::join_all;

use super::commands::account;
use super::failure::{Failure, Outcome, list_command, subject};
use super::output::{self, Ids, ListError, Row};
use super::{AccountSelection, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, Format, ListArgs};
use crate::model::{OpKind, Privilege, Token, natural_cmp};
use crate::provider::{Account, Registry};
use crate::record::Clock;
use crate::text::sanitize;

/// A `--privilege` level: the privileges a filter can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Admin,
    Write,
    Read,
}

impl From<Level> for Privilege {
    fn from(level: Level) -> Self {
        match level {
            Level::Admin => Privilege::Admin,
            Level::Write => Privilege::Write,
            Level::Read => Privilege::Read,
        }
    }
}

/// What `--sort` orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Account,
    Provider,
    Name,
    Age,
    Privilege,
}

/// `--older-than`: `90d`, `12w`, `6m` (months of 30 days), `1y` (years of 365 days), as days.
pub fn parse_age(s: &str) -> Result<u32, String> {
    const EXPECTED: &str = "expected a whole number and a unit: d (days), w (weeks), m (months of \
                            30 days) or y (years of 365 days), e.g. 90d";
    let s = s.trim();
    let Some(unit) = s.chars().last().filter(char::is_ascii_alphabetic) else {
        return Err(format!("no unit; {EXPECTED}"));
    };
    let days_per = match unit.to_ascii_lowercase() {
        'd' => 1,
        'w' => 7,
        'm' => 30,
        'y' => 365,
        _ => return Err(format!("unknown unit `{unit}`; {EXPECTED}")),
    };
    let number = &s[..s.len() - 1];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EXPECTED.to_owned());
    }
    number
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(days_per))
        .filter(|days| *days <= 36_500)
        .ok_or_else(|| "too long ago; at most 100 years".to_owned())
}

/// One listed token with its account.
#[derive(Clone, Copy)]
pub struct Listed<'f> {
    /// The account's place in the configuration.
    pub order: usize,
    pub account: &'f Account,
    pub token: &'f Token,
    /// The account was listed only in part.
    pub partial: bool,
}

impl<'f> Listed<'f> {
    pub fn row(self, ids: Ids) -> Row<'f> {
        Row {
            account: &self.account.name,
            provider: self.account.kind,
            token: self.token,
            ids,
        }
    }
}

/// One account's answer: its tokens as its provider listed them.
struct AccountList<'r> {
    order: usize,
    account: &'r Account,
    tokens: Vec<Token>,
    partial: bool,
}

/// What the selected accounts answered.
pub struct Fetched<'r> {
    /// The tokens stay in their accounts' lists, where the providers put them; filtering and
    /// sorting move 8-byte places instead (list, token), so 100,000 tokens are never copied
    /// into one list beside the ones they came from.
    lists: Vec<AccountList<'r>>,
    /// The tokens shown, in order, as places in `lists`.
    places: Vec<(u32, u32)>,
    /// The accounts that failed, and those listed in part (`partial`), in config order.
    pub errors: Vec<ListError>,
    /// How many accounts were asked.
    pub asked: usize,
}

impl<'r> Fetched<'r> {
    /// The tokens, in order.
    pub fn tokens(&self) -> impl Iterator<Item = Listed<'_>> {
        self.places.iter().map(|&place| self.at(place))
    }

    /// The `i`th token.
    pub fn get(&self, i: usize) -> Listed<'_> {
        self.at(self.places[i])
    }

    fn at(&self, place: (u32, u32)) -> Listed<'_> {
        listed(&self.lists, place)
    }
}

/// The token at `place` in `lists`.
fn listed<'f>(lists: &'f [AccountList<'_>], (list, token): (u32, u32)) -> Listed<'f> {
    let list = &lists[list as usize];
    Listed {
        order: list.order,
        account: list.account,
        token: &list.tokens[token as usize],
        partial: list.partial,
    }
}

impl Fetched<'_> {
    /// Print why accounts failed (but for JSON, which carries them) and why lists are partial
    /// (always), on stderr.
    pub fn report(&self, format: Format) {
        for e in &self.errors {
            if e.partial {
                eprintln!("tokdash: listed in part: {}", e.error);
            } else if format != Format::Json {
                eprintln!("tokdash: {}", e.message);
            }
        }
    }

    /// How many accounts did not answer at all.
    pub fn failed(&self) -> usize {
        self.errors.iter().filter(|e| !e.partial).count()
    }
}

/// The accounts `selection` names (all, unless narrowed); a usage error for an unknown account
/// or a selection that matches none.
pub fn select<'r>(
    registry: &'r Registry,
    selection: &AccountSelection,
) -> Result<Vec<&'r Account>, Failure> {
    for name in &selection.account {
        account(registry, name)?;
    }
    let selected: Vec<&Account> = registry
        .accounts
        .iter()
        .filter(|a| selection.account.is_empty() || selection.account.contains(&a.name))
        .filter(|a| selection.provider.is_empty() || selection.provider.contains(&a.kind))
        .collect();
    if selected.is_empty() {
        return Err(Failure::Usage(
            "no configured account matches the selection".into(),
        ));
    }
    Ok(selected)
}

/// List every account in `selected`, `[network] accounts_at_once` at a time ([`Account::list`]).
pub async fn fetch<'r>(selected: &[&'r Account]) -> Fetched<'r> {
    let results = join_all(selected.iter().map(|a| async move {
        a.allows(OpKind::List)?;
        a.list().await
    }))
    .await;
    let mut fetched = Fetched {
        lists: Vec::new(),
        places: Vec::new(),
        errors: Vec::new(),
        asked: selected.len(),
    };
    for (order, (account, result)) in selected.iter().zip(results).enumerate() {
        match result {
            Ok(listing) => {
                let partial = listing.partial.is_some();
                if let Some(reason) = listing.partial {
                    fetched.errors.push(ListError {
                        account: sanitize(&account.name),
                        provider: account.kind,
                        message: format!("listed in part: {reason}"),
                        error: reason,
                        partial: true,
                    });
                }
                fetched.lists.push(AccountList {
                    order,
                    account,
                    tokens: listing.tokens,
                    partial,
                });
            }
            Err(e) => fetched.errors.push(ListError {
                account: sanitize(&account.name),
                provider: account.kind,
                error: e.to_string(),
                partial: false,
                message: e.failure_text(
                    &subject(account, OpKind::List, None),
                    Some(&list_command(account)),
                ),
            }),
        }
    }
    // u32 places: a list of four billion tokens would not fit in memory anyway.
    fetched.places = (0..fetched.lists.len())
        .flat_map(|list| {
            let tokens = fetched.lists[list].tokens.len();
            (0..tokens).map(move |token| (list as u32, token as u32))
        })
        .collect();
    fetched
}

pub async fn run(
    args: &ListArgs,
    registry: &Registry,
    format: Format,
    ids: Ids,
    clock: &Clock,
) -> Outcome {
    let selected = select(registry, &args.accounts)?;
    let mut fetched = fetch(&selected).await;
    let undated = filter(&mut fetched, args, clock);
    sort(&mut fetched, args.sort, args.reverse);

    // Each token is formatted as it is written: the list is not held a second time as records
    // or text.
    let records = || {
        fetched
            .tokens()
            .map(|l| l.row(ids).record(clock, l.partial))
    };
    let written = output::to_stdout(|out| match format {
        // Markdown is refused before any command but `audit` runs.
        Format::Table | Format::Markdown => {
            output::write_list_table(out, || fetched.tokens().map(|l| l.row(ids)), clock)
        }
        Format::Json => output::write_list_json(out, records(), &fetched.errors),
        Format::Csv => output::write_list_csv(out, records(), output::CsvTo::detect()),
    });
    fetched.report(format);
    if let Err(e) = written {
        return Err(Failure::Failed(format!(
            "could not write the list to standard output: {e}; it is incomplete"
        )));
    }
    if undated > 0 {
        eprintln!(
            "tokdash: {undated} token{} without a creation date left out: {} age is unknown",
            if undated == 1 { "" } else { "s" },
            if undated == 1 { "its" } else { "their" },
        );
    }
    Ok(if fetched.failed() == fetched.asked {
        EXIT_FAILED
    } else if fetched.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

/// Keep the tokens every filter of `args` lets through. Returns how many were left out only
/// because they have no creation date, so an age filter cannot tell.
fn filter(fetched: &mut Fetched<'_>, args: &ListArgs, clock: &Clock) -> usize {
    let by_age = args.older_than.is_some() || args.stale;
    let mut undated = 0;
    let Fetched { lists, places, .. } = fetched;
    places.retain(|&place| {
        let t = listed(lists, place).token;
        let other_filters = args
            .privilege
            .is_none_or(|p| t.privilege.may_be_at_least(p.into()))
            && (!args.disabled || t.enabled == Some(false))
            && (!args.expiring || clock.is_expiring(t.expires_at));
        if !other_filters {
            return false;
        }
        if !by_age {
            return true;
        }
        let Some(age) = clock.age_days(t.created_at) else {
            undated += 1;
            return false;
        };
        args.older_than.is_none_or(|days| age > i64::from(days))
            && (!args.stale || clock.is_stale(t.created_at))
    });
    undated
}

/// Order the tokens by `key`, then as by default: accounts in config order, newest first (the
/// undated last), names in natural order, ids. `reverse` turns the whole order round.
///
/// Names are ordered as the provider spelled them (`Token::exact_name`), which is what JSON and
/// CSV carry, so an export is in the order `--sort name` promises; the table shows the same rows
/// sanitised, in the same order.
fn sort(fetched: &mut Fetched<'_>, key: Option<SortKey>, reverse: bool) {
    let default = |a: &Listed<'_>, b: &Listed<'_>| {
        a.order
            .cmp(&b.order)
            .then_with(|| b.token.created_at.cmp(&a.token.created_at))
            .then_with(|| natural_cmp(a.token.exact_name(), b.token.exact_name()))
            .then_with(|| a.token.id.cmp(&b.token.id))
    };
    let by_key = |a: &Listed<'_>, b: &Listed<'_>| -> Ordering {
        match key {
            None => Ordering::Equal,
            Some(SortKey::Account) => natural_cmp(&a.account.name, &b.account.name),
            Some(SortKey::Provider) => a.account.kind.name().cmp(b.account.kind.name()),
            Some(SortKey::Name) => natural_cmp(a.token.exact_name(), b.token.exact_name()),
            // Oldest first; a token without a date last.
            Some(SortKey::Age) => match (a.token.created_at, b.token.created_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (x, y) => y.is_some().cmp(&x.is_some()),
            },
            Some(SortKey::Privilege) => b.token.privilege.cmp(&a.token.privilege),
        }
    };
    let Fetched { lists, places, .. } = fetched;
    places.sort_by(|&a, &b| {
        let (a, b) = (&listed(lists, a), &listed(lists, b));
        let order = by_key(a, b).then_with(|| default(a, b));
        if reverse { order.reverse() } else { order }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_take_days_weeks_months_and_years() {
        assert_eq!(parse_age("90d"), Ok(90));
        assert_eq!(parse_age("12w"), Ok(84));
        assert_eq!(parse_age("6m"), Ok(180));
        assert_eq!(parse_age("1y"), Ok(365));
        assert_eq!(parse_age("2Y"), Ok(730));
        assert_eq!(parse_age("0d"), Ok(0));
        for bad in [
            "90",
            "d",
            "90x",
            "-5d",
            "1.5y",
            "90 d",
            "",
            "9999999999d",
            "101y",
        ] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
        assert!(parse_age("90").unwrap_err().contains("no unit"));
        assert!(parse_age("3h").unwrap_err().contains("unknown unit `h`"));
    }
}
