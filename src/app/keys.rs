//! Key bindings: the actions a user can bind, the default k9s/lazygit-style keymap, and the
//! `[keys]` config section (`action = "key"` or `action = "key, key"`).
//!
//! A key means one thing per [`Layer`], the part of the dashboard that has the keys: the panes,
//! the filter or `:` line, a form, a confirmation, the one-time secret, the leaked-secret
//! dialog, the quit question, the message log. `y` is "yes" in a confirmation, "copy" beside a
//! new secret, "delete its token" in the leaked-secret dialog and "quit anyway" in the quit
//! question: one action (`confirm`) where the meaning is the same, so one rebinding moves them
//! all. Each action works in one or more [`Scope`]s (the groups of the help overlay); a layer is
//! the scopes that are live at once.
//!
//! Longer than most files: the declarations are one table, and their tests sit beside them.

use std::fmt;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;

use crate::config::{Config, ConfigError};

/// Something a key can do. `ctrl-c` always quits (beside a new secret it asks first) and is not
/// part of the keymap; nor are the line-editing keys of text fields (see `line_edit.rs`).
///
/// Each variant carries everything about it in one place: its `[keys]` name (the variant in
/// snake_case unless `to_string` says otherwise), the help text (`message`, or a prop named
/// after a [`Scope`] where it means something more precise there), the short label of the hint
/// bar (`hint`, when it differs from the name) and its default keys (`keys`, the `[keys]`
/// syntax). Its scopes are [`Action::scopes`]; what it does is `update`'s business.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumMessage,
    strum::EnumProperty,
)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    #[strum(
        message = "move up",
        props(
            keys = "k, up",
            leak_match = "previous match",
            log = "scroll up",
            secret = "previous sink"
        )
    )]
    Up,
    #[strum(
        message = "move down",
        props(
            keys = "j, down",
            hint = "move",
            leak_match = "next match",
            log = "scroll down",
            secret = "next sink"
        )
    )]
    Down,
    #[strum(
        message = "go to the top",
        props(keys = "g, home", log = "go to the newest")
    )]
    Top,
    #[strum(
        message = "go to the bottom",
        props(keys = "G, end", log = "go to the oldest")
    )]
    Bottom,
    #[strum(message = "page up", props(keys = "pgup"))]
    PageUp,
    #[strum(message = "page down", props(keys = "pgdn"))]
    PageDown,
    #[strum(message = "next pane", props(keys = "tab", hint = "pane"))]
    NextPane,
    #[strum(message = "previous pane", props(keys = "shift-tab"))]
    PrevPane,
    #[strum(message = "focus accounts", props(keys = "1"))]
    FocusAccounts,
    #[strum(message = "focus tokens", props(keys = "2"))]
    FocusTokens,
    #[strum(message = "focus detail", props(keys = "3"))]
    FocusDetail,
    #[strum(message = "open", props(keys = "enter"))]
    Open,
    #[strum(message = "back / clear filter", props(keys = "esc"))]
    Back,
    #[strum(message = "filter tokens", props(keys = "/"))]
    Filter,
    #[strum(to_string = "sort", message = "cycle sort column", props(keys = "s"))]
    SortNext,
    #[strum(message = "reverse sort", props(keys = "S"))]
    SortReverse,
    #[strum(message = "refresh account", props(keys = "ctrl-r"))]
    Refresh,
    #[strum(message = "command line", props(keys = ":", hint = "cmd"))]
    Command,
    #[strum(message = "reveal / hide secret", props(keys = "v"))]
    Reveal,
    #[strum(message = "help", props(keys = "?"))]
    Help,
    #[strum(
        message = "quit",
        props(
            keys = "q",
            secret = "close (asks first)",
            leak_match = "close",
            log = "close"
        )
    )]
    Quit,
    #[strum(message = "new token", props(keys = "n", hint = "new"))]
    Create,
    #[strum(message = "delete token(s)", props(keys = "d"))]
    Delete,
    #[strum(message = "rename token", props(keys = "r"))]
    Rename,
    #[strum(message = "enable / disable token", props(keys = "t"))]
    Toggle,
    #[strum(message = "regenerate secret", props(keys = "R", hint = "regen"))]
    Regenerate,
    #[strum(message = "rotate (new twin)", props(keys = "o"))]
    Rotate,
    #[strum(message = "mark for bulk delete", props(keys = "space"))]
    Mark,
    #[strum(message = "clear all marks", props(keys = "u", hint = "unmark"))]
    ClearMarks,
    #[strum(message = "show only marked / all", props(keys = "M", hint = "marked"))]
    ShowMarked,
    /// The quit question's default: wait for the changes in flight, then quit.
    #[strum(message = "wait, then quit", props(keys = "w, W"))]
    Wait,
    #[strum(
        message = "yes",
        props(
            keys = "y, Y",
            leak_match = "delete its token",
            quitting = "quit anyway"
        )
    )]
    Confirm,
    /// The leaked-secret dialog's reversible revoke, where the provider can disable.
    #[strum(message = "disable it instead", props(keys = "t"))]
    DisableInstead,
    #[strum(
        message = "no",
        props(keys = "n, N", leak_match = "close", quitting = "stay")
    )]
    Deny,
    #[strum(
        message = "copy the secret",
        props(keys = "y, c", tokens = "copy id or name")
    )]
    Copy,
    #[strum(message = "next field", props(keys = "tab, down", hint = "next"))]
    NextField,
    #[strum(
        message = "previous field",
        props(keys = "shift-tab, up", hint = "prev")
    )]
    PrevField,
    #[strum(message = "submit", props(keys = "ctrl-s"))]
    Submit,
    #[strum(message = "previous choice", props(keys = "left"))]
    PrevChoice,
    #[strum(message = "next choice", props(keys = "right"))]
    NextChoice,
    #[strum(
        message = "toggle the choice",
        props(keys = "space", hint = "toggles", secret = "choose a sink")
    )]
    ToggleChoice,
    #[strum(
        message = "switch No / Yes",
        props(
            keys = "left, right, tab, shift-tab, h, l",
            hint = "choose",
            quitting = "switch Wait / Quit"
        )
    )]
    Choose,
    #[strum(
        message = "accept",
        props(
            keys = "enter",
            line = "run / keep the filter",
            form = "next / submit on last",
            confirm = "take the highlighted",
            leak_paste = "search what was typed",
            leak_match = "close after a revoke",
            quitting = "take the highlighted",
            secret = "deliver to chosen",
            log = "close",
            pick = "take the highlighted"
        )
    )]
    Accept,
    #[strum(
        message = "cancel",
        props(
            keys = "esc",
            line = "drop / clear filter",
            confirm = "no",
            secret = "close (asks first)",
            leak_paste = "close",
            leak_match = "close",
            quitting = "stay",
            log = "close"
        )
    )]
    Cancel,
    #[strum(message = "revoke a leaked secret", props(keys = "L", hint = "leak"))]
    Leak,
    #[strum(
        message = "message log",
        props(keys = "m", hint = "msgs", log = "close")
    )]
    Messages,
    #[strum(message = "next view (stale…)", props(keys = "V", hint = "view"))]
    View,
    #[strum(message = "summary and charts", props(keys = "i", hint = "summary"))]
    Summary,
    #[strum(message = "export the view", props(keys = "e"))]
    Export,
    #[strum(message = "deliver to sinks", props(keys = "d"))]
    Deliver,
}

