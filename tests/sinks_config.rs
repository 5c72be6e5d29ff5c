//! `[[sinks]]` and an account's `sinks`: every mistake is refused with the file, line and key,
//! before anything runs.

#[allow(dead_code)]
mod common {
    pub mod config_file;
}

use common::config_file::*;
use tokdash::sink::Target;

const ACCOUNT: &str = r#"
[[accounts]]
name = "st"
provider = "sematext"
base_url = "http://127.0.0.1:9"
app_id = 7
credential = { env = "ST_KEY" }
"#;

#[test]
fn sinks_load_with_their_placeholders_and_an_account_names_its_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[sinks]]\nname = \"ci\"\ncommand = [\"/bin/cat\", \"{{account}}/{{name}}\"]\n\
         [[sinks]]\nname = \"file\"\nfile = \"~/.tokens/{{account}}-{{name}}\"\ntimeout_secs = 5\n\
         {ACCOUNT}sinks = [\"ci\"]\n"
    );
    let path = write(dir.path(), "c.toml", &text, 0o600);
    let config = load(&path).unwrap();
    assert_eq!(config.sinks.len(), 2);
    assert_eq!(config.sinks[0].name, "ci");
    assert!(matches!(&config.sinks[0].target, Target::Command(argv) if argv.len() == 2));
    assert!(matches!(&config.sinks[1].target, Target::File(_)));
    assert_eq!(config.sinks[1].timeout.as_secs(), 5);
    assert_eq!(config.accounts[0].sinks, vec!["ci".to_owned()]);
}

#[test]
fn an_unknown_sink_in_an_account_is_refused_with_a_suggestion() {
    // Line 11: the account's `sinks` key.
    let text = format!(
        "[[sinks]]\nname = \"vault\"\ncommand = [\"/bin/cat\"]\n{ACCOUNT}sinks = [\"valt\"]\n"
    );
    let rest = error_of(&text, 11);
    assert!(
        rest.starts_with("key `sinks`: no sink named `valt`"),
        "{rest}"
    );
    assert!(rest.contains("did you mean `vault`?"), "{rest}");
}

#[test]
fn a_sink_needs_exactly_one_of_command_and_file() {
    let rest = error_of(
        "[[sinks]]\nname = \"x\"\ncommand = [\"/bin/cat\"]\nfile = \"/tmp/x\"\n",
        3,
    );
    assert!(
        rest.starts_with("key `sinks.command`: give either"),
        "{rest}"
    );
    let rest = error_of("[[sinks]]\nname = \"x\"\n", 1);
    assert!(rest.starts_with("key `sinks.command`: missing"), "{rest}");
    assert!(rest.contains("file = "), "{rest}");
}

#[test]
fn an_empty_command_or_an_unknown_placeholder_is_refused() {
    let rest = error_of("[[sinks]]\nname = \"x\"\ncommand = []\n", 3);
    assert!(
        rest.starts_with("key `sinks.command`: expected a non-empty array"),
        "{rest}"
    );
    let rest = error_of(
        "[[sinks]]\nname = \"x\"\ncommand = [\n  \"/bin/cat\",\n  \"{token}\",\n]\n",
        5,
    );
    assert!(
        rest.starts_with("key `sinks.command`: unknown placeholder `{token}`"),
        "{rest}"
    );
    let rest = error_of("[[sinks]]\nname = \"x\"\nfile = \"/tmp/{acount}\"\n", 3);
    assert!(rest.contains("unknown placeholder `{acount}`"), "{rest}");
    assert!(rest.contains("{account}"), "{rest}");
}

#[test]
fn duplicate_names_unknown_keys_and_relative_programs_are_refused() {
    let rest = error_of(
        "[[sinks]]\nname = \"x\"\nfile = \"/tmp/a\"\n[[sinks]]\nname = \"x\"\nfile = \"/tmp/b\"\n",
        5,
    );
    assert!(rest.contains("already used on line 2"), "{rest}");
    let rest = error_of("[[sinks]]\nname = \"x\"\nfiel = \"/tmp/a\"\n", 3);
    assert!(rest.contains("did you mean `file`?"), "{rest}");
    let rest = error_of("[[sinks]]\nname = \"x\"\ncommand = [\"./put\"]\n", 3);
    assert!(rest.contains("is a relative path"), "{rest}");
}
