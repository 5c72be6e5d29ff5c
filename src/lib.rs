//! tokdash: a terminal dashboard and command-line tool for API-token operations across SaaS
//! providers. The binary is a thin shell over this library, so tests reach every part.

pub mod app;
pub mod audit;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod credential;
pub mod dashboard;
pub mod effects;
pub mod event_loop;
pub mod inventory;
pub mod leak;
pub mod logging;
pub mod model;
pub mod paths;
pub mod policy;
pub mod provider;
pub mod record;
pub mod sandbox;
pub mod secret;
pub mod sink;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod worker;