/// Where an action works: one group of the help overlay. The first four are the panes'; the
/// others are a text line's or a dialog's. Its snake_case name is the prop that holds an
/// action's help text there, where it differs from the action's `message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Scope {
    /// Every pane.
    Global,
    /// The accounts and tokens lists (and the detail, which follows the tokens' cursor).
    Lists,
    Tokens,
    Detail,
    /// The filter and the `:` command line.
    Line,
    /// A create, rotate or rename form, whatever field has the cursor.
    Form,
    /// A form's choice field (scopes, a flag, a role): not while a text field has the cursor.
    Choice,
    /// A confirmation, and the question before a new secret's dialog closes.
    Confirm,
    /// The one-time secret.
    Secret,
    /// The leaked-secret dialog's field, waiting for the paste: printable keys are typed.
    LeakPaste,
    /// The leaked-secret dialog once the paste is in: the search, the match and its revoke.
    LeakMatch,
    /// The question before quitting with changes in flight.
    Quitting,
    /// The message log.
    Log,
    /// A short list to pick one from (which account, what to copy).
    Pick,
}

impl Scope {
    /// Every scope, in the order the help overlay reads them.
    pub const ALL: &[Scope] = <Scope as strum::VariantArray>::VARIANTS;

    /// The heading of its group in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Lists => "Lists",
            Scope::Tokens => "Tokens",
            Scope::Detail => "Detail",
            Scope::Line => "Filter and : line",
            Scope::Form => "Forms",
            Scope::Choice => "Form choices",
            Scope::Confirm => "Confirmations",
            Scope::Secret => "New secret",
            Scope::LeakPaste => "Leaked secret: paste",
            Scope::LeakMatch => "Leaked secret: match",
            Scope::Quitting => "Quit, changes in flight",
            Scope::Log => "Message log",
            Scope::Pick => "Pick one",
        }
    }
}

