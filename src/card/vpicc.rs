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

/// Acknowledges at once instead of after Linux's delayed-ACK timer: vpcd
/// writes a message's length and its payload separately, and with Nagle's
/// algorithm on its side each exchange would otherwise wait ~40 ms for our ACK.
/// The flag wears off after each receive, so it is set before every read.
fn quick_ack(stream: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let one: libc::c_int = 1;
        // SAFETY: a valid socket descriptor and a c_int option value of the right size.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stream;
}

fn read_message(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    quick_ack(stream);
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    quick_ack(stream);
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

/// A simulated card sitting in a vpcd reader; [`InsertedCard::remove`] (or
/// dropping it) pulls it out.
pub struct InsertedCard {
    stream: TcpStream,
    thread: Option<std::thread::JoinHandle<Result<(), VpiccError>>>,
}

impl InsertedCard {
    /// Connects to vpcd at `addr` (the card goes in) and answers on a thread.
    pub fn insert(addr: &str, profile: SimProfile) -> Result<InsertedCard, VpiccError> {
        let stream = connect(addr)?;
        let serving = stream.try_clone()?;
        let thread = std::thread::Builder::new()
            .name("vpicc".into())
            .spawn(move || answer(serving, profile))?;
        Ok(InsertedCard {
            stream,
            thread: Some(thread),
        })
    }

    /// Pulls the card out: closes the connection and waits for the thread.
    pub fn remove(mut self) {
        self.pull();
    }

    fn pull(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for InsertedCard {
    fn drop(&mut self) {
        self.pull();
    }
}

fn connect(addr: &str) -> Result<TcpStream, VpiccError> {
    use std::net::ToSocketAddrs;
    let error = |source| VpiccError::Connect {
        addr: addr.to_string(),
        source,
    };
    let target = addr
        .to_socket_addrs()
        .map_err(error)?
        .next()
        .ok_or_else(|| error(std::io::Error::other("no address")))?;
    // vpcd accepts the next card only after it noticed the last one leave (at
    // pcscd's next poll): a short timeout, tried again, instead of TCP's minutes.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let stream = loop {
        match TcpStream::connect_timeout(&target, Duration::from_millis(1500)) {
            Ok(s) => break s,
            Err(e)
                if e.kind() == std::io::ErrorKind::TimedOut
                    && std::time::Instant::now() < deadline => {}
            Err(e) => return Err(error(e)),
        }
    };
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Inserts a simulated card into vpcd at `addr` and answers until vpcd closes
/// the connection.
pub fn serve(addr: &str, profile: SimProfile) -> Result<(), VpiccError> {
    answer(connect(addr)?, profile)
}

fn answer(mut stream: TcpStream, profile: SimProfile) -> Result<(), VpiccError> {
    stream.set_read_timeout(None)?;
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut card = SimCard::new(profile.clone());
    loop {
        let message = match read_message(&mut stream) {
            Ok(Some(m)) => m,
            Ok(None) => break,
            // Our own shutdown (the card was pulled) ends the loop quietly.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotConnected
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                break;
            }
            Err(e) => return Err(e.into()),
        };
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
