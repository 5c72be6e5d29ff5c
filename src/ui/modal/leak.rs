//! The leaked-secret dialog: the masked field, the search under way, the match with its revoke
//! ready, and what the re-list verified. The secret is never drawn: a fixed mask and the first
//! hex digits of its SHA-256 stand for it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use time::OffsetDateTime;

use super::dialog::{Dialog, REPORT_WIDTH};
use super::{account_label, key_hint};
use crate::app::modal::leak::{Found, LeakView, Stage, Step, token_label, verdict};
use crate::app::{Action, App, Layer, Loadable};
use crate::audit::Outcome;
use crate::leak::{Findings, Match, MatchStatus, Verification};
use crate::model::human_time;
use crate::ui::{age, theme};

/// The mask does not follow the secret's length.
const MASK: &str = "••••••••••••";
/// How many matches are listed; more are counted.
const MAX_LISTED: usize = 5;

pub fn render(app: &App, view: &LeakView, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let mut lines = Vec::new();
    let title = match &view.stage {
        Stage::Found(found) => match found.findings.method {
            Some(m) => format!("Leaked secret: matched by {}", m.describe()),
            None => "Leaked secret: no match".to_owned(),
        },
        _ => "Leaked secret: find its token".to_owned(),
    };
    if matches!(view.stage, Stage::Input) {
        lines.push(Line::raw(
            "Paste the leaked secret. It is never shown, kept or written anywhere, and it is \
             wiped when this closes.",
        ));
        lines.push(Line::raw(""));
    }
    lines.push(field(app, view));
    lines.push(Line::raw(""));
    match &view.stage {
        Stage::Input => {}
        Stage::Searching { fingerprints } => {
            let listing: Vec<&str> = app
                .accounts
                .iter()
                .filter(|a| matches!(a.tokens, Loadable::Loading | Loadable::NotLoaded))
                .map(|a| a.info.name.as_str())
                .collect();
            let mut doing = Vec::new();
            if !listing.is_empty() {
                doing.push(format!("listing {}", listing.join(", ")));
            }
            if fingerprints.is_none() {
                doing.push("reading the fingerprint files".to_owned());
            }
            lines.push(Line::styled(
                format!(
                    "{} searching every account: {}…",
                    theme::spinner(app.spinner),
                    doing.join(", ")
                ),
                theme::warn(),
            ));
        }
        Stage::Found(found) => found_lines(app, found, now, &mut lines),
    }
    if let Some(note) = &view.note {
        lines.push(Line::styled(note.clone(), theme::warn()));
    }
    lines.push(Line::styled(hint(app, view), theme::dim()));
    // Findings name accounts, files and reasons: a report may be wider than a form.
    Dialog::new(&title, lines)
        .max_width(REPORT_WIDTH)
        .draw(frame, area);
}

/// The masked field.
fn field(app: &App, view: &LeakView) -> Line<'static> {
    let mut spans = vec![Span::styled("secret  ", theme::label())];
    if view.typing() {
        spans.push(Span::styled(MASK, theme::header()));
        let typed = key_hint(app, Layer::LeakPaste, &[Action::Accept], 1, "searches")
            .map_or("typed".to_owned(), |h| format!("typed: {h}"));
        spans.push(Span::styled(format!("  {typed}"), theme::dim()));
    } else if let Some(prefix) = &view.fingerprint_prefix {
        spans.push(Span::styled(MASK, theme::header()));
        spans.push(Span::styled(
            format!("  its SHA-256 begins {prefix}"),
            theme::dim(),
        ));
    } else {
        spans.push(Span::styled("▏ waiting for a paste", theme::dim()));
    }
    Line::from(spans)
}