/// What has the keys: a key means one thing per layer, and rebinding a key takes it only from
/// actions that share a layer with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray)]
pub enum Layer {
    /// The panes (and the help overlay, which scrolls with their move keys).
    Panes,
    /// The filter or the `:` line: printable keys are typed.
    Line,
    /// A form with a text field under the cursor: printable keys are typed.
    FormText,
    /// A form with a choice field under the cursor.
    FormChoice,
    /// A confirmation, or the question before a new secret's dialog closes.
    Confirm,
    /// The one-time secret.
    Secret,
    /// The leaked-secret dialog's field: printable keys are typed.
    LeakPaste,
    /// The leaked-secret dialog's search and match.
    LeakMatch,
    /// The question before quitting with changes in flight.
    Quitting,
    /// The message log.
    Log,
    /// A short list to pick one from.
    Pick,
}

impl Layer {
    pub const ALL: &[Layer] = <Layer as strum::VariantArray>::VARIANTS;

    /// The scopes whose actions are live in this layer.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Layer::Panes => &[Scope::Global, Scope::Lists, Scope::Tokens, Scope::Detail],
            Layer::Line => &[Scope::Line],
            Layer::FormText => &[Scope::Form],
            Layer::FormChoice => &[Scope::Form, Scope::Choice],
            Layer::Confirm => &[Scope::Confirm],
            Layer::Secret => &[Scope::Secret],
            Layer::LeakPaste => &[Scope::LeakPaste],
            Layer::LeakMatch => &[Scope::LeakMatch],
            Layer::Quitting => &[Scope::Quitting],
            Layer::Log => &[Scope::Log],
            Layer::Pick => &[Scope::Pick],
        }
    }

    /// Printable keys are text here: no action of this layer may take one.
    pub fn takes_text(self) -> bool {
        matches!(self, Layer::Line | Layer::FormText | Layer::LeakPaste)
    }

    /// Where a text layer's typing happens, for errors.
    fn text_fields(self) -> &'static str {
        match self {
            Layer::Line => "the filter and the `:` line",
            Layer::LeakPaste => "the leaked-secret field",
            _ => "form text fields",
        }
    }

    fn has(self, scope: Scope) -> bool {
        self.scopes().contains(&scope)
    }
}

impl Action {
    /// Every action, in declaration order (the order of the help overlay).
    pub const ALL: &[Action] = <Action as strum::VariantArray>::VARIANTS;

    /// The token operation an action starts, for the gate and the key hints.
    pub fn op(self) -> Option<crate::model::OpKind> {
        use crate::model::OpKind;
        match self {
            Action::Create | Action::Rotate => Some(OpKind::Create),
            Action::Delete => Some(OpKind::Delete),
            Action::Rename => Some(OpKind::Rename),
            Action::Toggle => Some(OpKind::Disable),
            Action::Regenerate => Some(OpKind::Regenerate),
            _ => None,
        }
    }

    /// The name used under `[keys]`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// What it does, for the help overlay.
    pub fn describe(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_else(|| self.name())
    }

