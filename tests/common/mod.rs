//! The integration tests' helpers, one submodule per purpose:
//!
//! - `sandbox`: an in-process sandbox, clients for its accounts built the way tokdash builds
//!   them, and the requests it saw (the provider tests).
//! - `fixtures`: deterministic accounts and tokens, and keys to press, for the reducer and render
//!   tests.
//! - `config_file`: a config file written with given permissions and loaded as tokdash loads it
//!   (the config tests).
//! - `cli`: the real binary run against a sandbox, its state in a temporary directory.
//! - `e2e`: tmux and Xvfb for the end-to-end tests.
//!
//! A test crate names the submodules it uses, so it compiles no helpers meant for another kind of
//! test:
//!
//!     mod common {
//!         pub mod sandbox;
//!     }
//!
//! `mod common;` (this file) is the short form for the CLI's test crates: it includes `cli` alone.

// Every crate that tests the CLI includes the runner this way, and each uses a different part of
// it: what one leaves unused another uses, so `dead_code` (which sees one crate at a time) does
// not apply here.
#[allow(dead_code)]
pub mod cli;
