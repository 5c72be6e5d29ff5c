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
//! the reason, so a new operation in a spec fails the test until someone decides. What a status
//! gives is the same for every provider except where a subject's data says otherwise: a failure
//! of an operation that is one part of a list (qovery's policy tokens) leaves the list partial,
//! and a provider may document another reading of a status (qovery's 403 on delete). One Prism
//! per spec serves all of a provider's cases, which run concurrently.

mod common {
    pub mod prism;
    pub mod spec;
}

use std::path::PathBuf;
use std::sync::Arc;

use common::prism::{Prefer, Prism, Proxy, prerequisites, value};
use common::spec::{Operation, operations};
use secrecy::ExposeSecret;
use tokdash::config::AccountConfig;
use tokdash::model::{ApiError, NewToken, TokenId, TokenUpdate};
use tokdash::provider::qovery::POLICY_KIND;
use tokdash::provider::{Provider, ProviderKind};

/// How many times each operation is asked for random data.
const DYNAMIC_RUNS: usize = 5;

/// A client call, as tokdash's front ends make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    List,
    Create,
    /// A create with an OPA policy and an expiry: a qovery policy API token.
    PolicyCreate,
    /// Delete [`Subject::token_id`].
    Delete,
    /// Delete [`Subject::policy_token_id`].
    PolicyDelete,
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
    /// The token [`Call::PolicyDelete`] names: one in Prism's list of policy tokens, so the
    /// client finds it is one.
    policy_token_id: Option<&'static str>,
    /// The client calls that send each operation tokdash uses (`METHOD /path` as the spec
    /// writes it).
    calls: &'static [(&'static str, &'static [Call])],
    /// Operations of the spec no client call sends, with why.
    unused: &'static [(&'static str, &'static str)],
    /// Operations that are one part of a list of several: when one fails, [`Call::List`] still
    /// answers with the other parts' tokens, marked partial, the reason naming the status.
    list_parts: &'static [&'static str],
    /// Statuses of an operation the provider documents another reading of.
    readings: &'static [Reading],
    /// What must never appear in an error: the credential, ids that are secrets.
    secrets: Vec<String>,
}

/// The error a status must give: the `ApiError::short` kind, and words of its message that name
/// the status.
struct Expected {
    short: &'static str,
    words: String,
}

/// A status of one operation that gives another error than the usual one (`expected_error`).
struct Reading {
    operation: &'static str,
    status: u16,
    short: &'static str,
    words: &'static str,
}

/// What a case must give.
enum Want {
    /// The call's right result.
    Success,
    /// The typed error.
    Error(Expected),
    /// A list marked partial, still holding the other parts' tokens, whose reason names the
    /// status (`HTTP NNN`) and says the error's words.
    Partial(Expected),
}

/// What `call` must give when `operation` answers `status`.
fn want(subject: &Subject, operation: &str, call: Call, status: u16) -> Want {
    if (200..=299).contains(&status) {
        return Want::Success;
    }
    let reading = subject
        .readings
        .iter()
        .find(|r| r.operation == operation && r.status == status);
    let error = match reading {
        Some(r) => Expected {
            short: r.short,
            words: r.words.to_owned(),
        },
        None => expected_error(status),
    };
    if call == Call::List && subject.list_parts.contains(&operation) {
        Want::Partial(error)
    } else {
        Want::Error(error)
    }
}

/// The usual error for `status`.
fn expected_error(status: u16) -> Expected {
    let (short, words) = match status {
        401 => ("auth failed", "authentication failed".to_owned()),
        403 => ("forbidden", "forbidden".to_owned()),
        404 => ("not found", "not found".to_owned()),
        409 => ("conflict", "conflict".to_owned()),
        429 => ("rate limited", "rate limited".to_owned()),
        500..=599 => ("server error", format!("HTTP {status}")),
        _ => ("rejected", format!("HTTP {status}")),
    };
    Expected { short, words }
}

/// What a call that did not fail gave.
enum Gave {
    Right,
    /// A success whose result is wrong, and why.
    Wrong(String),
    /// A list marked partial: its reason and how many tokens it still holds.
    Partial {
        reason: String,
        tokens: usize,
    },
}

