//! The qovery fake's policy API tokens (`/organization/{org}/policyApiToken`), in the spec's
//! wire format: each carries an Open Policy Agent policy and, unlike every other token of these
//! APIs, may carry an expiry (`expires_at`).
//!
//! Seeded so that a demo shows each case: one that expired, one expiring within days, one far
//! off and one that never expires: a third of the account's `--tokens-per-account`, at most
//! four ([`count_of`]), the organization API tokens being the rest. Expiries are counted from the later of the seed's anchor and
//! today, so "expiring soon" stays soon on the day the demo is run.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::{
    API_CREATOR, Org, Reject, Role, SandboxState, authorize, bad_request, delete_from,
    error_response, ok_json, role_name, store, timestamp,
};
use crate::model::ProviderKind;

/// The seeded policy tokens: name, role (by name; `None` is organization admin), days from the
/// base until they expire (`None`: never), and their policy.
/// The most telling first: an account with few tokens gets the expired one.
const SEEDED: &[(&str, Option<&str>, Option<i64>, &str)] = &[
    ("migration-agent", None, Some(-12), "allow := true"),
    (
        "deploy-agent",
        Some("DevOps"),
        Some(5),
        "allow if { startswith(input.path, \"/application/\") }",
    ),
    (
        "agent-readonly",
        Some("Viewer"),
        Some(90),
        "allow if { input.method == \"GET\" }",
    ),
    (
        "audit-agent",
        Some("Admin"),
        None,
        "allow if { input.method in {\"GET\", \"HEAD\"} }",
    ),
];

#[derive(Debug)]
pub struct PolicyToken {
    id: String,
    name: String,
    description: Option<String>,
    role_id: Option<String>,
    role_name: Option<String>,
    opa_policy: String,
    creator_name: Option<String>,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
}

impl PolicyToken {
    /// The list item: no secret.
    fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.created_at),
            "name": self.name,
            "role_name": self.role_name,
            "role_id": self.role_id,
            "opa_policy": self.opa_policy,
            "creator_name": self.creator_name,
            "expires_at": self.expires_at.map(timestamp),
        });
        if let Some(d) = &self.description {
            v["description"] = json!(d);
        }
        v
    }
}

/// How many of an account's `tokens` seeded tokens are policy tokens.
pub fn count_of(tokens: usize) -> usize {
    (tokens / 3).min(SEEDED.len())
}

/// The seeded policy tokens of an organization with `roles`, at most `count` of them, from their
/// own random source so that the regular tokens' seeding is unchanged.
pub fn seed(
    seed: u64,
    org_index: usize,
    count: usize,
    anchor: OffsetDateTime,
    roles: &[Role],
) -> Vec<PolicyToken> {
    let mut rng = store::rng_for(seed ^ (0x501c_u64 + org_index as u64), ProviderKind::Qovery);
    let today = OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
    let base = anchor.max(today);
    SEEDED
        .iter()
        .take(count)
        .map(|(name, role, days, policy)| {
            let role = role.and_then(|r| roles.iter().find(|x| x.name == r));
            let created_at = store::created_before(&mut rng, anchor);
            PolicyToken {
                id: store::uuid(&mut rng),
                name: (*name).to_owned(),
                description: Some(format!("autonomous agent: {name}")),
                role_id: role.map(|r| r.id.clone()),
                role_name: role.map(|r| r.name.clone()),
                opa_policy: (*policy).to_owned(),
                creator_name: Some("alice@example.com".to_owned()),
                created_at,
                expires_at: days.map(|d| base + Duration::days(d)),
            }
        })
        .collect()
}

