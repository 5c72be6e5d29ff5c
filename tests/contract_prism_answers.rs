//! Contract tests of what the clients make of every answer a provider's spec allows: each client
//! against Prism serving that provider's own OpenAPI document, made (through the proxy of
//! `common::prism`, which adds `Prefer` to the requests of one operation) to answer
//!
//! - every status each operation declares: the list of (operation, status) is read from the spec
//!   itself, so a status a spec gains is tested without anyone listing it. A declared success
//!   gives the right result; any other status gives the typed error for it, which names the
//!   status and holds no secret (never a panic, never "bad response");
//! - random data (`dynamic=true`: extra fields, odd strings, negative ids), a few times per
//!   operation: an answer or a clear typed error, never a panic or a decoding failure.
//!
//! Every operation of a spec is either sent by a client call listed here or named as unused with
//! the reason, so a new operation in a spec fails the test until someone decides. One Prism per
//! spec serves all of a provider's cases, which run concurrently.

mod common {
    pub mod prism;
    pub mod spec;
}

use std::path::PathBuf;
use std::sync::Arc;

use common::prism::{Prefer, Prism, Proxy, prerequisites, value};
use common::spec::{Operation, operations};
use tokdash::config::AccountConfig;
use tokdash::model::{ApiError, NewToken, TokenId, TokenUpdate};
use tokdash::provider::{Provider, ProviderKind};

/// How many times each operation is asked for random data.
const DYNAMIC_RUNS: usize = 5;

/// A client call, as tokdash's front ends make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    List,
    Create,
    Delete,
    Rename,
    Disable,
    Regenerate,
    Roles,
}

/// One provider under test.
struct Subject {
    provider: ProviderKind,
    /// The spec Prism serves (sematext's with its apps list added).
    spec: PathBuf,
    account: AccountConfig,
    /// The token the calls name: Prism's own example id where a re-list must find it.
    token_id: &'static str,
    /// The client calls that send each operation tokdash uses (`METHOD /path` as the spec
    /// writes it).
    calls: &'static [(&'static str, &'static [Call])],
    /// Operations of the spec no client call sends, with why.
    unused: &'static [(&'static str, &'static str)],
    /// What must never appear in an error: the credential, ids that are secrets.
    secrets: Vec<String>,
}

/// The error a status must give: the `ApiError::short` kind, and words of its message that name
/// the status.
struct Expected {
    short: &'static str,
    words: String,
}

/// The error for `status`, unless the provider documents another reading of it.
fn expected_error(provider: ProviderKind, call: Call, status: u16) -> Expected {
    let (short, words) = match (provider, call, status) {
        // qovery answers 403 for a token that does not exist, so the client re-lists; Prism's
        // list does not have the token, so the answer is "not found", saying qovery said 403.
        (ProviderKind::Qovery, Call::Delete, 403) => ("not found", "403".to_owned()),
        (_, _, 401) => ("auth failed", "authentication failed".to_owned()),
        (_, _, 403) => ("forbidden", "forbidden".to_owned()),
        (_, _, 404) => ("not found", "not found".to_owned()),
        (_, _, 409) => ("conflict", "conflict".to_owned()),
        (_, _, 429) => ("rate limited", "rate limited".to_owned()),
        (_, _, 500..=599) => ("server error", format!("HTTP {status}")),
        _ => ("rejected", format!("HTTP {status}")),
    };
    Expected { short, words }
}

/// Make `call`; `Ok(Err(why))` is a success whose result is wrong.
async fn run(client: &dyn Provider, call: Call, id: &str) -> Result<Result<(), String>, ApiError> {
    let id = TokenId::new(id);
    let check = |ok: bool, why: &str| if ok { Ok(()) } else { Err(why.to_owned()) };
    Ok(match call {
        Call::List => {
            let listed = client.list().await?;
            check(listed.is_complete(), "the list is marked partial")
        }
        Call::Create => {
            // Prism's examples name every token `name`; a create answered with no content
            // (sematext's 201) finds its token by that name.
            let created = client.create(NewToken::named("name")).await?;
            check(
                !secrecy::ExposeSecret::expose_secret(&created.secret).is_empty(),
                "the created token came without a secret",
            )
        }
        Call::Delete => {
            client.delete(id).await?;
            Ok(())
        }
        Call::Rename | Call::Disable => {
            let change = match call {
                Call::Rename => TokenUpdate {
                    name: Some("renamed".into()),
                    enabled: None,
                },
                _ => TokenUpdate {
                    name: None,
                    enabled: Some(false),
                },
            };
            let token = client.update(id.clone(), change).await?;
            check(token.id == id, "the updated token has another id")
        }
        Call::Regenerate => {
            let created = client.regenerate(id.clone()).await?;
            check(
                created.token.id == id
                    && !secrecy::ExposeSecret::expose_secret(&created.secret).is_empty(),
                "the regenerated token has another id or no secret",
            )
        }
        Call::Roles => {
            let roles = client.form_choices("role_id").await?;
            check(!roles.is_empty(), "no roles")
        }
    })
}

