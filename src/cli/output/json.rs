//! JSON as the commands print it: pretty, every string exact, and safe on a terminal, written
//! as it is serialised so a document of 100,000 tokens is never held whole in memory.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::text::is_unsafe;

/// `value` as pretty JSON and a line break, in memory: see [`write_json`].
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(256);
    // Serialising plain structs of strings into memory cannot fail, and the formatter writes
    // only UTF-8; an empty object is a safe fallback all the same.
    match write_json(&mut out, value) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "{}\n".into()),
        Err(_) => "{}\n".into(),
    }
}

/// Write `value` as pretty JSON and a line break to `out`, piece by piece as serde produces it:
/// safe to print on a terminal while every string stays exact. serde escapes the C0 controls,
/// and every other control, format or invisible character ([`is_unsafe`]: C1 controls, bidi
/// overrides, zero-width characters…) is written as a `\uXXXX` escape (a surrogate pair beyond
/// U+FFFF), which any JSON reader turns back into it.
pub fn write_json<W: Write, T: Serialize + ?Sized>(mut out: W, value: &T) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, TerminalSafe(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    out.write_all(b"\n")
}

/// Items serialised as a JSON array one at a time, as they come out of the iterator, so the
/// array is never built. The iterator is used up by the first serialisation.
pub struct Seq<I>(RefCell<Option<I>>);

impl<I> Seq<I> {
    pub fn new(items: I) -> Self {
        Seq(RefCell::new(Some(items)))
    }
}

impl<I> Serialize for Seq<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

/// serde_json's pretty layout, with the text of every string (keys included) escaped where
/// [`is_unsafe`] says so. Outside strings, pretty JSON holds only printable ASCII and line
/// breaks, and inside them serde has already escaped quotes, backslashes and C0 controls, so
/// the fragments are the only place such a character can be.
struct TerminalSafe<'a>(PrettyFormatter<'a>);

impl Formatter for TerminalSafe<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| is_unsafe(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // The layout is PrettyFormatter's: every method it overrides is handed to it.

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}
