//! When a token stops working, where its provider says (qovery's policy API tokens carry
//! `expires_at`; no other token of these four APIs expires): expired, expiring within the
//! config's `expiring_within_days`, or neither.

use time::OffsetDateTime;

/// The config's `expiring_within_days` when it does not say.
pub const DEFAULT_EXPIRING_WITHIN_DAYS: u32 = 14;

/// How a token's expiry stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No expiry: it works until deleted.
    Never,
    /// It stopped working already.
    Expired,
    /// It stops working within the window: in this many whole days (0: within a day).
    Soon(i64),
    /// It expires, but after the window.
    Later,
}

impl Expiry {
    /// The expiry of a token that expires at `expires_at`, seen at `now`, with a window of
    /// `within_days` days.
    pub fn at(expires_at: Option<OffsetDateTime>, now: OffsetDateTime, within_days: u32) -> Self {
        let Some(at) = expires_at else {
            return Expiry::Never;
        };
        if at <= now {
            return Expiry::Expired;
        }
        let left = at - now;
        if left <= time::Duration::days(i64::from(within_days)) {
            Expiry::Soon(left.whole_days())
        } else {
            Expiry::Later
        }
    }

    /// Expired or expiring within the window: what the expiring view and `list --expiring` keep.
    pub fn needs_attention(self) -> bool {
        matches!(self, Expiry::Expired | Expiry::Soon(_))
    }

    /// A few characters for a table cell: `expired`, `exp 3d`, or nothing.
    pub fn short(self) -> Option<String> {
        match self {
            Expiry::Expired => Some("expired".to_owned()),
            Expiry::Soon(days) => Some(format!("exp {days}d")),
            Expiry::Never | Expiry::Later => None,
        }
    }
}

/// Is a token expired, or expiring within `within_days` days of `now`?
pub fn is_expiring(
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    within_days: u32,
) -> bool {
    Expiry::at(expires_at, now, within_days).needs_attention()
}

/// The expiry a user typed: an RFC 3339 time (`2026-12-31T18:00:00Z`), a date (`2026-12-31`,
/// midnight UTC at its start), or a span from `now` (`30d`, `12w`). It must lie after `now`: a
/// token that is expired at birth is a typo.
pub fn parse_expiry(raw: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    const EXPECTED: &str = "expected a date (2026-12-31), an RFC 3339 time \
                            (2026-12-31T18:00:00Z) or a span from now (30d, 12w)";
    let raw = raw.trim();
    let at = if let Some(t) = super::parse_timestamp(raw) {
        t
    } else if let Ok(date) = time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        date.midnight().assume_utc()
    } else if let Some(days) = span_days(raw) {
        // To the second: an expiry sent with nanoseconds comes back cut to milliseconds.
        let at = now + time::Duration::days(days);
        at.replace_nanosecond(0).unwrap_or(at)
    } else {
        return Err(format!(
            "`{}` is not an expiry; {EXPECTED}",
            crate::text::truncate(&crate::text::sanitize(raw), 40)
        ));
    };
    if at <= now {
        return Err(format!(
            "{} is not in the future; a token would be expired at birth",
            super::format_timestamp(at)
        ));
    }
    Ok(at)
}

/// `30d` or `12w` as days, up to a hundred years.
fn span_days(raw: &str) -> Option<i64> {
    let (number, per) = match raw.chars().last()?.to_ascii_lowercase() {
        'd' => (&raw[..raw.len() - 1], 1),
        'w' => (&raw[..raw.len() - 1], 7),
        _ => return None,
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(per))
        .filter(|d| (1..=36_500).contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    #[test]
    fn expiry_is_judged_against_now_and_the_window() {
        assert_eq!(Expiry::at(None, NOW, 14), Expiry::Never);
        assert_eq!(Expiry::at(Some(NOW), NOW, 14), Expiry::Expired);
        assert_eq!(
            Expiry::at(Some(NOW - Duration::days(3)), NOW, 14),
            Expiry::Expired
        );
        assert_eq!(
            Expiry::at(Some(NOW + Duration::hours(5)), NOW, 14),
            Expiry::Soon(0)
        );
        assert_eq!(
            Expiry::at(Some(NOW + Duration::days(14)), NOW, 14),
            Expiry::Soon(14)
        );
        assert_eq!(
            Expiry::at(Some(NOW + Duration::days(15)), NOW, 14),
            Expiry::Later
        );
        assert!(is_expiring(Some(NOW - Duration::days(1)), NOW, 0));
        assert!(!is_expiring(None, NOW, 365));
        assert_eq!(Expiry::Soon(3).short().as_deref(), Some("exp 3d"));
        assert_eq!(Expiry::Later.short(), None);
    }

    #[test]
    fn expiries_parse_as_dates_times_and_spans_in_the_future() {
        assert_eq!(
            parse_expiry("2026-12-31", NOW),
            Ok(datetime!(2026-12-31 00:00 UTC))
        );
        assert_eq!(
            parse_expiry("2026-07-01T08:30:00Z", NOW),
            Ok(datetime!(2026-07-01 08:30 UTC))
        );
        assert_eq!(parse_expiry("30d", NOW), Ok(NOW + Duration::days(30)));
        let fractional = NOW + Duration::nanoseconds(123_456_789);
        assert_eq!(
            parse_expiry("1d", fractional),
            Ok(NOW + Duration::days(1)),
            "to the second"
        );
        assert_eq!(parse_expiry(" 2w ", NOW), Ok(NOW + Duration::days(14)));
        assert!(
            parse_expiry("2026-01-01", NOW)
                .unwrap_err()
                .contains("not in the future")
        );
        assert!(parse_expiry("soon", NOW).unwrap_err().contains("30d"));
        assert!(parse_expiry("0d", NOW).is_err());
    }
}
