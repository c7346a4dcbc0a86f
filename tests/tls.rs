//! The client over HTTPS with a pinned CA (KIOSK-API.md: "a pinned CA file may
//! replace the system roots"): a test CA and a loopback TLS server. The pinned
//! CA is trusted; a server certificate from any other CA is refused.

use std::sync::Arc;
use std::time::Duration;

use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::PromoPlaylist;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

struct Pki {
    ca_pem: String,
    server_der: Vec<u8>,
    server_key_der: Vec<u8>,
}

fn pki(name: &str) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, name);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_der: server.der().to_vec(),
        server_key_der: server_key.serialize_der(),
    }
}

/// An HTTPS server on loopback that answers every request with an empty playlist.
async fn serve(pki: &Pki) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.server_der.clone().into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.server_key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = r#"{"slides":[]}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: \"t1\"\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn client_pinned_to(ca_pem: &str, port: u16) -> PortalClient {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("portal-ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    let url = format!("https://localhost:{port}/kiosk/v1/");
    PortalClient::new(
        &url,
        "test-token-0123456789abcdef",
        Some(&ca),
        Duration::from_secs(5),
    )
    .unwrap()
}

#[tokio::test]
async fn the_pinned_ca_is_trusted_and_no_other() {
    let portal = pki("Portal test CA");
    let port = serve(&portal).await;

    let trusting = client_pinned_to(&portal.ca_pem, port);
    match trusting.fetch::<PromoPlaylist>(None).await {
        Ok(portal_kiosk::portal::Fetched::Fresh { value, etag }) => {
            assert!(value.slides.is_empty());
            assert_eq!(etag, "\"t1\"");
        }
        other => panic!("expected the playlist over TLS, got {other:?}"),
    }

    // A kiosk pinned to another CA refuses this server (as it would a forged one).
    let other = pki("Some other CA");
    let refusing = client_pinned_to(&other.ca_pem, port);
    let err = refusing
        .fetch::<PromoPlaylist>(None)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unreachable"), "{err}");
    assert!(
        err.to_lowercase().contains("certificate") || err.contains("UnknownIssuer"),
        "{err}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_by_the_client() {
    // Refused when the client is made, before any traffic; so is a host that
    // only starts like a loopback name.
    for url in [
        "http://obcan.example/kiosk/v1/",
        "http://localhost.evil.example/kiosk/v1/",
        "http://127.0.0.1.nip.io/kiosk/v1/",
    ] {
        let err = PortalClient::new(
            url,
            "test-token-0123456789abcdef",
            None,
            Duration::from_secs(1),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected an https:// URL"), "{url}: {err}");
    }
}
