//! Filtering of the tokens table (`/`), across name, id, account and scopes, ranked by how well
//! each token matches.
//!
//! Every whitespace-separated term of the query must match one field of the token, either as a
//! substring (ranked high: whole name, then name prefix, word start, anywhere in the name, then
//! other fields) or as a subsequence inside one field (ranked low, tighter first). Letters
//! scattered across different fields never match: `graf` does not find `billing-report` just
//! because its account is called `fluid`.
//!
//! Built for 100,000 tokens: the lower-cased text of an account's tokens is built once when its
//! list arrives ([`Haystacks`]), and a query that extends the previous one only re-checks the
//! previous matches ([`refilter`] with `narrow`). Ranking is a counting sort over a small score
//! range that keeps the current sort order as the tie-break, so no keystroke re-sorts.
//!
//! Why not nucleo: it has per-column patterns and narrows incrementally too, but it matches on
//! a background thread pool and hands results back later, while `update` must filter
//! synchronously and deterministically, within the keystroke; and its ranking scores a term
//! against whichever field matches it best as a fuzzy match, while ours ranks within one field
//! so that a substring always beats scattered letters. The benchmarks in BENCHMARKS.md hold
//! this to the 5 ms budget at 100,000 tokens.

use memchr::{memchr, memmem};

use super::{RowRef, TokenTable};
use crate::app::AccountState;
use crate::model::Token;

/// Separates the fields of a haystack; sanitized text never holds a newline.
const SEP: u8 = b'\n';

/// The highest score [`Query::score`] gives (an exact name).
const MAX_SCORE: u16 = 1000;

/// The lower-cased text the filter matches, one entry per token of an account, in one buffer.
/// Secret-like ids are left out: the filter must not become a way to guess them.
#[derive(Debug, Default, Clone)]
pub struct Haystacks {
    text: String,
    ends: Vec<u32>,
}

impl Haystacks {
    pub fn build(account: &str, tokens: &[Token], id_is_secret: bool) -> Haystacks {
        let mut text = String::with_capacity(tokens.len() * 64);
        let mut ends = Vec::with_capacity(tokens.len());
        let account = lower(account);
        for token in tokens {
            push_lower(&mut text, &token.name);
            text.push(SEP as char);
            if !id_is_secret {
                push_lower(&mut text, token.id.as_str());
                text.push(SEP as char);
            }
            text.push_str(&account);
            for scope in &token.scopes {
                text.push(SEP as char);
                push_lower(&mut text, scope);
            }
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Haystacks { text, ends }
    }

    /// The text for token `i`: its fields separated by newlines, the name first.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = usize::try_from(*self.ends.get(i)?).ok()?;
        let start = match i.checked_sub(1) {
            Some(p) => usize::try_from(self.ends[p]).ok()?,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_lower(&mut out, s);
    out
}

fn push_lower(out: &mut String, s: &str) {
    // The separator must not appear inside a field; sanitized text has none, but be sure.
    let field = |c: char| if c == '\n' { ' ' } else { c };
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| field(char::from(b.to_ascii_lowercase()))));
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase).map(field));
    }
}

/// A parsed query: its lower-cased terms, each with a compiled substring searcher.
pub struct Query {
    terms: Vec<Term>,
}

struct Term {
    text: String,
    ascii: bool,
    finder: memmem::Finder<'static>,
}

