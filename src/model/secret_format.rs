//! What a provider's secrets look like: each provider declares its `SECRET_FORMAT` next to its
//! client (`src/provider/<name>.rs`), and the leak search (`src/leak/shape.rs`) draws its hints
//! from it. Vocabulary only, so that providers and the leak search both depend on it, not on
//! each other.

/// The characters a secret is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// `0-9a-f`.
    LowerHex,
    /// `0-9a-fA-F`.
    Hex,
    /// `0-9a-zA-Z`.
    Alphanumeric,
}

impl Alphabet {
    fn admits(self, c: char) -> bool {
        match self {
            Alphabet::LowerHex => c.is_ascii_digit() || ('a'..='f').contains(&c),
            Alphabet::Hex => c.is_ascii_hexdigit(),
            Alphabet::Alphanumeric => c.is_ascii_alphanumeric(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Alphabet::LowerHex => "lowercase hex",
            Alphabet::Hex => "hex",
            Alphabet::Alphanumeric => "letters and digits",
        }
    }
}

/// The shape of a secret, as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A fixed prefix (possibly empty), then exactly `len` characters of `alphabet`.
    Chars {
        prefix: &'static str,
        len: usize,
        alphabet: Alphabet,
    },
    /// A UUID in its usual hyphenated form (`8-4-4-4-12` hex digits), either case.
    Uuid,
    /// The format is not documented: any value could be one.
    Opaque,
}

impl Shape {
    /// Does `value` have this shape? `Opaque` admits anything that is not empty.
    pub fn admits(&self, value: &str) -> bool {
        match *self {
            Shape::Chars {
                prefix,
                len,
                alphabet,
            } => value.strip_prefix(prefix).is_some_and(|rest| {
                rest.chars().count() == len && rest.chars().all(|c| alphabet.admits(c))
            }),
            Shape::Uuid => {
                let groups: Vec<&str> = value.split('-').collect();
                groups.len() == 5
                    && groups
                        .iter()
                        .zip([8, 4, 4, 4, 12])
                        .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
            }
            Shape::Opaque => !value.is_empty(),
        }
    }

    /// The shape in a few words: "64 lowercase hex characters", "a UUID".
    pub fn describe(&self) -> String {
        match *self {
            Shape::Chars {
                prefix: "",
                len,
                alphabet,
            } => format!("{len} {} characters", alphabet.describe()),
            Shape::Chars {
                prefix,
                len,
                alphabet,
            } => format!("`{prefix}` then {len} {} characters", alphabet.describe()),
            Shape::Uuid => "a UUID".to_owned(),
            Shape::Opaque => "undocumented format".to_owned(),
        }
    }
}

/// What one provider's token secrets look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretFormat {
    /// What the provider calls the secret: "host token", "tokenKey", ….
    pub what: &'static str,
    pub shape: Shape,
    /// Where the shape is known from, in a few words, so a hint can say how sure it is.
    pub source: &'static str,
}
