//! Untrusted text from providers is made safe for a terminal once, where it enters tokdash.
//!
//! Names, ids, descriptions and error messages come from remote servers and may carry escape
//! sequences (which would let a provider drive the user's terminal), bidi overrides (which make a
//! name read differently from what it is) or other control characters. `sanitize` replaces each
//! with a visible, unambiguous marker, so what the user sees is what the string holds.

/// Replace control characters, escape sequences and bidi/invisible formatting characters with
/// visible markers such as `\x1b` or `<U+202E>`.
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(needs_escape) {
        return input.to_owned();
    }
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width characters, LRM/RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // zero-width no-break space
        )
}

/// Shorten `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(sanitize("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(sanitize("tab\there"), "tab\\x09here");
        assert_eq!(sanitize("bell\u{7}"), "bell\\x07");
        assert_eq!(sanitize("c1\u{9b}"), "c1<U+009B>");
    }

    #[test]
    fn bidi_controls_become_visible() {
        assert_eq!(sanitize("abc\u{202E}fed"), "abc<U+202E>fed");
        assert_eq!(sanitize("\u{2066}x\u{2069}"), "<U+2066>x<U+2069>");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(sanitize("ci-deploy 日本語 ✓"), "ci-deploy 日本語 ✓");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
