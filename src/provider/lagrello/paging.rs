//! Listing every page of a lagrello tenant, several pages at a time.
//!
//! lagrello pages by number, but its spec does not say whether pages start at 0 or 1. The first
//! page is asked for without a number; its `paging.next` names the second page's number, and the
//! numbers after it follow. Nothing else is guessed: a `next` without a usable `page` number ends
//! the list as partial, with the reason.
//!
//! The pages after the first are fetched in a window that grows by one page for every full page
//! read (1, 2, 4, … pages per round trip, up to the account's bound: `[network]
//! requests_per_account`, narrowed while lagrello answers 429, see `http/limits.rs`) and stops at the first short or empty page, or the first without a `next`. Pages are
//! read in order whatever order they arrive in, so tokens keep the server's order and the checks
//! below see pages as a sequential reader would; the requests sent past the end are those in
//! flight when it was found, fewer than one window.
//!
//! Every page is asked of the account's own origin, whatever origin `next` names: only its
//! number is taken from it, so the bearer token never goes elsewhere (Prism's example points
//! `next` at openapi-generator.tech).

use std::collections::{BTreeMap, HashSet};

use futures::stream::{FuturesUnordered, StreamExt};
use url::Url;

use super::wire::{TokenList, WireToken};
use super::{Lagrello, PAGE_SIZE};
use crate::model::{ApiError, Listing, Token};
use crate::provider::http::keep_listed;

/// How far ahead of the oldest page not yet read requests may reach, in windows: pages that
/// arrive early wait in a buffer this size bounds, while one slow page does not stall the rest.
const LOOKAHEAD_WINDOWS: usize = 4;

/// What a page's `paging.next` says comes after it.
#[derive(Debug, PartialEq)]
enum Next {
    /// No link (`null`, `""` or missing): this is the last page.
    End,
    /// A link whose `page` query parameter is this number.
    Page(usize),
    /// A link without one usable page number (none, several, or not a whole number).
    Unnumbered,
}

/// The page `next` points at, resolved against `current` (a relative link is allowed).
fn next_page(current: &Url, next: Option<&str>) -> Next {
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return Next::End;
    };
    let Ok(url) = current.join(next) else {
        return Next::Unnumbered;
    };
    let numbers: Vec<_> = url
        .query_pairs()
        .filter(|(key, _)| key == "page")
        .map(|(_, value)| value.trim().parse::<usize>().ok())
        .collect();
    match numbers.as_slice() {
        [Some(page)] => Next::Page(*page),
        _ => Next::Unnumbered,
    }
}

/// Is `page` made only of tokens listed before? Then the server served a page again.
pub(super) fn repeats(page: &[WireToken], seen: &HashSet<String>) -> bool {
    !page.is_empty() && page.iter().all(|t| seen.contains(&t.token_key))
}

/// Is this page, read in order, the last one? A short page is (the server had no more), and so
/// is a full one without a `next` link.
fn is_last(page: &TokenList) -> bool {
    page.data.len() < PAGE_SIZE || paging_next(page).is_none_or(|n| n.trim().is_empty())
}

fn paging_next(page: &TokenList) -> Option<&str> {
    page.paging.as_ref().and_then(|p| p.next.as_deref())
}

/// The tokens read so far, in page order.
struct Collected<'a> {
    account: &'a str,
    tokens: Vec<Token>,
    seen: HashSet<String>,
    pages: usize,
}

impl Collected<'_> {
    /// Keep every item of a page, in order (ids are not assumed unique within a page: Prism
    /// repeats them).
    fn add(&mut self, page: &TokenList) {
        self.seen
            .extend(page.data.iter().map(|t| t.token_key.clone()));
        self.tokens
            .extend(page.data.iter().map(WireToken::to_token));
        self.pages += 1;
    }

    fn complete(self) -> Listing {
        Listing::complete(self.tokens)
    }

    fn partial(self, reason: String) -> Listing {
        Listing::partial(self.tokens, reason)
    }
}

impl Lagrello {
    /// One page of the list: the first (no number) or page `page`, always on the account's
    /// origin.
    async fn fetch_page(&self, page: Option<usize>) -> Result<TokenList, ApiError> {
        let response = self.get(self.list_url(page)).await?;
        if !response.status.is_success() {
            return Err(super::api_error(&response));
        }
        response.json()
    }

    /// Every page, as the module's documentation describes. Stops early, and says why in a
    /// partial listing, when a page repeats tokens already listed (a server that ignores the
    /// page asked for would otherwise loop or duplicate), when the first page's `next` gives no
    /// page number, or after `max_pages` pages.
    pub(super) async fn list_all(&self) -> Result<Listing, ApiError> {
        let account = self.endpoint.account();
        let mut list = Collected {
            account,
            tokens: Vec::new(),
            seen: HashSet::new(),
            pages: 0,
        };
        let first = self.fetch_page(None).await?;
        list.add(&first);
        if is_last(&first) {
            return Ok(list.complete());
        }
        let start = match next_page(&self.list_url(None), paging_next(&first)) {
            Next::Page(page) => page,
            Next::End => return Ok(list.complete()),
            Next::Unnumbered => {
                let reason = format!(
                    "{account}: lagrello's link to the page after the first has no usable page \
                     number, so the rest of the list could not be asked for; only the first page \
                     ({} tokens) was listed, and tokens may be missing",
                    list.tokens.len()
                );
                return Ok(list.partial(reason));
            }
        };
        self.rest(list, start).await
    }

