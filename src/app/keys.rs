//! Key bindings: the actions a user can bind, the default k9s/lazygit-style keymap, and the
//! `[keys]` config section (`action = "key"` or `action = "key, key"`).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something a key can do. `ctrl-c` always quits and is not part of the keymap.
///
/// Each variant carries everything about it in one place: its `[keys]` name (the variant in
/// snake_case unless `to_string` says otherwise), the help text (`message`), the short label
/// of the hint bar (`hint`, when it differs from the name) and its default keys (`keys`, the
/// `[keys]` syntax). Its scope is [`Action::scope`]; what it does is `update`'s business.
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
    #[strum(message = "move up", props(keys = "k, up"))]
    Up,
    #[strum(message = "move down", props(keys = "j, down", hint = "move"))]
    Down,
    #[strum(message = "go to the top", props(keys = "g, home"))]
    Top,
    #[strum(message = "go to the bottom", props(keys = "G, end"))]
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
    #[strum(message = "quit", props(keys = "q"))]
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
    #[strum(message = "revoke a leaked secret", props(keys = "L", hint = "leak"))]
    Leak,
    #[strum(message = "message log", props(keys = "m", hint = "msgs"))]
    Messages,
}

/// Which panes an action matters in, for the help overlay and the hint bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Lists,
    Tokens,
    Detail,
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

    pub fn scope(self) -> Scope {
        match self {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
            | Action::Open => Scope::Lists,
            Action::SortNext
            | Action::SortReverse
            | Action::Create
            | Action::Delete
            | Action::Rename
            | Action::Toggle
            | Action::Regenerate
            | Action::Rotate
            | Action::Mark => Scope::Tokens,
            Action::Reveal => Scope::Detail,
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
            | Action::Quit
            | Action::Leak
            | Action::Messages => Scope::Global,
        }
    }

    fn from_name(name: &str) -> Option<Action> {
        name.parse().ok()
    }
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

/// Keys to actions. Earlier bindings win when a key is bound twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<(KeySpec, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The defaults are checked by a test; a bad one would only go missing.
        Keymap {
            bindings: Action::ALL
                .iter()
                .flat_map(|a| a.default_keys().map(move |spec| (spec, *a)))
                .filter_map(|(spec, action)| KeySpec::parse(spec).ok().map(|k| (k, action)))
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with `[keys]` applied. Each entry replaces every default key of its action,
    /// and takes its keys away from any other action. Errors name the entry at fault.
    pub fn from_config(entries: &[(String, String)]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, specs) in entries {
            let action = Action::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "[keys]: unknown action `{name}`; known actions: {}",
                    known.join(", ")
                )
            })?;
            let keys = specs
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(KeySpec::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("[keys] {name}: {e}"))?;
            if keys.is_empty() {
                return Err(format!("[keys] {name}: no key given"));
            }
            map.bindings
                .retain(|(k, a)| *a != action && !keys.contains(k));
            map.bindings.extend(keys.into_iter().map(|k| (k, action)));
        }
        Ok(map)
    }

    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(k, _)| k.matches(key))
            .map(|(_, a)| *a)
    }

    /// The keys bound to an action, as the user would type them.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// The first key of an action, for compact hints.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.keys_for(action).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
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
    fn rebinding_replaces_defaults_and_steals_the_key() {
        let map = Keymap::from_config(&[("quit".into(), "x".into())]).unwrap();
        assert_eq!(
            map.action_for(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action_for(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let map = Keymap::from_config(&[("down".into(), "n, ctrl-n".into())]).unwrap();
        assert_eq!(map.keys_for(Action::Down), vec!["n", "ctrl-n"]);
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
                "leak",
                "messages",
            ]
        );
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(
                strum::EnumMessage::get_message(&a).is_some(),
                "{a:?} has help text"
            );
        }
        assert_eq!(Action::from_name("sort_next"), None);
        assert_eq!(Action::from_name("Quit"), None);
    }

    #[test]
    fn every_default_key_parses_and_is_bound_once() {
        let mut seen = Vec::new();
        for &a in Action::ALL {
            assert!(a.default_keys().next().is_some(), "{a:?} has a default key");
            for spec in a.default_keys() {
                let key = KeySpec::parse(spec).unwrap_or_else(|e| panic!("{a:?}: {e}"));
                assert!(!seen.contains(&key), "{spec} is bound twice");
                seen.push(key);
            }
        }
        assert_eq!(Keymap::default().bindings.len(), seen.len());
        assert_eq!(Keymap::default().keys_for(Action::Up), vec!["k", "↑"]);
        assert_eq!(Action::Down.hint(), "move");
        assert_eq!(Action::Rename.hint(), "rename");
    }

    #[test]
    fn bad_entries_are_named() {
        let e = Keymap::from_config(&[("explode".into(), "x".into())]).unwrap_err();
        assert!(e.contains("unknown action `explode`"), "{e}");
        let e = Keymap::from_config(&[("quit".into(), "ctrl-nope".into())]).unwrap_err();
        assert!(e.contains("[keys] quit") && e.contains("nope"), "{e}");
    }
}
