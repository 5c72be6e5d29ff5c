//! The create, rotate and rename forms, built from a provider's `Caps::form` field specs, so
//! nothing here knows which provider it is talking to; and the keys an open form takes.
//!
//! Submitting validates the fields, then sends the request and keeps the form open until the
//! answer: a provider's refusal (a taken name, say) lands in the form, not in a toast.

use crossterm::event::KeyEvent;
use tui_input::Input;

use crate::app::line_edit::{MAX_FIELD_CHARS, edit_text, insert_pasted};
use crate::app::op::{Op, TokenRef};
use crate::app::op_flow::execute;
use crate::app::{Action, App, Effect, Layer, Modal, ReqId, ToastKind};
use crate::model::{
    FIELD_DESCRIPTION, FIELD_EXPIRES_AT, FIELD_NAME, FIELD_OPA_POLICY, FIELD_PERMISSIONS,
    FIELD_READABLE, FIELD_ROLE_ID, FIELD_WRITEABLE, FieldKind, FieldSpec, NewToken, Token,
    parse_expiry,
};
use crate::provider::Choice;
use time::OffsetDateTime;

/// The one field of the rename form.
pub const RENAME_FIELD: FieldSpec = FieldSpec {
    key: FIELD_NAME,
    label: "Name",
    kind: FieldKind::Text,
    required: true,
    help: "the token's new name",
};

/// What submitting the form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormPurpose {
    Create,
    /// Create a twin of this token (same name and settings), then offer to delete it.
    Rotate(TokenRef),
    Rename(TokenRef),
}

/// Choices served by the provider, fetched when the form opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    Loading,
    Loaded(Vec<Choice>),
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Input),
    /// One flag per choice, and the choice under the cursor.
    Multi(Vec<bool>, usize),
    Flag(bool),
    /// `selected` indexes the loaded choices; `None` is "none".
    Remote {
        choices: Remote,
        selected: Option<usize>,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub spec: FieldSpec,
    pub value: FieldValue,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub account: usize,
    pub purpose: FormPurpose,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// A validation message or the provider's rejection; the form stays open with it.
    pub error: Option<String>,
    /// The request sent for this form, while it runs.
    pub pending: Option<ReqId>,
    /// A RemoteChoice value to select once the choices arrive (a rotation's old role).
    pub want_remote: Option<String>,
}

impl Form {
    pub fn create(account: usize, specs: &'static [FieldSpec]) -> Form {
        Form {
            account,
            purpose: FormPurpose::Create,
            fields: specs.iter().map(|s| FormField::empty(*s)).collect(),
            focus: 0,
            error: None,
            pending: None,
            want_remote: None,
        }
    }

    /// A create form filled in from an existing token, for a rotation.
    pub fn rotate(account: usize, specs: &'static [FieldSpec], old: &Token, r: TokenRef) -> Form {
        let mut form = Form::create(account, specs);
        form.purpose = FormPurpose::Rotate(r);
        let has_scope = |word: &str| old.scopes.iter().any(|s| s.eq_ignore_ascii_case(word));
        for field in &mut form.fields {
            match &mut field.value {
                FieldValue::Text(input) => {
                    let v = match field.spec.key {
                        FIELD_NAME => Some(old.name.as_str()),
                        FIELD_DESCRIPTION => old.description.as_deref(),
                        // The twin of a policy token is a policy token with the same policy
                        // (the expiry is chosen afresh).
                        FIELD_OPA_POLICY => old.opa_policy(),
                        _ => None,
                    };
                    *input = Input::new(v.unwrap_or_default().to_owned());
                }
                FieldValue::Multi(on, _) => {
                    if let FieldKind::MultiChoice { choices, default } = field.spec.kind {
                        for (flag, choice) in on.iter_mut().zip(choices) {
                            *flag = has_scope(choice);
                        }
                        // None of its scopes is a choice: the twin gets what a new token would.
                        if !on.iter().any(|b| *b) {
                            for (flag, choice) in on.iter_mut().zip(choices) {
                                *flag = default.contains(choice);
                            }
                        }
                    }
                }
                FieldValue::Flag(on) => {
                    // `readable` is shown as the scope `read`, `writeable` as `write`.
                    let word = field.spec.key.trim_end_matches("able");
                    *on = has_scope(field.spec.key) || has_scope(word);
                }
                FieldValue::Remote { .. } => {
                    // The role by name; a policy token without one gets none (organization admin).
                    form.want_remote = old.role.clone();
                }
            }
        }
        form
    }

