//! The sematext fake. SKELETON: to be written (see ../shared/providers/sematext.md).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{SandboxAccount, SandboxState, SeedOptions};

#[derive(Debug, Default)]
pub struct SematextState {}

pub fn seed(_opts: &SeedOptions) -> (SematextState, Vec<SandboxAccount>) {
    (SematextState::default(), Vec::new())
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
}

pub fn account_for(_state: &SematextState, _headers: &HeaderMap, _path: &str) -> Option<String> {
    None
}

pub fn error_response(status: StatusCode, message: &str) -> Response {
    (status, message.to_owned()).into_response()
}