impl Query {
    /// `None` for an empty query: everything matches.
    pub fn parse(query: &str) -> Option<Query> {
        let terms: Vec<Term> = query
            .split_whitespace()
            .map(|t| {
                let text = lower(t);
                Term {
                    finder: memmem::Finder::new(text.as_bytes()).into_owned(),
                    ascii: text.is_ascii(),
                    text,
                }
            })
            .collect();
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// How well a haystack matches, higher is better; `None` when it does not.
    pub fn score(&self, haystack: &str) -> Option<u16> {
        let mut total = 0u32;
        for term in &self.terms {
            total += u32::from(term_score(haystack, term)?);
        }
        let n = u32::try_from(self.terms.len()).unwrap_or(1).max(1);
        Some(u16::try_from(total / n).unwrap_or(MAX_SCORE))
    }

    pub fn matches(&self, haystack: &str) -> bool {
        self.score(haystack).is_some()
    }
}

fn term_score(haystack: &str, term: &Term) -> Option<u16> {
    let h = haystack.as_bytes();
    if let Some(i) = term.finder.find(h) {
        let name_end = memchr(SEP, h).unwrap_or(h.len());
        let at_word = i == 0 || !h[i - 1].is_ascii_alphanumeric();
        let mut s = if i < name_end { 700 } else { 400 };
        if i == 0 && term.text.len() == name_end {
            s += 300;
        } else if i == 0 {
            s += 200;
        } else if at_word {
            s += 100;
        }
        return Some(s);
    }
    // One character that is not a substring is not a subsequence either.
    term.text.chars().nth(1)?;
    let mut best: Option<u16> = None;
    let mut start = 0;
    let mut in_name = true;
    while start <= h.len() {
        let end = memchr(SEP, &h[start..]).map_or(h.len(), |i| start + i);
        let field = &h[start..end];
        let gaps = if term.ascii {
            // ASCII bytes never occur inside a multi-byte character, so bytes will do.
            subsequence_gaps(field, term.text.as_bytes())
        } else {
            let f: Vec<char> = haystack[start..end].chars().collect();
            let n: Vec<char> = term.text.chars().collect();
            subsequence_gaps(&f, &n)
        };
        if let Some(gaps) = gaps {
            let s = 50 + if in_name { 100 } else { 0 } + 150u16.saturating_sub(gaps * 15);
            best = best.max(Some(s));
        }
        in_name = false;
        start = end + 1;
    }
    best
}

/// If `needle` is a subsequence of `field`, the number of skipped items in the tightest window
/// that ends where the leftmost match ends (the fzf v1 heuristic).
fn subsequence_gaps<T: PartialEq>(field: &[T], needle: &[T]) -> Option<u16> {
    let mut pos = 0;
    for c in needle {
        pos += field[pos..].iter().position(|x| x == c)? + 1;
    }
    let end = pos;
    let mut start = end;
    for c in needle.iter().rev() {
        start = field[..start].iter().rposition(|x| x == c)?;
    }
    Some(u16::try_from(end - start - needle.len()).unwrap_or(u16::MAX))
}

/// What the last filter pass found, so that the next keystroke can start from it.
#[derive(Debug, Default, Clone)]
pub struct FilterState {
    /// The query these scores are for.
    query: String,
    /// Per account, per token: 0 for no match, else the score plus one. Kept in the tokens' own
    /// order, so a pass reads the haystacks front to back instead of hopping around in sort
    /// order, and small enough (2 bytes a token) that the gather in sort order stays in cache.
    scores: Vec<Vec<u16>>,
    /// The queries typed on the way to this one, with their scores, so Backspace restores
    /// instead of rescanning. Dropped whenever the tokens, the account or the sort change.
    earlier: Vec<(String, Vec<Vec<u16>>)>,
}

/// How many earlier queries Backspace can return to without a rescan (200 KB each at 100k
/// tokens).
const EARLIER_KEPT: usize = 32;

impl FilterState {
    pub fn clear(&mut self) {
        self.query.clear();
        self.scores.clear();
        self.earlier.clear();
    }
}

impl TokenTable {
    /// The rows for the current filter: `order` itself without a query, else the matches best
    /// first with `order` as the tie-break. With `narrow`, and a query that extends the previous
    /// one, only the previous matches are checked again.
    pub(super) fn refilter(&mut self, accounts: &[AccountState], narrow: bool) -> Vec<RowRef> {
        let value = self.filter.value();
        let Some(query) = Query::parse(value) else {
            self.filter_state.clear();
            let keep = self.keep(accounts);
            if keep.everything() {
                return self.order.clone();
            }
            return self
                .order
                .iter()
                .copied()
                .filter(|r| keep.keeps(*r))
                .collect();
        };
        let shown = self.in_scope(accounts);
        let state = &mut self.filter_state;
        let reuse = narrow
            && !state.query.is_empty()
            && value.starts_with(state.query.as_str())
            && state.scores.len() == accounts.len();
        if reuse {
            if state.earlier.len() == EARLIER_KEPT {
                state.earlier.remove(0);
            }
            state
                .earlier
                .push((state.query.clone(), state.scores.clone()));
        } else {
            state.earlier.clear();
        }
        state.scores.resize_with(accounts.len(), Vec::new);
        for a in shown {
            let hay = &accounts[a].haystacks;
            let scores = &mut state.scores[a];
            if reuse && scores.len() == hay.len() {
                for (t, s) in scores.iter_mut().enumerate() {
                    if *s != 0 {
                        *s = hay.get(t).and_then(|h| query.score(h)).map_or(0, |x| x + 1);
                    }
                }
            } else {
                scores.clear();
                scores.extend(
                    (0..hay.len())
                        .map(|t| hay.get(t).and_then(|h| query.score(h)).map_or(0, |x| x + 1)),
                );
            }
        }
        state.query = value.to_owned();
        self.ranked(accounts)
    }

