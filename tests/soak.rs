//! A soak of the dashboard: thousands of random actions (keys, pastes, resizes, and the key
//! sequences of every operation) through the real event loop, the real worker and the audit
//! trail, against a sandbox that answers slowly and fails at random (error statuses, timeouts,
//! garbage, broken connections). Nothing panics, every change sent ends in a recorded outcome
//! (each `pending` audit record has a later one of its attempt), and memory stays flat.
//!
//! Seeded and bounded to a few seconds. `TOKDASH_SOAK_STEPS` and `TOKDASH_SOAK_SEED` run it
//! longer or differently (see SECURITY.md).

use std::cell::Cell;
use std::collections::HashMap;
use std::io;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokdash::app::{AccountInfo, App, AppOptions, Msg};
use tokdash::audit::AuditLog;
use tokdash::clipboard::{Clipboard, ClipboardMode};
use tokdash::event_loop::{EventLoop, Screen, Stop};
use tokdash::provider::Registry;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::store::hostile_names;
use tokdash::sandbox::{Sandbox, SandboxOptions};

/// A test backend whose size the soak changes, as a terminal's would. Rendering dominates an
/// unoptimised build, so only every `DRAW_EVERY`th frame asked for is drawn, and the first after
/// a resize: hundreds of frames, in every state the soak passes through.
struct Resizable {
    terminal: Terminal<TestBackend>,
    size: Rc<Cell<(u16, u16)>>,
    asked: u64,
}

const DRAW_EVERY: u64 = 6;

impl Screen for Resizable {
    fn size(&self) -> io::Result<(u16, u16)> {
        Ok(self.size.get())
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        self.asked += 1;
        let (w, h) = self.size.get();
        let area = self.terminal.backend().buffer().area;
        if (area.width, area.height) != (w, h) {
            self.terminal.backend_mut().resize(w, h);
        } else if self.asked % DRAW_EVERY != 0 {
            return Ok(());
        }
        Screen::draw(&mut self.terminal, app)
    }
}

