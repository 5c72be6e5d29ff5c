//! The layering that ARCHITECTURE.md describes, checked on the sources: a lower layer never
//! names a higher one, so config, credential, model and provider cannot grow back into one
//! import cycle. A failure names the file and line that crossed a layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and the crate modules it must never use. Comments (doc links
/// included) are not uses.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "text",
        &[
            "model",
            "credential",
            "config",
            "provider",
            "app",
            "ui",
            "cli",
        ],
    ),
    (
        "secret",
        &[
            "model",
            "credential",
            "config",
            "provider",
            "app",
            "ui",
            "cli",
        ],
    ),
    (
        "model",
        &[
            "credential",
            "config",
            "provider",
            "leak",
            "audit",
            "app",
            "ui",
            "cli",
        ],
    ),
    ("credential", &["config", "provider", "app", "ui", "cli"]),
    (
        "config",
        &["provider", "sandbox", "leak", "app", "ui", "cli"],
    ),
    (
        "provider",
        &["leak", "sandbox", "audit", "app", "ui", "cli", "worker"],
    ),
    ("leak", &["app", "ui", "cli", "worker", "sandbox"]),
    (
        "policy",
        &[
            "provider", "sandbox", "leak", "audit", "record", "app", "ui", "cli", "worker",
        ],
    ),
    (
        "record",
        &[
            "config",
            "credential",
            "leak",
            "audit",
            "sandbox",
            "app",
            "ui",
            "cli",
            "worker",
        ],
    ),
    ("audit", &["app", "ui", "cli"]),
    (
        "inventory",
        &[
            "credential",
            "config",
            "provider",
            "leak",
            "audit",
            "app",
            "ui",
            "cli",
            "worker",
            "effects",
        ],
    ),
    ("sandbox", &["provider", "app", "ui", "cli"]),
    (
        "sink",
        &[
            "config", "provider", "leak", "audit", "sandbox", "app", "ui", "cli", "worker",
        ],
    ),
    (
        "app",
        &[
            "cli",
            "worker",
            "effects",
            "event_loop",
            "dashboard",
            "terminal",
        ],
    ),
    (
        "ui",
        &["cli", "worker", "effects", "event_loop", "dashboard"],
    ),
    ("worker", &["ui", "cli"]),
];

/// One allowed crossing, with its reason: the tokens table asks the layout how many rows a
/// page shows, so PgUp/PgDn move by what the user sees.
const ALLOWED: &[(&str, &str)] = &[("app", "ui::token_rows_visible")];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate paths some code names, as `crate::x::…` or inside `use crate::{x, y::z}` (which
/// may span lines), each with its offset in the code.
fn crate_uses(code: &str) -> Vec<(usize, String)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect()
    };
    let mut used = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let path = ident(item.trim());
                    if !path.is_empty() {
                        used.push((i, path));
                    }
                }
            }
            None => used.push((i, ident(rest))),
        }
    }
    used
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let forbidden: BTreeMap<&str, &[&str]> = FORBIDDEN.iter().copied().collect();
    let mut crossings = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_owned())
            .expect("a module name");
        let Some(never) = forbidden.get(top.as_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("readable source");
        // Comments are not uses; keep the line breaks so offsets map back to lines.
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        for (offset, used) in crate_uses(&code) {
            let module = used.split("::").next().unwrap_or_default();
            let allowed = ALLOWED
                .iter()
                .any(|(from, path)| *from == top && used.starts_with(path));
            if never.contains(&module) && !allowed {
                let line = code[..offset].lines().count().max(1);
                crossings.push(format!(
                    "src/{}:{line}: `{top}` uses `crate::{used}`",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        crossings.is_empty(),
        "layering broken (see ARCHITECTURE.md):\n{}",
        crossings.join("\n")
    );
}

#[test]
fn the_checker_sees_every_form_of_use() {
    let paths =
        |code: &str| -> Vec<String> { crate_uses(code).into_iter().map(|(_, p)| p).collect() };
    assert_eq!(
        paths("use crate::provider::Registry;"),
        ["provider::Registry"]
    );
    assert_eq!(
        paths("use crate::{\n    config::Config,\n    model,\n};"),
        ["config::Config", "model"]
    );
    assert_eq!(
        paths("let k = crate::provider::ProviderKind::Fluid;"),
        ["provider::ProviderKind::Fluid"]
    );
}
