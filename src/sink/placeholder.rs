//! The placeholders of a sink's command and file path: `{account}`, `{provider}`, `{name}` and
//! `{id}` (masked where ids are secrets), with `{{` and `}}` for braces. A template is checked
//! when the configuration is read, so an unknown placeholder is a configuration error; it is
//! filled in just before a delivery, where a value that would change what the template means is
//! refused: an argument that would start with `-` (an option the user never wrote, such as a
//! token named `--repo=elsewhere`), a path component that is empty, `.`, `..` or holds a `/`,
//! and any control or invisible character.

use std::fmt;

use crate::model::{Caps, ProviderKind, TokenId, masked_id};
use crate::text::{is_unsafe, sanitize};

/// The placeholders, as written.
pub const PLACEHOLDERS: &[&str] = &["{account}", "{provider}", "{name}", "{id}"];

/// What a delivery is about, in the words the placeholders stand for. The id is already in the
/// form that may be shown (masked where ids are secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub account: String,
    pub provider: String,
    pub name: String,
    pub id: String,
}

impl Subject {
    /// The subject of token `name` (`id`) of an account: the id masked where the provider's ids
    /// are secrets ([`masked_id`], the one rule), ready for the placeholders.
    pub fn new(
        account: &str,
        provider: ProviderKind,
        name: &str,
        id: &TokenId,
        caps: &Caps,
    ) -> Self {
        Subject {
            account: account.to_owned(),
            provider: provider.to_string(),
            name: name.to_owned(),
            id: masked_id(id, caps),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Account,
    Provider,
    Name,
    Id,
}

impl Field {
    fn value(self, subject: &Subject) -> &str {
        match self {
            Field::Account => &subject.account,
            Field::Provider => &subject.provider,
            Field::Name => &subject.name,
            Field::Id => &subject.id,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Field::Account => "account",
            Field::Provider => "provider",
            Field::Name => "name",
            Field::Id => "id",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Field),
}

/// A command argument or a file path with placeholders, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct Template {
    raw: String,
    parts: Vec<Part>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({:?})", self.raw)
    }
}

/// What a filled-in template becomes, which decides what a value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// One argument of a command (run without a shell).
    Argument,
    /// A file path: a value is one path component at most.
    Path,
}

impl Template {
    /// Read a template; the error says which placeholder is unknown and which exist.
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    let field = match name.as_str() {
                        "account" if closed => Field::Account,
                        "provider" if closed => Field::Provider,
                        "name" if closed => Field::Name,
                        "id" if closed => Field::Id,
                        _ => {
                            let written = if closed {
                                format!("{{{name}}}")
                            } else {
                                format!("{{{name}")
                            };
                            return Err(format!(
                                "unknown placeholder `{}` in `{}`; expected {} (write {{{{ and \
                                 }}}} for a brace)",
                                sanitize(&written),
                                sanitize(raw),
                                PLACEHOLDERS.join(", ")
                            ));
                        }
                    };
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field(field));
                }
                '}' => {
                    return Err(format!(
                        "a lone `}}` in `{}`; write `}}}}` for a brace",
                        sanitize(raw)
                    ));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            raw: raw.to_owned(),
            parts,
        })
    }

    /// As written in the configuration.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Fill in the placeholders for `subject`, refusing a value that would change what the
    /// template means where it is used (see the module's comment).
    pub fn fill(&self, subject: &Subject, usage: Use) -> Result<String, String> {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(field) => {
                    let value = field.value(subject);
                    let refuse = |why: &str| {
                        Err(format!(
                            "the {} `{}` cannot fill `{{{}}}` in `{}`: {why}",
                            field.label(),
                            sanitize(value),
                            field.label(),
                            sanitize(&self.raw)
                        ))
                    };
                    if value.chars().any(|c| c.is_control() || is_unsafe(c)) {
                        return refuse("it holds a control or invisible character");
                    }
                    if usage == Use::Argument && i == 0 && value.starts_with('-') {
                        return refuse("it would start the argument with `-`, as an option");
                    }
                    if usage == Use::Path
                        && (value.is_empty()
                            || value == "."
                            || value == ".."
                            || value.contains('/'))
                    {
                        return refuse("a path component must not be empty, `.`, `..` or hold `/`");
                    }
                    out.push_str(value);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str) -> Subject {
        Subject {
            account: "prod".into(),
            provider: "qovery".into(),
            name: name.into(),
            id: "••••e8be02".into(),
        }
    }

    #[test]
    fn every_placeholder_is_filled_and_braces_are_escaped() {
        let t = Template::parse("{account}/{provider}/{name}-{id}.{{x}}").unwrap();
        assert_eq!(
            t.fill(&subject("ci"), Use::Argument).unwrap(),
            "prod/qovery/ci-••••e8be02.{x}"
        );
    }

    #[test]
    fn an_unknown_or_unclosed_placeholder_is_refused_with_the_known_ones() {
        let err = Template::parse("secret/{acount}").unwrap_err();
        assert!(err.contains("unknown placeholder `{acount}`"), "{err}");
        assert!(err.contains("{account}, {provider}, {name}, {id}"), "{err}");
        assert!(Template::parse("x{name").is_err());
        assert!(Template::parse("x}").is_err());
    }

    #[test]
    fn a_value_that_would_change_the_meaning_is_refused() {
        let arg = Template::parse("{name}").unwrap();
        let err = arg
            .fill(&subject("--repo=evil/x"), Use::Argument)
            .unwrap_err();
        assert!(err.contains("as an option"), "{err}");
        // Inside an argument a dash is only text.
        let kv = Template::parse("name={name}").unwrap();
        assert_eq!(kv.fill(&subject("-x"), Use::Argument).unwrap(), "name=-x");
        let path = Template::parse("/tmp/{name}.token").unwrap();
        for bad in ["../../etc/passwd", "..", "", "a/b"] {
            assert!(path.fill(&subject(bad), Use::Path).is_err(), "{bad:?}");
        }
        assert!(arg.fill(&subject("a\u{1b}[2J"), Use::Argument).is_err());
        assert!(arg.fill(&subject("a\nb"), Use::Argument).is_err());
    }
}
