//! The card side of the vsmartcard vpcd protocol, so the simulated eObčanka can
//! sit in pcscd's virtual reader: every message both ways is a 2-byte
//! big-endian length and a payload; 1-byte payloads from vpcd are control codes
//! (`00` power off, `01` power on, `02` reset — no reply — and `04` get ATR);
//! anything longer is a command APDU. Connected = card inserted; closing the
//! socket = card removed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::sim::{SimCard, SimProfile};

#[derive(Debug, thiserror::Error)]
pub enum VpiccError {
    #[error("cannot connect to vpcd at {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("vpcd connection: {0}")]
    Io(#[from] std::io::Error),
}

fn read_message(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut payload)?;
    Ok(Some(payload))
}

fn write_message(stream: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let len =
        u16::try_from(payload.len()).map_err(|_| std::io::Error::other("message too long"))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(payload);
    stream.write_all(&framed)?;
    stream.flush()
}

/// Inserts a simulated card into vpcd at `addr` and answers until vpcd closes
/// the connection (or `serve` is told to stop by dropping the stream elsewhere).
pub fn serve(addr: &str, profile: SimProfile) -> Result<(), VpiccError> {
    let mut stream = TcpStream::connect(addr).map_err(|source| VpiccError::Connect {
        addr: addr.to_string(),
        source,
    })?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(None)?;
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut card = SimCard::new(profile.clone());
    while let Some(message) = read_message(&mut stream)? {
        match message.as_slice() {
            [0x00] => {}                                             // power off
            [0x01] | [0x02] => card = SimCard::new(profile.clone()), // power on / reset: fresh state
            [0x04] => write_message(&mut stream, &profile.atr)?,
            [_] => {} // unknown control code: ignore, as vpcd does
            apdu => {
                let response = card.respond(apdu);
                write_message(&mut stream, &response)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn answers_vpcd_control_codes_and_apdus() {
        let vpcd = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = vpcd.local_addr().unwrap().to_string();
        let card = std::thread::spawn(move || serve(&addr, SimProfile::valid()));
        let (mut conn, _) = vpcd.accept().unwrap();
        write_message(&mut conn, &[0x01]).unwrap();
        write_message(&mut conn, &[0x04]).unwrap();
        assert_eq!(
            read_message(&mut conn).unwrap().unwrap(),
            super::super::sim::EOBCANKA_ATR.to_vec()
        );
        let select = [
            0x00, 0xA4, 0x04, 0x0C, 0x09, 0xD2, 0x03, 0x10, 0x01, 0x00, 0x01, 0x00, 0x02, 0x02,
        ];
        write_message(&mut conn, &select).unwrap();
        assert_eq!(read_message(&mut conn).unwrap().unwrap(), vec![0x90, 0x00]);
        write_message(&mut conn, &[0x80, 0xCA, 0x01, 0x01, 0x00]).unwrap();
        assert_eq!(read_message(&mut conn).unwrap().unwrap(), vec![0x6C, 0x09]);
        // vpcd closes: the card was "removed" and the simulator returns.
        drop(conn);
        assert!(card.join().unwrap().is_ok());
    }

    #[test]
    fn no_vpcd_is_a_clear_error() {
        let err = serve("127.0.0.1:1", SimProfile::valid())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot connect to vpcd at 127.0.0.1:1"),
            "{err}"
        );
    }
}
