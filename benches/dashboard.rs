//! The dashboard at scale: 40 accounts and 100,000 tokens. Filtering must stay under 5 ms per
//! keystroke; see BENCHMARKS.md for the figures and how to read them.
//!
//! Everything goes through the reducer (`update`) and the real renderer, as a user's keystrokes
//! and the worker's answers do.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::macros::datetime;
use tokdash::app::token_table::view::View;
use tokdash::app::{AccountInfo, ApiResult, App, AppOptions, Effect, Msg, update};
use tokdash::model::{Privilege, Token};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::store::{NAMES, created_before, rfc3339, rng_for};

const ACCOUNTS: usize = 40;
const TOKENS_PER_ACCOUNT: usize = 2_500;

fn accounts() -> Vec<AccountInfo> {
    let kinds = [
        ProviderKind::Fluid,
        ProviderKind::Lagrello,
        ProviderKind::Qovery,
        ProviderKind::Sematext,
    ];
    (0..ACCOUNTS)
        .map(|i| {
            let kind = kinds[i % kinds.len()];
            AccountInfo {
                name: format!("{}-{}", kind.name(), i / kinds.len() + 1),
                kind,
                read_only: i % 7 == 0,
            }
        })
        .collect()
}

/// Realistic names (with numeric suffixes), ids, scopes, states and skewed creation dates.
fn tokens(account: usize) -> Vec<Token> {
    let mut rng = rng_for(account as u64, ProviderKind::Fluid);
    let anchor = datetime!(2026-11-01 00:00 UTC);
    let scopes = [
        &["read"][..],
        &["read", "write"],
        &["read:boards", "read:cards"],
        &["ADMIN"],
        &[],
    ];
    // What the providers' mappings would make of those scopes.
    let privileges = [
        Privilege::Read,
        Privilege::Write,
        Privilege::Read,
        Privilege::Admin,
        Privilege::Unknown,
    ];
    (0..TOKENS_PER_ACCOUNT)
        .map(|i| {
            let name = format!("{}-{}", NAMES[(i * 7 + account) % NAMES.len()], i);
            let created = rfc3339(created_before(&mut rng, anchor));
            Token::new(&format!("HTK-{account:02}{i:05}"), &name)
                .with_created(Some(&created))
                .with_enabled(Some(i % 5 != 0))
                .with_scopes(scopes[i % scopes.len()].iter().copied())
                .with_privilege(privileges[i % privileges.len()])
        })
        .collect()
}

fn all_tokens() -> Vec<Vec<Token>> {
    (0..ACCOUNTS).map(tokens).collect()
}

/// The benches' wall clock: a little after the newest token.
const NOW: time::OffsetDateTime = datetime!(2026-11-01 00:00 UTC);

/// A started app (its clock at [`NOW`], as the event loop sets it) and the id of each account's
/// list request.
fn started() -> (App, Vec<u64>) {
    let mut app = App::new(accounts(), AppOptions::default());
    update(&mut app, Msg::Clock(NOW));
    let ids = app
        .start()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Api { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    (app, ids)
}

fn answer_all(app: &mut App, ids: &[u64], lists: Vec<Vec<Token>>) {
    for (id, list) in ids.iter().zip(lists) {
        update(
            app,
            Msg::Api {
                id: *id,
                result: ApiResult::List(Ok(list.into())),
            },
        );
    }
}

fn loaded(lists: &[Vec<Token>]) -> App {
    let (mut app, ids) = started();
    answer_all(&mut app, &ids, lists.to_vec());
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ctrl(app: &mut App, c: char) {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

/// Put the app in filter mode with `query` typed (untimed), then time `last` alone.
fn time_keystroke(app: &mut App, iters: u64, query: &str, last: impl Fn(&mut App)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        key(app, KeyCode::Esc);
        key(app, KeyCode::Esc);
        key(app, KeyCode::Char('/'));
        for c in query.chars() {
            key(app, KeyCode::Char(c));
        }
        let start = Instant::now();
        last(app);
        total += start.elapsed();
        black_box(app.table.rows().len());
    }
    total
}

fn filter(c: &mut Criterion) {
    let lists = all_tokens();
    let mut app = loaded(&lists);
    let mut g = c.benchmark_group("filter_100k");
    g.bench_function("first_keystroke", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "", |a| key(a, KeyCode::Char('g'))))
    });
    g.bench_function("extended_query", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "gr", |a| key(a, KeyCode::Char('a'))))
    });
    g.bench_function("extended_fuzzy", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "grf", |a| key(a, KeyCode::Char('n'))))
    });
    g.bench_function("backspace", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "gra", |a| key(a, KeyCode::Backspace)))
    });
    g.bench_function("cleared", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "gra", |a| ctrl(a, 'u')))
    });
    g.finish();
}

fn sort(c: &mut Criterion) {
    let lists = all_tokens();
    let mut app = loaded(&lists);
    c.bench_function("sort_100k/next_key", |b| {
        b.iter(|| {
            key(&mut app, KeyCode::Char('s'));
            black_box(app.table.rows().len())
        })
    });
    c.bench_function("sort_100k/reverse_key", |b| {
        b.iter(|| {
            key(&mut app, KeyCode::Char('S'));
            black_box(app.table.rows().len())
        })
    });
}

fn ingest(c: &mut Criterion) {
    let lists = all_tokens();
    c.bench_function("ingest/40x2500_lists", |b| {
        b.iter_batched(
            || (started(), lists.clone()),
            |((mut app, ids), lists)| {
                answer_all(&mut app, &ids, lists);
                app
            },
            BatchSize::LargeInput,
        )
    });
}

fn render(c: &mut Criterion) {
    let lists = all_tokens();
    let mut app = loaded(&lists);
    // Somewhere in the middle, with the tokens pane focused.
    key(&mut app, KeyCode::Tab);
    for _ in 0..3 {
        key(&mut app, KeyCode::PageDown);
    }
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("test terminal");
    c.bench_function("render/160x50_100k", |b| {
        b.iter(|| {
            terminal
                .draw(|f| tokdash::ui::render(&app, f, NOW))
                .expect("draw into the test backend");
        })
    });
}

/// The audit views: `V` to the next view, and a filter keystroke inside the stale one.
fn views(c: &mut Criterion) {
    let lists = all_tokens();
    let mut app = loaded(&lists);
    c.bench_function("view_100k/next_view", |b| {
        b.iter(|| {
            key(&mut app, KeyCode::Char('V'));
            black_box(app.table.rows().len())
        })
    });
    let mut app = loaded(&lists);
    while app.table.view() != View::Stale {
        key(&mut app, KeyCode::Char('V'));
    }
    c.bench_function("view_100k/stale_first_keystroke", |b| {
        b.iter_custom(|n| time_keystroke(&mut app, n, "", |a| key(a, KeyCode::Char('g'))))
    });
}

/// The summary in the detail pane (the first screen: `All accounts` chosen), and the rows an
/// export of every token builds before it is written.
fn summary_and_export(c: &mut Criterion) {
    let lists = all_tokens();
    let app = loaded(&lists);
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("test terminal");
    c.bench_function("render/160x50_100k_summary", |b| {
        b.iter(|| {
            terminal
                .draw(|f| tokdash::ui::render(&app, f, NOW))
                .expect("draw into the test backend");
        })
    });
    c.bench_function("export_100k/rows", |b| {
        b.iter(|| black_box(tokdash::app::modal::export::rows(&app).len()))
    });
}

criterion_group!(
    benches,
    filter,
    sort,
    ingest,
    render,
    views,
    summary_and_export
);
criterion_main!(benches);