    /// Put `name` in the name field: a rotation's twin where names must be unique.
    pub fn set_name(&mut self, name: String) {
        for f in self.fields.iter_mut().filter(|f| f.spec.key == FIELD_NAME) {
            if let FieldValue::Text(input) = &mut f.value {
                *input = Input::new(name.clone());
            }
        }
    }

    pub fn rename(account: usize, r: TokenRef) -> Form {
        let mut field = FormField::empty(RENAME_FIELD);
        field.value = FieldValue::Text(Input::new(r.name.clone()));
        Form {
            account,
            purpose: FormPurpose::Rename(r),
            fields: vec![field],
            focus: 0,
            error: None,
            pending: None,
            want_remote: None,
        }
    }

    pub fn title(&self) -> String {
        match &self.purpose {
            FormPurpose::Create => "New token".into(),
            FormPurpose::Rotate(r) => format!("Rotate {}: create its twin", r.name),
            FormPurpose::Rename(r) => format!("Rename {}", r.name),
        }
    }

    pub fn remote_fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields
            .iter()
            .filter(|f| matches!(f.value, FieldValue::Remote { .. }))
            .map(|f| f.spec.key)
    }

    pub fn set_choices(&mut self, key: &str, result: Result<Vec<Choice>, String>) {
        let want = self.want_remote.take();
        for f in self.fields.iter_mut().filter(|f| f.spec.key == key) {
            if let FieldValue::Remote { choices, selected } = &mut f.value {
                *selected = match (&result, &want) {
                    (Ok(list), Some(w)) => list
                        .iter()
                        .position(|c| c.id == *w || c.label.eq_ignore_ascii_case(w)),
                    _ => None,
                };
                *choices = match &result {
                    Ok(list) => Remote::Loaded(list.clone()),
                    Err(e) => Remote::Failed(e.clone()),
                };
            }
        }
    }

    pub fn on_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    pub fn move_focus(&mut self, step: isize) {
        let n = self.fields.len() as isize;
        if n > 0 {
            self.focus = (self.focus as isize + step).rem_euclid(n) as usize;
        }
    }

    /// Does the field under the cursor take text? Then printable keys are typed into it, and
    /// the keymap's `FormText` layer has the keys; otherwise its `FormChoice` layer.
    pub fn layer(&self) -> Layer {
        match self.fields.get(self.focus).map(|f| &f.value) {
            Some(FieldValue::Text(_)) | None => Layer::FormText,
            Some(_) => Layer::FormChoice,
        }
    }

    /// A key for the focused text field: typing and line editing. Returns false when the key
    /// means nothing to it (or a choice field has the cursor).
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        let Some(FormField {
            value: FieldValue::Text(input),
            ..
        }) = self.fields.get_mut(self.focus)
        else {
            return false;
        };
        let changed = edit_text(input, key);
        if changed {
            self.error = None;
        }
        changed
    }

    /// `prev_choice`, `next_choice` or `toggle_choice` on the focused choice field. A flag
    /// flips with each; a provider's list steps through its choices and "none". Returns false
    /// when the action means nothing to the field.
    pub fn choose(&mut self, action: Action) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let changed = match (&mut field.value, action) {
            (FieldValue::Text(_), _) => false,
            (FieldValue::Multi(_, cursor), Action::PrevChoice) => {
                *cursor = cursor.saturating_sub(1);
                true
            }
            (FieldValue::Multi(on, cursor), Action::NextChoice) => {
                *cursor = (*cursor + 1).min(on.len().saturating_sub(1));
                true
            }
            (FieldValue::Multi(on, cursor), Action::ToggleChoice) => {
                if let Some(f) = on.get_mut(*cursor) {
                    *f = !*f;
                }
                true
            }
            (
                FieldValue::Flag(on),
                Action::PrevChoice | Action::NextChoice | Action::ToggleChoice,
            ) => {
                *on = !*on;
                true
            }
            (FieldValue::Remote { choices, selected }, _) => {
                let n = match choices {
                    Remote::Loaded(c) => c.len(),
                    _ => 0,
                };
                // Positions 0..n are the choices, n is "none".
                let pos = selected.unwrap_or(n);
                let next = match action {
                    Action::NextChoice | Action::ToggleChoice => (pos + 1) % (n + 1),
                    Action::PrevChoice => (pos + n) % (n + 1),
                    _ => return false,
                };
                *selected = (next < n).then_some(next);
                true
            }
            _ => false,
        };
        if changed {
            self.error = None;
        }
        changed
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(FormField {
            value: FieldValue::Text(input),
            ..
        }) = self.fields.get_mut(self.focus)
        {
            self.error = insert_pasted(input, text, MAX_FIELD_CHARS)
                .then(|| format!("the pasted text was cut to {MAX_FIELD_CHARS} characters"));
        }
    }

    /// The text of a field, trimmed.
    pub fn text(&self, key: &str) -> Option<String> {
        self.fields.iter().find_map(|f| match &f.value {
            FieldValue::Text(i) if f.spec.key == key => Some(i.value().trim().to_owned()),
            _ => None,
        })
    }

    /// Check the fields and build the request, or say what is missing or wrong (and focus it).
    /// `now` is what a relative expiry (`30d`) counts from.
    pub fn validate(&mut self, now: Option<OffsetDateTime>) -> Result<NewToken, String> {
        let mut new = NewToken::default();
        for (i, f) in self.fields.iter().enumerate() {
            let missing = match &f.value {
                FieldValue::Text(input) => {
                    let v = input.value().trim();
                    match f.spec.key {
                        FIELD_NAME => new.name = v.to_owned(),
                        FIELD_DESCRIPTION if !v.is_empty() => new.description = Some(v.to_owned()),
                        FIELD_OPA_POLICY if !v.is_empty() => new.opa_policy = Some(v.to_owned()),
                        FIELD_EXPIRES_AT if !v.is_empty() => {
                            // Time reaches the app only as a message; none has come yet.
                            let Some(now) = now else {
                                self.focus = i;
                                return Err(format!(
                                    "{}: the time is not known yet; submit again",
                                    f.spec.label
                                ));
                            };
                            match parse_expiry(v, now) {
                                Ok(at) => new.expires_at = Some(at),
                                Err(e) => {
                                    self.focus = i;
                                    return Err(format!("{}: {e}", f.spec.label));
                                }
                            }
                        }
                        _ => {}
                    }
                    v.is_empty()
                }
                FieldValue::Multi(on, _) => {
                    let FieldKind::MultiChoice { choices, default } = f.spec.kind else {
                        continue;
                    };
                    if f.spec.key == FIELD_PERMISSIONS {
                        new.permissions = choices
                            .iter()
                            .zip(on)
                            .filter(|(_, on)| **on)
                            .map(|(c, _)| (*c).to_owned())
                            .collect();
                    }
                    let none = !on.iter().any(|b| *b);
                    if none && !default.is_empty() {
                        // Sending none would get the provider's default, which the form would
                        // not show: say so rather than send what the user unchecked.
                        self.focus = i;
                        return Err(format!(
                            "{}: none checked gets {}; check what the token should have",
                            f.spec.label,
                            default.join(", ")
                        ));
                    }
                    none
                }
                FieldValue::Flag(on) => {
                    match f.spec.key {
                        FIELD_READABLE => new.readable = Some(*on),
                        FIELD_WRITEABLE => new.writeable = Some(*on),
                        _ => {}
                    }
                    false
                }
                FieldValue::Remote {
                    choices: Remote::Loading,
                    ..
                } => {
                    // Sent now, the token would get no role, or the provider's: wait for them.
                    self.focus = i;
                    return Err(format!(
                        "{}s are loading; submit once they are in",
                        f.spec.label.to_lowercase()
                    ));
                }
                FieldValue::Remote { choices, selected } => {
                    if let (Remote::Loaded(list), Some(i)) = (choices, selected)
                        && f.spec.key == FIELD_ROLE_ID
                    {
                        new.role_id = list.get(*i).map(|c| c.id.clone());
                    }
                    selected.is_none()
                }
            };
            if missing && f.spec.required {
                self.focus = i;
                let what = if matches!(f.value, FieldValue::Text(_)) {
                    "is required"
                } else {
                    "needs a choice"
                };
                return Err(format!("{} {what}", f.spec.label));
            }
        }
        Ok(new)
    }
}

