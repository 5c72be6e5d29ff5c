//! Unit tests of the audit trail (records, fingerprints, reading it back); apart so `audit.rs`
//! reads as the trail's code alone.

use super::*;
use crate::secret::ExposeSecret;
use std::os::unix::fs::PermissionsExt;

const PLAIN: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: false,
    unique_names: false,
    form: &[],
};
const SECRET_IDS: Caps = Caps {
    id_is_secret: true,
    ..PLAIN
};

#[test]
fn records_are_json_lines_in_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path());
    let label = TokenLabel::new(Some(&TokenId::new("1201")), Some("ci"), &PLAIN);
    log.record(
        "s-1",
        ProviderKind::Sematext,
        OpKind::Delete,
        &label,
        Outcome::Ok,
        None,
    )
    .unwrap();
    log.record(
        "s-1",
        ProviderKind::Sematext,
        OpKind::Rename,
        &label,
        Outcome::Failed,
        Some("not found"),
    )
    .unwrap();
    let path = dir.path().join(AUDIT_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["operation"], "delete");
    assert_eq!(lines[0]["outcome"], "ok");
    assert_eq!(lines[0]["token_id"], "1201");
    assert_eq!(lines[1]["error"], "not found");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn an_attempt_is_pending_then_ends_under_one_id() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path());
    let label = TokenLabel::new(Some(&TokenId::new("1201")), Some("ci"), &PLAIN);
    let first = Attempt::new("s-1", ProviderKind::Sematext, OpKind::Delete);
    let second = Attempt::new("s-1", ProviderKind::Sematext, OpKind::Delete);
    assert_ne!(first.id(), second.id());
    log.pending(&first, &label).unwrap();
    log.pending(&second, &label).unwrap();
    log.finish(&first, &label, Outcome::Ok, None).unwrap();
    log.record(
        "s-1",
        ProviderKind::Sematext,
        OpKind::Rename,
        &label,
        Outcome::Refused,
        Some("read-only"),
    )
    .unwrap();
    let text = std::fs::read_to_string(dir.path().join(AUDIT_FILE)).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let outcomes: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["attempt"].as_str().unwrap(),
                l["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes[..3],
        [
            (first.id(), "pending"),
            (second.id(), "pending"),
            (first.id(), "ok"),
        ]
    );
    // A refusal is an attempt of its own, with one record.
    assert_eq!(outcomes[3].1, "refused");
    assert!(![first.id(), second.id()].contains(&outcomes[3].0));
    assert_eq!(lines[0]["operation"], "delete");
    assert_eq!(lines[0]["token_id"], "1201");
    assert!(lines[0]["error"].is_null());
}

#[test]
fn fingerprints_hold_the_hash_not_the_secret_and_mask_secret_ids() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path());
    let secret = SecretString::from("13777603-bdf9-48f7-a493-3b4a94e8be02".to_owned());
    let id = TokenId::new(secret.expose_secret());
    let label = TokenLabel::new(Some(&id), Some("ci-deploy"), &SECRET_IDS);
    log.fingerprint("l-1", ProviderKind::Lagrello, &label, &secret)
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join(FINGERPRINTS_FILE)).unwrap();
    assert!(!text.contains(secret.expose_secret()), "{text}");
    assert!(text.contains(&fingerprint(&secret)));
    assert!(text.contains("\"token_id\":\"••••e8be02\""), "{text}");
}

#[test]
fn demo_sessions_keep_their_trail_apart() {
    let (Some(real), Some(demo)) = (
        AuditLog::default_location(false),
        AuditLog::default_location(true),
    ) else {
        return; // no home directory: nowhere to write at all
    };
    assert_eq!(demo.dir(), real.dir().join("demo"));
}

#[test]
fn an_existing_open_file_is_narrowed_to_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(AUDIT_FILE);
    std::fs::write(&path, "").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    AuditLog::new(dir.path())
        .record(
            "a",
            ProviderKind::Fluid,
            OpKind::Create,
            &TokenLabel::default(),
            Outcome::Refused,
            Some("read-only"),
        )
        .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_symlinked_trail_is_refused_and_its_target_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    for file in [AUDIT_FILE, FINGERPRINTS_FILE] {
        std::os::unix::fs::symlink(&victim, state.join(file)).unwrap();
    }
    let log = AuditLog::new(&state);
    let label = TokenLabel::default();
    let err = log
        .record(
            "a",
            ProviderKind::Fluid,
            OpKind::Create,
            &label,
            Outcome::Refused,
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    let secret = SecretString::from("s".to_owned());
    assert!(
        log.fingerprint("a", ProviderKind::Fluid, &label, &secret)
            .is_err()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "");
    let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "the link's target keeps its mode");
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the state directory is narrowed to 0700");
}

#[test]
fn incident_records_keep_only_a_fingerprint_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let label = TokenLabel {
        id: Some("1202".into()),
        name: Some("shipper".into()),
    };
    let full = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    AuditLog::new(dir.path())
        .incident(&Incident {
            account: "s-1",
            provider: ProviderKind::Sematext,
            token: &label,
            matched_by: "listed_secret",
            op: OpKind::Delete,
            outcome: Outcome::Ok,
            error: None,
            verification: "gone",
            fingerprint_prefix: full,
        })
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join(AUDIT_FILE)).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(v["kind"], "incident");
    assert_eq!(v["operation"], "delete");
    assert_eq!(v["verification"], "gone");
    assert_eq!(v["fingerprint_prefix"], "0123456789ab");
    assert!(!text.contains(full));
}