fn found_lines(app: &App, found: &Found, now: OffsetDateTime, lines: &mut Vec<Line<'static>>) {
    let f = &found.findings;
    lines.push(Line::raw(searched(f)));
    lines.extend(unsearched(f));
    if f.matches.is_empty() {
        lines.push(Line::raw(""));
        if f.is_partial() {
            lines.push(Line::styled(
                "No match where the search could look, but it was partial: the secret may \
                 belong to what could not be searched.",
                theme::error(),
            ));
        } else {
            lines.push(Line::raw("No token matches this secret."));
        }
        if f.hints.is_empty() {
            lines.push(Line::raw("The value fits no provider's secret format."));
        }
        for hint in &f.hints {
            lines.push(Line::raw(format!("• The value {}.", hint.sentence())));
        }
        if !f.hints.is_empty() && !f.is_partial() {
            // Not found is not safe: say what the on-call engineer does next.
            lines.push(Line::raw(
                "If it is one of these, revoke it in that provider's own console, then replace \
                 it wherever it was used.",
            ));
        }
        return;
    }
    lines.push(Line::raw(""));
    let start = found.cursor.saturating_sub(MAX_LISTED - 1);
    for (i, m) in f.matches.iter().enumerate().skip(start).take(MAX_LISTED) {
        let verified = found.revoke.as_ref().and_then(|r| match &r.step {
            Step::Done {
                verification: Some(v),
                ..
            } if r.target == i => Some(v),
            _ => None,
        });
        match_lines(
            i == found.cursor && f.matches.len() > 1,
            m,
            verified,
            now,
            lines,
        );
    }
    if f.matches.len() > MAX_LISTED {
        let choose = choose_keys(app, "to choose").map_or(String::new(), |h| format!(": {h}"));
        lines.push(Line::styled(
            format!("({} matches{choose})", f.matches.len()),
            theme::dim(),
        ));
    }
    lines.push(Line::raw(""));
    match &found.revoke {
        None => ready(found, lines),
        Some(r) => {
            let m = &f.matches[r.target];
            let account = account_label(app, r.token.account);
            let verb = r.action.op().verb();
            match &r.step {
                Step::Sent(_) => lines.push(Line::styled(
                    format!(
                        "{} {} {} in {account}…",
                        theme::spinner(app.spinner),
                        crate::app::op::progressive(r.action.op()),
                        r.token.name
                    ),
                    theme::warn(),
                )),
                Step::Verifying { outcome, error, .. } => {
                    let done = match (outcome, error) {
                        (Outcome::Ok, _) | (_, None) => format!("{verb}: done"),
                        (_, Some(e)) => format!("the {verb} got: {e}"),
                    };
                    lines.push(Line::styled(
                        format!(
                            "{done}. {} re-listing {account} to verify…",
                            theme::spinner(app.spinner)
                        ),
                        theme::warn(),
                    ));
                }
                Step::Done {
                    outcome,
                    error,
                    verification,
                } => {
                    match verification {
                        Some(v) => {
                            let style = if v.holds() {
                                theme::ok()
                            } else {
                                theme::error()
                            };
                            let mark = if v.holds() { "✓" } else { "✗" };
                            lines.push(Line::styled(
                                format!(
                                    "{mark} {}",
                                    verdict(m, r.action, *outcome, error.as_deref(), v)
                                ),
                                style,
                            ));
                        }
                        None => lines.push(Line::styled(
                            format!(
                                "✗ {verb} refused: {}; nothing was changed",
                                error.as_deref().unwrap_or("refused")
                            ),
                            theme::error(),
                        )),
                    }
                    lines.push(Line::styled(
                        format!(
                            "An incident record goes to the audit log (fingerprint {}).",
                            f.fingerprint_prefix
                        ),
                        theme::dim(),
                    ));
                }
            }
        }
    }
}

/// "Matched by …: searched 3 of 4 accounts and 1 fingerprint file."
fn searched(f: &Findings) -> String {
    let accounts = f.searched + f.unsearched.len();
    let files = f.fingerprint_files.len();
    let what = match f.method {
        Some(m) => format!("Matched by {}", m.describe()),
        None => "Nothing matched".to_owned(),
    };
    format!(
        "{what}: searched {} of {accounts} account(s) and {files} fingerprint file(s).",
        f.searched
    )
}

/// The accounts and fingerprint files that could not be searched, named.
fn unsearched(f: &Findings) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = f
        .unsearched
        .iter()
        .map(|u| {
            Line::styled(
                format!("Not searched: {} ({}): {}", u.account, u.provider, u.error),
                theme::error(),
            )
        })
        .collect();
    lines.extend(f.unreadable.iter().map(|p| {
        Line::styled(
            format!(
                "Fingerprint file not searched: {}: {}",
                p.path.display(),
                p.error
            ),
            theme::error(),
        )
    }));
    lines
}

