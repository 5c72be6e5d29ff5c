//! What every step of an operation asks first: does the gate allow this account the change, is
//! the token already busy with one; and saying no, with a record in the audit trail.

use crate::app::op::{AuditEntry, TokenRef, progressive};
use crate::app::{Action, App, Effect, ToastKind};
use crate::audit::{Outcome, TokenLabel};
use crate::model::{OpKind, Refusal, gate};

impl App {
    /// The one gate, for an account of this app.
    pub fn allows(&self, account: usize, op: OpKind) -> Result<(), Refusal> {
        let acc = &self.accounts[account];
        gate(
            op,
            &acc.info.name,
            acc.info.read_only,
            acc.info.kind,
            acc.caps(),
        )
    }

    /// Why the gate refuses `action` for the account in view, if it does: for key hints and help.
    pub fn refusal_for(&self, action: Action) -> Option<Refusal> {
        let op = action.op()?;
        let account = self.target_account()?;
        self.allows(account, op).err()
    }

    /// The account a create applies to: the selected one, or the selected row's.
    pub fn target_account(&self) -> Option<usize> {
        self.selected_account()
            .or_else(|| self.selected_row().map(|r| r.account))
    }

    /// For a bulk change's confirmation: how many of its tokens are out of sight, so nobody
    /// deletes tokens they cannot see without being told ("2 of them are hidden by the
    /// filter").
    pub fn hidden_note(&self, op: &crate::app::Op) -> Option<String> {
        let tokens: Vec<TokenRef> = op.tokens().into_iter().cloned().collect();
        if tokens.len() < 2 {
            return None;
        }
        let hidden = self.table.hidden_among(&self.accounts, &tokens);
        if hidden == 0 {
            return None;
        }
        let by = if !self.table.query().trim().is_empty() {
            "the filter"
        } else {
            "the view or the account in scope"
        };
        let count = if hidden == 1 {
            "1 of them is".to_owned()
        } else {
            format!("{hidden} of them are")
        };
        Some(format!("{count} hidden by {by}"))
    }

    pub(crate) fn selected_ref(&self) -> Option<TokenRef> {
        let row = self.selected_row()?;
        self.token_at(row).map(|(_, t)| TokenRef {
            account: row.account,
            id: t.id.clone(),
            name: t.name.clone(),
        })
    }
}

/// A row with a change in flight refuses another.
pub(super) fn busy_row(app: &mut App, r: &TokenRef) -> Option<Vec<Effect>> {
    let op = *app.accounts[r.account].pending.get(&r.id)?;
    app.toast(
        ToastKind::Info,
        format!("{}: {} already in progress", r.name, progressive(op)),
    );
    Some(Vec::new())
}

/// Say no, naming the reason, and leave a record of it.
pub(super) fn refuse(
    app: &mut App,
    account: usize,
    op: OpKind,
    token: Option<&TokenRef>,
    refusal: Refusal,
) -> Vec<Effect> {
    app.toast(ToastKind::Error, refusal.to_string());
    let acc = &app.accounts[account];
    vec![Effect::Audit(AuditEntry {
        account: acc.info.name.clone(),
        provider: acc.info.kind,
        op,
        token: TokenLabel::new(
            token.map(|t| &t.id),
            token.map(|t| t.name.as_str()),
            acc.caps(),
        ),
        outcome: Outcome::Refused,
        error: Some(refusal.to_string()),
    })]
}
