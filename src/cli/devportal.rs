//! `dev-portal` and `openapi` (feature `devtools`): the development portal, the
//! backend side of the kiosk API with demo content, and its OpenAPI document.
//! Never part of a production build: it prints the demo kiosk token.

use portal_kiosk::{app, logging};

/// Runs the development portal on `listen` with its database at `db` until Ctrl-C.
pub fn dev_portal(listen: &str, db: &std::path::Path, seed: bool) -> Result<(), String> {
    logging::init("info", portal_kiosk::config::LogFormat::Auto);
    let rt = app::runtime().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let portal = portal_kiosk::devportal::start(listen, db, seed)
            .await
            .map_err(|e| e.to_string())?;
        println!("development portal: {}", portal.kiosk_api_url());
        println!("kiosk token: {}", portal_kiosk::devportal::DEMO_KIOSK_TOKEN);
        println!("admin token: {}", portal.state.admin_token());
        let _ = tokio::signal::ctrl_c().await;
        portal.stop().await;
        Ok(())
    })
}

/// Prints the OpenAPI document of the kiosk API (a closed pipe, as with
/// `| head`, is an error, not a panic).
pub fn openapi() -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", portal_kiosk::devportal::openapi_json())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the document: {e}"))
}
