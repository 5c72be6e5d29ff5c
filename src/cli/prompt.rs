//! Asking before a change that cannot be undone: only where someone can answer, and naming the
//! token the question is about.

use std::io::IsTerminal;

use super::failure::Failure;
use crate::model::{OpKind, Token};
use crate::provider::Account;
use crate::text::sanitize;

/// Make sure someone can answer, before anything is asked of the provider.
pub fn require_terminal(op: OpKind) -> Result<(), Failure> {
    if std::io::stdin().is_terminal() {
        return Ok(());
    }
    let verb = op.verb();
    Err(Failure::Usage(format!(
        "refusing to {verb} without confirmation: stdin is not a terminal; pass --yes to {verb} anyway"
    )))
}

/// Ask whether to delete or regenerate `token`; anything but `y` or `yes` is no, and refuses.
pub async fn ask(account: &Account, op: OpKind, token: &Token, shown: &str) -> Result<(), Failure> {
    let (question, cancelled) = match op {
        OpKind::Regenerate => (
            format!(
                "Regenerate token {} ({shown}) in account {}? The old secret stops working.",
                token.name,
                sanitize(&account.name)
            ),
            "cancelled; the token was not regenerated",
        ),
        _ => (
            format!(
                "Delete token {} ({shown}) from account {}?",
                token.name,
                sanitize(&account.name)
            ),
            "cancelled; nothing was deleted",
        ),
    };
    if yes(question).await? {
        Ok(())
    } else {
        Err(Failure::Refused(cancelled.into()))
    }
}

/// Ask a yes/no question on the terminal.
async fn yes(question: String) -> Result<bool, Failure> {
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| Failure::Failed(format!("could not read the answer: {e}")))?
    .map_err(|e| Failure::Failed(format!("could not read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
