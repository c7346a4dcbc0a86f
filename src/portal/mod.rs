//! The backend contract (types shared with the development portal), its
//! validation, and the kiosk's HTTP client.

pub mod client;
pub mod types;
pub mod validate;

pub use client::{Fetched, PortalClient, PortalError};

use serde::de::DeserializeOwned;

/// A public collection: where it lives under `/kiosk/v1/`.
pub trait Collection:
    validate::Validate + DeserializeOwned + serde::Serialize + Send + 'static
{
    /// Path below the base URL, also the name used in the store and reports.
    const PATH: &'static str;
    /// Which size limit (`backend.max_body_bytes`) its answer is read within.
    const BODY: crate::config::BodyKind;
}

impl Collection for types::PromoPlaylist {
    const PATH: &'static str = "promo";
    const BODY: crate::config::BodyKind = crate::config::BodyKind::Promo;
}
impl Collection for types::ServiceCatalogue {
    const PATH: &'static str = "services";
    const BODY: crate::config::BodyKind = crate::config::BodyKind::Services;
}
impl Collection for types::ContactDirectory {
    const PATH: &'static str = "contacts";
    const BODY: crate::config::BodyKind = crate::config::BodyKind::Contacts;
}
impl Collection for types::ElectionInfo {
    const PATH: &'static str = "elections";
    const BODY: crate::config::BodyKind = crate::config::BodyKind::Elections;
}
