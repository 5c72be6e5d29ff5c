//! Names in the order people expect: `deploy-2` before `deploy-10`, and case aside; and a free
//! name next to a taken one, for providers whose names are unique.

use std::cmp::Ordering;

/// Compare two names naturally: runs of ASCII digits compare as numbers of any length
/// (`v2` < `v10`, `007` = `7` up to the tie-break), letters compare without case. Names that are
/// equal that way fall back to plain string order, so the order is total: sorting with it is
/// deterministic, and two different names never compare equal.
///
/// The digit runs are compared by `alphanumeric_sort`. A caller that sorts many names should
/// lower-case them once and call [`natural_cmp_folded`], which is this without the case folding.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let folded = if a.is_ascii() && b.is_ascii() {
        natural_cmp_folded(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
    } else {
        natural_cmp_folded(&a.to_lowercase(), &b.to_lowercase())
    };
    folded.then_with(|| a.cmp(b))
}

/// [`natural_cmp`] of names already lower-cased, without its tie-break.
pub fn natural_cmp_folded(a: &str, b: &str) -> Ordering {
    alphanumeric_sort::compare_str(a, b)
}

/// The name lower-cased as [`natural_cmp`] folds it.
pub fn fold_case(name: &str) -> std::borrow::Cow<'_, str> {
    if name.is_ascii() {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase().into()
        } else {
            name.into()
        }
    } else {
        name.to_lowercase().into()
    }
}

/// Marks a run of digits in a [`natural_key`]: `'0'`, so that a number sorts against the other
/// characters where its digits do.
const DIGITS: u8 = b'0';
/// Mark the character right after a number in a [`natural_key`]: above U+00FF, then up to it,
/// as `alphanumeric_sort` orders them there (`第1章` before `第1-2章`).
const AFTER_NUMBER_WIDE: u8 = 0x01;
const AFTER_NUMBER_NARROW: u8 = 0x02;

/// Append `name`'s natural sort key to `out`: bytes whose order is [`natural_cmp`]'s order of
/// the names before its tie-breaks, so a sort can compare keys (or their first bytes) instead of
/// walking both names every time.
///
/// If two keys differ, their byte order is `natural_cmp_folded`'s order of the lower-cased names
/// (and so `natural_cmp`'s). Equal keys are names that differ at most in case or in the leading
/// zeros of their numbers: compare those with [`natural_cmp`]. A shorter key that is a prefix
/// of a longer one sorts first, as its name does.
///
/// The key is the lower-cased name with every run of ASCII digits replaced by `'0'`, the count
/// of its digits without leading zeros and those digits (a longer number is a larger one), and
/// the character after a number preceded by a byte that puts characters above U+00FF first.
pub fn natural_key(name: &str, out: &mut Vec<u8>) {
    // Byte by byte: ASCII digits never occur inside a multi-byte character.
    if name.is_ascii() {
        push_key(name.bytes().map(|b| b.to_ascii_lowercase()), out);
    } else {
        push_key(name.to_lowercase().bytes(), out);
    }
}

/// [`natural_key`] of a lower-cased name's UTF-8 bytes.
fn push_key(bytes: impl Iterator<Item = u8>, out: &mut Vec<u8>) {
    let mut bytes = bytes.peekable();
    let mut after_number = false;
    while let Some(b) = bytes.next() {
        if b.is_ascii_digit() {
            out.push(DIGITS);
            let count_at = out.len();
            out.push(0);
            let mut digits = 0usize;
            let mut d = b;
            loop {
                if !(digits == 0 && d == b'0') {
                    out.push(d);
                    digits += 1;
                }
                match bytes.peek() {
                    Some(&n) if n.is_ascii_digit() => {
                        d = n;
                        bytes.next();
                    }
                    _ => break,
                }
            }
            // Counts under 255 take one byte; longer numbers (names are sanitised, not short)
            // four more, after a 255 that sorts them after every shorter one.
            match u8::try_from(digits) {
                Ok(n) if n < u8::MAX => out[count_at] = n,
                _ => {
                    out[count_at] = u8::MAX;
                    let n = u32::try_from(digits).unwrap_or(u32::MAX);
                    out.splice(count_at + 1..count_at + 1, n.to_be_bytes());
                }
            }
            after_number = true;
            continue;
        }
        if after_number {
            // A character above U+00FF starts with a byte of 0xC4 or more.
            out.push(if b >= 0xC4 {
                AFTER_NUMBER_WIDE
            } else {
                AFTER_NUMBER_NARROW
            });
            after_number = false;
        }
        out.push(b);
    }
}

