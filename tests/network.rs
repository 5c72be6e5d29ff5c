//! The provider layer at scale, over real HTTP on loopback against the in-process sandbox: reads
//! recover from 429 and 5xx, a list that cannot finish gives up at its deadline with a clear
//! error, changes are sent exactly once and a 504 on one is "outcome unknown", `Retry-After` is
//! honoured, `[network]` values are checked, and a retry shows on the dashboard's account row.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod cli;
    pub mod config_file;
    pub mod fixtures;
    pub mod sandbox;
    pub mod screen;
}

use std::time::{Duration, Instant};

use common::config_file::error_of;
use common::fixtures::{list_id, options, started};
use common::sandbox::{requests_to, start};
use futures::future::join_all;
use reqwest::Method;
use tokdash::app::{Msg, update};
use tokdash::config::Config;
use tokdash::model::{ApiError, NewToken, OpKind};
use tokdash::provider::http::Retrying;
use tokdash::provider::{ProviderKind, Registry};
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions};

const ACCOUNTS_PER_PROVIDER: usize = 10;
/// More than two of lagrello's pages of 20, so its list pages.
const TOKENS: usize = 45;

async fn forty_accounts(fault: &str) -> Sandbox {
    start(SandboxOptions {
        accounts_per_provider: ACCOUNTS_PER_PROVIDER,
        tokens_per_account: TOKENS,
        faults: vec![fault.parse().expect("a valid fault rule")],
        retry_after: Duration::from_secs(1),
        ..SandboxOptions::default()
    })
    .await
}