    /// The pages from number `start` on, after the first page in `list`.
    async fn rest(&self, mut list: Collected<'_>, start: usize) -> Result<Listing, ApiError> {
        // The page number of the `max_pages`-th page, the last this list may read.
        let Some(last_allowed) = (self.max_pages - list.pages)
            .checked_sub(1)
            .map(|more| start.saturating_add(more))
        else {
            return Ok(self.capped(list));
        };
        // The account's bound: `[network] requests_per_account`, narrowed by the endpoint when
        // lagrello answers 429 (and widened again as answers come), so asked afresh each round.
        let bound = || self.endpoint.window().max(1);
        let lookahead = bound() * LOOKAHEAD_WINDOWS;
        // One page was read in a window of one; it was full, so the window grows.
        let mut window = 2.min(bound());
        let mut in_flight = FuturesUnordered::new();
        let mut arrived: BTreeMap<usize, Result<TokenList, ApiError>> = BTreeMap::new();
        let (mut to_send, mut to_read) = (start, start);
        // The lowest page number known to end the list (or to fail it): nothing past it is sent.
        let mut end = usize::MAX;
        loop {
            window = window.min(bound());
            while in_flight.len() < window
                && to_send <= last_allowed.min(end)
                && to_send < to_read.saturating_add(lookahead)
            {
                let page = to_send;
                in_flight.push(async move { (page, self.fetch_page(Some(page)).await) });
                to_send += 1;
            }
            if let Some(result) = arrived.remove(&to_read) {
                let page = match result {
                    Ok(page) => page,
                    // A list stopped by its deadline or memory budget keeps what it read.
                    Err(error) => return keep_listed(list.account, list.tokens, error),
                };
                if repeats(&page.data, &list.seen) {
                    return Ok(repeated(list, to_read));
                }
                list.add(&page);
                if is_last(&page) {
                    return Ok(list.complete());
                }
                if to_read == last_allowed {
                    return Ok(self.capped(list));
                }
                window = (window + 1).min(bound());
                to_read += 1;
                continue;
            }
            let Some((page, result)) = in_flight.next().await else {
                // The page to read next is always sent before anything past it.
                return Err(ApiError::Decode(format!(
                    "lagrello's list stopped before page {to_read} was asked for"
                )));
            };
            if result.as_ref().map_or(true, is_last) {
                end = end.min(page);
            }
            arrived.insert(page, result);
        }
    }

    /// The list after `max_pages` pages, when lagrello has more.
    fn capped(&self, list: Collected<'_>) -> Listing {
        let reason = format!(
            "{}: only the first {} pages ({} tokens) were listed and lagrello has more; raise \
             max_pages (now {}) in this account's config to list them all",
            list.account,
            list.pages,
            list.tokens.len(),
            self.max_pages
        );
        list.partial(reason)
    }
}

/// The list when page number `page` repeated tokens of earlier pages.
fn repeated(list: Collected<'_>, page: usize) -> Listing {
    let reason = format!(
        "{}: lagrello answered page {page} with tokens already listed on earlier pages, so it \
         seems to ignore the page asked for; only the first {} pages were listed, and tokens may \
         be missing",
        list.account, list.pages
    );
    list.partial(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first() -> Url {
        Url::parse("https://api.lagrello.com/v1/tokens?size=20").unwrap()
    }

    #[test]
    fn the_next_page_number_comes_from_the_link_on_any_origin() {
        let next = |link: &str| next_page(&first(), Some(link));
        assert_eq!(
            next("https://api.lagrello.com/v1/tokens?size=20&page=2"),
            Next::Page(2)
        );
        assert_eq!(next("/v1/tokens?page=1&size=20"), Next::Page(1));
        assert_eq!(
            next("https://elsewhere.example/v1/tokens?size=20&page=0"),
            Next::Page(0)
        );
        assert_eq!(next_page(&first(), None), Next::End);
        assert_eq!(next(" "), Next::End);
    }

    #[test]
    fn a_link_without_one_whole_page_number_is_unnumbered() {
        let next = |link: &str| next_page(&first(), Some(link));
        for link in [
            "https://openapi-generator.tech",
            "https://api.lagrello.com/v1/tokens?size=20",
            "https://api.lagrello.com/v1/tokens?page=two",
            "https://api.lagrello.com/v1/tokens?page=-1",
            "https://api.lagrello.com/v1/tokens?page=2&page=3",
            "http://[::1",
        ] {
            assert_eq!(next(link), Next::Unnumbered, "{link}");
        }
    }

    #[test]
    fn a_page_of_tokens_seen_before_is_a_repeat() {
        let page: TokenList =
            serde_json::from_str(r#"{"data":[{"tokenKey":"a"},{"tokenKey":"b"}],"paging":{}}"#)
                .unwrap();
        let seen: HashSet<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert!(repeats(&page.data, &seen));
        let some_new: HashSet<String> = ["a"].iter().map(|s| s.to_string()).collect();
        assert!(!repeats(&page.data, &some_new));
        assert!(!repeats(&[], &seen));
    }
}
