//! Key bindings: the actions a user can bind, the default k9s/lazygit-style keymap, and the
//! `[keys]` config section (`action = "key"` or `action = "key, key"`).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something a key can do. `ctrl-c` always quits and is not part of the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    FocusAccounts,
    FocusTokens,
    FocusDetail,
    Open,
    Back,
    Filter,
    SortNext,
    SortReverse,
    Refresh,
    Command,
    Reveal,
    Help,
    Quit,
    Create,
    Delete,
    Rename,
    Toggle,
    Regenerate,
    Rotate,
    Mark,
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
    pub const ALL: [Action; 28] = [
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::NextPane,
        Action::PrevPane,
        Action::FocusAccounts,
        Action::FocusTokens,
        Action::FocusDetail,
        Action::Open,
        Action::Back,
        Action::Filter,
        Action::SortNext,
        Action::SortReverse,
        Action::Refresh,
        Action::Command,
        Action::Reveal,
        Action::Help,
        Action::Quit,
        Action::Create,
        Action::Delete,
        Action::Rename,
        Action::Toggle,
        Action::Regenerate,
        Action::Rotate,
        Action::Mark,
    ];

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
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusAccounts => "focus_accounts",
            Action::FocusTokens => "focus_tokens",
            Action::FocusDetail => "focus_detail",
            Action::Open => "open",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::SortNext => "sort",
            Action::SortReverse => "sort_reverse",
            Action::Refresh => "refresh",
            Action::Command => "command",
            Action::Reveal => "reveal",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Create => "create",
            Action::Delete => "delete",
            Action::Rename => "rename",
            Action::Toggle => "toggle",
            Action::Regenerate => "regenerate",
            Action::Rotate => "rotate",
            Action::Mark => "mark",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "move up",
            Action::Down => "move down",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::FocusAccounts => "focus accounts",
            Action::FocusTokens => "focus tokens",
            Action::FocusDetail => "focus detail",
            Action::Open => "open",
            Action::Back => "back / clear filter",
            Action::Filter => "filter tokens",
            Action::SortNext => "cycle sort column",
            Action::SortReverse => "reverse sort",
            Action::Refresh => "refresh account",
            Action::Command => "command line",
            Action::Reveal => "reveal / hide secret",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Create => "new token",
            Action::Delete => "delete token(s)",
            Action::Rename => "rename token",
            Action::Toggle => "enable / disable token",
            Action::Regenerate => "regenerate secret",
            Action::Rotate => "rotate (new twin)",
            Action::Mark => "mark for bulk delete",
        }
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
            _ => Scope::Global,
        }
    }

    fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
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

const DEFAULTS: &[(&str, Action)] = &[
    ("k", Action::Up),
    ("up", Action::Up),
    ("j", Action::Down),
    ("down", Action::Down),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("pgup", Action::PageUp),
    ("pgdn", Action::PageDown),
    ("tab", Action::NextPane),
    ("shift-tab", Action::PrevPane),
    ("1", Action::FocusAccounts),
    ("2", Action::FocusTokens),
    ("3", Action::FocusDetail),
    ("enter", Action::Open),
    ("esc", Action::Back),
    ("/", Action::Filter),
    ("s", Action::SortNext),
    ("S", Action::SortReverse),
    ("ctrl-r", Action::Refresh),
    (":", Action::Command),
    ("v", Action::Reveal),
    ("?", Action::Help),
    ("q", Action::Quit),
    ("n", Action::Create),
    ("d", Action::Delete),
    ("r", Action::Rename),
    ("t", Action::Toggle),
    ("R", Action::Regenerate),
    ("o", Action::Rotate),
    ("space", Action::Mark),
];

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .filter_map(|(spec, action)| KeySpec::parse(spec).ok().map(|k| (k, *action)))
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

    #[test]
    fn bad_entries_are_named() {
        let e = Keymap::from_config(&[("explode".into(), "x".into())]).unwrap_err();
        assert!(e.contains("unknown action `explode`"), "{e}");
        let e = Keymap::from_config(&[("quit".into(), "ctrl-nope".into())]).unwrap_err();
        assert!(e.contains("[keys] quit") && e.contains("nope"), "{e}");
    }
}