    /// What it does in one scope, for that scope's group of the help overlay.
    pub fn describe_in(self, scope: Scope) -> &'static str {
        strum::EnumProperty::get_str(&self, scope.into()).unwrap_or_else(|| self.describe())
    }

    /// The short label after its key in the hint bar.
    pub fn hint(self) -> &'static str {
        strum::EnumProperty::get_str(&self, "hint").unwrap_or_else(|| self.name())
    }

    /// The keys it has before `[keys]` changes them, in `[keys]` syntax.
    fn default_keys(self) -> impl Iterator<Item = &'static str> {
        strum::EnumProperty::get_str(&self, "keys")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Where it works. Its keys are bound in each of these, and help lists it under each.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Action::Up | Action::Down => &[
                Scope::Lists,
                Scope::LeakMatch,
                Scope::Log,
                Scope::Secret,
                Scope::Pick,
            ],
            Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
                &[Scope::Lists, Scope::Log]
            }
            Action::Open => &[Scope::Lists],
            Action::SortNext
            | Action::SortReverse
            | Action::Create
            | Action::Delete
            | Action::Rename
            | Action::Toggle
            | Action::Regenerate
            | Action::Rotate
            | Action::Mark
            | Action::ClearMarks
            | Action::ShowMarked => &[Scope::Tokens],
            Action::Reveal => &[Scope::Detail, Scope::Secret],
            Action::Quit => &[Scope::Global, Scope::Secret, Scope::LeakMatch, Scope::Log],
            Action::Messages => &[Scope::Global, Scope::Log],
            Action::NextPane
            | Action::PrevPane
            | Action::FocusAccounts
            | Action::FocusTokens
            | Action::FocusDetail
            | Action::Back
            | Action::Filter
            | Action::Refresh
            | Action::Command
            | Action::Help
            | Action::Leak
            | Action::View
            | Action::Summary
            | Action::Export => &[Scope::Global],
            Action::Accept => &[
                Scope::Line,
                Scope::Form,
                Scope::Confirm,
                Scope::LeakPaste,
                Scope::LeakMatch,
                Scope::Quitting,
                Scope::Log,
                Scope::Secret,
                Scope::Pick,
            ],
            Action::Cancel => &[
                Scope::Line,
                Scope::Form,
                Scope::Confirm,
                Scope::Secret,
                Scope::LeakPaste,
                Scope::LeakMatch,
                Scope::Quitting,
                Scope::Log,
                Scope::Pick,
            ],
            Action::NextField | Action::PrevField | Action::Submit => &[Scope::Form],
            Action::PrevChoice | Action::NextChoice => &[Scope::Choice],
            Action::ToggleChoice => &[Scope::Choice, Scope::Secret],
            Action::Confirm | Action::Deny => &[Scope::Confirm, Scope::LeakMatch, Scope::Quitting],
            Action::Choose => &[Scope::Confirm, Scope::Quitting],
            Action::DisableInstead => &[Scope::LeakMatch],
            Action::Wait => &[Scope::Quitting],
            Action::Copy => &[Scope::Tokens, Scope::Secret],
            Action::Deliver => &[Scope::Secret],
        }
    }

    /// Does it work anywhere in this layer?
    pub fn in_layer(self, layer: Layer) -> bool {
        self.scopes().iter().any(|s| layer.has(*s))
    }

    fn from_name(name: &str) -> Option<Action> {
        name.parse().ok()
    }
}

/// Do two scopes share a layer, so that one key cannot mean something in both?
fn overlap(a: Scope, b: Scope) -> bool {
    Layer::ALL.iter().any(|l| l.has(a) && l.has(b))
}

/// One key with its modifiers, e.g. `ctrl-r`, `G`, `pgdn`, `shift-tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeySpec {
    pub fn parse(spec: &str) -> Result<KeySpec, String> {
        let spec = spec.trim();
        let mut mods = KeyModifiers::NONE;
        let mut rest = spec;
        // A lone "-" is the minus key, not an empty modifier list.
        while let Some((head, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) {
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => mods |= KeyModifiers::CONTROL,
                "alt" | "a" | "m" => mods |= KeyModifiers::ALT,
                "shift" | "s" => mods |= KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier `{head}` in key `{spec}`")),
            }
            rest = tail;
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
            _ if rest.chars().count() == 1 => {
                let c = rest.chars().next().unwrap_or(' ');
                if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() {
                    mods.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ if lower.starts_with('f') && lower[1..].parse::<u8>().is_ok_and(|n| n <= 24) => {
                KeyCode::F(lower[1..].parse().unwrap_or(1))
            }
            _ => return Err(format!("unknown key `{rest}` in `{spec}`")),
        };
        Ok(KeySpec { code, mods })
    }

    /// Would a text field type this key (`x`, `G`, `space`), rather than treat it as a command?
    /// Asked of `tui_input`, which the text fields use.
    pub fn types_text(&self) -> bool {
        let key = KeyEvent::new(self.code, self.mods);
        matches!(
            to_input_request(&Event::Key(key)),
            Some(InputRequest::InsertChar(_))
        )
    }

    /// Does a pressed key match? Shift is part of the character itself (`G`, `?`), so it is
    /// ignored for character keys.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let mut mods = key.modifiers;
        if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        self.code == key.code && self.mods == mods
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            _ => f.write_str("?"),
        }
    }
}

/// Quits, whatever the keymap says.
const CTRL_C: KeySpec = KeySpec {
    code: KeyCode::Char('c'),
    mods: KeyModifiers::CONTROL,
};

/// One key for one action in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Binding {
    key: KeySpec,
    action: Action,
    scope: Scope,
}

