//! Untrusted text from providers, and text the user typed, is made safe for a terminal by
//! `sanitize` before it is shown.
//!
//! Names, ids, descriptions and error messages come from remote servers and may carry escape
//! sequences (which would let a provider drive the user's terminal), bidi overrides (which make a
//! name read differently from what it is) or characters that show nothing at all (which make two
//! different names look the same). `sanitize` replaces each with a visible, unambiguous marker,
//! so what the user sees is what the string holds.
//!
//! What is escaped ([`is_hidden`]), and why:
//!
//! - every character of the Unicode general categories **Cc** (controls, C0 and C1), **Cf**
//!   (format characters: bidi controls, zero-width space and joiners, soft hyphen, the Arabic
//!   letter mark U+061C, the invisible operators U+2060–U+2064, the tag characters of the
//!   U+E0000 block, …), **Zl** and **Zp** (the line and paragraph separators);
//! - the rest of Unicode's *default-ignorable* code points, which a terminal draws as nothing:
//!   the combining grapheme joiner U+034F, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0,
//!   the Khmer inherent vowels U+17B4 and U+17B5, and the unassigned U+2065, U+FFF0–U+FFF8 and
//!   the rest of the U+E0000 block;
//! - blanks that are not spaces: the braille pattern blank U+2800 and the Khitan small script
//!   filler U+16FE4, both favourite "empty" names for spoofing;
//! - the variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, the Mongolian U+180B–U+180D and
//!   U+180F) unless they follow a visible non-ASCII character: `❤\u{FE0F}` stays an emoji, but
//!   `ci\u{FE0F}` cannot pass for `ci`.
//!
//! Left alone on purpose: spaces of other widths (U+00A0, U+2000–U+200A, U+3000: they show as
//! space), combining marks and lookalike letters from other scripts (homoglyphs: `аdmin` with a
//! Cyrillic `а`), which a character-by-character rule cannot judge.
//!
//! The categories are a table of ranges here (23 of them, Unicode 16), checked code point by code
//! point against the `unicode-general-category` crate by a test. The crate is not called at run
//! time: its lookup copies a 40 KB `const` table per call in unoptimised builds, which made the
//! tests crawl.

use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

/// Replace control characters, escape sequences, bidi controls and invisible characters with
/// visible markers: `\x1b` for ASCII, `<U+202E>` for the rest. The markers are printable ASCII,
/// so the result holds no character that [`is_hidden`] names, and sanitising it again changes
/// nothing.
pub fn sanitize(input: &str) -> String {
    if input.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return input.to_owned();
    }
    let mut out = String::with_capacity(input.len() + 8);
    // The last character kept as it is, for the variation-selector rule.
    let mut previous: Option<char> = None;
    for c in input.chars() {
        let escape = if is_variation_selector(c) {
            !previous.is_some_and(|p| !p.is_ascii() && !p.is_whitespace())
        } else {
            is_hidden(c)
        };
        if !escape {
            out.push(c);
            previous = (!is_variation_selector(c)).then_some(c);
        } else {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            previous = None;
        }
    }
    out
}

/// Does [`sanitize`] escape `c` wherever it stands? Controls, format characters, line and
/// paragraph separators, and the invisible characters listed at the top of this module. The
/// variation selectors are judged by what precedes them, so they are not counted here; see
/// [`is_unsafe`].
pub fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    if is_variation_selector(c) {
        return false;
    }
    in_hidden_categories(c)
        || matches!(c,
            '\u{034F}' // combining grapheme joiner
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{17B4}' | '\u{17B5}' // Khmer inherent vowels
            | '\u{2065}' | '\u{FFF0}'..='\u{FFF8}' // unassigned default-ignorables
            | '\u{2800}' // braille pattern blank
            | '\u{16FE4}' // Khitan small script filler
            | '\u{E0000}'..='\u{E0FFF}' // tags and the rest of that block (its selectors aside)
        )
}

