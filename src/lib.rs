//! portal-kiosk: the self-service kiosk of the Litoměřice citizen portal
//! ("Portál občana"). The modules follow the layers of ARCHITECTURE.md: the pure
//! flow core (`kiosk`), its adapters (`promo`, `ui`, …) and the configuration.

#[cfg(feature = "ui")]
pub mod app;
pub mod card;
pub mod citizen;
pub mod config;
#[cfg(feature = "devtools")]
pub mod devportal;
pub mod elections;
pub mod i18n;
pub mod kiosk;
pub mod logging;
pub mod login;
pub mod noticeboard;
pub mod ops;
pub mod payment;
pub mod phone_login;
pub mod portal;
pub mod print_orders;
pub mod printing;
pub mod promo;
pub mod receipt;
pub mod schedule;
pub mod search;
pub mod services;
pub mod speech;
pub mod staff;
pub mod store;
pub mod sync;
pub mod town;
#[cfg(feature = "ui")]
pub mod ui;
pub mod webeid;
