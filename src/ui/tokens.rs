//! The tokens table: the selected account's tokens, or every account's under `All accounts`.
//! Only the visible rows are built; column widths follow what the whole view holds (measured
//! when the rows change, see `app::token_table::widths`), so they stay put while scrolling;
//! spare room goes to what is cut, and every cut ends in `…`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use time::OffsetDateTime;

use super::{age, fit, is_stale, theme, window};
use crate::app::token_table::view::View;
use crate::app::token_table::widths::ColumnWidths;
use crate::app::{AccountState, App, Focus, Loadable, Mode, RowRef};
use crate::model::{Expiry, MASKED_ID_WIDTH, Privilege, Token, masked_id};
use crate::text::truncate;

/// Ids are cut to this many columns while the name needs the room; the detail pane shows
/// them whole.
const ID: usize = 12;
/// A narrow pane cuts ids to this many columns before it drops the column.
const SHORT_ID: usize = 8;
const MAX_ACCOUNT: usize = 16;
const MAX_SCOPES: usize = 24;
/// Scopes may grow to this when the name leaves room.
const MAX_WIDE_SCOPES: usize = 60;
const STATE: usize = 8;
/// `unknown`, the longest privilege.
const PRIVILEGE: usize = 7;
/// `1y 11m !`: the age and the stale marker.
const AGE: usize = 8;
/// Below this the name column takes room back from scopes, then account, then id.
const MIN_NAME: usize = 16;
/// Spare room goes to the name up to this width before the other cut columns get theirs.
const NAME_FIRST: usize = 40;
/// What marks a token older than `stale_after_days`; the legend is in the table's bottom border.
const STALE: &str = "!";

/// How wide each optional column is in this frame; 0 hides it.
struct Widths {
    name: usize,
    account: usize,
    id: usize,
    scopes: usize,
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let focused = app.focus == Focus::Tokens;
    let mut block = Block::bordered()
        .border_type(theme::border_type(focused))
        .title(title(app, focused))
        .border_style(theme::border(focused));
    let inner = block.inner(area);

