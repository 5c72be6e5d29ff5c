//! The auditing views through the reducer: stale, privileged, disabled and duplicate-named
//! tokens, over `All accounts` and one account, with the `/` filter on top, and what the status
//! bar counts. No terminal, no network; the clock is the fixtures' `NOW`.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
}

use common::fixtures::*;
use crossterm::event::KeyCode;
use tokdash::app::token_table::view::{Counts, View};
use tokdash::app::{App, Msg, ToastKind, update};
use tokdash::model::{Privilege, Token};

/// Names in the tokens table, top to bottom.
fn row_names(app: &App) -> Vec<String> {
    app.table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.clone()))
        .collect()
}

fn command(app: &mut App, line: &str) {
    key(app, KeyCode::Char(':'));
    chars(app, line);
    key(app, KeyCode::Enter);
}

fn counts(tokens: usize, privileged: usize, stale: usize, disabled: usize) -> Counts {
    Counts {
        tokens,
        privileged,
        stale,
        disabled,
        ..Counts::default()
    }
}

#[test]
fn every_view_over_all_accounts_with_its_counts() {
    let mut app = loaded();
    assert_eq!(app.table.view(), View::All);
    assert_eq!(app.table.counts(), counts(7, 1, 3, 1));

    // `V` cycles the views; each lists only its tokens, in the sort order.
    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Stale);
    assert_eq!(
        row_names(&app),
        ["backup-job", "grafana-reader", "terraform"],
        "older than 90 days at NOW"
    );
    assert_eq!(app.table.counts(), counts(3, 1, 3, 0));

    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Privileged);
    assert_eq!(row_names(&app), ["terraform"]);

    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Disabled);
    assert_eq!(row_names(&app), ["zapier"]);
    assert_eq!(app.table.counts(), counts(1, 0, 0, 1));

    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Duplicates);
    assert!(row_names(&app).is_empty(), "no name repeats in an account");

    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Expiring);
    assert!(row_names(&app).is_empty(), "no fixture token expires");

    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::All);
    assert_eq!(row_names(&app).len(), 7);
}

#[test]
fn a_view_and_the_filter_combine_and_keep_to_the_account_in_scope() {
    let mut app = loaded();
    command(&mut app, "view stale");
    assert_eq!(app.table.view(), View::Stale);

    // The filter narrows the view, and leaving it keeps both.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "gra");
    assert_eq!(row_names(&app), ["grafana-reader"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(row_names(&app), ["grafana-reader"]);
    assert_eq!(app.table.counts(), counts(1, 0, 1, 0));

    // Backspace widens the filter inside the view, never beyond it.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    assert_eq!(
        row_names(&app),
        ["grafana-reader"],
        "`g`: still only stale tokens"
    );
    key(&mut app, KeyCode::Backspace);
    assert_eq!(
        row_names(&app),
        ["backup-job", "grafana-reader", "terraform"]
    );
    key(&mut app, KeyCode::Esc);

    // One account: the view follows the scope.
    command(&mut app, "account acme-fluid");
    assert_eq!(row_names(&app), ["backup-job"]);
    command(&mut app, "disabled");
    assert!(row_names(&app).is_empty());
    command(&mut app, "account ops-lagrello");
    assert_eq!(row_names(&app), ["zapier"]);
    // A filter that matches nothing in the view leaves nothing, and Esc brings the view back.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "grafana");
    assert!(row_names(&app).is_empty(), "grafana-reader is enabled");
    key(&mut app, KeyCode::Esc);
    assert_eq!(row_names(&app), ["zapier"]);
    assert_eq!(
        app.table.view(),
        View::Disabled,
        "Esc clears the filter, not the view"
    );

    command(&mut app, "view all");
    assert_eq!(row_names(&app), ["grafana-reader", "zapier"]);
}

#[test]
fn privileged_means_admin_or_unknown_and_duplicates_are_per_account() {
    let (mut app, _) = started(options());
    let tokens = vec![
        Token::new("1", "ci").with_privilege(Privilege::Admin),
        Token::new("2", "ci").with_privilege(Privilege::Read),
        Token::new("3", "deploy-10").with_privilege(Privilege::Unknown),
        Token::new("4", "deploy-2").with_privilege(Privilege::Write),
    ];
    let id = list_id(&app, 0);
    answer(&mut app, id, Ok(tokens));
    // Another account has a `ci` too: not a duplicate of these.
    let id = list_id(&app, 1);
    answer(
        &mut app,
        id,
        Ok(vec![
            Token::new("lgk_000000000000000000001", "ci").with_privilege(Privilege::Read),
        ]),
    );
    command(&mut app, "view privileged");
    assert_eq!(
        row_names(&app),
        ["ci", "deploy-10"],
        "unknown may be admin: an audit keeps it"
    );
    command(&mut app, "dupes");
    assert_eq!(row_names(&app), ["ci", "ci"]);
    let accounts: Vec<usize> = app.table.rows().iter().map(|r| r.account).collect();
    assert_eq!(accounts, [0, 0]);
    command(&mut app, "view all");
    assert_eq!(
        row_names(&app),
        ["ci", "ci", "ci", "deploy-2", "deploy-10"],
        "names sort naturally"
    );
}

#[test]
fn the_stale_view_follows_the_clock_and_the_config() {
    let mut app = loaded();
    command(&mut app, "stale");
    assert_eq!(row_names(&app).len(), 3);
    // Sixty days on, zapier (created 2026-04-20) is over 90 days old too.
    update(&mut app, Msg::Clock(NOW + time::Duration::days(60)));
    assert_eq!(
        row_names(&app),
        ["backup-job", "grafana-reader", "terraform", "zapier"]
    );
    assert_eq!(app.table.counts().stale, 4);

    let mut strict = options();
    strict.stale_after_days = 7;
    let (mut app, _) = started(strict);
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    command(&mut app, "stale");
    assert_eq!(
        row_names(&app),
        [
            "backup-job",
            "ci-deploy",
            "grafana-reader",
            "terraform",
            "zapier"
        ]
    );
}

#[test]
fn never_used_is_not_a_view_and_says_why() {
    let mut app = loaded();
    command(&mut app, "view unused");
    assert_eq!(app.table.view(), View::All);
    let said = app.toasts.last().expect("an answer");
    assert_eq!(said.kind, ToastKind::Info);
    assert!(said.text.contains("last used"), "{}", said.text);
    command(&mut app, "view nonsense");
    let said = app.toasts.last().expect("an answer");
    assert_eq!(said.kind, ToastKind::Error);
    assert!(
        said.text
            .contains("all, stale, privileged, disabled, duplicates")
    );
}

#[test]
fn the_cursor_stays_on_its_token_when_the_view_keeps_it() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    // grafana-reader, fourth by name.
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('j'));
    }
    let on = |app: &App| app.selected_token().map(|(_, t)| t.name.clone());
    assert_eq!(on(&app).as_deref(), Some("grafana-reader"));
    key(&mut app, KeyCode::Char('V'));
    assert_eq!(on(&app).as_deref(), Some("grafana-reader"), "it is stale");
    key(&mut app, KeyCode::Char('V'));
    assert_eq!(
        on(&app).as_deref(),
        Some("terraform"),
        "the only privileged one"
    );
}

