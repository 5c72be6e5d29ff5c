//! The summary's charts, drawn with ratatui's `BarChart`: the tokens' ages by the quarter (or
//! year) they were created in, stale ones in yellow, and tokens per account, partial accounts
//! in yellow, failed ones in red. Admins would rather look than read here.

use ratatui::Frame;
use ratatui::layout::{Direction, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use super::{fit, theme};
use crate::app::App;
use crate::app::summary::{AccountLine, ListState, Quarter, Summary};

/// The narrowest bar of the ages chart: wide enough for `25Q3`, `2025` and `1.2k`.
const BAR: u16 = 4;
/// The widest: bars grow to fill a wide chart, up to this.
const MAX_BAR: u16 = 9;
/// Account names in the per-account chart are cut to this.
const CHART_LABEL: usize = 14;

/// `999`, `1.2k`, `25k`, `1.5M`: a count in the four columns of a bar.
fn short_count(n: usize) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.1}k", n as f64 / 1_000.0),
        10_000..=999_999 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// One bar of the ages chart: tokens created in a span of time.
struct AgeBar {
    label: String,
    tokens: usize,
    /// Every token in it is older than `stale_after_days`.
    stale: bool,
}

/// The quarters as bars; by year when the quarters do not fit in `bars`; the oldest years
/// merged into one `≤YYYY` bar when the years do not fit either.
fn age_bars(quarters: &[Quarter], bars: usize, stale_before: Option<(i32, u8)>) -> Vec<AgeBar> {
    let is_stale = |year: i32, quarter: u8| stale_before.is_some_and(|s| (year, quarter) < s);
    if quarters.len() <= bars {
        return quarters
            .iter()
            .map(|q| AgeBar {
                label: format!("{:02}Q{}", q.year.rem_euclid(100), q.quarter),
                tokens: q.tokens,
                stale: is_stale(q.year, q.quarter),
            })
            .collect();
    }
    let mut years: Vec<AgeBar> = Vec::new();
    let mut last_year = None;
    for q in quarters {
        if last_year != Some(q.year) {
            years.push(AgeBar {
                label: q.year.to_string(),
                tokens: 0,
                stale: true,
            });
            last_year = Some(q.year);
        }
        if let Some(bar) = years.last_mut() {
            bar.tokens += q.tokens;
            bar.stale &= is_stale(q.year, q.quarter);
        }
    }
    if years.len() > bars && bars > 1 {
        let merged = years.len() - bars + 1;
        let old: Vec<AgeBar> = years.drain(..merged).collect();
        let label = format!("≤{}", old.last().map_or("", |b| b.label.as_str()));
        years.insert(
            0,
            AgeBar {
                label,
                tokens: old.iter().map(|b| b.tokens).sum(),
                stale: old.iter().all(|b| b.stale),
            },
        );
    }
    years
}

pub fn render_ages(app: &App, summary: &Summary, frame: &mut Frame, area: Rect) {
    let block = Block::new().title(Line::styled("Token ages (created)", theme::header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if summary.quarters.is_empty() {
        frame.render_widget(
            Paragraph::new("No dated tokens yet.").style(theme::dim()),
            inner,
        );
        return;
    }
    // The quarter before which a whole quarter is stale: the one holding the stale cutoff.
    let stale_before = app.clock().map(|now| {
        let cutoff = (now - time::Duration::days(i64::from(app.stale_after_days) + 1))
            .to_offset(time::UtcOffset::UTC);
        (cutoff.year(), (u8::from(cutoff.month()) - 1) / 3 + 1)
    });
    let fits = usize::from((inner.width + 1) / (BAR + 1)).max(1);
    let ages = age_bars(&summary.quarters, fits, stale_before);
    // Few bars on a wide chart: wider bars, up to a point, and a column left free beside the
    // next chart.
    let n = u16::try_from(ages.len()).unwrap_or(u16::MAX).max(1);
    let width = (inner.width / n).saturating_sub(1).clamp(BAR, MAX_BAR);
    let bars: Vec<Bar> = ages
        .into_iter()
        .map(|b| {
            let style = if b.stale {
                theme::warn()
            } else {
                theme::label()
            };
            Bar::with_label(b.label, b.tokens as u64)
                .text_value(short_count(b.tokens))
                .style(style)
                .value_style(style.add_modifier(Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::new(bars))
        .bar_width(width)
        .bar_gap(1);
    frame.render_widget(chart, inner);
}

pub fn render_accounts(app: &App, summary: &Summary, frame: &mut Frame, area: Rect) {
    let fits = usize::from(area.height.saturating_sub(1));
    let mut lines: Vec<&AccountLine> = summary.accounts.iter().collect();
    // The biggest first; failed ones (nothing listed) last, in red.
    lines.sort_by_key(|l| std::cmp::Reverse(l.counts.tokens));
    let title = if lines.len() > fits {
        format!("Tokens per account (largest {fits} of {})", lines.len())
    } else {
        "Tokens per account".to_owned()
    };
    let block = Block::new().title(Line::styled(title, theme::header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bars: Vec<Bar> = lines
        .into_iter()
        .take(fits)
        .map(|l| {
            let name = fit(&app.accounts[l.account].info.name, CHART_LABEL);
            let (style, value) = match &l.state {
                ListState::Failed(_) => (theme::error(), "failed".to_owned()),
                ListState::Partial(_) => (theme::warn(), format!("{}+", l.counts.tokens)),
                ListState::Loading => (theme::dim(), "…".to_owned()),
                ListState::Complete => (theme::label(), l.counts.tokens.to_string()),
            };
            Bar::with_label(name, l.counts.tokens as u64)
                .text_value(value)
                .style(style)
                .value_style(style.add_modifier(Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(BarGroup::new(bars))
        .bar_width(1)
        .bar_gap(0);
    frame.render_widget(chart, inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, quarter: u8, tokens: usize) -> Quarter {
        Quarter {
            year,
            quarter,
            tokens,
        }
    }

    #[test]
    fn ages_go_by_quarter_then_year_then_merge_the_oldest() {
        let quarters = [q(2024, 3, 1), q(2024, 4, 0), q(2025, 1, 2), q(2025, 2, 3)];
        let labels = |bars: Vec<AgeBar>| -> Vec<(String, usize, bool)> {
            bars.into_iter()
                .map(|b| (b.label, b.tokens, b.stale))
                .collect()
        };
        assert_eq!(
            labels(age_bars(&quarters, 4, Some((2025, 1)))),
            [
                ("24Q3".into(), 1, true),
                ("24Q4".into(), 0, true),
                ("25Q1".into(), 2, false),
                ("25Q2".into(), 3, false),
            ]
        );
        assert_eq!(
            labels(age_bars(&quarters, 3, Some((2025, 1)))),
            [("2024".into(), 1, true), ("2025".into(), 5, false)]
        );
        assert_eq!(
            labels(age_bars(&quarters, 1, None)),
            [("2024".into(), 1, false), ("2025".into(), 5, false)],
            "one bar: nothing to merge into"
        );
        let long: Vec<Quarter> = (2015..2026).map(|y| q(y, 1, 1)).collect();
        let bars = labels(age_bars(&long, 4, None));
        assert_eq!(bars[0], ("≤2022".into(), 8, false));
        assert_eq!(bars.len(), 4);
    }

    #[test]
    fn counts_fit_a_bar() {
        for (n, s) in [(7, "7"), (999, "999"), (1_234, "1.2k"), (25_000, "25k")] {
            assert_eq!(short_count(n), s);
            assert!(s.len() <= usize::from(BAR));
        }
    }
}
