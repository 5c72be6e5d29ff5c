//! Unit tests of the qovery client: wire parsing, role privileges, create bodies; apart so
//! `qovery.rs` stays near 500 lines.

use super::*;

#[test]
fn a_null_list_is_empty_and_optional_fields_may_be_missing() {
    let list: ListBody<WireToken> = serde_json::from_str(r#"{"results":null}"#).unwrap();
    assert!(list.results.is_empty());
    let list: ListBody<WireToken> = serde_json::from_str(
        r#"{"results":[{"id":"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90","created_at":"2026-05-02T09:14:11.203Z"}]}"#,
    )
    .unwrap();
    assert_eq!(list.results.len(), 1);
    let roles: ListBody<WireRole> = serde_json::from_str(r#"{"results":null}"#).unwrap();
    assert!(roles.results.is_empty());
}

fn check(org: Option<&str>, credential: bool) -> Result<Checked, AccountProblem> {
    let settings = Settings {
        organization_id: org.map(str::to_owned),
        auth_scheme: None,
    };
    let credential = credential.then(|| CredentialSource::Env("X".into()));
    Qovery::check(settings, credential)
}

#[test]
fn organization_id_must_be_a_uuid() {
    let uuid = "5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90";
    assert_eq!(check(None, true).err().unwrap().key, "organization_id");
    let p = check(Some("../admin"), true).err().unwrap();
    assert_eq!(p.key, "organization_id");
    assert!(p.message.contains("not a UUID"), "{}", p.message);
    let checked = check(Some(&uuid.to_uppercase()), true).ok().unwrap();
    assert_eq!(checked.organization_id, uuid);
}

#[test]
fn auth_scheme_is_token_or_bearer() {
    assert_eq!(AuthScheme::from_setting(None), Ok(AuthScheme::Token));
    assert_eq!(
        AuthScheme::from_setting(Some("Bearer")),
        Ok(AuthScheme::Bearer)
    );
    assert_eq!(
        AuthScheme::from_setting(Some("token")),
        Ok(AuthScheme::Token)
    );
    let p = AuthScheme::from_setting(Some("jwt")).unwrap_err();
    assert_eq!(p.key, "auth_scheme");
    assert!(p.message.contains("\"bearer\""), "{}", p.message);
}

#[test]
fn credential_is_required() {
    let p = check(Some("5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90"), false)
        .err()
        .unwrap();
    assert_eq!(p.key, "credential");
}

#[test]
fn built_in_roles_map_to_privileges_and_others_stay_unknown() {
    for (role, expected) in [
        ("Owner", Privilege::Admin),
        ("Admin", Privilege::Admin),
        ("admin", Privilege::Admin),
        ("DevOps", Privilege::Write),
        ("Billing Manager", Privilege::Write),
        (" Viewer ", Privilege::Read),
        ("Deployer", Privilege::Unknown),
        ("", Privilege::Unknown),
    ] {
        assert_eq!(role_privilege(Some(role)), expected, "{role}");
    }
    assert_eq!(role_privilege(None), Privilege::Unknown);
}

#[test]
fn a_custom_role_keeps_its_name() {
    let wire: WireToken = serde_json::from_str(
        r#"{"id":"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90","created_at":"2026-05-02T09:14:11.203Z",
            "updated_at":"2026-05-03T09:14:11.203Z","name":"ci","role_name":"Deployer"}"#,
    )
    .unwrap();
    let token = wire.into_token();
    assert_eq!(token.privilege, Privilege::Unknown);
    assert_eq!(token.role.as_deref(), Some("Deployer"));
    assert_eq!(token.scopes, ["Deployer"]);
    assert!(token.updated_at.is_some());
}

#[test]
fn create_body_keeps_null_role_and_drops_missing_description() {
    let body = CreateBody {
        name: "n",
        description: None,
        role_id: None,
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"name":"n","role_id":null}"#
    );
}

#[test]
fn a_policy_token_is_marked_and_without_a_role_counts_as_admin() {
    let wire: wire::WirePolicyToken = serde_json::from_str(
        r#"{"id":"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90","created_at":"2026-05-02T09:14:11.203Z",
            "name":"agent","opa_policy":"allow := true","creator_name":null,
            "expires_at":"2026-12-01T00:00:00Z"}"#,
    )
    .unwrap();
    let token = wire.into_token();
    assert_eq!(token.kind, Some(POLICY_KIND));
    assert_eq!(token.privilege, Privilege::Admin);
    assert!(token.expires_at.is_some());
    assert_eq!(token.scopes, ["organization admin (no role)"]);
    let viewer: wire::WirePolicyToken = serde_json::from_str(
        r#"{"id":"5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90","name":"r","role_name":"Viewer",
            "role_id":"8e4b1a52-0c1d-4a58-b0a1-6f2d9c3e7b11","expires_at":null}"#,
    )
    .unwrap();
    let token = viewer.into_token();
    assert_eq!(token.privilege, Privilege::Read);
    assert_eq!(token.expires_at, None);
}

#[test]
fn a_policy_create_body_sends_role_and_expiry_as_null_when_absent() {
    let body = wire::PolicyCreateBody {
        name: "n",
        description: None,
        opa_policy: "allow := true",
        role_id: None,
        expires_at: None,
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"name":"n","opa_policy":"allow := true","role_id":null,"expires_at":null}"#
    );
}