/// A name like `name` that none of `taken` has: `name (2)`, `name (3)`…; a name that already
/// ends in ` (n)` counts on from n.
pub fn free_name<'a>(name: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    let taken: std::collections::HashSet<&str> = taken.into_iter().collect();
    let (base, from) = match name.strip_suffix(')').and_then(|s| s.rsplit_once(" (")) {
        Some((base, n)) => match n.parse::<u64>() {
            Ok(n) => (base, n.saturating_add(1)),
            Err(_) => (name, 2),
        },
        None => (name, 2),
    };
    (from..)
        .map(|n| format!("{base} ({n})"))
        .find(|candidate| !taken.contains(candidate.as_str()))
        .unwrap_or_else(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| natural_cmp(a, b));
        v
    }

    #[test]
    fn numbers_sort_as_numbers() {
        assert_eq!(
            sorted(&["deploy-10", "deploy-2", "deploy-1", "deploy"]),
            ["deploy", "deploy-1", "deploy-2", "deploy-10"]
        );
        assert_eq!(natural_cmp("v2.10", "v2.9"), Ordering::Greater);
        assert_eq!(
            natural_cmp("ci-99999999999999999999999", "ci-100000000000000000000000"),
            Ordering::Less
        );
    }

    fn key(name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        natural_key(name, &mut out);
        out
    }

    /// Keys order names as `natural_cmp` does: where the keys differ, in the same direction,
    /// and where they are equal, only the tie-breaks (case, leading zeros) tell the names apart.
    #[test]
    fn keys_order_names_as_natural_cmp_does() {
        use rand::rngs::StdRng;
        use rand::{RngExt, SeedableRng};
        const PARTS: &[&str] = &[
            "a", "B", "-", "_", ".", "/", ":", "0", "00", "1", "01", "2", "7", "9", "10", "007",
            "99", "100", "é", "É", "ß", "中", "第", "章", "ÿ", "Ā", " ", "z", "Z", "İ",
        ];
        let mut rng = StdRng::seed_from_u64(9);
        let name = |rng: &mut StdRng| -> String {
            (0..rng.random_range(0..6))
                .map(|_| PARTS[rng.random_range(0..PARTS.len())])
                .collect()
        };
        let long_number = format!("n{}", "9".repeat(300));
        let fixed = [
            "deploy-2",
            "deploy-10",
            "第1章",
            "第1-2章",
            "1",
            "中",
            "0001",
            "001",
            "0a",
            "1b",
            long_number.as_str(),
            "n1",
        ];
        for i in 0..20_000 {
            let (a, b) = if i < fixed.len() * fixed.len() {
                (
                    fixed[i / fixed.len()].to_owned(),
                    fixed[i % fixed.len()].to_owned(),
                )
            } else {
                (name(&mut rng), name(&mut rng))
            };
            let by_key = key(&a).cmp(&key(&b));
            let folded = natural_cmp_folded(&fold_case(&a), &fold_case(&b));
            if by_key != Ordering::Equal {
                assert_eq!(by_key, folded, "{a:?} vs {b:?}");
            } else {
                let trimmed = |s: &str| fold_case(s).replace('0', "");
                assert_eq!(trimmed(&a), trimmed(&b), "{a:?} vs {b:?} tie on their keys");
            }
        }
        assert!(key("deploy-2") < key("deploy-10"));
    }

    #[test]
    fn case_aside_but_total() {
        assert_eq!(
            sorted(&["beta", "Alpha", "alpha", "Beta-2", "ÉTÉ", "été"]),
            ["Alpha", "alpha", "beta", "Beta-2", "ÉTÉ", "été"]
        );
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_ne!(natural_cmp("a-07", "a-7"), Ordering::Equal);
    }
}
