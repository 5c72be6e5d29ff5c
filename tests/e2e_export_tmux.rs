//! End-to-end: `e` in the real dashboard writes the view to a file. In the demo, under a view
//! and a filter, the file named in the dialog appears with exactly the rows the table lists, in
//! its order, mode 0600, as CSV or JSON by its name; a second export to the same name asks
//! before replacing it. Skips (with a message) when tmux is not installed.

mod common {
    pub mod e2e;
    pub mod tmux;
}

use std::os::unix::fs::PermissionsExt;

use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};

/// `[stale] (N/M)` in the tokens title: N.
fn shown_in_view(screen: &str) -> Option<usize> {
    let rest = screen.split("[stale] (").nth(1)?;
    rest.split('/').next()?.parse().ok()
}

/// The name in the tokens table's first row: the word after the row marker, in the pane whose
/// header says `Name`.
fn first_row_name(screen: &str) -> Option<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines.iter().position(|l| l.contains(" Name "))?;
    let column = lines[header]
        .split(['│', '║'])
        .position(|p| p.contains(" Name "))?;
    let row = lines.get(header + 1)?.split(['│', '║']).nth(column)?;
    row.trim_start_matches(['▶', '›', ' '])
        .split_whitespace()
        .next()
        .map(str::to_owned)
}

/// Type a file name into the export dialog, replacing the default, and write.
fn export_to(tmux: &Tmux, name: &str) {
    tmux.keys(&["e"]);
    tmux.wait_for("the export dialog", |s| s.contains("Export the view"));
    tmux.keys(&["C-u"]);
    tmux.text(name);
    tmux.keys(&["Enter"]);
}

#[test]
fn e_writes_the_view_to_a_private_file_with_its_rows() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let work = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "cd '{}' && XDG_STATE_HOME='{}' '{bin}' --demo; echo TOKDASH_EXITED=$?; sleep 60",
        work.path().display(),
        state.path().display()
    );
    let tmux = Tmux::start("export", 120, 35, &command);
    tmux.wait_for("every demo account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });

    // The stale view, reversed: what the table lists is what the file gets, in that order.
    tmux.keys(&["V", "2", "S", "g"]);
    let screen = tmux.wait_for("the stale view, reversed, from the top", |s| {
        shown_in_view(s).is_some()
            && s.contains("sort name↓")
            && s.lines()
                .skip_while(|l| !l.contains(" Name "))
                .nth(1)
                .is_some_and(|l| l.contains('▶'))
    });
    let n = shown_in_view(&screen).expect("a count");
    assert!(n > 0, "the demo has stale tokens:\n{screen}");
    let first_name = first_row_name(&screen).expect("a first row");

    export_to(&tmux, "audit.csv");
    let screen = tmux.wait_for("the export to be written", |s| s.contains("wrote "));
    let path = work.path().join("audit.csv");
    assert!(
        screen.contains(&format!("wrote {n} rows to")) && screen.contains("audit.csv"),
        "{screen}"
    );
    let mode = std::fs::metadata(&path)
        .expect("written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let csv = std::fs::read_to_string(&path).expect("readable");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "account,provider,app,id,name,enabled,created_at,age_days,stale,privilege,scopes,role,\
         created_by,updated_at,description,partial,kind,expires_at"
    );
    assert_eq!(lines.len(), n + 1, "{csv}");
    assert!(
        lines[1].contains(&format!(",{first_name},")),
        "{first_name}: {csv}"
    );
    for row in &lines[1..] {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[8], "true", "every row is stale: {row}");
        if fields[1] == "lagrello" {
            assert!(
                fields[3].starts_with("••••"),
                "a secret-like id is masked: {row}"
            );
        }
    }

    // JSON by the name, the same rows.
    export_to(&tmux, "audit.json");
    tmux.wait_for("the JSON export", |s| s.contains("audit.json"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("audit.json")).unwrap())
            .expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(n));
    let mode = std::fs::metadata(work.path().join("audit.json"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);

    // The same name again: asked first, replaced on the second Enter.
    std::fs::write(&path, "old").unwrap();
    export_to(&tmux, "audit.csv");
    tmux.wait_for("the question", |s| s.contains("is there already"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the replacement", |s| !s.contains("Export the view"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap().lines().count(),
        n + 1
    );

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("tokdash to exit", |s| s.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
}
