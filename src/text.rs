//! Untrusted text from providers is made safe for a terminal once, where it enters tokdash.
//!
//! Names, ids, descriptions and error messages come from remote servers and may carry escape
//! sequences (which would let a provider drive the user's terminal), bidi overrides (which make a
//! name read differently from what it is) or other control characters. `sanitize` replaces each
//! with a visible, unambiguous marker, so what the user sees is what the string holds.

use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

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

/// `s` cut to at most `max` terminal columns, ending in `…` when cut. Widths are display widths
/// (CJK and most emoji take two columns), and a cut never splits a grapheme. The one truncation
/// rule: table cells, titles, detail values, CLI tables and provider messages all use it.
pub fn truncate(s: &str, max: usize) -> String {
    // No character is wider than its UTF-8 encoding is long, so short strings need no counting.
    if s.len() <= max || s.width() <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let (head, _) = s.unicode_truncate(max - 1);
    format!("{head}…")
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
    fn truncate_cuts_to_columns_with_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("grafana-readonly", 10), "grafana-r…");
        // Wide characters count two columns; one that would straddle the cut is left out.
        assert_eq!(truncate("全角トークン", 5), "全角…");
        assert_eq!(truncate("全角トークン", 6), "全角…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn truncate_never_splits_a_grapheme() {
        // e + combining acute accent is one column and must stay whole.
        assert_eq!(truncate("cafe\u{301}-latte", 6), "cafe\u{301}-…");
        assert_eq!(truncate("cafe\u{301}", 4), "cafe\u{301}");
    }
}