impl FormField {
    fn empty(spec: FieldSpec) -> FormField {
        let value = match spec.kind {
            FieldKind::Text => FieldValue::Text(Input::default()),
            // The provider's default is checked: what the form shows is what is sent.
            FieldKind::MultiChoice { choices, default } => {
                FieldValue::Multi(choices.iter().map(|c| default.contains(c)).collect(), 0)
            }
            FieldKind::Flag { default } => FieldValue::Flag(default),
            FieldKind::RemoteChoice => FieldValue::Remote {
                choices: Remote::Loading,
                selected: None,
            },
        };
        FormField { spec, value }
    }
}

/// A key while a form is open: the keymap's form layer for the field under the cursor, and
/// typing for a text field. Once submitted it only waits for the answer; `cancel` still closes
/// it, and the answer then comes as a toast.
pub fn on_key(app: &mut App, mut form: Form, key: KeyEvent) -> Vec<Effect> {
    let action = app.keymap.action_for(&key, form.layer());
    if form.pending.is_some() && action != Some(Action::Cancel) {
        app.modal = Some(Modal::Form(form));
        return Vec::new();
    }
    let submit = match action {
        Some(Action::Cancel) => {
            app.close_modal();
            return Vec::new();
        }
        Some(Action::Submit) => true,
        Some(Action::Accept) => {
            form.on_last_field() || {
                form.move_focus(1);
                false
            }
        }
        Some(Action::NextField) => {
            form.move_focus(1);
            false
        }
        Some(Action::PrevField) => {
            form.move_focus(-1);
            false
        }
        Some(choice @ (Action::PrevChoice | Action::NextChoice | Action::ToggleChoice)) => {
            form.choose(choice);
            false
        }
        // No other action is bound in a form's layers: the key is typed, if anything.
        Some(_) | None => {
            form.edit(&key);
            false
        }
    };
    if !submit {
        app.modal = Some(Modal::Form(form));
        return Vec::new();
    }
    submit_form(app, form)
}

/// Validate and send. The form goes back in place before the request is sent, so that
/// `execute` records the request in it and the answer finds it.
fn submit_form(app: &mut App, mut form: Form) -> Vec<Effect> {
    match form.validate(app.clock()) {
        Err(e) => {
            form.error = Some(e);
            app.modal = Some(Modal::Form(form));
            Vec::new()
        }
        Ok(new) => {
            let op = match &form.purpose {
                FormPurpose::Create => Op::Create {
                    account: form.account,
                    new,
                    replaces: None,
                },
                FormPurpose::Rotate(old) => Op::Create {
                    account: form.account,
                    new,
                    replaces: Some(old.clone()),
                },
                FormPurpose::Rename(r) if new.name == r.name => {
                    app.close_modal();
                    app.toast(ToastKind::Info, "the name is unchanged");
                    return Vec::new();
                }
                FormPurpose::Rename(r) => Op::Rename(r.clone(), new.name),
            };
            app.modal = Some(Modal::Form(form));
            execute(app, op)
        }
    }
}