    let table = &app.table;
    if table.rows().is_empty() {
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(empty_message(app))
                .style(theme::dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }

    let height = usize::from(inner.height.saturating_sub(1));
    let range = window(table.cursor(), table.rows().len(), height);
    let visible: Vec<(usize, &AccountState, &Token)> = table.rows()[range.clone()]
        .iter()
        .enumerate()
        .filter_map(|(offset, row): (usize, &RowRef)| {
            app.token_at(*row)
                .map(|(a, t)| (range.start + offset, a, t))
        })
        .collect();
    let all = app.selected_account().is_none();
    let w = widths(table.column_widths(), usize::from(inner.width), all);

    let mut any_stale = false;
    let rows: Vec<Row> = visible
        .iter()
        .map(|&(index, acc, token)| {
            let selected = index == table.cursor();
            let marker = if selected {
                theme::marker(focused)
            } else {
                " "
            };
            let id = masked_id(&token.id, acc.caps());
            // An expiry that needs attention outranks enabled: an expired token works no more.
            let expiry = Expiry::at(token.expires_at, now, app.table.expiring_within_days());
            let state = match (expiry, token.enabled) {
                (Expiry::Expired, _) => Span::styled("EXPIRED", theme::admin()),
                (Expiry::Soon(_), _) => {
                    Span::styled(expiry.short().unwrap_or_default(), theme::warn())
                }
                (_, Some(true)) => Span::styled("enabled", theme::ok()),
                (_, Some(false)) => Span::raw("disabled"),
                (_, None) => Span::styled("—", theme::dim()),
            };
            let age_cell = match token.created_at {
                Some(c) if is_stale(Some(c), now, app.stale_after_days) => {
                    any_stale = true;
                    Line::from(vec![
                        Span::raw(format!("{:>6} ", age(c, now))),
                        Span::styled(STALE, theme::warn()),
                    ])
                }
                Some(c) => Line::raw(format!("{:>6}", age(c, now))),
                None => Line::styled(format!("{:>6}", "—"), theme::dim()),
            };
            let mut cells = vec![
                Cell::from(marker),
                Cell::from(name_cell(app, table.rows()[index].account, token, w.name)),
            ];
            if w.account > 0 {
                cells.push(Cell::from(fit(&acc.info.name, w.account)));
            }
            if w.id > 0 {
                cells.push(Cell::from(fit(&id, w.id)));
            }
            if w.scopes > 0 {
                cells.push(Cell::from(fit(&token.scopes.join(","), w.scopes)));
            }
            cells.push(Cell::from(privilege_cell(token.privilege)));
            cells.extend([Cell::from(state), Cell::from(age_cell)]);
            let row = Row::new(cells);
            let row = if token.enabled == Some(false) {
                row.style(theme::disabled())
            } else {
                row
            };
            if selected {
                row.style(theme::selected(focused))
            } else {
                row
            }
        })
        .collect();

    let mut header = vec!["", "Name"];
    let mut constraints = vec![Constraint::Length(1), Constraint::Length(w.name as u16)];
    for (width, label) in [(w.account, "Account"), (w.id, "Id"), (w.scopes, "Scopes")] {
        if width > 0 {
            header.push(label);
            constraints.push(Constraint::Length(width as u16));
        }
    }
    header.extend(["Priv", "State", "Age"]);
    constraints.extend([
        Constraint::Length(PRIVILEGE as u16),
        Constraint::Length(STATE as u16),
        Constraint::Length(AGE as u16),
    ]);
    // The rest of the width, so the last column keeps a space from the border.
    constraints.push(Constraint::Fill(1));
    if any_stale {
        block = block.title_bottom(
            Line::styled(
                format!(" {STALE} older than {} days ", app.stale_after_days),
                theme::dim(),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, area);
    let table = Table::new(rows, constraints).header(Row::new(header).style(theme::header()));
    frame.render_widget(table, inner);
}

/// The screen row of the row under the cursor, in a table drawn in `area`.
pub fn cursor_row(app: &App, area: Rect) -> Option<u16> {
    let rows = app.table.rows().len();
    if rows == 0 {
        return None;
    }
    // The borders and the header row.
    let height = usize::from(area.height.saturating_sub(3));
    let range = window(app.table.cursor(), rows, height);
    let offset = u16::try_from(app.table.cursor().checked_sub(range.start)?).ok()?;
    Some(area.y + 2 + offset)
}

/// The normalised privilege, beside the provider's own scopes: admin stands out (a badge, in
/// capitals so it shows without colour too), write is marked, unknown is dimmed.
pub fn privilege_cell(privilege: Privilege) -> Span<'static> {
    match privilege {
        Privilege::Admin => Span::styled("ADMIN", theme::admin()),
        Privilege::Write => Span::styled("write", theme::warn()),
        Privilege::Read => Span::raw("read"),
        Privilege::Unknown => Span::styled("unknown", theme::dim()),
    }
}

/// The name, after a mark for bulk delete, the change in flight, if any, and a `?` for a token
/// that appeared after a create that got no answer, or whose regenerate got none.
fn name_cell(app: &App, account: usize, token: &Token, width: usize) -> Line<'static> {
    let mut spans = Vec::new();
    if app.table.is_marked(account, &token.id) {
        spans.push(Span::styled("* ", theme::warn()));
    }
    if let Some(op) = app.accounts[account].pending.get(&token.id) {
        let doing = crate::app::op::progressive(*op);
        spans.push(Span::styled(format!("{doing}… "), theme::warn()));
    }
    // Appeared after a create that got no answer, or its regenerate got none: the detail pane
    // says why.
    let flagged = app.accounts[account].flagged.contains_key(&token.id);
    if flagged {
        spans.push(Span::styled("? ", theme::warn()));
    }
    // A second kind of token (qovery's policy tokens) is named before the name.
    if let Some(kind) = token.kind {
        spans.push(Span::styled(format!("[{kind}] "), theme::view()));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let name = fit(&token.name, width.saturating_sub(used).max(1));
    spans.push(if flagged {
        Span::styled(name, theme::warn())
    } else {
        Span::raw(name)
    });
    Line::from(spans)
}

/// Fit the columns to what the whole view holds (the same on every page, so nothing moves
/// while scrolling) and to the width. When room is short, scopes, then the account, then the
/// id give way to the name; spare room goes to whatever is still cut: the name, the id, the
/// scopes, then the account.
fn widths(want: ColumnWidths, width: usize, all: bool) -> Widths {
    let account_want = if all { want.account.max(7) } else { 0 };
    // A masked id is never cut: cut, it would no longer match the dialogs and the audit trail.
    let id_want = if want.masked_ids {
        want.id.max(MASKED_ID_WIDTH)
    } else {
        want.id.max(1)
    };
    let short_id = if want.masked_ids {
        MASKED_ID_WIDTH
    } else {
        SHORT_ID.min(id_want)
    };
    let scopes_want = want.scopes.min(MAX_WIDE_SCOPES);
    let mut w = Widths {
        name: 0,
        account: account_want.min(MAX_ACCOUNT),
        id: id_want.min(ID).max(short_id),
        scopes: if scopes_want == 0 {
            0
        } else {
            scopes_want.clamp(6, MAX_SCOPES)
        },
    };
    // Marker, privilege, state and age, one space between every two of the columns shown, and
    // one at the right so the stale mark does not touch the border.
    let used = |w: &Widths| {
        let cols = [w.account, w.id, w.scopes];
        let shown = cols.iter().filter(|c| **c > 0).count();
        1 + PRIVILEGE + STATE + AGE + cols.iter().sum::<usize>() + shown + 4 + 1
    };
    if width.saturating_sub(used(&w)) < MIN_NAME {
        w.scopes = w.scopes.min(10);
    }
    // What a user auditing needs most gives way last: a shorter id (the detail pane shows it
    // whole) before the scopes, the scopes before the account, the id last of all.
    for step in 0..4 {
        if width.saturating_sub(used(&w)) >= MIN_NAME {
            break;
        }
        match step {
            0 => w.id = w.id.min(short_id),
            1 => w.scopes = 0,
            2 => w.account = w.account.min(10),
            _ => w.id = 0,
        }
    }
    let name_want = want.name.max(MIN_NAME);
    let mut spare = width.saturating_sub(used(&w) + MIN_NAME);
    w.name = MIN_NAME.min(width.saturating_sub(used(&w))).max(1);
    // What is still cut gets the rest; a hidden column comes back first, with its space.
    let grow = |current: &mut usize, wanted: usize, spare: &mut usize| {
        if *current == 0 {
            if wanted == 0 || *spare < wanted.min(6) + 1 {
                return;
            }
            *spare -= 1;
        }
        let more = wanted.saturating_sub(*current).min(*spare);
        *current += more;
        *spare -= more;
    };
    if w.scopes == 0 {
        grow(&mut w.scopes, scopes_want.min(10), &mut spare);
    }
    // The name first, up to a readable length, then the id, scopes and account whole, then
    // the name whole.
    grow(&mut w.name, name_want.min(NAME_FIRST), &mut spare);
    grow(&mut w.id, id_want, &mut spare);
    grow(&mut w.scopes, scopes_want, &mut spare);
    if all {
        grow(&mut w.account, account_want, &mut spare);
    }
    grow(&mut w.name, name_want, &mut spare);
    w
}

fn title(app: &App, focused: bool) -> Line<'static> {
    let scope = match app.selected_account() {
        Some(i) => truncate(&app.accounts[i].info.name, 40),
        None => "All accounts".into(),
    };
    let total: usize = match app.selected_account() {
        Some(i) => app.accounts[i].token_count().unwrap_or(0),
        None => app.accounts.iter().filter_map(|a| a.token_count()).sum(),
    };
    let filter = app.table.query();
    let filtering = !filter.trim().is_empty();
    // With a filter the best matches come first, and the sort orders equal matches: both
    // are said, so pressing `s` visibly does what the title claims.
    let arrow = if app.table.descending() { "↓" } else { "↑" };
    let by = format!("{}{arrow}", app.table.sort().label());
    let sort = if filtering {
        format!("best match, then {by}")
    } else {
        format!("sort {by}")
    };
    let mut spans = vec![Span::styled(
        format!(" 2 Tokens: {scope} "),
        theme::title(focused),
    )];
    let view = app.table.view();
    if view != View::All {
        spans.push(Span::styled(format!("[{}] ", view.name()), theme::view()));
    }
    if app.table.marked_only() {
        spans.push(Span::styled("[marked only] ", theme::view()));
    }
    spans.push(Span::raw(format!("({}/{total}) ", app.table.rows().len())));
    // Before the sort: when the title is cut, what is missing from the list matters more.
    if let Some(stale) = outage_note(app) {
        spans.push(Span::styled(format!("{stale} "), theme::error()));
    }
    if let Some(partial) = partial_note(app) {
        spans.push(Span::styled(format!("{partial} "), theme::warn()));
    }
    spans.push(Span::styled(format!("{sort} "), theme::dim()));
    if !filter.is_empty() || app.mode == Mode::Filter {
        spans.push(Span::styled(
            format!("/{} ", truncate(filter, 30)),
            theme::warn(),
        ));
    }
    Line::from(spans)
}

/// An old list shown because its refresh failed: its age and the error, for the account in
/// view; in `All accounts`, how many accounts show an old list.
fn outage_note(app: &App) -> Option<String> {
    let old = |a: &AccountState| {
        let e = a.refresh_failed.as_ref()?;
        let age = match (a.listed_at, app.clock()) {
            (Some(then), Some(now)) => format!(" from {}", crate::model::human_ago(then, now)),
            _ => String::new(),
        };
        Some(format!("old list{age}, refresh {}", e.short()))
    };
    match app.selected_account() {
        Some(i) => old(&app.accounts[i]),
        None => {
            let stale: Vec<String> = app.accounts.iter().filter_map(old).collect();
            match stale.as_slice() {
                [] => None,
                [one] => {
                    let name = app.accounts.iter().find(|a| a.refresh_failed.is_some())?;
                    Some(format!("{}: {one}", truncate(&name.info.name, 40)))
                }
                many => Some(format!("{} accounts show an old list", many.len())),
            }
        }
    }
}

/// Why the list in view is not complete, if it is not: an account's own reason (it names the
/// account), or how many accounts of `All accounts` are partial.
fn partial_note(app: &App) -> Option<String> {
    let listed = |a: &&AccountState| matches!(a.tokens, Loadable::Loaded(_));
    match app.selected_account() {
        Some(i) => {
            let acc = &app.accounts[i];
            let reason = acc.partial.as_deref().filter(|_| listed(&acc))?;
            // The title names the account already.
            let reason = reason
                .strip_prefix(acc.info.name.as_str())
                .and_then(|r| r.strip_prefix(": "))
                .unwrap_or(reason);
            Some(format!("partial: {}", truncate(reason, 120)))
        }
        None => {
            let partial: Vec<&AccountState> = app
                .accounts
                .iter()
                .filter(listed)
                .filter(|a| a.partial.is_some())
                .collect();
            match partial.as_slice() {
                [] => None,
                [one] => one
                    .partial
                    .as_ref()
                    .map(|reason| format!("partial: {}", truncate(reason, 120))),
                many => Some(format!(
                    "partial: {} accounts listed in part (see the summary)",
                    many.len()
                )),
            }
        }
    }
}

/// Every account failed to list: say so, account by account, rather than "Loading…" forever.
fn all_failed(app: &App) -> Option<String> {
    let errors: Option<Vec<String>> = app
        .accounts
        .iter()
        .map(|a| match &a.tokens {
            Loadable::Failed(e) => Some(format!("{}: {}", a.info.name, e.short())),
            _ => None,
        })
        .collect();
    let errors = errors?;
    let again = app
        .keymap
        .first_key(crate::app::Action::Refresh, crate::app::Layer::Panes)
        .map(|k| format!("; {k} tries again"))
        .unwrap_or_default();
    Some(format!(
        "Could not list tokens of any account ({}){again}.",
        errors.join(", ")
    ))
}

fn empty_message(app: &App) -> String {
    if let Some(i) = app.selected_account() {
        match &app.accounts[i].tokens {
            Loadable::Failed(e) => return format!("Could not list tokens: {e}"),
            Loadable::Loading | Loadable::NotLoaded => return "Loading…".into(),
            Loadable::Loaded(_) => {}
        }
    } else if app.accounts.is_empty() {
        return "No accounts configured.".into();
    } else if app
        .accounts
        .iter()
        .any(|a| matches!(a.tokens, Loadable::Loading | Loadable::NotLoaded))
        && app
            .accounts
            .iter()
            .all(|a| !matches!(a.tokens, Loadable::Loaded(_)))
    {
        return "Loading…".into();
    } else if let Some(failures) = all_failed(app) {
        return failures;
    }
    let view = app.table.view();
    let in_view = match view {
        View::All => String::new(),
        _ => format!(
            " in the {} view ({})",
            view.name(),
            view.describe(&app.table)
        ),
    };
    if app.table.query().is_empty() {
        format!("No tokens{in_view}.")
    } else {
        format!("No tokens{in_view} match the filter (Esc clears it).")
    }
}
