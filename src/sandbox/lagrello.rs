//! The lagrello fake. SKELETON: to be written (see ../shared/providers/lagrello.md).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{SandboxAccount, SandboxState, SeedOptions};

#[derive(Debug, Default)]
pub struct LagrelloState {}

pub fn seed(_opts: &SeedOptions) -> (LagrelloState, Vec<SandboxAccount>) {
    (LagrelloState::default(), Vec::new())
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
}

pub fn account_for(_state: &LagrelloState, _headers: &HeaderMap, _path: &str) -> Option<String> {
    None
}

pub fn error_response(status: StatusCode, message: &str) -> Response {
    (status, message.to_owned()).into_response()
}