/// Keys to actions, per scope. In the defaults and after `[keys]`, a key means at most one action
/// per layer (checked by a test and kept by [`Keymap::from_config`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The defaults are checked by a test; a bad one would only go missing.
        let mut bindings = Vec::new();
        for &action in Action::ALL {
            for key in action.default_keys().filter_map(|k| KeySpec::parse(k).ok()) {
                for &scope in action.scopes() {
                    bindings.push(Binding { key, action, scope });
                }
            }
        }
        Keymap { bindings }
    }
}

/// A `[keys]` entry that cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    /// The entry's name, as written.
    pub entry: String,
    /// What is wrong and what would do.
    pub problem: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[keys] {}: {}", self.entry, self.problem)
    }
}

impl std::error::Error for KeymapError {}

impl Keymap {
    /// The defaults with `[keys]` applied. Each entry replaces every default key of its action,
    /// and takes its keys away from the other actions that share a layer with it (`create = "c"`
    /// leaves `c` to copy a new secret). An action that works where text is typed cannot take
    /// a key that types text, no action can take `ctrl-c`, and no action of a dialog or text
    /// line may be left without a key. Errors name the entry at fault.
    pub fn from_config(entries: &[(String, String)]) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        // Who took an action's keys in a scope, to name the entry if none is left.
        let mut taken_by: Vec<(Action, Scope, &str)> = Vec::new();
        for (name, specs) in entries {
            let error = |problem: String| KeymapError {
                entry: name.clone(),
                problem,
            };
            let action = Action::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                let suggestion = crate::config::closest(name, &known)
                    .map(|a| format!(" (did you mean `{a}`?)"))
                    .unwrap_or_default();
                error(format!(
                    "unknown action{suggestion}; expected one of: {}",
                    known.join(", ")
                ))
            })?;
            let keys = specs
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(KeySpec::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(error)?;
            if keys.is_empty() {
                return Err(error("no key given".into()));
            }
            if keys.contains(&CTRL_C) {
                return Err(error(
                    "`ctrl-c` always quits (beside a new secret it asks first); it cannot be \
                     bound"
                        .into(),
                ));
            }
            let typed_in: Vec<&str> = Layer::ALL
                .iter()
                .filter(|l| l.takes_text() && action.in_layer(**l))
                .map(|l| l.text_fields())
                .collect();
            if let Some(key) = keys.iter().find(|k| k.types_text())
                && !typed_in.is_empty()
            {
                let instead = match key.code {
                    KeyCode::Char(c) if c.is_ascii_alphanumeric() => {
                        let c = c.to_ascii_lowercase();
                        format!("ctrl-{c}, alt-{c}, ")
                    }
                    _ => String::new(),
                };
                return Err(error(format!(
                    "`{key}` types text in {}, where `{name}` works too; bind a key that \
                     types nothing, such as {instead}f2, enter, esc or tab",
                    match typed_in.split_last() {
                        Some((last, rest)) if !rest.is_empty() =>
                            format!("{}, and {last}", rest.join(", ")),
                        _ => typed_in.join(""),
                    }
                )));
            }
            for (lost, scope) in map.bind(action, &keys) {
                taken_by.retain(|(a, s, _)| (*a, *s) != (lost, scope));
                taken_by.push((lost, scope, name.as_str()));
            }
        }
        // A dialog has the keys until it is answered: none of its actions may be left without
        // one (the panes have ctrl-c).
        for &action in Action::ALL {
            for &scope in action.scopes() {
                if Layer::Panes.has(scope) || !map.keys_for(action, scope).is_empty() {
                    continue;
                }
                let entry = taken_by
                    .iter()
                    .find(|(a, s, _)| (*a, *s) == (action, scope))
                    .map_or(action.name(), |(_, _, entry)| *entry);
                return Err(KeymapError {
                    entry: entry.to_owned(),
                    problem: format!(
                        "this takes the last key `{}` has in {}; every action of a dialog or \
                         text line keeps a key, so give `{}` another one too",
                        action.name(),
                        scope.title(),
                        action.name()
                    ),
                });
            }
        }
        Ok(map)
    }

    /// Give `action` these keys, in each of its scopes, instead of its own; in the layers it
    /// shares with other actions, they lose these keys. Returns the (action, scope) pairs that
    /// lost a key.
    fn bind(&mut self, action: Action, keys: &[KeySpec]) -> Vec<(Action, Scope)> {
        let mut lost = Vec::new();
        self.bindings.retain(|b| {
            if b.action == action {
                return false;
            }
            let taken =
                keys.contains(&b.key) && action.scopes().iter().any(|s| overlap(*s, b.scope));
            if taken {
                lost.push((b.action, b.scope));
            }
            !taken
        });
        for &key in keys {
            for &scope in action.scopes() {
                self.bindings.push(Binding { key, action, scope });
            }
        }
        lost
    }

    /// The keymap a configuration asks for; a bad `[keys]` entry is an error that names the
    /// file, the line and the entry.
    pub fn configured(config: &Config) -> Result<Keymap, ConfigError> {
        Keymap::from_config(&config.keys).map_err(|e| config.keys_error(&e.entry, e.problem))
    }

    /// What a key does in the layer that has the keys.
    pub fn action_for(&self, key: &KeyEvent, layer: Layer) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| layer.has(b.scope) && b.key.matches(key))
            .map(|b| b.action)
    }

    /// The keys bound to an action in one scope, as the user would type them.
    pub fn keys_for(&self, action: Action, scope: Scope) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|b| b.action == action && b.scope == scope)
            .map(|b| b.key.to_string())
            .collect()
    }

    /// The first `n` keys of an action in a layer, for compact hints.
    pub fn keys_in(&self, action: Action, layer: Layer, n: usize) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for b in &self.bindings {
            let shown = b.key.to_string();
            if b.action == action && layer.has(b.scope) && !keys.contains(&shown) {
                keys.push(shown);
            }
        }
        keys.truncate(n);
        keys
    }

    /// The first key of an action in a layer, for compact hints.
    pub fn first_key(&self, action: Action, layer: Layer) -> Option<String> {
        self.keys_in(action, layer, 1).pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn char(c: char) -> KeyEvent {
        press(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn entries(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, k)| ((*a).to_owned(), (*k).to_owned()))
            .collect()
    }

    #[test]
    fn specs_parse_and_match() {
        let k = KeySpec::parse("ctrl-r").unwrap();
        assert!(k.matches(&press(KeyCode::Char('r'), KeyModifiers::CONTROL)));
        assert!(!k.matches(&press(KeyCode::Char('r'), KeyModifiers::NONE)));
        let g = KeySpec::parse("G").unwrap();
        assert!(g.matches(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert_eq!(KeySpec::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeySpec::parse("-").unwrap().code, KeyCode::Char('-'));
        assert!(KeySpec::parse("hyper-x").is_err());
        assert!(KeySpec::parse("nosuchkey").is_err());
    }

    #[test]
    fn keys_that_type_text() {
        for spec in ["x", "G", "shift-x", "space", "1", "?"] {
            assert!(KeySpec::parse(spec).unwrap().types_text(), "{spec}");
        }
        for spec in [
            "ctrl-x",
            "alt-x",
            "enter",
            "esc",
            "tab",
            "up",
            "f2",
            "backspace",
        ] {
            assert!(!KeySpec::parse(spec).unwrap().types_text(), "{spec}");
        }
    }

    #[test]
    fn rebinding_replaces_defaults_and_steals_the_key() {
        let map = Keymap::from_config(&entries(&[("quit", "x")])).unwrap();
        assert_eq!(map.action_for(&char('x'), Layer::Panes), Some(Action::Quit));
        assert_eq!(map.action_for(&char('q'), Layer::Panes), None);
        assert_eq!(
            map.action_for(&char('x'), Layer::Secret),
            Some(Action::Quit),
            "quit closes a new secret's dialog too"
        );
        let map = Keymap::from_config(&entries(&[("down", "n, ctrl-n")])).unwrap();
        assert_eq!(
            map.keys_for(Action::Down, Scope::Lists),
            vec!["n", "ctrl-n"]
        );
        assert_eq!(
            map.keys_for(Action::Create, Scope::Tokens),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_key_means_one_thing_per_layer() {
        let map = Keymap::default();
        assert_eq!(
            map.action_for(&char('y'), Layer::Confirm),
            Some(Action::Confirm)
        );
        assert_eq!(
            map.action_for(&char('y'), Layer::Secret),
            Some(Action::Copy)
        );
        // On a token, `y` copies its id or name.
        assert_eq!(map.action_for(&char('y'), Layer::Panes), Some(Action::Copy));
        assert_eq!(
            map.action_for(&char('n'), Layer::Confirm),
            Some(Action::Deny)
        );
        assert_eq!(
            map.action_for(&char('n'), Layer::Panes),
            Some(Action::Create)
        );
        assert_eq!(map.action_for(&char('n'), Layer::FormText), None, "typed");
        let space = char(' ');
        assert_eq!(
            map.action_for(&space, Layer::FormChoice),
            Some(Action::ToggleChoice)
        );
        assert_eq!(map.action_for(&space, Layer::FormText), None, "typed");
        let tab = press(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(
            map.action_for(&tab, Layer::FormChoice),
            Some(Action::NextField)
        );
        assert_eq!(map.action_for(&tab, Layer::Confirm), Some(Action::Choose));
        // The leaked-secret dialog, the quit question and the message log.
        for (c, layer, action) in [
            ('y', Layer::LeakMatch, Some(Action::Confirm)),
            ('t', Layer::LeakMatch, Some(Action::DisableInstead)),
            ('q', Layer::LeakMatch, Some(Action::Quit)),
            ('j', Layer::LeakMatch, Some(Action::Down)),
            ('y', Layer::LeakPaste, None),
            ('q', Layer::LeakPaste, None),
            ('w', Layer::Quitting, Some(Action::Wait)),
            ('y', Layer::Quitting, Some(Action::Confirm)),
            ('h', Layer::Quitting, Some(Action::Choose)),
            ('G', Layer::Log, Some(Action::Bottom)),
            ('m', Layer::Log, Some(Action::Messages)),
        ] {
            assert_eq!(map.action_for(&char(c), layer), action, "{c} in {layer:?}");
        }
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(map.action_for(&esc, Layer::LeakPaste), Some(Action::Cancel));
        assert_eq!(map.action_for(&esc, Layer::Log), Some(Action::Cancel));
    }

    #[test]
    fn rebinding_takes_keys_only_within_a_layer() {
        // `c` copies a new secret; binding it to create leaves that alone.
        let map = Keymap::from_config(&entries(&[("create", "c")])).unwrap();
        assert_eq!(
            map.action_for(&char('c'), Layer::Panes),
            Some(Action::Create)
        );
        assert_eq!(
            map.action_for(&char('c'), Layer::Secret),
            Some(Action::Copy)
        );
        // Quit closes a new secret's dialog too; copy taking `x` there leaves quit its `x` in
        // the message log, where copy has no say.
        let map = Keymap::from_config(&entries(&[("quit", "q, x"), ("copy", "x, y")])).unwrap();
        assert_eq!(map.keys_for(Action::Quit, Scope::Log), vec!["q", "x"]);
        assert_eq!(map.keys_for(Action::Quit, Scope::Secret), vec!["q"]);
        assert_eq!(
            map.action_for(&char('x'), Layer::Secret),
            Some(Action::Copy)
        );
        assert_eq!(map.action_for(&char('x'), Layer::Log), Some(Action::Quit));
        // A form's choice keys and its field keys are live at once.
        let map = Keymap::from_config(&entries(&[("toggle_choice", "tab")])).unwrap();
        assert_eq!(map.keys_for(Action::NextField, Scope::Form), vec!["↓"]);
    }

    #[test]
    fn text_layers_refuse_printable_keys() {
        let e = Keymap::from_config(&entries(&[("accept", "x")])).unwrap_err();
        assert_eq!(e.entry, "accept");
        assert!(
            e.problem.starts_with(
                "`x` types text in the filter and the `:` line, form text fields, and the \
                 leaked-secret field, where `accept` works too"
            ) && e.problem.contains("ctrl-x"),
            "{e}"
        );
        let e = Keymap::from_config(&entries(&[("submit", "space")])).unwrap_err();
        assert!(
            e.problem
                .starts_with("`space` types text in form text fields"),
            "{e}"
        );
        // Choice fields and dialogs take no text.
        for (action, key) in [("toggle_choice", "x"), ("confirm", "o"), ("copy", "p")] {
            Keymap::from_config(&entries(&[(action, key)]))
                .unwrap_or_else(|e| panic!("{action} = {key}: {e}"));
        }
        Keymap::from_config(&entries(&[("accept", "ctrl-j"), ("cancel", "ctrl-g")])).unwrap();
    }

    #[test]
    fn a_dialog_action_keeps_a_key() {
        let e = Keymap::from_config(&entries(&[("deny", "y, Y")])).unwrap_err();
        assert_eq!(e.entry, "deny", "the entry that took the keys is named");
        assert!(
            e.problem
                .contains("the last key `confirm` has in Confirmations"),
            "{e}"
        );
        // Fine once confirm has keys of its own, in either order.
        Keymap::from_config(&entries(&[("deny", "y, Y"), ("confirm", "o")])).unwrap();
        Keymap::from_config(&entries(&[("confirm", "o"), ("deny", "y, Y")])).unwrap();
        // Panes may lose a key: ctrl-c still quits.
        Keymap::from_config(&entries(&[("help", "q")])).unwrap();
        // `quit` closes the message log too: taking `m` leaves `messages` none there.
        let e = Keymap::from_config(&entries(&[("quit", "m")])).unwrap_err();
        assert_eq!(e.entry, "quit");
        assert!(
            e.problem
                .contains("the last key `messages` has in Message log"),
            "{e}"
        );
        // `wait` taking both of confirm's keys leaves the quit question without "quit anyway".
        let e = Keymap::from_config(&entries(&[("wait", "y, Y")])).unwrap_err();
        assert!(
            e.problem
                .contains("the last key `confirm` has in Quit, changes in flight"),
            "{e}"
        );
    }

    /// The `[keys]` names are configuration users have written: renaming a variant must not
    /// change them.
    #[test]
    fn config_names_are_stable_and_round_trip() {
        let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "up",
                "down",
                "top",
                "bottom",
                "page_up",
                "page_down",
                "next_pane",
                "prev_pane",
                "focus_accounts",
                "focus_tokens",
                "focus_detail",
                "open",
                "back",
                "filter",
                "sort",
                "sort_reverse",
                "refresh",
                "command",
                "reveal",
                "help",
                "quit",
                "create",
                "delete",
                "rename",
                "toggle",
                "regenerate",
                "rotate",
                "mark",
                "clear_marks",
                "show_marked",
                "wait",
                "confirm",
                "disable_instead",
                "deny",
                "copy",
                "next_field",
                "prev_field",
                "submit",
                "prev_choice",
                "next_choice",
                "toggle_choice",
                "choose",
                "accept",
                "cancel",
                "leak",
                "messages",
                "view",
                "summary",
                "export",
                "deliver",
            ]
        );
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(
                strum::EnumMessage::get_message(&a).is_some(),
                "{a:?} has help text"
            );
            for &s in a.scopes() {
                // The help overlay gives a column of 37 to ` keys (14)  description`.
                assert!(a.describe_in(s).chars().count() <= 22, "{a:?} in {s:?}");
            }
        }
        assert_eq!(Action::from_name("sort_next"), None);
        assert_eq!(Action::from_name("Quit"), None);
        assert_eq!(Action::Cancel.describe_in(Scope::Confirm), "no");
        assert_eq!(Action::Cancel.describe_in(Scope::Form), "cancel");
    }

    #[test]
    fn every_default_key_parses_and_is_bound_once_per_layer() {
        for &a in Action::ALL {
            assert!(a.default_keys().next().is_some(), "{a:?} has a default key");
            for spec in a.default_keys() {
                let key = KeySpec::parse(spec).unwrap_or_else(|e| panic!("{a:?}: {e}"));
                if Layer::ALL.iter().any(|l| l.takes_text() && a.in_layer(*l)) {
                    assert!(!key.types_text(), "{a:?}'s {spec} would be typed");
                }
            }
        }
        let map = Keymap::default();
        for &layer in Layer::ALL {
            let mut seen: Vec<(KeySpec, Action)> = Vec::new();
            for b in map.bindings.iter().filter(|b| layer.has(b.scope)) {
                if let Some((_, other)) = seen.iter().find(|(k, a)| *k == b.key && *a != b.action) {
                    panic!(
                        "{} is bound to {other:?} and {:?} in {layer:?}",
                        b.key, b.action
                    );
                }
                seen.push((b.key, b.action));
            }
        }
        assert_eq!(map.keys_for(Action::Up, Scope::Lists), vec!["k", "↑"]);
        assert_eq!(
            map.first_key(Action::Copy, Layer::Secret).as_deref(),
            Some("y")
        );
        assert_eq!(Action::Down.hint(), "move");
        assert_eq!(Action::Rename.hint(), "rename");
    }

    #[test]
    fn bad_entries_are_named() {
        let e = Keymap::from_config(&entries(&[("explode", "x")])).unwrap_err();
        assert_eq!(e.entry, "explode");
        assert!(
            e.to_string()
                .starts_with("[keys] explode: unknown action; expected one of: up, down"),
            "{e}"
        );
        let e = Keymap::from_config(&entries(&[("qiut", "x")])).unwrap_err();
        assert!(e.problem.contains("did you mean `quit`?"), "{e}");
        let e = Keymap::from_config(&entries(&[("cancel", "esc, ctrl-c")])).unwrap_err();
        assert!(e.problem.starts_with("`ctrl-c` always quits"), "{e}");
        let e = Keymap::from_config(&entries(&[("quit", "ctrl-nope")])).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.contains("[keys] quit") && shown.contains("nope"),
            "{e}"
        );
    }
}
