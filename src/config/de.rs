//! A serde deserializer over [`Node`]s: how a provider's keys become its settings type, and how
//! every `credential` becomes a [`crate::credential::CredentialSource`].
//!
//! It exists so that serde-derived settings get the same errors as the rest of the reader: each
//! names its key (dotted, `login.password.value`), says what was expected and what was found in
//! TOML's words, and never repeats a string value back (it may be a secret). Unknown keys are
//! refused for every struct, with the likely intended key suggested: serde hands a deserializer
//! the struct's field names, so the list comes from the type itself. (A settings type must not use
//! `#[serde(flatten)]`, which hides the field names.)

use std::fmt;
use std::path::Path;

use secrecy::ExposeSecret;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::keys::Node;
use crate::credential::LITERAL_SECRET;

mod error;

pub(super) use error::Error;
pub(crate) use error::closest;
use error::{expected, join, unknown_key};

/// What the reader knows besides the value itself.
pub(super) struct Ctx<'a> {
    /// The file, for the literal-secret advice.
    pub path: &'a Path,
    /// The file's mode when group or others can read it: literal secrets are refused then.
    pub shared_mode: Option<u32>,
    /// Keys the top-level table may also have: read elsewhere, but valid, so a typo of one of
    /// them is still recognised.
    pub shared_keys: &'a [&'a str],
}

/// Read `node`, found at `path` (dotted; empty for the entry itself), as a `T`.
pub(super) fn from_node<T: de::DeserializeOwned>(
    node: &Node,
    path: &str,
    ctx: &Ctx<'_>,
) -> Result<T, Error> {
    T::deserialize(De {
        node,
        path: path.to_owned(),
        ctx,
    })
    .map_err(|e| e.at(path))
}

/// One value and where it is.
struct De<'a> {
    node: &'a Node,
    path: String,
    ctx: &'a Ctx<'a>,
}

impl De<'_> {
    fn type_error(&self, expected: impl fmt::Display) -> Error {
        Error::new(format!(
            "expected {expected}, found {}",
            self.node.type_str()
        ))
    }

    fn map<'a>(&'a self, entries: &'a [(String, Node)]) -> Map<'a> {
        Map {
            entries: entries.iter(),
            value: None,
            path: &self.path,
            ctx: self.ctx,
        }
    }

    fn seq<'a>(&'a self, items: &'a [Node]) -> Seq<'a> {
        Seq {
            items: items.iter(),
            path: &self.path,
            ctx: self.ctx,
        }
    }
}

