//! The fluid fake. SKELETON: to be written (see ../shared/providers/fluid.md).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{SandboxAccount, SandboxState, SeedOptions};

#[derive(Debug, Default)]
pub struct FluidState {}

pub fn seed(_opts: &SeedOptions) -> (FluidState, Vec<SandboxAccount>) {
    (FluidState::default(), Vec::new())
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
}

pub fn account_for(_state: &FluidState, _headers: &HeaderMap, _path: &str) -> Option<String> {
    None
}

pub fn error_response(status: StatusCode, message: &str) -> Response {
    (status, message.to_owned()).into_response()
}
