//! The providers' OpenAPI documents in `../shared/providers/specs/`: where they are, and the
//! operations each declares with their statuses, read from the document itself so that an
//! operation or status added to a spec is tested without anyone listing it.

use std::path::{Path, PathBuf};

pub fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/providers/specs")
}

/// One operation of a spec: its method, path template and every status it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Upper case: `GET`, `POST`, ….
    pub method: String,
    /// As the spec writes it: `/v1/tokens/{tokenId}`.
    pub path: String,
    pub statuses: Vec<u16>,
}

impl Operation {
    /// `GET /v1/tokens`.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Does a request with this method and path (no query) belong to this operation? A
    /// `{param}` segment matches any one non-empty segment.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let template: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        method.eq_ignore_ascii_case(&self.method)
            && template.len() == actual.len()
            && template.iter().zip(&actual).all(|(t, a)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !a.is_empty()
                } else {
                    t == a
                }
            })
    }
}

/// Every operation `spec` declares, with its statuses, read from the document itself, so a
/// status added to a spec is tested without anyone listing it.
pub fn operations(spec: &Path) -> Vec<Operation> {
    const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];
    let path = specs_dir().join(spec);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let doc: serde_norway::Value = serde_norway::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
    let paths = doc["paths"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{} has no paths", path.display()));
    let mut out = Vec::new();
    for (template, item) in paths {
        let template = template.as_str().expect("a path is a string");
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let responses = op["responses"]
                .as_mapping()
                .unwrap_or_else(|| panic!("{method} {template} declares no responses"));
            let statuses = responses
                .keys()
                .filter_map(|k| match k {
                    serde_norway::Value::String(s) => s.parse().ok(),
                    serde_norway::Value::Number(n) => n.as_u64().map(|n| n as u16),
                    _ => None,
                })
                .collect();
            out.push(Operation {
                method: method.to_ascii_uppercase(),
                path: template.to_owned(),
                statuses,
            });
        }
    }
    out
}
