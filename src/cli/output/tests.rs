//! Unit tests of what the headless commands print (tables, JSON, CSV); apart so `output.rs`
//! reads as the printing code alone.

use super::*;
use crate::inventory::{FORMULA_TRIGGERS, defuse_formula, is_plain_number};

fn csv_of(fields: [&str; 5]) -> String {
    let header = ["a", "b", "c", "d", "e"].map(str::to_owned);
    csv(header, std::iter::once(fields.map(str::to_owned)))
}

#[test]
fn csv_quotes_only_what_needs_it() {
    assert_eq!(
        csv_of(["plain", "a,b", "say \"hi\"", "two\nlines", ""]),
        "a,b,c,d,e\r\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
    );
}

#[test]
fn csv_defuses_spreadsheet_formulas_but_not_numbers() {
    assert_eq!(
        csv_of([
            "=HYPERLINK(\"http://evil\")",
            "@SUM(A1)",
            "-5",
            "+x",
            "\t=1"
        ]),
        "a,b,c,d,e\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",'@SUM(A1),-5,'+x,'\t=1\r\n"
    );
}

#[test]
fn csv_defuses_what_hides_or_disguises_a_formula() {
    for field in [
        "\u{00A0}=1+1",
        " =1",
        "\u{200B}@SUM(A1)",
        "\u{FF1D}HYPERLINK(\"x\")",
        "\u{FF0B}1",
        "\u{FF0D}1",
        "\u{FF20}SUM(A1)",
        "\u{FE66}1",
        "\u{2212}1",
        "+NaN",
        "-inf",
        "-infinity",
        "+nan",
        "-1+1",
        "\r\nx",
        "\tplain",
        "-",
        "-.",
        "-1e",
    ] {
        assert_eq!(defuse_formula(field), format!("'{field}"), "{field:?}");
    }
    for field in [
        "-5", "+1.5e3", "-0.25", ".5", "-5.", "1E-7", "plain", "a=b", "", " x",
    ] {
        assert_eq!(defuse_formula(field), field, "{field:?}");
    }
}

#[test]
fn json_escapes_what_would_drive_a_terminal_and_keeps_the_text() {
    let text = "a\x1b[2J\u{9b}b\u{202E}c\u{200B}d\u{E0041}e 日本 ❤\u{FE0F}";
    let json = to_json(&serde_json::json!({ "name": text }));
    assert!(!json.chars().any(|c| c != '\n' && is_unsafe(c)), "{json}");
    assert!(
        json.contains("\\u001b[2J\\u009bb\\u202ec\\u200bd\\udb40\\udc41e 日本 ❤\\ufe0f"),
        "{json}"
    );
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back["name"], text);
}

#[test]
fn shell_words_are_quoted_only_when_needed() {
    assert_eq!(shell_word("sematext-1"), "sematext-1");
    assert_eq!(shell_word("prod eu"), "'prod eu'");
    assert_eq!(shell_word("it's"), r#"'it'\''s'"#);
    assert_eq!(shell_word(""), "''");
}

#[test]
fn table_aligns_wide_characters_by_display_width() {
    let out = table(
        &["NAME", "ID"],
        vec![
            vec!["日本語".into(), "1".into()],
            vec!["abc".into(), "2".into()],
        ],
    );
    let lines: Vec<&str> = out.lines().collect();
    // "日本語" is six columns wide, so every ID starts in column 8.
    assert_eq!(lines[0], "NAME    ID");
    assert_eq!(lines[1], "日本語  1");
    assert_eq!(lines[2], "abc     2");
}

/// `cases` per property unless `PROPTEST_CASES` says otherwise (see SECURITY.md).
fn config(cases: u32) -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config {
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Cells rich in what spreadsheets and terminals care about.
fn nasty_cell() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pool = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        3 => prop::sample::select(FORMULA_TRIGGERS.to_vec()),
        2 => prop::sample::select(vec![
            '\t', '\r', '\n', '"', ',', '\'', '\u{A0}', '\u{3000}', '\u{200B}', '\u{FEFF}',
            '\u{202E}', '\x1b', '\u{9b}', '0', '5', '.', 'e', 'N', 'a', 'i', 'n', 'f',
        ]),
        1 => any::<char>(),
    ];
    proptest::collection::vec(pool, 0..24).prop_map(|cs| cs.into_iter().collect())
}

/// The first character a spreadsheet would look at: past blanks and invisible ones.
fn first_seen(cell: &str) -> Option<char> {
    cell.chars().find(|c| !c.is_whitespace() && !is_unsafe(*c))
}

proptest::proptest! {
    #![proptest_config(config(256))]

    /// Any records come back from the CSV as they went in, but for a `'` in front of a cell
    /// that would be a formula; no cell read back starts a formula unless it is a number.
    #[test]
    fn csv_cells_never_start_a_formula(
        rows in proptest::collection::vec(proptest::array::uniform5(nasty_cell()), 0..6)
    ) {
        let header = ["a", "b", "c", "d", "e"].map(str::to_owned);
        let text = csv(header.clone(), rows.clone().into_iter());
        let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let read: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        proptest::prop_assert_eq!(read.len(), rows.len());
        for (row, record) in rows.iter().zip(&read) {
            for (cell, back) in row.iter().zip(record.iter()) {
                proptest::prop_assert!(
                    back == cell || back == format!("'{cell}"),
                    "{:?} read back as {:?}", cell, back
                );
                let formula = first_seen(back).is_some_and(|c| FORMULA_TRIGGERS.contains(&c))
                    || back.starts_with(['\t', '\r', '\n']);
                proptest::prop_assert!(
                    !formula || is_plain_number(back),
                    "{:?} read back as {:?}", cell, back
                );
            }
        }
    }

    /// JSON keeps any text exact and never carries a character a terminal would act on.
    #[test]
    fn json_is_exact_and_terminal_safe(text in nasty_cell()) {
        let json = to_json(&serde_json::json!({ "name": &text, "list": [&text] }));
        proptest::prop_assert!(!json.chars().any(|c| c != '\n' && is_unsafe(c)), "{}", json);
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        proptest::prop_assert_eq!(back["name"].as_str(), Some(text.as_str()));
    }
}
