//! Fault rules for the sandbox: `--fault TARGET:OP:KIND[:RATE]`.

use std::fmt;
use std::str::FromStr;

use crate::model::ProviderKind;

/// Which requests a rule matches, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOp {
    List,
    Create,
    Delete,
    Update,
    Regenerate,
    Login,
    Any,
}

impl FaultOp {
    const NAMES: [(&'static str, FaultOp); 7] = [
        ("list", FaultOp::List),
        ("create", FaultOp::Create),
        ("delete", FaultOp::Delete),
        ("update", FaultOp::Update),
        ("regenerate", FaultOp::Regenerate),
        ("login", FaultOp::Login),
        ("any", FaultOp::Any),
    ];
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and the provider's own error body (429 adds `Retry-After`, 502 an
    /// HTML page as a real proxy would).
    Status(u16),
    /// Do the work, then never answer.
    Timeout,
    /// Do the work, then answer 200 with a body that is not JSON.
    Malformed,
    /// Do the work, then break the connection halfway through the body.
    Truncated,
    /// Answer 200 with a body far larger than any real one.
    Huge,
    /// Answer correctly, but only after a few seconds.
    Slow,
    /// Do the work, then answer with no content: 201 for a create, update or regenerate, 204 for
    /// a delete, 200 for anything else. sematext declares these besides its 200 with a body.
    NoContent,
}

const STATUSES: [u16; 9] = [401, 403, 404, 409, 429, 500, 502, 503, 504];

impl FromStr for FaultKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "timeout" => FaultKind::Timeout,
            "malformed" => FaultKind::Malformed,
            "truncated" => FaultKind::Truncated,
            "huge" => FaultKind::Huge,
            "slow" => FaultKind::Slow,
            "no-content" => FaultKind::NoContent,
            other => match other.parse::<u16>() {
                Ok(code) if STATUSES.contains(&code) => FaultKind::Status(code),
                _ => {
                    return Err(format!(
                        "unknown fault kind `{other}`; expected one of 401, 403, 404, 409, 429, 500, 502, 503, 504, timeout, malformed, truncated, huge, slow, no-content"
                    ));
                }
            },
        })
    }
}

/// The target that matches every request, on purpose.
pub const ANY: &str = "any";

/// One `--fault` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// A provider name, an account name, or `any` (every request).
    pub target: String,
    pub op: FaultOp,
    pub kind: FaultKind,
    /// The share of matching requests that fail, 0..=1.
    pub rate: f64,
}

impl FaultRule {
    pub fn new(target: impl Into<String>, op: FaultOp, kind: FaultKind) -> Self {
        FaultRule {
            target: target.into(),
            op,
            kind,
            rate: 1.0,
        }
    }

    /// Does this rule cover a request of `op` to `provider`, made as `account`?
    pub fn matches(&self, provider: ProviderKind, account: Option<&str>, op: FaultOp) -> bool {
        let target_ok = self.target == ANY
            || self.target == provider.name()
            || account.is_some_and(|a| a == self.target);
        let op_ok = self.op == FaultOp::Any || self.op == op;
        target_ok && op_ok
    }
}

impl FaultRule {
    /// Refuse a target that names neither a provider, an account of this sandbox, nor `any`: a
    /// typo would otherwise inject nothing, silently.
    pub fn check_target<'a>(
        &self,
        accounts: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), String> {
        let accounts: Vec<&str> = accounts.into_iter().collect();
        let known = self.target == ANY
            || ProviderKind::NAMES.contains(&self.target.as_str())
            || accounts.contains(&self.target.as_str());
        if known {
            return Ok(());
        }
        let providers = ProviderKind::NAMES;
        Err(format!(
            "fault `{self}`: unknown target `{}`; expected a provider ({}), an account of the \
             sandbox (such as {}) or `any`",
            self.target,
            providers.join(", "),
            accounts.first().copied().unwrap_or("fluid-1")
        ))
    }
}