/// One match: the token, how it matched, and what is known of it: as the search found it, or,
/// once a revoke of it was verified, as the re-list shows it.
fn match_lines(
    marked: bool,
    m: &Match,
    verified: Option<&Verification>,
    now: OffsetDateTime,
    lines: &mut Vec<Line<'static>>,
) {
    let marker = if marked { "› " } else { "  " };
    lines.push(Line::from(vec![
        Span::raw(marker),
        Span::styled(token_label(m), theme::header()),
        Span::raw(format!(" in {} ({})", m.account, m.provider)),
    ]));
    let t = m.token.as_ref();
    let (state, style) = match verified {
        Some(v) => {
            let state = match v {
                Verification::Gone => "no longer listed (verified)",
                Verification::Disabled => "listed, disabled (verified)",
                Verification::StillListed => "still listed after the delete",
                Verification::StillEnabled => "still listed, enabled, after the disable",
                Verification::NotVerified(_) => "unknown: the re-list failed",
            };
            let style = if v.holds() {
                theme::ok()
            } else {
                theme::error()
            };
            (state.to_owned(), style)
        }
        None => {
            let state = match (m.status, t.and_then(|t| t.enabled)) {
                (MatchStatus::Listed, Some(false)) => "listed, disabled".to_owned(),
                (MatchStatus::Listed, Some(true)) => "listed, enabled".to_owned(),
                (status, _) => status.describe().to_owned(),
            };
            let style = if m.status == MatchStatus::Listed {
                theme::ok()
            } else {
                theme::warn()
            };
            (state, style)
        }
    };
    lines.push(Line::from(vec![
        Span::raw("    "),
        Span::styled(state, style),
        Span::styled(
            format!(" · matched by {}", m.matched_by.method().describe()),
            theme::dim(),
        ),
    ]));
    let Some(t) = t else { return };
    let scopes = if t.scopes.is_empty() {
        "—".to_owned()
    } else {
        t.scopes.join(", ")
    };
    let created = match t.created_at {
        Some(c) => format!("{} ({} ago)", human_time(c), age(c, now)),
        None => "unknown".to_owned(),
    };
    for (label, value) in [
        ("scopes", scopes),
        ("created", created),
        ("created by", m.created_by().unwrap_or("—").to_owned()),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("    {label:<11}"), theme::label()),
            Span::raw(value),
        ]));
    }
}

/// The revoke, ready: the question `y` answers.
fn ready(found: &Found, lines: &mut Vec<Line<'static>>) {
    let Some(m) = found.findings.matches.get(found.cursor) else {
        return;
    };
    if m.status != MatchStatus::Listed {
        lines.push(Line::styled(
            format!("Nothing to revoke: {}.", m.status.describe()),
            theme::warn(),
        ));
        return;
    }
    let id = m
        .shown_id
        .as_deref()
        .map_or(String::new(), |id| format!(" (id {id})"));
    lines.push(Line::raw(format!(
        "Delete token \"{}\"{id} in {} ({})?",
        m.name.as_deref().unwrap_or("(unnamed)"),
        m.account,
        m.provider
    )));
    lines.push(Line::styled(
        "Anything using it stops working at once. This cannot be undone.",
        theme::warn(),
    ));
}

/// The keys this stage takes, from the keymap.
fn hint(app: &App, view: &LeakView) -> String {
    let close = |layer: Layer, label: &str| key_hint(app, layer, &[Action::Cancel], 1, label);
    let parts: Vec<Option<String>> = match &view.stage {
        Stage::Input if view.typing() => vec![
            key_hint(app, Layer::LeakPaste, &[Action::Accept], 1, "search"),
            Some("ctrl-u clear".to_owned()),
            close(Layer::LeakPaste, "close"),
        ],
        Stage::Input => vec![
            Some("paste the secret: the search starts at once".to_owned()),
            close(Layer::LeakPaste, "close"),
        ],
        Stage::Searching { .. } => vec![close(Layer::LeakMatch, "close")],
        Stage::Found(found) => match &found.revoke {
            Some(r) if matches!(r.step, Step::Done { .. }) => vec![
                close(Layer::LeakMatch, "close (wipes the secret)"),
                Some("paste to search another".to_owned()),
            ],
            Some(_) => vec![Some("waiting for the provider and the re-list…".to_owned())],
            None => {
                let m = found.findings.matches.get(found.cursor);
                let revocable = m.is_some_and(|m| m.status == MatchStatus::Listed);
                let can_disable = revocable
                    && m.is_some_and(|m| {
                        m.provider.caps().toggle
                            && m.token.as_ref().and_then(|t| t.enabled) != Some(false)
                    });
                let several = found.findings.matches.len() > 1;
                vec![
                    revocable
                        .then(|| key_hint(app, Layer::LeakMatch, &[Action::Confirm], 1, "delete"))
                        .flatten(),
                    can_disable
                        .then(|| {
                            key_hint(
                                app,
                                Layer::LeakMatch,
                                &[Action::DisableInstead],
                                1,
                                "disable instead (reversible)",
                            )
                        })
                        .flatten(),
                    several.then(|| choose_keys(app, "choose")).flatten(),
                    close(Layer::LeakMatch, "close"),
                ]
            }
        },
    };
    parts.into_iter().flatten().collect::<Vec<_>>().join("   ")
}

/// `j/k choose`: the keys that move between matches.
fn choose_keys(app: &App, label: &str) -> Option<String> {
    key_hint(app, Layer::LeakMatch, &[Action::Down, Action::Up], 1, label)
}
