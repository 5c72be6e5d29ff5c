//! The deserializer's error: a problem, and the dotted key it is about once known. Its messages
//! speak TOML ("expected an integer, found string") and never repeat a string value, which may be a
//! secret.

use std::fmt;

use serde::de::{self, Expected, Unexpected};

/// A problem, with the key it is about once known.
#[derive(Debug)]
pub(crate) struct Error {
    /// Dotted from the entry; `None` for the entry as a whole.
    pub(crate) key: Option<String>,
    /// A required field serde found missing, to be qualified with its table's key.
    missing: Option<String>,
    pub(crate) problem: String,
}

impl Error {
    pub(super) fn new(problem: impl Into<String>) -> Self {
        Error {
            key: None,
            missing: None,
            problem: problem.into(),
        }
    }

    /// Give the error the key of the value it came from, unless it already names one.
    pub(super) fn at(mut self, path: &str) -> Self {
        if self.key.is_none() {
            self.key = match self.missing.take() {
                Some(field) => Some(join(path, &field)),
                None => (!path.is_empty()).then(|| path.to_owned()),
            };
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(format!(
            "expected {}, found {}",
            expected(exp),
            type_of(&unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let number = match unexp {
            Unexpected::Signed(n) => Some(i128::from(n)),
            Unexpected::Unsigned(n) => Some(i128::from(n)),
            _ => None,
        };
        if let (Some(n), Some((min, _))) = (number, integer_bounds(&exp.to_string())) {
            let too = if n < min { "small" } else { "large" };
            return Error::new(format!("{n} is too {too}: expected {}", expected(exp)));
        }
        let shown = match unexp {
            Unexpected::Signed(n) => n.to_string(),
            Unexpected::Unsigned(n) => n.to_string(),
            Unexpected::Float(f) => f.to_string(),
            Unexpected::Bool(b) => b.to_string(),
            other => format!("this {}", type_of(&other)),
        };
        Error::new(format!(
            "{shown} is not valid here; expected {}",
            expected(exp)
        ))
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        Error::new(format!("{len} items; expected {}", expected(exp)))
    }

    fn unknown_field(field: &str, allowed: &'static [&'static str]) -> Self {
        let mut e = unknown_key(field, allowed);
        e.key = None;
        e
    }

    fn missing_field(field: &'static str) -> Self {
        Error {
            key: None,
            missing: Some(field.to_owned()),
            problem: "missing; this key is required".into(),
        }
    }

    fn duplicate_field(_field: &'static str) -> Self {
        Error::new("given twice")
    }
}

/// What a visitor expects, in the words TOML users know: "a whole number from 0 to 255" rather
/// than serde's "u8".
pub(super) fn expected(exp: &dyn Expected) -> String {
    let text = exp.to_string();
    if text.starts_with("struct ") || text == "a map" {
        "a table".into()
    } else if text == "a sequence" {
        "an array".into()
    } else if let Some((min, max)) = integer_bounds(&text) {
        format!("a whole number from {min} to {max}")
    } else {
        text
    }
}

/// The range of a Rust integer type, by the name serde's visitors give it.
fn integer_bounds(name: &str) -> Option<(i128, i128)> {
    Some(match name {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// The TOML name of what was found. Never the value: it may be a secret.
fn type_of(unexp: &Unexpected<'_>) -> String {
    match unexp {
        Unexpected::Bool(_) => "boolean".into(),
        Unexpected::Signed(_) | Unexpected::Unsigned(_) => "integer".into(),
        Unexpected::Float(_) => "float".into(),
        Unexpected::Char(_) | Unexpected::Str(_) => "string".into(),
        Unexpected::Seq => "array".into(),
        Unexpected::Map => "table".into(),
        Unexpected::Unit | Unexpected::Option => "nothing".into(),
        other => other.to_string(),
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// An unknown key, naming the valid ones and the likely intended one.
pub(super) fn unknown_key(key: &str, allowed: &[&str]) -> Error {
    let suggestion = closest(key, allowed)
        .map(|a| format!(" (did you mean `{a}`?)"))
        .unwrap_or_default();
    Error::new(format!(
        "unknown key{suggestion}; expected one of: {}",
        allowed.join(", ")
    ))
}

/// The valid key a typo most likely meant: a letter or two off (a swap counts once), or a
/// shortened form such as `timeout` for `timeout_secs`.
pub(crate) fn closest<'k>(typo: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let limit = (typo.chars().count() / 3).max(1);
    allowed
        .iter()
        .map(|a| (strsim::osa_distance(a, typo), *a))
        .filter(|(d, a)| *d <= limit || a.starts_with(typo) || typo.starts_with(a))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}
