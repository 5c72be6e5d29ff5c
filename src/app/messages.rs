//! The message log: every toast and outcome the dashboard said while it ran, with when and for
//! which account, so a message that vanished from the screen can still be read (`m`,
//! `:messages`). Times come from the tick that follows a message (`update` has no clock).

use std::collections::VecDeque;

use time::OffsetDateTime;

use super::ToastKind;

/// The most entries kept; the oldest go first.
pub const MAX_LOG: usize = 1_000;

/// One message, as it was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Counts up from 0 over the whole run, so "what was said since" survives the cap.
    pub seq: u64,
    /// Set by the first tick after the message (UTC).
    pub time: Option<OffsetDateTime>,
    pub kind: ToastKind,
    /// The account it is about, where there is one.
    pub account: Option<String>,
    pub text: String,
}

impl LogEntry {
    /// `account: text`, unless the text names the account first already.
    pub fn line(&self) -> String {
        match &self.account {
            Some(a) => format!("{a}: {}", self.body()),
            None => self.text.clone(),
        }
    }

    /// The text without the account in front, where it names it first (the log shows the
    /// account in a column of its own).
    pub fn body(&self) -> &str {
        self.account
            .as_deref()
            .and_then(|a| self.text.strip_prefix(a))
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&self.text)
    }
}

#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    /// Oldest first.
    entries: VecDeque<LogEntry>,
    next_seq: u64,
}

impl MessageLog {
    /// Add a message; returns its sequence number.
    pub fn push(&mut self, kind: ToastKind, account: Option<String>, text: String) -> u64 {
        if self.entries.len() >= MAX_LOG {
            self.entries.pop_front();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push_back(LogEntry {
            seq,
            time: None,
            kind,
            account,
            text,
        });
        seq
    }

    /// The sequence number the next message will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Give the messages said since the last tick their time. True when any was stamped.
    pub fn stamp(&mut self, now: OffsetDateTime) -> bool {
        let mut any = false;
        for e in self.entries.iter_mut().rev() {
            if e.time.is_some() {
                break;
            }
            e.time = Some(now);
            any = true;
        }
        any
    }

    /// Some message still waits for its time.
    pub fn needs_stamp(&self) -> bool {
        self.entries.back().is_some_and(|e| e.time.is_none())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Newest first, as the log shows them.
    pub fn newest_first(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().rev()
    }

    /// The messages said from `seq` on, oldest first.
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().filter(move |e| e.seq >= seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn keeps_order_stamps_new_entries_and_drops_the_oldest() {
        let mut log = MessageLog::default();
        log.push(ToastKind::Info, None, "one".into());
        assert!(log.needs_stamp());
        let t1 = datetime!(2026-06-01 12:00 UTC);
        assert!(log.stamp(t1));
        assert!(!log.needs_stamp());
        log.push(ToastKind::Error, Some("a-1".into()), "two".into());
        let t2 = datetime!(2026-06-01 12:01 UTC);
        log.stamp(t2);
        let times: Vec<_> = log.newest_first().map(|e| e.time).collect();
        assert_eq!(times, vec![Some(t2), Some(t1)]);
        assert_eq!(log.newest_first().next().unwrap().line(), "a-1: two");
        log.push(ToastKind::Error, Some("a-1".into()), "a-1: three".into());
        let e = log.newest_first().next().unwrap();
        assert_eq!((e.line().as_str(), e.body()), ("a-1: three", "three"));
        for i in 0..MAX_LOG {
            log.push(ToastKind::Info, None, format!("{i}"));
        }
        assert_eq!(log.len(), MAX_LOG);
        assert_eq!(log.since(log.next_seq() - 1).count(), 1);
        assert!(log.newest_first().all(|e| e.text != "one"));
    }
}
