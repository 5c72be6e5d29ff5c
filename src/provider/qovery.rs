//! qovery client. SKELETON: to be written (see ../shared/providers/qovery.md).

use futures::future::BoxFuture;

use super::http::Endpoint;
use super::{AccountProblem, Provider, ProviderKind};
use crate::config::AccountConfig;
use crate::model::{ApiError, Caps, Created, NewToken, Token, TokenId};

pub const CAPS: Caps = Caps {
    rename: false,
    toggle: false,
    regenerate: false,
    secret_on_list: false,
    id_is_secret: false,
    form: &[],
};

pub fn check_account(_account: &AccountConfig) -> Result<(), AccountProblem> {
    Ok(())
}

pub fn default_base_url(_account: &AccountConfig) -> Result<String, AccountProblem> {
    Err(AccountProblem::new("base_url", "not yet known"))
}

pub struct Qovery {
    #[allow(dead_code)]
    endpoint: Endpoint,
}

impl Qovery {
    pub fn new(endpoint: Endpoint, _account: &AccountConfig) -> Result<Self, AccountProblem> {
        Ok(Qovery { endpoint })
    }
}

impl Provider for Qovery {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Qovery
    }
    fn list(&self) -> BoxFuture<'_, Result<Vec<Token>, ApiError>> {
        todo!()
    }
    fn create(&self, _new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>> {
        todo!()
    }
    fn delete(&self, _id: TokenId) -> BoxFuture<'_, Result<(), ApiError>> {
        todo!()
    }
}
