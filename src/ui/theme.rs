//! Colours and styles in one place. The colours come from a [`Palette`] of a few named roles,
//! which `[theme]` in the config may change; with `NO_COLOR` set (to anything but the empty
//! string, see no-color.org) there are no colours at all, only modifiers (bold, reverse, dim),
//! so everything that colour says is still told apart.
//!
//! The dashboard installs its palette once, before the first frame; drawing reads it from here,
//! so rendering stays a function of the `App` (tests that never install one get the defaults).

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use crate::config::ThemeConfig;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The colour of each role; `None` everywhere when colours are off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// The focused pane, headings' labels, keys in hints.
    pub accent: Option<Color>,
    /// Stale tokens, things in flight, the DEMO badge.
    pub warn: Option<Color>,
    /// Failures, privileged counts, the admin badge.
    pub error: Option<Color>,
    /// Enabled tokens, successes.
    pub ok: Option<Color>,
    /// Secondary text, unfocused borders, disabled tokens.
    pub muted: Option<Color>,
    /// The view in the tokens title (`[stale]`).
    pub view: Option<Color>,
    /// Text on a coloured badge (the DEMO and admin badges, toasts).
    pub on_badge: Option<Color>,
}

impl Default for Palette {
    /// The 16 ANSI colours, which the terminal's own scheme keeps readable on light and dark
    /// backgrounds alike.
    fn default() -> Self {
        Palette {
            accent: Some(Color::Cyan),
            warn: Some(Color::Yellow),
            error: Some(Color::Red),
            ok: Some(Color::Green),
            muted: Some(Color::DarkGray),
            view: Some(Color::Magenta),
            on_badge: Some(Color::Black),
        }
    }
}

impl Palette {
    /// No colours: `NO_COLOR`.
    pub const PLAIN: Palette = Palette {
        accent: None,
        warn: None,
        error: None,
        ok: None,
        muted: None,
        view: None,
        on_badge: None,
    };

    /// The palette for a `[theme]` table and the value of `NO_COLOR` (`None` when unset).
    pub fn new(theme: &ThemeConfig, no_color: Option<&std::ffi::OsStr>) -> Palette {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Palette::PLAIN;
        }
        let d = Palette::default();
        Palette {
            accent: theme.accent.or(d.accent),
            warn: theme.warn.or(d.warn),
            error: theme.error.or(d.error),
            ok: theme.ok.or(d.ok),
            muted: theme.muted.or(d.muted),
            view: theme.view.or(d.view),
            on_badge: d.on_badge,
        }
    }

    fn colourless(&self) -> bool {
        *self == Palette::PLAIN
    }

    /// `role`'s colour as foreground; without colours, `otherwise` stands for it.
    fn fg(&self, role: Option<Color>, otherwise: Modifier) -> Style {
        match role {
            Some(c) => Style::new().fg(c),
            None if self.colourless() => Style::new().add_modifier(otherwise),
            None => Style::new(),
        }
    }

    /// A badge: `on_badge` text on `role`, or reversed text without colours.
    fn badge(&self, role: Option<Color>) -> Style {
        match (self.on_badge, role) {
            (Some(text), Some(back)) => Style::new().fg(text).bg(back),
            _ => Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.accent, Modifier::BOLD)
                .add_modifier(Modifier::BOLD)
        } else {
            self.muted()
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.accent, Modifier::BOLD)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn muted(&self) -> Style {
        self.fg(self.muted, Modifier::DIM)
    }

    pub fn error(&self) -> Style {
        self.fg(self.error, Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.ok, Modifier::empty())
    }

    pub fn warn(&self) -> Style {
        self.fg(self.warn, Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        self.fg(self.accent, Modifier::BOLD)
    }

    pub fn view(&self) -> Style {
        self.fg(self.view, Modifier::UNDERLINED)
            .add_modifier(Modifier::BOLD)
    }

    pub fn admin(&self) -> Style {
        let style = match self.error {
            Some(back) => Style::new().fg(Color::White).bg(back),
            None => Style::new().add_modifier(Modifier::REVERSED),
        };
        style.add_modifier(Modifier::BOLD)
    }

    pub fn demo_badge(&self) -> Style {
        self.badge(self.warn)
    }

    pub fn toast(&self, error: bool) -> Style {
        if error {
            match self.error {
                Some(back) => Style::new().fg(Color::White).bg(back),
                None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            }
        } else {
            self.badge(self.accent)
        }
    }
}