/// What `visitor` expects, as a phrase.
fn expecting<'de, V: Visitor<'de>>(visitor: &V) -> String {
    expected(visitor)
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.node {
                Node::Integer(n) => visitor.visit_i64(*n),
                _ => Err(self.type_error("an integer")),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::String(s) => visitor.visit_str(s.expose_secret()),
            Node::Integer(n) => visitor.visit_i64(*n),
            Node::Float(f) => visitor.visit_f64(*f),
            Node::Boolean(b) => visitor.visit_bool(*b),
            Node::Datetime(d) => visitor.visit_str(d),
            Node::Array(items) => visitor.visit_seq(self.seq(items)),
            Node::Table(entries) => visitor.visit_map(self.map(entries)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Boolean(b) => visitor.visit_bool(*b),
            _ => Err(self.type_error("true or false")),
        }
    }

    integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Float(f) => visitor.visit_f64(*f),
            Node::Integer(n) => visitor.visit_f64(*n as f64),
            _ => Err(self.type_error("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::String(s) => visitor.visit_str(s.expose_secret()),
            _ => Err(self.type_error("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    /// A key that is present is `Some`; an absent one never gets here.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        Err(self.type_error(expecting(&visitor)))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    /// [`LITERAL_SECRET`] marks a literal secret (`{ value = "…" }`), refused in a file others can
    /// read, wherever in the entry it is.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == LITERAL_SECRET
            && let Some(mode) = self.ctx.shared_mode
        {
            return Err(Error::new(format!(
                "a literal secret in a file that group or others can read (mode {mode:o}); run `chmod 600 {}`, or use {{ env = \"VAR\" }} or {{ command = [\"prog\", \"arg\"] }} instead",
                self.ctx.path.display()
            )));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Array(items) => visitor.visit_seq(self.seq(items)),
            _ => Err(self.type_error(expecting(&visitor))),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node {
            Node::Table(entries) => visitor.visit_map(self.map(entries)),
            _ => Err(self.type_error(expecting(&visitor))),
        }
    }

    /// Unknown keys are refused here, before the visitor sees any, in the order written.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Node::Table(entries) = self.node else {
            return Err(self.type_error(expecting(&visitor)));
        };
        let shared = if self.path.is_empty() {
            self.ctx.shared_keys
        } else {
            &[]
        };
        for (key, _) in entries {
            if !fields.contains(&key.as_str()) && !shared.contains(&key.as_str()) {
                let allowed: Vec<&str> = shared.iter().chain(fields).copied().collect();
                let mut e = unknown_key(key, &allowed);
                e.key = Some(join(&self.path, key));
                return Err(e);
            }
        }
        visitor.visit_map(self.map(entries))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.node {
            Node::String(s) => visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(
                s.expose_secret(),
            )),
            _ => Err(self.type_error(expecting(&visitor))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// A table's entries, each value read at its dotted key.
struct Map<'a> {
    entries: std::slice::Iter<'a, (String, Node)>,
    value: Option<(&'a str, &'a Node)>,
    path: &'a str,
    ctx: &'a Ctx<'a>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(IntoDeserializer::<Error>::into_deserializer(key.as_str()))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, node) = self
            .value
            .take()
            .expect("serde asks for a value after its key");
        let path = join(self.path, key);
        seed.deserialize(De {
            node,
            path: path.clone(),
            ctx: self.ctx,
        })
        .map_err(|e| e.at(&path))
    }
}

/// An array's items, each read at the array's key.
struct Seq<'a> {
    items: std::slice::Iter<'a, Node>,
    path: &'a str,
    ctx: &'a Ctx<'a>,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(De {
            node,
            path: self.path.to_owned(),
            ctx: self.ctx,
        })
        .map(Some)
        .map_err(|e| e.at(self.path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Settings {
        count: Option<u32>,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        required: String,
    }

    fn read(entries: Vec<(&str, Node)>) -> Result<Settings, Error> {
        let node = Node::Table(entries.into_iter().map(|(k, v)| (k.into(), v)).collect());
        let ctx = Ctx {
            path: Path::new("c.toml"),
            shared_mode: None,
            shared_keys: &["name"],
        };
        from_node(&node, "", &ctx)
    }

    #[test]
    fn errors_name_the_key_and_the_types() {
        let e = read(vec![("count", Node::String("7".to_owned().into()))]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("count"));
        assert_eq!(e.problem, "expected an integer, found string");

        let e = read(vec![("count", Node::Integer(-1))]).unwrap_err();
        assert_eq!(
            e.problem,
            "-1 is too small: expected a whole number from 0 to 4294967295"
        );

        let e = read(vec![("inner", Node::Table(Vec::new()))]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("inner.required"));
        assert!(e.problem.starts_with("missing"), "{}", e.problem);

        let e = read(vec![("inner", Node::Boolean(true))]).unwrap_err();
        assert_eq!(e.problem, "expected a table, found boolean");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_suggestion_from_the_fields() {
        let e = read(vec![("cuont", Node::Integer(1))]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("cuont"));
        assert_eq!(
            e.problem,
            "unknown key (did you mean `count`?); expected one of: name, count, inner"
        );
        let e = read(vec![("nmae", Node::Integer(1))]).unwrap_err();
        assert!(e.problem.contains("did you mean `name`"), "{}", e.problem);
        let e = read(vec![(
            "inner",
            Node::Table(vec![("requird".into(), Node::Integer(1))]),
        )])
        .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("inner.requird"));
        assert_eq!(
            e.problem,
            "unknown key (did you mean `required`?); expected one of: required"
        );
    }

    #[test]
    fn strings_are_never_repeated_back() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        enum Region {
            Us,
        }
        let node = Node::Integer(1);
        let ctx = Ctx {
            path: Path::new("c.toml"),
            shared_mode: None,
            shared_keys: &[],
        };
        let e = from_node::<Region>(&node, "region", &ctx).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("region"));
        let e = from_node::<u8>(&Node::String("hunter2".to_owned().into()), "k", &ctx).unwrap_err();
        assert!(!e.problem.contains("hunter2"), "{}", e.problem);
    }
}
