//! Unit tests of what the headless commands print (tables, JSON, CSV); apart so `output.rs`
//! reads as the printing code alone.

use super::*;
use crate::inventory::{FORMULA_TRIGGERS, csv, defuse_formula, is_plain_number};
use crate::text::is_unsafe;

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

/// How the whole document was printed before it was streamed: serialised in memory, then every
/// unsafe character outside a line break escaped.
fn whole_document(value: &impl Serialize) -> String {
    let raw = serde_json::to_string_pretty(value).unwrap();
    let mut s = String::new();
    for c in raw.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                s.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            s.push(c);
        }
    }
    s + "\n"
}

/// Tokens with every kind of field, hostile text and wide characters among them.
fn listed() -> Vec<Token> {
    let hostile = "a\x1b[2J\u{9b}b\u{202E}c\u{200B}d\u{E0041}e 日本 ❤\u{FE0F}";
    vec![
        Token::new("0123456789abcdef0123456789abcdef", "ci-deploy")
            .with_created(Some("2026-01-01T00:00:00Z"))
            .with_enabled(Some(false))
            .with_scopes(["read", "=write"])
            .with_description(Some(hostile)),
        Token::new("2", hostile).with_created(Some("2020-05-01T10:30:00Z")),
        Token::new("3", "日本語のトークン"),
    ]
}

const CLOCK: Clock = Clock {
    now: time::macros::datetime!(2026-06-01 12:00 UTC),
    stale_after_days: 90,
    expiring_within_days: 14,
};

fn rows(tokens: &[Token]) -> impl Iterator<Item = Row<'_>> {
    tokens.iter().map(|token| Row {
        account: "acc\u{202E}1",
        provider: ProviderKind::Lagrello,
        token,
        ids: Ids::Masked,
    })
}

#[test]
fn streamed_list_json_is_the_document_built_whole_byte_for_byte() {
    let tokens = listed();
    let errors = [ListError {
        account: "b\u{1b}".into(),
        provider: ProviderKind::Fluid,
        error: "down \u{9b}".into(),
        partial: false,
        message: String::new(),
    }];
    for (tokens, errors) in [(&tokens[..], &errors[..]), (&[], &[])] {
        let records: Vec<TokenRecord> = rows(tokens).map(|r| r.record(&CLOCK, true)).collect();
        #[derive(Serialize)]
        struct Whole<'a> {
            tokens: &'a [TokenRecord],
            errors: &'a [ListError],
        }
        let mut streamed = Vec::new();
        write_list_json(&mut streamed, records.iter().cloned(), errors).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            whole_document(&Whole {
                tokens: &records,
                errors
            })
        );
    }
}

#[test]
fn streamed_list_csv_is_the_csv_built_whole() {
    let tokens = listed();
    let records: Vec<TokenRecord> = rows(&tokens).map(|r| r.record(&CLOCK, false)).collect();
    for to in [CsvTo::Pipe, CsvTo::Terminal] {
        let whole = csv(
            FIELDS.map(str::to_owned),
            records.iter().map(|r| match to {
                CsvTo::Pipe => r.csv_fields(),
                CsvTo::Terminal => r.csv_fields().map(|f| sanitize(&f)),
            }),
        );
        let mut streamed = Vec::new();
        write_list_csv(&mut streamed, records.iter().cloned(), to).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), whole, "{to:?}");
    }
}

#[test]
fn streamed_table_is_the_table_built_whole() {
    let tokens = listed();
    let cells: Vec<[String; 10]> = rows(&tokens).map(|r| list_cells(&r, &CLOCK)).collect();
    let whole = table(
        &LIST_HEADERS,
        cells.iter().map(|c| c.to_vec()).collect::<Vec<_>>(),
    );
    let mut streamed = Vec::new();
    write_list_table(&mut streamed, || rows(&tokens), &CLOCK).unwrap();
    let streamed = String::from_utf8(streamed).unwrap();
    assert_eq!(streamed, whole);
    assert!(
        // The scopes as written, before the expiry column (`-`: none).
        streamed
            .lines()
            .nth(1)
            .unwrap()
            .ends_with(" read,=write  -"),
        "{streamed}"
    );
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
