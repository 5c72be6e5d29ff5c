//! The `:` command line.

use super::token_table::view::{NEVER_USED, View};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `:account NAME` (or `:account all`): select an account.
    Account(String),
    Refresh,
    Help,
    /// `:leak`: the leaked-secret dialog.
    Leak,
    /// `:messages`: the message log.
    Messages,
    /// `:view NAME`, or the view's own name (`:stale`): which tokens the table lists.
    View(View),
    /// `:summary`: every account at a glance.
    Summary,
    /// `:export [PATH]`: write the view to a file (the dialog opens with PATH, if given).
    Export(Option<String>),
    /// Asked for never-used tokens, which no view can list: the answer says why.
    NoSuchView(String),
    Quit,
}

pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (verb, arg) = match line.split_once(char::is_whitespace) {
        Some((v, a)) => (v, a.trim()),
        None => (line, ""),
    };
    match verb {
        "account" | "a" if !arg.is_empty() => Ok(Command::Account(arg.to_owned())),
        "account" | "a" => Err("usage: :account NAME".into()),
        "refresh" | "r" => Ok(Command::Refresh),
        "help" | "h" => Ok(Command::Help),
        "leak" => Ok(Command::Leak),
        "messages" | "msgs" => Ok(Command::Messages),
        "view" | "v" if arg.is_empty() => Err(format!(
            "usage: :view NAME, one of {}",
            View::ALL.map(View::name).join(", ")
        )),
        "view" | "v" => match View::parse(arg) {
            Ok(view) => Ok(Command::View(view)),
            // Not a mistake: a question with an answer.
            Err(why) if why == NEVER_USED => Ok(Command::NoSuchView(why)),
            Err(why) => Err(why),
        },
        "stale" | "privileged" | "priv" | "disabled" | "duplicates" | "dupes" | "expiring"
        | "expired" => Ok(Command::View(View::parse(verb)?)),
        "summary" | "sum" => Ok(Command::Summary),
        "export" | "e" => Ok(Command::Export((!arg.is_empty()).then(|| arg.to_owned()))),
        "unused" | "never-used" => Ok(Command::NoSuchView(NEVER_USED.to_owned())),
        "q" | "quit" | "q!" => Ok(Command::Quit),
        "" => Err("empty command".into()),
        other => Err(format!(
            "unknown command `{}`; try :account NAME, :view NAME, :summary, :export, :refresh, :leak, :messages, \
             :help, :q",
            crate::text::truncate(&crate::text::sanitize(other), 40)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse() {
        assert_eq!(
            parse("account  acme prod"),
            Ok(Command::Account("acme prod".into()))
        );
        assert_eq!(parse(" q "), Ok(Command::Quit));
        assert_eq!(parse("refresh"), Ok(Command::Refresh));
        assert_eq!(parse("leak"), Ok(Command::Leak));
        assert_eq!(parse("messages"), Ok(Command::Messages));
        assert!(parse("account").is_err());
        assert_eq!(parse("view stale"), Ok(Command::View(View::Stale)));
        assert_eq!(parse("priv"), Ok(Command::View(View::Privileged)));
        // As README says: `:expired` (and the view's own name) picks the expiring view.
        assert_eq!(parse("expired"), Ok(Command::View(View::Expiring)));
        assert_eq!(parse("expiring"), Ok(Command::View(View::Expiring)));
        assert_eq!(parse("view all"), Ok(Command::View(View::All)));
        assert!(
            matches!(parse("view unused"), Ok(Command::NoSuchView(why)) if why.contains("last used"))
        );
        assert!(matches!(parse("unused"), Ok(Command::NoSuchView(_))));
        assert!(
            parse("view")
                .unwrap_err()
                .starts_with("usage: :view NAME, one of all, stale")
        );
        assert!(parse("frobnicate").unwrap_err().contains("unknown command"));
    }
}