/// Every code point of the general categories Cc, Cf, Zl and Zp (Unicode 16).
fn in_hidden_categories(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{001F}'
        | '\u{007F}'..='\u{009F}'
        | '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

/// A variation selector: it changes how the character before it is drawn, and is invisible
/// anywhere else.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c,
        '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{180B}'..='\u{180D}'
        | '\u{180F}'
    )
}

/// May `c` change how the text around it reads, wherever it stands? [`is_hidden`] or a variation
/// selector: what output that keeps the exact text (JSON) escapes in its own way.
pub fn is_unsafe(c: char) -> bool {
    is_hidden(c) || is_variation_selector(c)
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
        assert_eq!(
            sanitize("naïve café\u{0301} ❤\u{FE0F}"),
            "naïve café\u{0301} ❤\u{FE0F}"
        );
        // Spaces of other widths show as space: left alone.
        assert_eq!(sanitize("a\u{00A0}b\u{3000}c"), "a\u{00A0}b\u{3000}c");
    }

    /// The characters named in the issue, one by one: each hid in a name before.
    #[test]
    fn invisible_characters_become_visible() {
        for (input, shown) in [
            ("a\u{061C}b", "a<U+061C>b"),
            (
                "a\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}b",
                "a<U+2060><U+2061><U+2062><U+2063><U+2064>b",
            ),
            ("ci\u{E0063}\u{E0069}", "ci<U+E0063><U+E0069>"),
            ("ad\u{00AD}min", "ad<U+00AD>min"),
            ("\u{3164}", "<U+3164>"),
            ("\u{115F}\u{1160}\u{FFA0}", "<U+115F><U+1160><U+FFA0>"),
            ("\u{2800}", "<U+2800>"),
            ("a\u{180E}b", "a<U+180E>b"),
            ("line\u{2028}para\u{2029}", "line<U+2028>para<U+2029>"),
            ("c1\u{85}", "c1<U+0085>"),
            ("\u{034F}x", "<U+034F>x"),
        ] {
            assert_eq!(sanitize(input), shown, "{input:?}");
        }
    }

    #[test]
    fn a_variation_selector_stays_only_after_a_visible_non_ascii_character() {
        assert_eq!(sanitize("ok ❤\u{FE0F}"), "ok ❤\u{FE0F}");
        assert_eq!(sanitize("葛\u{E0100}"), "葛\u{E0100}");
        assert_eq!(sanitize("ci\u{FE0F}"), "ci<U+FE0F>");
        assert_eq!(sanitize("\u{FE0F}ci"), "<U+FE0F>ci");
        assert_eq!(sanitize("❤\u{FE0F}\u{FE0F}"), "❤\u{FE0F}<U+FE0F>");
        assert_eq!(sanitize("❤\u{200B}\u{FE0F}"), "❤<U+200B><U+FE0F>");
        assert_eq!(sanitize("日 \u{FE0F}"), "日 <U+FE0F>");
    }

    /// The whole list: every code point of Cc, Cf, Zl and Zp, and every filler named above, is
    /// escaped wherever it stands, and no output, of any code point after any kind of
    /// neighbour, holds a character of those categories.
    #[test]
    fn every_code_point_of_the_hidden_categories_is_escaped() {
        use unicode_general_category::{GeneralCategory, get_general_category};
        let hidden_category = |c: char| {
            matches!(
                get_general_category(c),
                GeneralCategory::Control
                    | GeneralCategory::Format
                    | GeneralCategory::LineSeparator
                    | GeneralCategory::ParagraphSeparator
            )
        };
        let fillers = [
            '\u{034F}',
            '\u{115F}',
            '\u{1160}',
            '\u{17B4}',
            '\u{17B5}',
            '\u{2065}',
            '\u{2800}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{FFF0}',
            '\u{FFF8}',
            '\u{16FE4}',
            '\u{E0000}',
            '\u{E0080}',
            '\u{E0FFF}',
        ];
        let all: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        let mut counted = 0;
        let mut buf = String::new();
        for &c in &all {
            // The table here is exactly the crate's categories.
            let category = hidden_category(c);
            assert_eq!(in_hidden_categories(c), category, "U+{:04X}", c as u32);
            if !(category || fillers.contains(&c)) {
                continue;
            }
            counted += 1;
            assert!(is_hidden(c), "U+{:04X}", c as u32);
            for context in ["", "a", "日", "\u{200B}"] {
                buf.clear();
                buf.push_str(context);
                buf.push(c);
                let out = sanitize(&buf);
                let own = &out[sanitize(context).len()..];
                assert!(
                    own.starts_with(['\\', '<']) && own.is_ascii(),
                    "U+{:04X} after {context:?}: {out:?}",
                    c as u32
                );
            }
        }
        // Every code point, in runs of consecutive ones (so each follows its neighbour below):
        // no output holds a character of those categories (the table, checked above, stands for
        // the crate here).
        for run in all.chunks(8192) {
            let out = sanitize(&run.iter().collect::<String>());
            assert!(
                !out.chars().any(is_hidden),
                "the run from U+{:04X}",
                run[0] as u32
            );
        }
        // Cc alone is 65; Cf, Zl and Zp some 170 more.
        assert!(counted > 230, "{counted}");
    }

    #[test]
    fn sanitizing_twice_changes_nothing_more() {
        for s in [
            "a\x1b[31m",
            "❤\u{FE0F}x\u{FE0F}",
            "<U+202E>",
            "\\x1b",
            "\u{E0041}日\u{E0100}",
        ] {
            let once = sanitize(s);
            assert_eq!(sanitize(&once), once, "{s:?}");
        }
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

    /// `cases` per property unless `PROPTEST_CASES` says otherwise (see SECURITY.md for the
    /// longer runs); `PROPTEST_RNG_SEED` fixes the seed.
    fn config(cases: u32) -> proptest::test_runner::Config {
        let mut config = proptest::test_runner::Config {
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        };
        if std::env::var_os("PROPTEST_CASES").is_none() {
            config.cases = cases;
        }
        config
    }

    /// Strings rich in what the sanitizer cares about: ASCII, controls, format characters,
    /// selectors, fillers, wide and combining characters, and anything at all.
    fn nasty_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pool = prop_oneof![
            4 => proptest::char::range(' ', '~'),
            2 => proptest::char::range('\0', '\u{9f}'),
            2 => prop::sample::select(vec![
                '\u{AD}', '\u{34F}', '\u{61C}', '\u{115F}', '\u{180E}', '\u{200B}', '\u{200D}',
                '\u{2028}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2800}', '\u{3164}', '\u{FE0F}',
                '\u{FEFF}', '\u{FFA0}', '\u{E0041}', '\u{E0100}', '日', '❤', 'é', '\u{301}',
            ]),
            2 => any::<char>(),
        ];
        proptest::collection::vec(pool, 0..64).prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        #![proptest_config(config(512))]

        /// Whatever goes in, nothing hidden comes out, and a second pass changes nothing.
        #[test]
        fn sanitized_text_holds_no_hidden_character(input in nasty_text()) {
            let out = sanitize(&input);
            proptest::prop_assert!(!out.chars().any(is_hidden), "{:?} -> {:?}", input, out);
            proptest::prop_assert!(
                !out.chars().any(in_hidden_categories),
                "{:?} -> {:?}", input, out
            );
            proptest::prop_assert_eq!(sanitize(&out), out.clone());
            // A variation selector survives only right after a visible non-ASCII character.
            let chars: Vec<char> = out.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if is_variation_selector(*c) {
                    let before = i.checked_sub(1).map(|j| chars[j]);
                    proptest::prop_assert!(
                        before.is_some_and(|p| !p.is_ascii() && !p.is_whitespace() && !is_unsafe(p)),
                        "{:?} -> {:?}", input, out
                    );
                }
            }
        }

        /// Text with nothing to escape is returned as it is.
        #[test]
        fn clean_text_is_unchanged(input in "[ -~日本語✓é]{0,40}") {
            proptest::prop_assert_eq!(sanitize(&input), input);
        }
    }
}