/// Make `call`.
async fn run(client: &dyn Provider, call: Call, subject: &Subject) -> Result<Gave, ApiError> {
    let id = TokenId::new(subject.token_id);
    let check = |ok: bool, why: &str| {
        if ok {
            Gave::Right
        } else {
            Gave::Wrong(why.to_owned())
        }
    };
    Ok(match call {
        Call::List => {
            let listed = client.list().await?;
            match listed.partial {
                None => Gave::Right,
                Some(reason) => Gave::Partial {
                    reason,
                    tokens: listed.tokens.len(),
                },
            }
        }
        Call::Create => {
            // Prism's examples name every token `name`; a create answered with no content
            // (sematext's 201) finds its token by that name.
            let created = client.create(NewToken::named("name")).await?;
            check(
                !created.secret.expose_secret().is_empty(),
                "the created token came without a secret",
            )
        }
        Call::PolicyCreate => {
            let mut new = NewToken::named("name");
            new.opa_policy = Some("allow := true".into());
            new.expires_at = Some(time::macros::datetime!(2030-01-01 00:00 UTC));
            let created = client.create(new).await?;
            check(
                created.token.kind == Some(POLICY_KIND)
                    && !created.secret.expose_secret().is_empty(),
                "the created token is not a policy token or came without a secret",
            )
        }
        Call::Delete => {
            client.delete(id).await?;
            Gave::Right
        }
        Call::PolicyDelete => {
            let id = subject
                .policy_token_id
                .expect("a subject with Call::PolicyDelete names a policy_token_id");
            client.delete(TokenId::new(id)).await?;
            Gave::Right
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
                created.token.id == id && !created.secret.expose_secret().is_empty(),
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

/// Whether `text` (an error's Display or Debug, a partial list's reason) says `want`'s words and
/// no secret; the problems found.
fn check_text(subject: &Subject, want: &Expected, shown: &str, debug: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !shown.contains(&want.words) {
        problems.push(format!("it does not say {:?}: {shown}", want.words));
    }
    for secret in &subject.secrets {
        if shown.contains(secret.as_str()) || debug.contains(secret.as_str()) {
            problems.push(format!("it holds a secret: {shown}"));
        }
    }
    problems
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
    let call = case.call;
    let for_run = subject.clone();
    // A panic in the client is a failure of this case, not of the whole test.
    let outcome = tokio::spawn(async move { run(client.as_ref(), call, &for_run).await })
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
            let want = want(&subject, &case.operation.name(), call, *code);
            match (want, outcome) {
                (Want::Success, Ok(Gave::Right)) => {}
                (Want::Success, Ok(Gave::Wrong(why))) => problems.push(why),
                (Want::Success, Ok(Gave::Partial { reason, .. })) => {
                    problems.push(format!("the list is marked partial: {reason}"))
                }
                (Want::Partial(want), Ok(Gave::Partial { reason, tokens })) => {
                    if !reason.contains(&format!("HTTP {code}")) {
                        problems.push(format!(
                            "its partial reason does not say HTTP {code}: {reason}"
                        ));
                    }
                    if tokens == 0 {
                        problems.push("the partial list lost the other parts' tokens".into());
                    }
                    problems.extend(
                        check_text(&subject, &want, &reason, &reason)
                            .into_iter()
                            .map(|p| format!("its partial reason: {p}")),
                    );
                }
                (Want::Partial(_), Ok(_)) => problems.push("the list is not marked partial".into()),
                (Want::Error(_), Ok(_)) => problems.push("succeeded".into()),
                (Want::Success | Want::Partial(_), Err(e)) => problems.push(format!("failed: {e}")),
                (Want::Error(want), Err(e)) => {
                    let shown = e.to_string();
                    if e.short() != want.short {
                        problems.push(format!(
                            "gave `{}` ({shown}), not `{}`",
                            e.short(),
                            want.short
                        ));
                    }
                    problems.extend(
                        check_text(&subject, &want, &shown, &format!("{e:?}"))
                            .into_iter()
                            .map(|p| format!("its error: {p}")),
                    );
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
    let readings = subject.readings.iter().map(|r| r.operation);
    for name in subject.list_parts.iter().copied().chain(readings) {
        if !subject.calls.iter().any(|(n, _)| *n == name) {
            problems.push(format!("{name} has expectations here but no client call"));
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
        policy_token_id: None,
        calls: &[
            ("GET /v1/orgs/{slug}/hosts/tokens", &[Call::List]),
            ("POST /v1/orgs/{slug}/hosts/tokens", &[Call::Create]),
            (
                "DELETE /v1/orgs/{slug}/hosts/tokens/{tokenID}",
                &[Call::Delete],
            ),
        ],
        unused: &[],
        list_parts: &[],
        readings: &[],
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
        policy_token_id: None,
        calls: &[
            ("GET /v1/tokens", &[Call::List]),
            ("POST /v1/tokens", &[Call::Create]),
            ("DELETE /v1/tokens/{tokenId}", &[Call::Delete]),
        ],
        unused: &[],
        list_parts: &[],
        readings: &[],
        // The tokenKey may be the bearer secret: an error shows it masked.
        secrets: vec!["lagrello-access-token".into(), token_id.into()],
    })
    .await;
}

/// qovery's list of policy tokens: the second part of its list, and the lookup of an id not
/// seen yet before a delete.
const QOVERY_POLICY_LIST: &str = "GET /organization/{organizationId}/policyApiToken";

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
        // In neither of Prism's lists: an organization API token to the client, which a re-list
        // after a 403 does not find.
        token_id: "8e4b1a52-0c1d-4a58-b0a1-6f2d9c3e7b11",
        // The id Prism generates for the token of its list of policy tokens.
        policy_token_id: Some("497f6eca-6276-4993-bfeb-53cbbbba6f08"),
        calls: &[
            ("GET /organization/{organizationId}/apiToken", &[Call::List]),
            (
                QOVERY_POLICY_LIST,
                &[Call::List, Call::Delete, Call::PolicyDelete],
            ),
            (
                "POST /organization/{organizationId}/apiToken",
                &[Call::Create],
            ),
            (
                "POST /organization/{organizationId}/policyApiToken",
                &[Call::PolicyCreate],
            ),
            (
                "DELETE /organization/{organizationId}/apiToken/{apiTokenId}",
                &[Call::Delete],
            ),
            (
                "DELETE /organization/{organizationId}/policyApiToken/{policyApiTokenId}",
                &[Call::PolicyDelete],
            ),
            (
                "GET /organization/{organizationId}/availableRole",
                &[Call::Roles],
            ),
        ],
        unused: &[],
        list_parts: &[QOVERY_POLICY_LIST],
        // qovery answers 403 for a token that does not exist, so the client re-lists; Prism's
        // list does not have the token, so the answer is "not found", saying qovery said 403.
        // (The policy token is in Prism's list of policy tokens: its 403 stays "forbidden".)
        readings: &[Reading {
            operation: "DELETE /organization/{organizationId}/apiToken/{apiTokenId}",
            status: 403,
            short: "not found",
            words: "403",
        }],
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
        policy_token_id: None,
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
        list_parts: &[],
        readings: &[],
        secrets: vec![credential.into()],
    })
    .await;
}
