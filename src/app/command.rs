//! The `:` command line.

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
        "q" | "quit" | "q!" => Ok(Command::Quit),
        "" => Err("empty command".into()),
        other => Err(format!(
            "unknown command `{}`; try :account NAME, :refresh, :leak, :messages, :help, :q",
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
        assert!(parse("frobnicate").unwrap_err().contains("unknown command"));
    }
}
