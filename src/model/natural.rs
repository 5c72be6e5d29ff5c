//! Names in the order people expect: `deploy-2` before `deploy-10`, and case aside.

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