    /// The query lost characters at its end (Backspace): if it is one typed on the way here,
    /// take its scores back instead of rescanning. `None` when it is not; the caller then
    /// rebuilds.
    pub(super) fn widened(&mut self, accounts: &[AccountState]) -> Option<Vec<RowRef>> {
        let value = self.filter.value();
        Query::parse(value)?;
        let state = &mut self.filter_state;
        while let Some((query, _)) = state.earlier.last() {
            if query.len() <= value.len() {
                break;
            }
            state.earlier.pop();
        }
        let (query, scores) = state.earlier.pop().filter(|(q, _)| q == value)?;
        state.query = query;
        state.scores = scores;
        Some(self.ranked(accounts))
    }

    /// The matches of the current scores in the view, in `order` and then ranked best first.
    fn ranked(&self, accounts: &[AccountState]) -> Vec<RowRef> {
        let scores = &self.filter_state.scores;
        let keep = self.keep(accounts);
        let everything = keep.everything();
        let hits: Vec<(RowRef, u16)> = self
            .order
            .iter()
            .filter_map(|r| {
                let s = *scores.get(r.account)?.get(r.token)?;
                (s != 0 && (everything || keep.keeps(*r))).then(|| (*r, s - 1))
            })
            .collect();
        rank(&hits)
    }
}

/// Best score first; equal scores keep their order (hits are in `order` order). A counting sort:
/// scores span 0..=MAX_SCORE, so this is linear in the number of hits.
fn rank(hits: &[(RowRef, u16)]) -> Vec<RowRef> {
    let mut starts = vec![0usize; usize::from(MAX_SCORE) + 2];
    for &(_, s) in hits {
        // Bucket 0 holds the best score.
        starts[usize::from(MAX_SCORE - s.min(MAX_SCORE)) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut out = vec![
        RowRef {
            account: 0,
            token: 0
        };
        hits.len()
    ];
    for &(row, s) in hits {
        let bucket = usize::from(MAX_SCORE - s.min(MAX_SCORE));
        out[starts[bucket]] = row;
        starts[bucket] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hay(account: &str, token: &Token, secret: bool) -> String {
        Haystacks::build(account, std::slice::from_ref(token), secret)
            .get(0)
            .map(str::to_owned)
            .unwrap_or_default()
    }

    fn score(q: &str, h: &str) -> Option<u16> {
        Query::parse(q).and_then(|q| q.score(h))
    }

    #[test]
    fn fuzzy_matches_across_fields() {
        let t = Token::new("HTK-123", "ci-deploy").with_scopes(["read:repo"]);
        let h = hay("acme-prod", &t, false);
        for q in ["cidep", "acme", "htk123", "READ", "ci acme"] {
            assert!(score(q, &h).is_some(), "{q} should match");
        }
        assert!(score("zzz", &h).is_none());
        assert!(score("ci zzz", &h).is_none(), "every term must match");
        assert!(Query::parse("  ").is_none());
    }

    #[test]
    fn secret_ids_are_not_searchable() {
        let t = Token::new("k3yvalu3", "n");
        assert!(score("k3yvalu3", &hay("a", &t, true)).is_none());
    }

    #[test]
    fn letters_scattered_across_fields_do_not_match() {
        let t = Token::new("HTK-1", "billing-report");
        assert!(score("graf", &hay("fluid-1", &t, false)).is_none());
    }

    #[test]
    fn substrings_beat_scattered_letters_and_names_beat_other_fields() {
        let exact = score("grafana", &hay("x", &Token::new("1", "grafana"), false)).unwrap();
        let prefix = score("graf", &hay("x", &Token::new("1", "grafana-ro"), false)).unwrap();
        let word = score("graf", &hay("x", &Token::new("1", "ops-grafana"), false)).unwrap();
        let inside = score("raf", &hay("x", &Token::new("1", "grafana"), false)).unwrap();
        let other = score("graf", &hay("grafana-acc", &Token::new("1", "n"), false)).unwrap();
        let fuzzy = score("graf", &hay("x", &Token::new("1", "g-r-a-f"), false)).unwrap();
        let looser = score("graf", &hay("x", &Token::new("1", "g--r--a--f"), false)).unwrap();
        assert!(exact > prefix && prefix > word && word > inside);
        assert!(inside > other && other > fuzzy && fuzzy > looser);
    }

    #[test]
    fn ranking_keeps_the_given_order_for_ties() {
        let row = |token| RowRef { account: 0, token };
        let rows = rank(&[(row(0), 10), (row(1), 900), (row(2), 10), (row(3), 900)]);
        let tokens: Vec<usize> = rows.iter().map(|r| r.token).collect();
        assert_eq!(tokens, vec![1, 3, 0, 2]);
    }

    #[test]
    fn the_table_lists_the_best_matches_first_and_narrows_incrementally() {
        use crate::app::{AccountInfo, App, AppOptions, Loadable};
        use crate::provider::ProviderKind;
        let info = AccountInfo {
            name: "fluid-1".into(),
            kind: ProviderKind::Fluid,
            read_only: false,
        };
        let mut app = App::new(vec![info], AppOptions::default());
        let names = [
            "billing-report",
            "g-r-a-f",
            "grafana-readonly",
            "ops-grafana",
        ];
        let tokens: Vec<Token> = names.iter().map(|n| Token::new(n, n)).collect();
        app.accounts[0].haystacks = Haystacks::build("fluid-1", &tokens, false);
        app.accounts[0].tokens = Loadable::Loaded(tokens);
        let (accounts, table) = (&app.accounts, &mut app.table);
        table.order = (0..names.len())
            .map(|t| RowRef {
                account: 0,
                token: t,
            })
            .collect();
        let shown = |rows: &[RowRef]| -> Vec<String> {
            rows.iter()
                .filter_map(|r| super::super::token_at(accounts, *r).map(|(_, t)| t.name.clone()))
                .collect()
        };
        table.filter = "gra".into();
        let rows = table.refilter(accounts, false);
        assert_eq!(shown(&rows), ["grafana-readonly", "ops-grafana", "g-r-a-f"]);
        table.filter = "graf".into();
        let rows = table.refilter(accounts, true);
        assert_eq!(shown(&rows), ["grafana-readonly", "ops-grafana", "g-r-a-f"]);
        table.filter = "grafana-r".into();
        let rows = table.refilter(accounts, true);
        assert_eq!(shown(&rows), ["grafana-readonly"]);
        // Backspace back to a query typed on the way: its matches come back without a rescan,
        // and they are the ones a fresh pass finds.
        table.filter = "graf".into();
        let widened = table.widened(accounts).expect("graf was typed on the way");
        assert_eq!(widened, table.refilter(accounts, false));
        // After a full pass the history starts over: a shorter query means a rescan.
        table.filter = "gr".into();
        assert!(table.widened(accounts).is_none());
        table.filter = "".into();
        assert_eq!(table.refilter(accounts, false).len(), 4);
    }

    #[test]
    fn haystacks_are_lower_case_and_indexed() {
        let tokens = [Token::new("A", "One"), Token::new("B", "Two")];
        let h = Haystacks::build("Acc", &tokens, false);
        assert_eq!(h.get(0), Some("one\na\nacc"));
        assert_eq!(h.get(1), Some("two\nb\nacc"));
        assert_eq!(h.get(2), None);
    }
}