/// Resident memory of this process, in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("resident pages");
    // SAFETY: sysconf with a valid name only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    pages * page
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every kind of failure the sandbox can make, on every provider, each now and then. `slow` and
/// `huge` are left out: they only take time.
fn faults() -> Vec<FaultRule> {
    let mut rules = Vec::new();
    for provider in ["fluid", "lagrello", "qovery", "sematext"] {
        for (kind, rate) in [
            (FaultKind::Status(500), 0.05),
            (FaultKind::Status(429), 0.03),
            (FaultKind::Status(401), 0.02),
            (FaultKind::Status(404), 0.02),
            (FaultKind::Status(409), 0.02),
            (FaultKind::Status(502), 0.02),
            (FaultKind::Timeout, 0.02),
            (FaultKind::Malformed, 0.03),
            (FaultKind::Truncated, 0.03),
        ] {
            rules.push(FaultRule {
                rate,
                ..FaultRule::new(provider, FaultOp::Any, kind)
            });
        }
    }
    rules
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn text(rng: &mut StdRng) -> String {
    let hostile = hostile_names();
    match rng.random_range(0..4) {
        0 => hostile[rng.random_range(0..hostile.len())].clone(),
        1 => "soak-".to_owned() + &rng.random_range(0..1_000_000u32).to_string(),
        2 => (0..rng.random_range(0..40))
            .map(|_| char::from_u32(rng.random_range(0..0x3_0000)).unwrap_or('?'))
            .collect(),
        _ => String::new(),
    }
}

/// One random action: a few messages for the loop, and sometimes a new screen size.
fn action(rng: &mut StdRng, size: &Cell<(u16, u16)>) -> Vec<Msg> {
    // Moving, focusing, sorting, filtering, the help and the `:` line; never `q` or ctrl-c,
    // which would end the soak.
    const KEYS: &[KeyCode] = &[
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Char('g'),
        KeyCode::Char('G'),
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Char('1'),
        KeyCode::Char('2'),
        KeyCode::Char('3'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('/'),
        KeyCode::Char('s'),
        KeyCode::Char('S'),
        KeyCode::Char(':'),
        KeyCode::Char('?'),
        KeyCode::Char(' '),
        KeyCode::Char('v'),
        KeyCode::Char('y'),
        KeyCode::Char('n'),
        KeyCode::Char('x'),
        KeyCode::Backspace,
        KeyCode::Left,
        KeyCode::Right,
    ];
    match rng.random_range(0..100) {
        0..45 => vec![key(KEYS[rng.random_range(0..KEYS.len())])],
        45..50 => vec![ctrl(['u', 'w', 'a', 'e', 'r'][rng.random_range(0..5)])],
        50..56 => vec![Msg::Paste(text(rng))],
        56..60 => {
            let (w, h) = match rng.random_range(0..4) {
                0 => (rng.random_range(1..20), rng.random_range(1..8)),
                _ => (rng.random_range(20..220), rng.random_range(8..70)),
            };
            size.set((w, h));
            vec![Msg::Resize(w, h)]
        }
        // Operations, as a user would key them: out of whatever dialog is open first (a new
        // secret's closes on Esc then y), onto some token, then the operation's keys.
        60..90 => {
            let mut msgs = vec![
                key(KeyCode::Esc),
                key(KeyCode::Char('y')),
                key(KeyCode::Esc),
                key(KeyCode::Char('2')),
            ];
            for _ in 0..rng.random_range(0..6) {
                msgs.push(key(KeyCode::Char('j')));
            }
            match rng.random_range(0..10) {
                0..3 => msgs.extend([key(KeyCode::Char('d')), key(KeyCode::Char('y'))]),
                3 => msgs.extend([key(KeyCode::Char('R')), key(KeyCode::Char('y'))]),
                4 => msgs.extend([key(KeyCode::Char('t')), key(KeyCode::Char('y'))]),
                5 => {
                    msgs.extend([key(KeyCode::Char('r')), ctrl('u'), Msg::Paste(text(rng))]);
                    msgs.push(key(KeyCode::Enter));
                }
                _ => {
                    msgs.push(key(KeyCode::Char(['n', 'o'][rng.random_range(0..2)])));
                    msgs.extend([ctrl('u'), Msg::Paste(text(rng))]);
                    for _ in 0..rng.random_range(0..4) {
                        let keys = [KeyCode::Tab, KeyCode::Char(' '), KeyCode::Right];
                        msgs.push(key(keys[rng.random_range(0..3)]));
                    }
                    msgs.push(ctrl('s'));
                }
            }
            msgs
        }
        90..94 => vec![ctrl('r')],
        94..97 => {
            let mut msgs = vec![key(KeyCode::Char(':'))];
            msgs.extend("account ".chars().map(|c| key(KeyCode::Char(c))));
            msgs.push(Msg::Paste(
                ["fluid-1", "sematext-2", "nope", "qovery-1"][rng.random_range(0..4)].into(),
            ));
            msgs.push(key(KeyCode::Enter));
            msgs
        }
        // Any letter but `q`.
        _ => {
            let c = char::from(rng.random_range(b'a'..=b'z'));
            vec![key(KeyCode::Char(if c == 'q' { 'p' } else { c }))]
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_random_actions_against_a_failing_sandbox() {
    let seed = env_number("TOKDASH_SOAK_SEED", 0x50a4);
    let steps = env_number("TOKDASH_SOAK_STEPS", 1500);
    let sandbox = Sandbox::start(SandboxOptions {
        accounts_per_provider: 2,
        tokens_per_account: 10,
        latency: Duration::from_millis(2),
        seed,
        hostile_names: true,
        faults: faults(),
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox");
    let mut config = sandbox.config();
    // A timed-out request ends in a second, not twenty.
    config.http.request_timeout = Duration::from_secs(1);
    let registry = Registry::from_config(&config, false).expect("registry");
    let mut app = App::new(AccountInfo::from_registry(&registry), AppOptions::default());
    let state = tempfile::tempdir().expect("temp dir");
    let clipboard = Clipboard::with_sink(ClipboardMode::Osc52, Box::new(|_| Ok(())));
    let size = Rc::new(Cell::new((120, 35)));
    let screen = Resizable {
        terminal: Terminal::new(TestBackend::new(120, 35)).expect("test backend"),
        size: size.clone(),
        asked: 0,
    };
    let audit = AuditLog::new(state.path());
    let mut event_loop = EventLoop::new(registry, clipboard, Some(audit), screen);
    assert!(event_loop.start(&mut app).expect("drawn").is_continue());

    let mut rng = StdRng::seed_from_u64(seed);
    let mut no_input = futures::stream::pending();
    let started = Instant::now();
    let mut rss_start = None;
    let mut messages = 0;
    for step in 0..steps {
        if step == steps / 10 {
            // Measured once the screen, the tables and the worker are warm.
            rss_start = Some(rss());
        }
        for msg in action(&mut rng, &size) {
            messages += 1;
            let turn = event_loop.dispatch(&mut app, msg).expect("drawn");
            assert!(turn.is_continue(), "step {step}: the app stays up");
        }
        if rng.random_range(0..4) == 0 {
            // Let answers in, as the loop does between key presses.
            let waited = tokio::time::timeout(
                Duration::from_millis(rng.random_range(0..3)),
                event_loop.run_until(&mut app, &mut no_input, |_| false),
            )
            .await;
            if let Ok(stop) = waited {
                panic!("step {step}: the loop stopped: {stop:?}");
            }
        }
    }
    // Every request answered (a timeout takes a second).
    let stop = tokio::time::timeout(
        Duration::from_secs(60),
        event_loop.run_until(&mut app, &mut no_input, |app| !app.busy()),
    )
    .await
    .expect("every request is answered")
    .expect("drawn");
    assert_eq!(stop, Stop::Done);
    let rss_end = rss();
    let elapsed = started.elapsed();

    // Every change that was sent has its outcome on record after its pending record.
    let text = std::fs::read_to_string(state.path().join("audit.jsonl")).unwrap_or_default();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut outcomes: HashMap<String, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let attempt = r["attempt"].as_str().expect("an attempt id").to_owned();
        let outcome = r["outcome"].as_str().expect("an outcome").to_owned();
        assert!(
            ["pending", "ok", "failed", "unknown", "refused"].contains(&outcome.as_str()),
            "{r}"
        );
        if outcome == "pending" {
            assert!(
                open.insert(attempt, i).is_none(),
                "one pending per attempt: {r}"
            );
        } else {
            open.remove(&attempt);
            *outcomes.entry(outcome).or_default() += 1;
        }
    }
    assert!(open.is_empty(), "changes without an outcome: {open:?}");
    let sent: usize = ["ok", "failed", "unknown"]
        .iter()
        .map(|o| outcomes.get(*o).copied().unwrap_or(0))
        .sum();
    assert!(sent >= 30, "the soak really changed things: {outcomes:?}");
    assert!(
        outcomes.get("failed").copied().unwrap_or(0) > 0,
        "and met failures: {outcomes:?}"
    );

    // Memory stays flat: a generous bound on growth once warm.
    let grown = rss_end.saturating_sub(rss_start.expect("measured"));
    assert!(
        grown < 96 * 1024 * 1024,
        "resident memory grew by {} MiB over {steps} steps",
        grown / (1024 * 1024)
    );
    eprintln!(
        "soak: {steps} actions ({messages} messages) in {elapsed:?}, outcomes {outcomes:?}, \
         memory grew {} KiB",
        grown / 1024
    );
    drop(event_loop);
    sandbox.shutdown().await;
}
