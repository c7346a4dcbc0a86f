//! `dev-portal` and `openapi` (feature `devtools`): the development portal, the
//! backend side of the kiosk API with demo content, and its OpenAPI document.
//! Never part of a production build: it prints the demo kiosk token and the
//! admin token of the start; it listens on loopback unless told otherwise.

use portal_kiosk::{app, logging};

/// Runs the development portal on `listen` with its database at `db` until Ctrl-C.
pub fn dev_portal(
    listen: &str,
    db: &std::path::Path,
    seed: bool,
    allow_remote: bool,
    promo_key: Option<&std::path::Path>,
    town: Option<&std::path::Path>,
) -> Result<(), String> {
    let seed_content = match town {
        Some(dir) => portal_kiosk::devportal::Seed::from_dir(dir)?,
        None => portal_kiosk::devportal::Seed::bundled(),
    };
    if !is_loopback_listen(listen)? {
        if !allow_remote {
            return Err(format!(
                "--listen {listen} is not a loopback address. The development portal speaks \
                 plain HTTP (it has no TLS: it is the reference for the town's backend, not a \
                 backend) and its answers carry the demo citizens' data, kiosk and session \
                 tokens; anyone on the network could read them. Listen on 127.0.0.1 (and \
                 put a TLS proxy in front if other machines must reach it), or add \
                 --allow-remote for a closed test lab"
            ));
        }
        eprintln!(
            "warning: the development portal listens on {listen} over plain HTTP (--allow-remote)"
        );
    }
    logging::init("info", portal_kiosk::config::LogFormat::Auto);
    let rt = app::runtime().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let portal = portal_kiosk::devportal::start_with(listen, db, &seed_content, seed)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(file) = promo_key {
            let seed = promo_key_seed(file)?;
            portal.state.set_promo_key(&seed)?;
        }
        println!("development portal: {}", portal.kiosk_api_url());
        let key = portal.state.promo_public_key();
        println!(
            "playlist key: {} (id {}; a kiosk's promo.keys)",
            key.to_base64(),
            key.id
        );
        println!("kiosk token: {}", portal_kiosk::devportal::DEMO_KIOSK_TOKEN);
        println!(
            "counter token: {} (kiosk {})",
            portal_kiosk::devportal::DEMO_COUNTER_TOKEN,
            portal_kiosk::devportal::DEMO_COUNTER_ID
        );
        // New on every start and shown only here.
        println!("admin token: {}", portal.state.admin_token());
        let _ = tokio::signal::ctrl_c().await;
        portal.stop().await;
        Ok(())
    })
}

/// The 32-byte seed in `file` (base64), or a new one written there (0600).
fn promo_key_seed(file: &std::path::Path) -> Result<[u8; 32], String> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let raw = b64
                .decode(text.trim())
                .map_err(|_| format!("{}: not base64", file.display()))?;
            raw.as_slice().try_into().map_err(|_| {
                format!(
                    "{}: {} bytes; an Ed25519 seed is 32 bytes (44 base64 characters)",
                    file.display(),
                    raw.len()
                )
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (_, seed) = portal_kiosk::promo::PlaylistSigner::generate()?;
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(file)
                .and_then(|mut f| writeln!(f, "{}", b64.encode(seed)))
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            eprintln!("a new playlist key was written to {}", file.display());
            Ok(seed)
        }
        Err(e) => Err(format!("cannot read {}: {e}", file.display())),
    }
}

/// Whether `listen` (`IP:PORT` or `localhost:PORT`) is a loopback address.
fn is_loopback_listen(listen: &str) -> Result<bool, String> {
    if let Ok(addr) = listen.parse::<std::net::SocketAddr>() {
        return Ok(addr.ip().is_loopback());
    }
    match listen.rsplit_once(':') {
        Some((host, port))
            if host.eq_ignore_ascii_case("localhost") && port.parse::<u16>().is_ok() =>
        {
            Ok(true)
        }
        Some((_, port)) if port.parse::<u16>().is_ok() => Ok(false),
        _ => Err(format!(
            "--listen {listen}: expected IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::is_loopback_listen;

    #[test]
    fn only_loopback_addresses_pass_without_the_flag() {
        for ok in [
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "[::1]:8080",
            "localhost:8080",
            "LOCALHOST:0",
        ] {
            assert_eq!(is_loopback_listen(ok), Ok(true), "{ok}");
        }
        for remote in [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.5:80",
            "kiosk.example:8080",
            "localhost.evil.example:80",
        ] {
            assert_eq!(is_loopback_listen(remote), Ok(false), "{remote}");
        }
        for bad in ["8080", "127.0.0.1", "localhost:http", ""] {
            assert!(is_loopback_listen(bad).is_err(), "{bad}");
        }
    }
}