impl FromStr for FaultRule {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let parts: Vec<&str> = spec.split(':').collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(format!(
                "`{spec}` is not TARGET:OP:KIND[:RATE], e.g. sematext:list:500 or qovery-1:create:timeout:0.5"
            ));
        }
        let target = parts[0];
        if target.is_empty() {
            return Err(format!(
                "`{spec}`: TARGET is empty; give a provider or an account name"
            ));
        }
        let op = FaultOp::NAMES
            .iter()
            .find(|(n, _)| *n == parts[1])
            .map(|(_, op)| *op)
            .ok_or_else(|| {
                format!(
                    "`{spec}`: unknown operation `{}`; expected one of list, create, delete, update, regenerate, login, any",
                    parts[1]
                )
            })?;
        let kind = parts[2].parse().map_err(|e| format!("`{spec}`: {e}"))?;
        let rate = match parts.get(3) {
            None => 1.0,
            Some(r) => match r.parse::<f64>() {
                Ok(v) if (0.0..=1.0).contains(&v) => v,
                _ => return Err(format!("`{spec}`: RATE `{r}` must be a number from 0 to 1")),
            },
        };
        Ok(FaultRule {
            target: target.to_owned(),
            op,
            kind,
            rate,
        })
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = FaultOp::NAMES
            .iter()
            .find(|(_, o)| *o == self.op)
            .map_or("any", |(n, _)| n);
        let kind = match self.kind {
            FaultKind::Status(c) => c.to_string(),
            FaultKind::Timeout => "timeout".into(),
            FaultKind::Malformed => "malformed".into(),
            FaultKind::Truncated => "truncated".into(),
            FaultKind::Huge => "huge".into(),
            FaultKind::Slow => "slow".into(),
            FaultKind::NoContent => "no-content".into(),
        };
        write!(f, "{}:{op}:{kind}:{}", self.target, self.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let r: FaultRule = "sematext:list:500".parse().unwrap();
        assert_eq!(
            r,
            FaultRule::new("sematext", FaultOp::List, FaultKind::Status(500))
        );
        let r: FaultRule = "qovery-1:create:timeout:0.5".parse().unwrap();
        assert_eq!(r.rate, 0.5);
        assert_eq!(r.kind, FaultKind::Timeout);
    }

    #[test]
    fn rejects_with_a_reason() {
        assert!(
            "fluid:list"
                .parse::<FaultRule>()
                .unwrap_err()
                .contains("TARGET:OP:KIND")
        );
        assert!(
            "fluid:frob:500"
                .parse::<FaultRule>()
                .unwrap_err()
                .contains("unknown operation")
        );
        assert!(
            "fluid:list:418"
                .parse::<FaultRule>()
                .unwrap_err()
                .contains("unknown fault kind")
        );
        assert!(
            "fluid:list:500:2"
                .parse::<FaultRule>()
                .unwrap_err()
                .contains("RATE")
        );
    }

    #[test]
    fn targets_are_checked_and_any_is_allowed() {
        let rule = |t: &str| FaultRule::new(t, FaultOp::List, FaultKind::Status(500));
        let accounts = ["fluid-1", "sematext-1"];
        assert!(rule("any").check_target(accounts).is_ok());
        assert!(rule("qovery").check_target(accounts).is_ok());
        assert!(rule("sematext-1").check_target(accounts).is_ok());
        let e = rule("bogus").check_target(accounts).unwrap_err();
        assert!(e.contains("unknown target `bogus`"), "{e}");
        assert!(rule("any").matches(ProviderKind::Qovery, None, FaultOp::List));
    }

    #[test]
    fn matches_provider_or_account() {
        let r = FaultRule::new("fluid", FaultOp::Any, FaultKind::Status(500));
        assert!(r.matches(ProviderKind::Fluid, Some("fluid-2"), FaultOp::Delete));
        assert!(!r.matches(ProviderKind::Qovery, None, FaultOp::Delete));
        let r = FaultRule::new("fluid-2", FaultOp::List, FaultKind::Status(500));
        assert!(r.matches(ProviderKind::Fluid, Some("fluid-2"), FaultOp::List));
        assert!(!r.matches(ProviderKind::Fluid, Some("fluid-1"), FaultOp::List));
        assert!(!r.matches(ProviderKind::Fluid, Some("fluid-2"), FaultOp::Create));
    }
}