/// List every account of the sandbox `runs` times, as `tokdash list` does; how many runs listed
/// every account complete, with every token.
async fn complete_runs(sandbox: &Sandbox, runs: usize) -> (usize, Vec<String>) {
    let registry = Registry::from_config(&sandbox.config(), false).unwrap();
    assert_eq!(registry.accounts.len(), 4 * ACCOUNTS_PER_PROVIDER);
    let mut complete = 0;
    let mut problems = Vec::new();
    for _ in 0..runs {
        let lists = join_all(registry.accounts.iter().map(|a| a.list())).await;
        let mut whole = true;
        for (account, listed) in registry.accounts.iter().zip(lists) {
            match listed {
                Ok(l) if l.is_complete() && l.tokens.len() == TOKENS => {}
                Ok(l) => {
                    whole = false;
                    problems.push(format!(
                        "{}: {} tokens, {:?}",
                        account.name,
                        l.tokens.len(),
                        l.partial
                    ));
                }
                Err(e) => {
                    whole = false;
                    problems.push(format!("{}: {e}", account.name));
                }
            }
        }
        complete += usize::from(whole);
    }
    (complete, problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_recover_from_one_503_in_ten() {
    let sandbox = forty_accounts("any:list:503:0.1").await;
    let (complete, problems) = complete_runs(&sandbox, 20).await;
    assert!(
        complete >= 19,
        "{complete} of 20 runs complete: {problems:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_recover_from_one_429_in_ten() {
    let sandbox = forty_accounts("any:list:429:0.1").await;
    let (complete, problems) = complete_runs(&sandbox, 20).await;
    assert!(
        complete >= 19,
        "{complete} of 20 runs complete: {problems:#?}"
    );
}

#[tokio::test]
async fn a_list_whose_every_request_fails_gives_up_at_its_deadline() {
    let sandbox = start(SandboxOptions {
        faults: vec![FaultRule::new(
            "lagrello-1",
            FaultOp::List,
            FaultKind::Status(503),
        )],
        ..SandboxOptions::default()
    })
    .await;
    let mut config = sandbox.config();
    config.network.list_deadline = Duration::from_secs(2);
    // More retries than two seconds hold: the deadline, not the count, ends it.
    config.network.read_retries = 10;
    let registry = Registry::from_config(&config, false).unwrap();
    let account = registry.get("lagrello-1").unwrap();
    let began = Instant::now();
    let err = account.list().await.expect_err("nothing can be listed");
    let took = began.elapsed();
    let text = err.to_string();
    assert!(
        text.contains("stopped after 2 s (the list deadline, [network] list_deadline_secs)"),
        "{text}"
    );
    assert!(
        text.contains("HTTP 503"),
        "the last answer is named: {text}"
    );
    assert!(took < Duration::from_secs(10), "it gave up ({took:?})");
    let asked = requests_to(&sandbox, ProviderKind::Lagrello).len();
    assert!(asked > 1, "it was retried ({asked} requests)");

    // The other accounts are not held up by it.
    let other = registry.get("qovery-1").unwrap().list().await.unwrap();
    assert!(other.is_complete());
}

/// The creates (POSTs to the tokens path; fluid's login is a POST too) the sandbox saw.
fn creates(sandbox: &Sandbox, provider: ProviderKind) -> usize {
    requests_to(sandbox, provider)
        .iter()
        .filter(|r| r.method == Method::POST && !r.uri.contains("/auth/"))
        .count()
}

#[tokio::test]
async fn a_failed_create_is_sent_once_and_a_504_is_outcome_unknown() {
    let sandbox = start(SandboxOptions::default()).await;
    let mut config = sandbox.config();
    config.http.request_timeout = Duration::from_millis(500);
    let registry = Registry::from_config(&config, false).unwrap();
    let account = registry.get("qovery-1").unwrap();
    for kind in [
        FaultKind::Status(503),
        FaultKind::Status(504),
        FaultKind::Timeout,
    ] {
        sandbox.set_faults(vec![FaultRule::new("qovery-1", FaultOp::Create, kind)]);
        let before = creates(&sandbox, ProviderKind::Qovery);
        let err = account
            .client
            .create(NewToken::named("once"))
            .await
            .expect_err("the fault fails the create");
        let sent = creates(&sandbox, ProviderKind::Qovery) - before;
        assert_eq!(
            sent, 1,
            "{kind:?}: the create reached the provider {sent} times"
        );
        if kind != FaultKind::Status(503) {
            assert!(err.outcome_unknown(), "{kind:?}: {err:?}");
            let said = err.unknown_outcome_text("qovery-1: create once", OpKind::Create);
            assert!(said.contains("outcome unknown"), "{said}");
            assert!(said.contains("may have been created"), "{said}");
        } else {
            assert!(
                !err.outcome_unknown(),
                "a 503 says it was not done: {err:?}"
            );
        }
    }
    // Nor is a delete answered 502 sent twice.
    sandbox.set_faults(Vec::new());
    let victim = account.list().await.unwrap().tokens[0].clone();
    sandbox.set_faults(vec![FaultRule::new(
        "qovery-1",
        FaultOp::Delete,
        FaultKind::Status(502),
    )]);
    let err = account.client.delete(victim.id.clone()).await.unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    let deletes = requests_to(&sandbox, ProviderKind::Qovery)
        .iter()
        .filter(|r| r.method == Method::DELETE)
        .count();
    assert_eq!(deletes, 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sandbox = start(SandboxOptions {
        faults: vec![FaultRule::new(
            "lagrello-1",
            FaultOp::List,
            FaultKind::Status(429),
        )],
        retry_after: Duration::from_secs(1),
        ..SandboxOptions::default()
    })
    .await;
    let mut config: Config = sandbox.config();
    config.network.read_retries = 1;
    let registry = Registry::from_config(&config, false).unwrap();
    let err = registry
        .get("lagrello-1")
        .unwrap()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
    let seen = requests_to(&sandbox, ProviderKind::Lagrello);
    assert_eq!(seen.len(), 2, "one retry");
    let apart = seen[1].at.duration_since(seen[0].at);
    assert!(apart >= Duration::from_secs(1), "retried after {apart:?}");
}

#[test]
fn bad_network_values_are_refused_with_file_line_and_key() {
    let rest = error_of("[network]\nrequests_per_account = 0\n", 2);
    assert!(
        rest.starts_with("key `network.requests_per_account`: 0 is too small"),
        "{rest}"
    );
    let rest = error_of("[network]\nlist_deadline_secs = \"soon\"\n", 2);
    assert!(rest.contains("network.list_deadline_secs"), "{rest}");
    assert!(rest.contains("integer"), "{rest}");
    let rest = error_of("[network]\nread_retries = 11\n", 2);
    assert!(rest.contains("11 is too large"), "{rest}");
    let rest = error_of("[network]\naccounts_at_once = 4\nlist_memory = 3\n", 3);
    assert!(rest.contains("did you mean `list_memory_mb`"), "{rest}");
}

#[test]
fn good_network_values_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::config_file::write(
        dir.path(),
        "config.toml",
        "[network]\nrequests_per_account = 2\nrequests_in_flight = 10\naccounts_at_once = 3\n\
         list_deadline_secs = 9\nlist_memory_mb = 5\nread_retries = 0\nmax_retry_after_secs = 4\n",
        0o600,
    );
    let n = common::config_file::load(&path).unwrap().network;
    assert_eq!(
        (
            n.requests_per_account,
            n.requests_in_flight,
            n.accounts_at_once
        ),
        (2, 10, 3)
    );
    assert_eq!(n.list_deadline, Duration::from_secs(9));
    assert_eq!(n.list_memory_bytes, 5 * 1024 * 1024);
    assert_eq!(n.read_retries, 0);
    assert_eq!(n.max_retry_after, Duration::from_secs(4));
}

#[test]
fn a_retry_shows_on_the_account_row_until_the_answer() {
    let (mut app, _) = started(options());
    let id = list_id(&app, 1);
    let retrying = Retrying {
        retry: 2,
        of: 3,
        cause: "429".into(),
        wait: Duration::from_secs(1),
    };
    update(&mut app, Msg::Retrying { id, retrying });
    assert_eq!(
        app.accounts[1].retrying.as_deref(),
        Some("retrying 2/3 (429)")
    );
    let screen = common::screen::draw(&app, 120, 30);
    assert!(screen.contains("retrying 2/3 (429)"), "{screen}");

    common::fixtures::answer(&mut app, id, Ok(common::fixtures::lagrello_tokens()));
    assert_eq!(app.accounts[1].retrying, None);
    let screen = common::screen::draw(&app, 120, 30);
    assert!(!screen.contains("retrying"), "{screen}");
}

#[tokio::test]
async fn a_list_past_its_memory_budget_stops_and_says_so() {
    let sandbox = start(SandboxOptions {
        tokens_per_account: 100,
        ..SandboxOptions::default()
    })
    .await;
    let mut config = sandbox.config();
    // Less than lagrello's five pages of 20 take together.
    config.network.list_memory_bytes = 8 * 1024;
    let registry = Registry::from_config(&config, false).unwrap();
    let listed = registry.get("lagrello-1").unwrap().list().await.unwrap();
    let reason = listed.partial.expect("the list is marked partial");
    assert!(reason.starts_with("lagrello-1: "), "{reason}");
    assert!(
        reason.contains("(the list's memory budget, [network] list_memory_mb)"),
        "{reason}"
    );
    let pages = requests_to(&sandbox, ProviderKind::Lagrello).len();
    assert!(pages < 5, "it stopped asking ({pages} pages)");
}

#[tokio::test]
async fn the_worker_tells_the_dashboard_of_each_retry() {
    let sandbox = start(SandboxOptions {
        faults: vec![FaultRule::new(
            "lagrello-1",
            FaultOp::List,
            FaultKind::Status(503),
        )],
        ..SandboxOptions::default()
    })
    .await;
    let mut config = sandbox.config();
    config.network.read_retries = 2;
    let registry = Registry::from_config(&config, false).unwrap();
    let account = registry
        .accounts
        .iter()
        .position(|a| a.name == "lagrello-1")
        .unwrap();
    let (replies_tx, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let requests = tokdash::worker::spawn(registry, replies_tx, None);
    requests
        .send((9, tokdash::app::ApiRequest::List { account }))
        .unwrap();
    let mut said = Vec::new();
    loop {
        match replies.recv().await.expect("the worker answers") {
            Msg::Retrying { id: 9, retrying } => said.push(retrying.to_string()),
            Msg::Api { id: 9, .. } => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(said, ["retrying 1/2 (503)", "retrying 2/2 (503)"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_says_a_create_answered_504_may_have_happened() {
    let env = common::cli::setup_with(SandboxOptions {
        faults: vec![FaultRule::new(
            "qovery-1",
            FaultOp::Create,
            FaultKind::Status(504),
        )],
        ..SandboxOptions::default()
    })
    .await;
    let out = env.run(&["create", "--account", "qovery-1", "--name", "maybe"]);
    let said = common::cli::stderr(&out);
    assert_eq!(common::cli::code(&out), 1, "{said}");
    assert!(said.contains("outcome unknown"), "{said}");
    assert!(
        said.contains("the token may have been created anyway"),
        "{said}"
    );
    assert!(
        said.contains("run `tokdash list --account qovery-1` to check"),
        "{said}"
    );
    assert!(
        !said.contains("try again later"),
        "no invitation to a duplicate: {said}"
    );
    assert_eq!(creates(&env.sandbox, ProviderKind::Qovery), 1);
    let outcomes: Vec<String> = env
        .records("audit.jsonl")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["pending", "unknown"]);
}

#[test]
fn the_dashboard_says_a_delete_answered_504_may_have_happened_and_relists() {
    use crossterm::event::KeyCode;
    use tokdash::app::{ApiRequest, ApiResult, Effect};
    let mut app = common::fixtures::loaded();
    common::fixtures::key(&mut app, KeyCode::Char(':'));
    common::fixtures::chars(&mut app, "account logs-sematext");
    common::fixtures::key(&mut app, KeyCode::Enter);
    common::fixtures::key(&mut app, KeyCode::Char('d'));
    let (id, _) =
        common::fixtures::the_request(&common::fixtures::key(&mut app, KeyCode::Char('y')));
    let gateway = ApiError::Server {
        status: 504,
        message: "Gateway Timeout".into(),
    };
    let effects = update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Changed(Err(gateway)),
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Api {
                req: ApiRequest::List { account: 3 },
                ..
            }]
        ),
        "the account is re-listed: {effects:?}"
    );
    let said = &app.toasts.last().expect("an alert").text;
    assert!(said.contains("outcome unknown"), "{said}");
    assert!(said.contains("may have been deleted anyway"), "{said}");
    assert!(said.contains("re-listing to check, not retrying"), "{said}");
}
