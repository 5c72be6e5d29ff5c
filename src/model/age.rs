//! How old a token is, as people say it, the day counts an audit needs, and the one way a time
//! is shown to people ([`human_time`]). Pure functions of their instants: the caller passes
//! `now`, so the answers are testable and the same everywhere.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A token's age as people say it: `now` (under a minute), `5min`, `3h`, `27d`, `11m` (months),
/// `1y`, `1y 3m`. Months and years are calendar ones: created on 31 January, a token is one
/// month old at the end of February. A `created` more than a minute after `now` (a skewed clock)
/// is `future`.
pub fn human_age(created: OffsetDateTime, now: OffsetDateTime) -> String {
    let secs = (now - created).whole_seconds();
    if secs < -60 {
        return "future".into();
    }
    let secs = secs.max(0);
    if secs < 60 {
        return "now".into();
    }
    if secs < 3_600 {
        return format!("{}min", secs / 60);
    }
    if secs < 86_400 {
        return format!("{}h", secs / 3_600);
    }
    let months = whole_months(created, now);
    if months == 0 {
        return format!("{}d", secs / 86_400);
    }
    match (months / 12, months % 12) {
        (0, m) => format!("{m}m"),
        (y, 0) => format!("{y}y"),
        (y, m) => format!("{y}y {m}m"),
    }
}

/// How long ago `then` was, as a phrase: `just now`, `5min ago`, `1y 3m ago` (never "now ago").
pub fn human_ago(then: OffsetDateTime, now: OffsetDateTime) -> String {
    match human_age(then, now).as_str() {
        "now" => "just now".to_owned(),
        "future" => "in the future".to_owned(),
        age => format!("{age} ago"),
    }
}

/// The one way a time is shown to people, in the dashboard (detail, message log, dialogs) and in
/// the CLI's tables and text: to the minute, in UTC, saying so: `2026-03-07 10:15 UTC`. What
/// machines read (JSON, CSV, exports, the audit trail) keeps RFC 3339 (`format_timestamp`).
pub fn human_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Whole days from `created` to `now`; negative for a `created` in the future.
pub fn age_days(created: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (now - created).whole_days()
}

/// Is a token older than `after_days` (the config's `stale_after_days`)? A token without a
/// creation date is not called stale: nothing says it is old.
pub fn is_stale(created: Option<OffsetDateTime>, now: OffsetDateTime, after_days: u32) -> bool {
    created.is_some_and(|c| age_days(c, now) > i64::from(after_days))
}

/// How many whole calendar months lie between the two instants (in UTC): the largest `n` such
/// that `created` plus `n` months (the day clamped to the month's length) is not after `now`.
fn whole_months(created: OffsetDateTime, now: OffsetDateTime) -> u32 {
    let (from, to) = (
        created.to_offset(UtcOffset::UTC),
        now.to_offset(UtcOffset::UTC),
    );
    if to <= from {
        return 0;
    }
    let span = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    let mut n = span.max(0);
    while n > 0 && add_months(from, n) > to {
        n -= 1;
    }
    u32::try_from(n).unwrap_or(0)
}

fn add_months(t: OffsetDateTime, months: i32) -> OffsetDateTime {
    let index = t.year() * 12 + (t.month() as i32 - 1) + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = Month::try_from(u8::try_from(month0 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let day = t.day().min(month.length(year));
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => PrimitiveDateTime::new(date, t.time()).assume_offset(t.offset()),
        Err(_) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        assert_eq!(
            human_time(datetime!(2026-03-07 10:15:59 UTC)),
            "2026-03-07 10:15 UTC"
        );
        assert_eq!(
            human_time(datetime!(2026-03-07 01:05 +02:00)),
            "2026-03-06 23:05 UTC",
            "an offset is turned into UTC"
        );
        assert_eq!(
            human_time(datetime!(0900-01-02 03:04 UTC)),
            "0900-01-02 03:04 UTC"
        );
    }

    #[test]
    fn ages_read_as_people_say_them() {
        let age = |created| human_age(created, NOW);
        assert_eq!(age(datetime!(2026-06-01 11:59:30 UTC)), "now");
        assert_eq!(age(datetime!(2026-06-01 11:55 UTC)), "5min");
        assert_eq!(age(datetime!(2026-06-01 09:00 UTC)), "3h");
        assert_eq!(age(datetime!(2026-05-31 12:00 UTC)), "1d");
        assert_eq!(age(datetime!(2026-05-05 12:00 UTC)), "27d");
        assert_eq!(age(datetime!(2026-05-01 12:00 UTC)), "1m");
        assert_eq!(age(datetime!(2025-07-01 12:00 UTC)), "11m");
        assert_eq!(age(datetime!(2025-06-01 12:00 UTC)), "1y");
        assert_eq!(age(datetime!(2025-03-01 12:00 UTC)), "1y 3m");
        assert_eq!(age(datetime!(2023-05-15 12:00 UTC)), "3y");
        assert_eq!(age(datetime!(2026-06-02 12:00 UTC)), "future");
    }

    #[test]
    fn a_month_is_a_calendar_month() {
        // One day short of a month is still days.
        assert_eq!(human_age(datetime!(2026-05-01 12:00:01 UTC), NOW), "30d");
        // 31 January to the end of February is a month; to 27 February it is not.
        let jan31 = datetime!(2026-01-31 00:00 UTC);
        assert_eq!(human_age(jan31, datetime!(2026-02-28 00:00 UTC)), "1m");
        assert_eq!(human_age(jan31, datetime!(2026-02-27 00:00 UTC)), "27d");
        // A leap day's anniversary is the last of February.
        let leap = datetime!(2024-02-29 00:00 UTC);
        assert_eq!(human_age(leap, datetime!(2025-02-28 00:00 UTC)), "1y");
        // Offsets are instants, not wall clocks.
        assert_eq!(human_age(datetime!(2026-05-01 14:00 +02:00), NOW), "1m");
    }

    #[test]
    fn days_and_staleness() {
        assert_eq!(age_days(datetime!(2026-03-03 12:00 UTC), NOW), 90);
        assert_eq!(age_days(datetime!(2026-06-03 12:00 UTC), NOW), -2);
        assert!(!is_stale(Some(datetime!(2026-03-03 12:00 UTC)), NOW, 90));
        assert!(is_stale(Some(datetime!(2026-03-02 12:00 UTC)), NOW, 90));
        assert!(!is_stale(None, NOW, 0));
    }
}