/// What one case is after.
#[derive(Clone)]
enum Goal {
    Status(u16),
    Random,
}

struct Case {
    label: String,
    operation: Operation,
    call: Call,
    goal: Goal,
}

/// Run one case through its own proxy; `Err` says what went wrong.
async fn check_case(subject: Arc<Subject>, prism: Arc<Prism>, case: Case) -> Result<(), String> {
    let prefer = match case.goal {
        Goal::Status(code) => format!("code={code}"),
        Goal::Random => "dynamic=true".to_owned(),
    };
    let proxy = Proxy::start(
        &prism,
        Some(Prefer {
            operation: case.operation.clone(),
            value: prefer,
        }),
    )
    .await;
    let client = proxy.account(subject.account.clone()).client;
    let (call, id) = (case.call, subject.token_id);
    // A panic in the client is a failure of this case, not of the whole test.
    let outcome = tokio::spawn(async move { run(client.as_ref(), call, id).await })
        .await
        .map_err(|e| format!("panicked: {e}"))?;

    let mut problems = proxy.invalid_requests();
    let preferred: Vec<u16> = proxy
        .seen()
        .iter()
        .filter(|ex| ex.preferred)
        .map(|ex| ex.status)
        .collect();
    if preferred.is_empty() {
        problems.push(format!("the call never sent {}", case.operation.name()));
    }
    match (&case.goal, outcome) {
        (Goal::Status(code), outcome) => {
            if preferred.iter().any(|s| s != code) {
                problems.push(format!("Prism answered {preferred:?}, not {code}"));
            }
            match (*code, outcome) {
                (200..=299, Ok(Ok(()))) => {}
                (200..=299, Ok(Err(why))) => problems.push(why),
                (200..=299, Err(e)) => problems.push(format!("failed: {e}")),
                (_, Ok(_)) => problems.push("succeeded".into()),
                (code, Err(e)) => {
                    let want = expected_error(subject.provider, call, code);
                    let shown = e.to_string();
                    if e.short() != want.short {
                        problems.push(format!(
                            "gave `{}` ({shown}), not `{}`",
                            e.short(),
                            want.short
                        ));
                    }
                    if !shown.contains(&want.words) {
                        problems.push(format!(
                            "its message does not say {:?}: {shown}",
                            want.words
                        ));
                    }
                    let debug = format!("{e:?}");
                    for secret in &subject.secrets {
                        if shown.contains(secret.as_str()) || debug.contains(secret.as_str()) {
                            problems.push(format!("its error holds a secret: {shown}"));
                        }
                    }
                }
            }
        }
        (Goal::Random, Ok(_)) => {}
        (Goal::Random, Err(e)) if decoding_failure(&e) => {
            problems.push(format!("could not decode a spec-valid answer: {e}"))
        }
        (Goal::Random, Err(_)) => {}
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// A valid answer the client could not read as JSON of the shape it expects.
fn decoding_failure(e: &ApiError) -> bool {
    matches!(e, ApiError::Decode(m) if m.contains("not the expected JSON"))
}

/// Every case of `subject`: each declared status of each operation its calls send, and random
/// data a few times per call. Panics naming an operation of the spec nobody classified, or a
/// listed one the spec lacks.
fn cases(subject: &Subject) -> Vec<Case> {
    let ops = operations(&subject.spec);
    let mut problems = Vec::new();
    for op in &ops {
        let name = op.name();
        let known = subject.calls.iter().any(|(n, _)| *n == name)
            || subject.unused.iter().any(|(n, _)| *n == name);
        if !known {
            problems.push(format!(
                "{name} is in the spec but neither a client call nor listed as unused"
            ));
        }
    }
    let listed = subject.calls.iter().map(|(n, _)| *n);
    for name in listed.chain(subject.unused.iter().map(|(n, _)| *n)) {
        if !ops.iter().any(|op| op.name() == name) {
            problems.push(format!("{name} is listed here but not in the spec"));
        }
    }
    assert!(problems.is_empty(), "{}: {problems:#?}", subject.provider);

    let mut out = Vec::new();
    for (name, calls) in subject.calls {
        let op = ops.iter().find(|op| op.name() == *name).unwrap();
        for &call in *calls {
            for &status in &op.statuses {
                out.push(Case {
                    label: format!("{} {name} → {status} ({call:?})", subject.provider),
                    operation: op.clone(),
                    call,
                    goal: Goal::Status(status),
                });
            }
            for run in 1..=DYNAMIC_RUNS {
                out.push(Case {
                    label: format!(
                        "{} {name} → random data #{run} ({call:?})",
                        subject.provider
                    ),
                    operation: op.clone(),
                    call,
                    goal: Goal::Random,
                });
            }
        }
    }
    out
}

/// Run every case of `subject` against one Prism, concurrently; fail listing every case that
/// went wrong.
async fn check_subject(subject: Subject) {
    let prism = Arc::new(Prism::start(&subject.spec));
    let subject = Arc::new(subject);
    let cases = cases(&subject);
    let total = cases.len();
    let runs = cases.into_iter().map(|case| {
        let label = case.label.clone();
        let run = check_case(subject.clone(), prism.clone(), case);
        async move { (label, run.await) }
    });
    let failures: Vec<String> = futures::future::join_all(runs)
        .await
        .into_iter()
        .filter_map(|(label, r)| r.err().map(|why| format!("{label}: {why}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cases mishandled:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn fluid_takes_every_declared_status_and_random_data() {
    if prerequisites().is_none() {
        return;
    }
    let credential = "ab".repeat(32);
    let mut account = AccountConfig::new("fluid-contract", ProviderKind::Fluid);
    account.provider_keys.set("org_slug", "acme-1");
    account.credential = value(&credential);
    check_subject(Subject {
        provider: ProviderKind::Fluid,
        spec: "fluid.yaml".into(),
        account,
        token_id: "HTK-3f9a1c02b7de4e58",
        calls: &[
            ("GET /v1/orgs/{slug}/hosts/tokens", &[Call::List]),
            ("POST /v1/orgs/{slug}/hosts/tokens", &[Call::Create]),
            (
                "DELETE /v1/orgs/{slug}/hosts/tokens/{tokenID}",
                &[Call::Delete],
            ),
        ],
        unused: &[],
        secrets: vec![credential],
    })
    .await;
}

#[tokio::test]
async fn lagrello_takes_every_declared_status_and_random_data() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("lagrello-contract", ProviderKind::Lagrello);
    account.credential = value("lagrello-access-token");
    let token_id = "ffd12fb4-da5b-4751-a9f6-d3214b418139";
    check_subject(Subject {
        provider: ProviderKind::Lagrello,
        spec: "lagrello.yaml".into(),
        account,
        token_id,
        calls: &[
            ("GET /v1/tokens", &[Call::List]),
            ("POST /v1/tokens", &[Call::Create]),
            ("DELETE /v1/tokens/{tokenId}", &[Call::Delete]),
        ],
        unused: &[],
        // The tokenKey may be the bearer secret: an error shows it masked.
        secrets: vec!["lagrello-access-token".into(), token_id.into()],
    })
    .await;
}

/// Why qovery's policy-token operations are not called.
const UNUSED: &str = "tokdash manages API tokens; policy tokens are another feature";

#[tokio::test]
async fn qovery_takes_every_declared_status_and_random_data() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("qovery-contract", ProviderKind::Qovery);
    account
        .provider_keys
        .set("organization_id", "5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90");
    account.credential = value("qov_contract_token");
    check_subject(Subject {
        provider: ProviderKind::Qovery,
        spec: "qovery.yaml".into(),
        account,
        token_id: "8e4b1a52-0c1d-4a58-b0a1-6f2d9c3e7b11",
        calls: &[
            ("GET /organization/{organizationId}/apiToken", &[Call::List]),
            (
                "POST /organization/{organizationId}/apiToken",
                &[Call::Create],
            ),
            (
                "DELETE /organization/{organizationId}/apiToken/{apiTokenId}",
                &[Call::Delete],
            ),
            (
                "GET /organization/{organizationId}/availableRole",
                &[Call::Roles],
            ),
        ],
        unused: &[
            ("GET /organization/{organizationId}/policyApiToken", UNUSED),
            ("POST /organization/{organizationId}/policyApiToken", UNUSED),
            (
                "DELETE /organization/{organizationId}/policyApiToken/{policyApiTokenId}",
                UNUSED,
            ),
        ],
        secrets: vec!["qov_contract_token".into()],
    })
    .await;
}

#[tokio::test]
async fn sematext_takes_every_declared_status_and_random_data() {
    if prerequisites().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = common::prism::sematext_spec_with_apps(dir.path());
    let credential = "e5f18450-205a-48eb-8589-7d49edaea813";
    let mut account = AccountConfig::new("sematext-contract", ProviderKind::Sematext);
    // The app of the apps list's example.
    account.provider_keys.set("app_id", 5);
    account.credential = value(credential);
    check_subject(Subject {
        provider: ProviderKind::Sematext,
        spec,
        account,
        // The id of the tokens in Prism's examples, so a re-list after "no content" finds it.
        token_id: "0",
        calls: &[
            ("GET /users-web/api/v3/apps", &[Call::List]),
            ("GET /users-web/api/v3/apps/{appId}/tokens", &[Call::List]),
            (
                "POST /users-web/api/v3/apps/{appId}/tokens",
                &[Call::Create],
            ),
            (
                "PUT /users-web/api/v3/apps/{appId}/tokens/{tokenId}",
                &[Call::Rename, Call::Disable],
            ),
            (
                "POST /users-web/api/v3/apps/{appId}/tokens/{tokenId}/regenerate",
                &[Call::Regenerate],
            ),
            (
                "DELETE /users-web/api/v3/apps/{appId}/tokens/{tokenId}",
                &[Call::Delete],
            ),
        ],
        unused: &[],
        secrets: vec![credential.into()],
    })
    .await;
}