pub async fn list(
    State(state): State<Arc<SandboxState>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut qs = state.qovery.lock().expect("qovery lock");
    let forbidden = qs.policy_list_forbidden;
    let org = match authorize(&mut qs, &headers, &org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    if forbidden {
        return error_response(StatusCode::FORBIDDEN, "Access denied");
    }
    let results: Vec<Value> = org.policy_tokens.iter().map(PolicyToken::to_json).collect();
    ok_json(StatusCode::OK, json!({ "results": results }))
}

/// The create body, checked as the spec and its descriptions demand.
struct CreateRequest {
    name: String,
    description: Option<String>,
    opa_policy: String,
    role_id: Option<String>,
    expires_at: Option<OffsetDateTime>,
}

fn parse_create(headers: &HeaderMap, body: &[u8]) -> Result<CreateRequest, Reject> {
    let obj = super::json_object(headers, body)?;
    let name = match obj.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        Some(Value::String(_)) => return Err(bad_request("name must not be empty")),
        Some(_) => return Err(bad_request("name must be a string")),
        None => return Err(bad_request("name is required")),
    };
    let description = match obj.get("description") {
        None => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(Value::Null) => return Err(bad_request("description must not be null")),
        Some(_) => return Err(bad_request("description must be a string")),
    };
    let opa_policy = match obj.get("opa_policy") {
        Some(Value::String(p)) => p.clone(),
        Some(_) => return Err(bad_request("opa_policy must be a string")),
        None => return Err(bad_request("opa_policy is required")),
    };
    if opa_policy
        .lines()
        .any(|l| l.trim_start().starts_with("package "))
    {
        return Err(bad_request(
            "opa_policy must not declare a package: Qovery prepends its own",
        ));
    }
    if !opa_policy.contains("allow") {
        return Err(bad_request("opa_policy must define an `allow` rule"));
    }
    let role_id = match obj.get("role_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(_) => return Err(bad_request("role_id must be a UUID or null")),
    };
    let expires_at = match obj.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(raw)) => {
            let at = OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
                .map_err(|_| bad_request("expires_at must be an RFC 3339 date-time"))?;
            if at <= OffsetDateTime::now_utc() {
                return Err(bad_request("expires_at must be in the future"));
            }
            Some(at)
        }
        Some(_) => return Err(bad_request("expires_at must be a date-time string or null")),
    };
    Ok(CreateRequest {
        name,
        description,
        opa_policy,
        role_id,
        expires_at,
    })
}

pub async fn create(
    State(state): State<Arc<SandboxState>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (id, secret) = state.with_rng(|r| (store::uuid(r), format!("qov_{}", store::hex(r, 32))));
    let mut qs = state.qovery.lock().expect("qovery lock");
    let org: &mut Org = match authorize(&mut qs, &headers, &org_id) {
        Ok(org) => org,
        Err(r) => return r.into_response(),
    };
    let req = match parse_create(&headers, &body) {
        Ok(req) => req,
        Err(r) => return r.into_response(),
    };
    let role_name = match role_name(org, req.role_id.as_deref()) {
        Ok(name) => name,
        Err(r) => return r.into_response(),
    };
    if org.policy_tokens.iter().any(|t| t.name == req.name) {
        return error_response(
            StatusCode::CONFLICT,
            "Organization Policy Api Token name is already taken",
        );
    }
    let token = PolicyToken {
        id,
        name: req.name,
        description: req.description,
        role_id: req.role_id,
        role_name,
        opa_policy: req.opa_policy,
        creator_name: Some(API_CREATOR.to_owned()),
        created_at: OffsetDateTime::now_utc(),
        expires_at: req.expires_at,
    };
    let mut body = token.to_json();
    body["token"] = json!(secret);
    body["user_sub"] = json!(format!("policy-token|{}", token.id));
    org.policy_tokens.push(token);
    ok_json(StatusCode::CREATED, body)
}

pub async fn delete(
    State(state): State<Arc<SandboxState>>,
    Path((org_id, token_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    delete_from(
        &state,
        &org_id,
        &headers,
        |org| org.policy_tokens.retain(|t| t.id != token_id),
        "Organization Policy Api Token not found",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_covers_expired_soon_later_and_never() {
        let roles = vec![Role {
            id: "r".into(),
            name: "Viewer".into(),
        }];
        let anchor = store::default_anchor();
        let tokens = seed(3, 0, 12, anchor, &roles);
        let now = OffsetDateTime::now_utc();
        let states: Vec<_> = tokens
            .iter()
            .map(|t| crate::model::Expiry::at(t.expires_at, now, 14))
            .collect();
        use crate::model::Expiry;
        assert!(states.contains(&Expiry::Expired), "{states:?}");
        assert!(
            states.iter().any(|s| matches!(s, Expiry::Soon(_))),
            "{states:?}"
        );
        assert!(states.contains(&Expiry::Later), "{states:?}");
        assert!(states.contains(&Expiry::Never), "{states:?}");
        assert_eq!(tokens[2].role_name.as_deref(), Some("Viewer"));
        assert_eq!((count_of(12), count_of(3), count_of(2)), (4, 1, 0));
        assert_eq!(
            seed(3, 0, 12, anchor, &roles)[1].id,
            tokens[1].id,
            "deterministic ids"
        );
        assert!(
            seed(3, 0, 0, anchor, &roles).is_empty(),
            "none asked, none seeded"
        );
    }
}