static ACTIVE: OnceLock<Palette> = OnceLock::new();

/// Use `palette` from now on; only the first call counts (the dashboard's, at start).
pub fn install(palette: Palette) {
    let _ = ACTIVE.set(palette);
}

fn palette() -> &'static Palette {
    ACTIVE.get_or_init(Palette::default)
}

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

pub fn border(focused: bool) -> Style {
    palette().border(focused)
}

/// The focused pane has a double border, so focus shows without colour too.
pub fn border_type(focused: bool) -> BorderType {
    if focused {
        BorderType::Double
    } else {
        BorderType::Plain
    }
}

/// A pane title: bold, and in the accent colour when the pane has focus.
pub fn title(focused: bool) -> Style {
    palette().title(focused)
}

pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// The selected row's marker: a solid arrow in the focused pane, a light one elsewhere, so the
/// selection shows without colour.
pub fn marker(focused: bool) -> &'static str {
    if focused { "▶" } else { "›" }
}

/// Rows of disabled tokens.
pub fn disabled() -> Style {
    palette().muted()
}

pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    palette().muted()
}

pub fn error() -> Style {
    palette().error()
}

pub fn ok() -> Style {
    palette().ok()
}

pub fn warn() -> Style {
    palette().warn()
}

/// An admin token's privilege: a badge that stands out in any row.
pub fn admin() -> Style {
    palette().admin()
}

/// The view in the tokens title (`[stale]`): not every token is listed.
pub fn view() -> Style {
    palette().view()
}

pub fn badge() -> Style {
    palette().demo_badge()
}

pub fn label() -> Style {
    palette().label()
}

/// A toast: an error's, or any other's.
pub fn toast(error: bool) -> Style {
    palette().toast(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn colours(style: Style) -> (Option<Color>, Option<Color>) {
        (style.fg, style.bg)
    }

    #[test]
    fn no_color_leaves_only_modifiers() {
        let theme = ThemeConfig {
            accent: Some(Color::Blue),
            ..ThemeConfig::default()
        };
        let p = Palette::new(&theme, Some(OsStr::new("1")));
        assert_eq!(p, Palette::PLAIN);
        let styles = [
            p.border(true),
            p.border(false),
            p.title(true),
            p.muted(),
            p.error(),
            p.ok(),
            p.warn(),
            p.label(),
            p.view(),
            p.admin(),
            p.demo_badge(),
            p.toast(true),
            p.toast(false),
        ];
        for style in styles {
            assert_eq!(colours(style), (None, None), "{style:?}");
        }
        // What colour said is still told apart.
        assert!(p.admin().add_modifier.contains(Modifier::REVERSED));
        assert!(p.demo_badge().add_modifier.contains(Modifier::REVERSED));
        assert!(p.muted().add_modifier.contains(Modifier::DIM));
        assert!(p.error().add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn an_empty_no_color_is_unset_and_the_theme_overrides_the_defaults() {
        let theme = ThemeConfig {
            accent: Some(Color::Blue),
            ..ThemeConfig::default()
        };
        let p = Palette::new(&theme, Some(OsStr::new("")));
        assert_eq!(p.label().fg, Some(Color::Blue));
        assert_eq!(p.error().fg, Some(Color::Red), "a default");
        assert_eq!(
            Palette::new(&ThemeConfig::default(), None),
            Palette::default()
        );
    }
}