#[test]
fn a_failed_account_is_counted_in_scope() {
    let (mut app, _) = started(options());
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(tokdash::model::ApiError::Unauthorized("no".into())),
    );
    assert_eq!(app.table.counts().failed, 1);
    command(&mut app, "account acme-fluid");
    assert_eq!(app.table.counts().failed, 0);
}

fn export_job(effects: &[tokdash::app::Effect]) -> tokdash::app::modal::ExportJob {
    match effects {
        [tokdash::app::Effect::Export(job)] => job.clone(),
        other => panic!("expected one export, got {other:?}"),
    }
}

#[test]
fn e_writes_the_view_after_view_filter_and_sort_and_says_where() {
    use tokdash::app::Modal;
    use tokdash::inventory::{Format, WriteError};

    let mut app = loaded();
    command(&mut app, "view stale");
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('e'));
    let Some(Modal::Export(view)) = &app.modal else {
        panic!("the export dialog opens");
    };
    assert_eq!(view.path.value(), "tokdash-inventory-2026-06-01.csv");

    let job = export_job(&key(&mut app, KeyCode::Enter));
    assert_eq!(job.path, "tokdash-inventory-2026-06-01.csv");
    assert_eq!(job.format, Format::Csv);
    assert!(!job.replace);
    let names: Vec<&str> = job.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["terraform", "grafana-reader", "backup-job"],
        "the stale view, sorted by name, reversed"
    );
    let grafana = &job.rows[1];
    assert_eq!(grafana.id, "••••281706", "a secret-like id is masked");
    assert_eq!((grafana.age_days, grafana.stale), (Some(182), true));
    assert_eq!(grafana.privilege, "read");
    // Enter again while it is written does nothing more.
    assert!(key(&mut app, KeyCode::Enter).is_empty());

    // There already: the dialog asks, and the next Enter replaces it.
    update(
        &mut app,
        Msg::Exported(Err(WriteError::Exists(
            "tokdash-inventory-2026-06-01.csv".into(),
        ))),
    );
    let Some(Modal::Export(view)) = &app.modal else {
        panic!("the dialog stays");
    };
    assert!(view.replace);
    assert!(
        view.error
            .as_deref()
            .unwrap_or_default()
            .contains("Enter again replaces it"),
        "{view:?}"
    );
    let job = export_job(&key(&mut app, KeyCode::Enter));
    assert!(job.replace);
    update(
        &mut app,
        Msg::Exported(Ok(("/home/ana/tokdash-inventory-2026-06-01.csv".into(), 3))),
    );
    assert!(app.modal.is_none());
    let said = app.toasts.last().expect("said where");
    assert_eq!(
        said.text,
        "wrote 3 rows to /home/ana/tokdash-inventory-2026-06-01.csv"
    );
}

#[test]
fn an_export_never_holds_a_secret_and_a_json_name_writes_json() {
    use tokdash::inventory::Format;

    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "export audit.JSON");
    key(&mut app, KeyCode::Enter);
    let job = export_job(&key(&mut app, KeyCode::Enter));
    assert_eq!(job.format, Format::Json);
    assert_eq!(job.rows.len(), 7);
    for text in [
        Format::Csv.render(&job.rows),
        Format::Json.render(&job.rows),
    ] {
        assert!(!text.contains("st-secret-value-0001"), "{text}");
        assert!(!text.contains("lgk_9f8e7d6c5b4a39281706"), "{text}");
        assert!(text.contains("••••281706"));
    }

    // Editing the name after "there already" asks again before replacing.
    update(
        &mut app,
        Msg::Exported(Err(tokdash::inventory::WriteError::Exists(
            "audit.JSON".into(),
        ))),
    );
    key(&mut app, KeyCode::Backspace);
    let job = export_job(&key(&mut app, KeyCode::Enter));
    assert!(!job.replace, "another name: nothing to replace yet");
    assert_eq!(job.path, "audit.JSO");
    assert_eq!(job.format, Format::Csv);
    // Esc leaves without writing.
    update(
        &mut app,
        Msg::Exported(Err(tokdash::inventory::WriteError::Failed(
            "audit.JSO: cannot write it: permission denied".into(),
        ))),
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}
