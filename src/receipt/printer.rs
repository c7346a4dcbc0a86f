//! Talking to the printer: the URI from config (`file:`, `tcp://`, `serial:`,
//! `preview:`), real-time status with `DLE EOT` where the link answers, and
//! sending a job. Blocking I/O with timeouts: call it off the UI thread.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

const DLE: u8 = 0x10;
const EOT: u8 = 0x04;
/// How long a bidirectional printer has to answer a status query.
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(800);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterUri {
    /// A USB line-printer device (write only: no status).
    File(PathBuf),
    /// Network printer, raw port 9100.
    Tcp(String),
    /// Serial printer with its baud rate.
    Serial { path: PathBuf, baud: u32 },
    /// No printer: each job is written to this directory (bytes and decoded text).
    Preview(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    #[error(
        "`{0}` is not a printer URI: expected file:/dev/usb/lp0, tcp://host:9100, serial:/dev/ttyUSB0?baud=19200 or preview:DIR"
    )]
    Uri(String),
    #[error("the printer is not ready: {0}")]
    NotReady(PrinterState),
    #[error("cannot reach the printer: {0}")]
    Io(String),
}

/// What the printer reported, in states staff and citizens understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrinterState {
    Ready,
    /// Still prints, but staff should change the roll soon.
    PaperNearEnd,
    PaperEnd,
    CoverOpen,
    Offline,
    /// A bidirectional link that did not answer a status query.
    NoAnswer,
    /// The link cannot tell (USB line printer device, preview).
    Unknown,
}

impl PrinterState {
    pub fn can_print(self) -> bool {
        matches!(
            self,
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown
        )
    }

    /// For the log, the staff screen and `print-test`.
    pub fn describe(self) -> &'static str {
        match self {
            PrinterState::Ready => "ready",
            PrinterState::PaperNearEnd => "paper near end",
            PrinterState::PaperEnd => "paper end",
            PrinterState::CoverOpen => "cover open",
            PrinterState::Offline => "offline",
            PrinterState::NoAnswer => "does not answer a status query",
            PrinterState::Unknown => "status unknown (one-way link)",
        }
    }

    /// For the citizen, in plain Czech (the UI translates it).
    pub fn citizen_message(self) -> &'static str {
        match self {
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown => "Tisknu…",
            PrinterState::PaperEnd => {
                "V tiskárně došel papír. Obraťte se prosím na obsluhu nebo si údaje opište z obrazovky."
            }
            PrinterState::CoverOpen => "Tiskárna je otevřená. Obraťte se prosím na obsluhu.",
            PrinterState::Offline | PrinterState::NoAnswer => {
                "Tiskárna teď nefunguje. Údaje si prosím opište nebo vyfoťte z obrazovky."
            }
        }
    }
}

impl std::fmt::Display for PrinterState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

impl PrinterUri {
    pub fn parse(uri: &str) -> Result<PrinterUri, PrinterError> {
        let bad = || PrinterError::Uri(uri.to_string());
        if let Some(path) = uri.strip_prefix("file:") {
            return (!path.is_empty())
                .then(|| PrinterUri::File(PathBuf::from(path)))
                .ok_or_else(bad);
        }
        if let Some(addr) = uri.strip_prefix("tcp://") {
            let addr = if addr.contains(':') {
                addr.to_string()
            } else {
                format!("{addr}:9100")
            };
            return (addr.len() > 5)
                .then_some(PrinterUri::Tcp(addr))
                .ok_or_else(bad);
        }
        if let Some(rest) = uri.strip_prefix("serial:") {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let baud = match query.strip_prefix("baud=") {
                Some(b) => b.parse().map_err(|_| bad())?,
                None if query.is_empty() => 9600,
                None => return Err(bad()),
            };
            if path.is_empty() || ![9600, 19200, 38400, 57600, 115200].contains(&baud) {
                return Err(bad());
            }
            return Ok(PrinterUri::Serial {
                path: PathBuf::from(path),
                baud,
            });
        }
        if let Some(dir) = uri.strip_prefix("preview:") {
            return (!dir.is_empty())
                .then(|| PrinterUri::Preview(PathBuf::from(dir)))
                .ok_or_else(bad);
        }
        Err(bad())
    }

    /// Whether the printer can answer status queries over this link.
    pub fn bidirectional(&self) -> bool {
        matches!(self, PrinterUri::Tcp(_) | PrinterUri::Serial { .. })
    }
}

/// Interprets the replies to `DLE EOT 1`, `2` and `4`.
pub fn state_from_status(offline: u8, cause: u8, paper: u8) -> PrinterState {
    if cause & 0x04 != 0 {
        PrinterState::CoverOpen
    } else if paper & 0x60 != 0 || cause & 0x20 != 0 {
        PrinterState::PaperEnd
    } else if offline & 0x08 != 0 || cause & 0x40 != 0 {
        PrinterState::Offline
    } else if paper & 0x0C != 0 {
        PrinterState::PaperNearEnd
    } else {
        PrinterState::Ready
    }
}

/// A status reply always looks like `0xx1xx10`.
fn is_status_byte(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// A link that can be written and (for status) read.
trait Link: Read + Write {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> std::io::Result<()>;
    /// Throws away bytes already received (without waiting for more).
    fn drain(&mut self);
}

impl Link for TcpStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> std::io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }

    fn drain(&mut self) {
        if self.set_nonblocking(true).is_ok() {
            let mut scratch = [0u8; 256];
            while matches!(self.read(&mut scratch), Ok(n) if n > 0) {}
            let _ = self.set_nonblocking(false);
        }
    }
}

struct SerialLink(std::fs::File);

impl Read for SerialLink {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for SerialLink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Link for SerialLink {
    fn drain(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: the fd is an open terminal; TCIFLUSH discards unread input.
        unsafe {
            libc::tcflush(self.0.as_raw_fd(), libc::TCIFLUSH);
        }
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> std::io::Result<()> {
        use std::os::fd::AsRawFd;
        // VMIN = 0, VTIME in tenths of a second: read returns 0 bytes on timeout.
        let fd = self.0.as_raw_fd();
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: fd is an open terminal; tcgetattr fills `t` before we use it.
        unsafe {
            if libc::tcgetattr(fd, t.as_mut_ptr()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut t = t.assume_init();
            t.c_cc[libc::VMIN] = 0;
            t.c_cc[libc::VTIME] = timeout.map_or(0, |d| (d.as_millis() / 100).clamp(1, 255) as u8);
            if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

fn open_serial(path: &std::path::Path, baud: u32) -> std::io::Result<SerialLink> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    let speed = match baud {
        19200 => libc::B19200,
        38400 => libc::B38400,
        57600 => libc::B57600,
        115200 => libc::B115200,
        _ => libc::B9600,
    };
    let fd = file.as_raw_fd();
    let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: fd is open; tcgetattr initialises `t` before it is modified and set.
    unsafe {
        if libc::tcgetattr(fd, t.as_mut_ptr()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut t = t.assume_init();
        libc::cfmakeraw(&mut t);
        libc::cfsetspeed(&mut t, speed);
        if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(SerialLink(file))
}

/// Asks a bidirectional printer for its state.
fn query(link: &mut dyn Link) -> PrinterState {
    // Forget any stray bytes first (a reply to a query inside earlier data).
    link.drain();
    let _ = link.set_read_timeout(Some(STATUS_TIMEOUT));
    let mut replies = [0u8; 3];
    for (i, n) in [1u8, 2, 4].into_iter().enumerate() {
        if link
            .write_all(&[DLE, EOT, n])
            .and_then(|()| link.flush())
            .is_err()
        {
            return PrinterState::Offline;
        }
        let mut byte = [0u8; 1];
        match link.read(&mut byte) {
            Ok(1) if is_status_byte(byte[0]) => replies[i] = byte[0],
            _ => return PrinterState::NoAnswer,
        }
    }
    state_from_status(replies[0], replies[1], replies[2])
}

/// The printer's state now (Unknown for one-way links).
pub fn status(uri: &PrinterUri) -> Result<PrinterState, PrinterError> {
    match uri {
        PrinterUri::Tcp(addr) => {
            let mut link = connect(addr)?;
            Ok(query(&mut link))
        }
        PrinterUri::Serial { path, baud } => {
            let mut link = open_serial(path, *baud)
                .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))?;
            Ok(query(&mut link))
        }
        PrinterUri::File(_) | PrinterUri::Preview(_) => Ok(PrinterState::Unknown),
    }
}

fn connect(addr: &str) -> Result<TcpStream, PrinterError> {
    use std::net::ToSocketAddrs;
    let target = addr
        .to_socket_addrs()
        .map_err(|e| PrinterError::Io(format!("{addr}: {e}")))?
        .next()
        .ok_or_else(|| PrinterError::Io(format!("{addr}: no address")))?;
    let stream = TcpStream::connect_timeout(&target, Duration::from_secs(3))
        .map_err(|e| PrinterError::Io(format!("{addr}: {e}")))?;
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    // Status queries are 3-byte writes waiting for a 1-byte answer: without this,
    // Nagle's algorithm and delayed ACKs add ~40 ms to every query.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// The outcome of a job the printer took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printed {
    /// State after the job (e.g. paper near end: tell staff).
    pub after: PrinterState,
}

/// Sends one job: status first (where the link answers), the bytes, status after.
/// A printer that is not ready gets nothing, and the caller keeps the job.
pub fn print(uri: &PrinterUri, job: &[u8], job_name: &str) -> Result<Printed, PrinterError> {
    match uri {
        PrinterUri::Tcp(addr) => {
            let mut link = connect(addr)?;
            send(&mut link, job)
        }
        PrinterUri::Serial { path, baud } => {
            let mut link = open_serial(path, *baud)
                .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))?;
            send(&mut link, job)
        }
        PrinterUri::File(path) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))?;
            f.write_all(job)
                .and_then(|()| f.flush())
                .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))?;
            Ok(Printed {
                after: PrinterState::Unknown,
            })
        }
        PrinterUri::Preview(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| PrinterError::Io(format!("{}: {e}", dir.display())))?;
            let write = |name: String, bytes: &[u8]| {
                std::fs::write(dir.join(&name), bytes)
                    .map_err(|e| PrinterError::Io(format!("{name}: {e}")))
            };
            write(format!("{job_name}.bin"), job)?;
            let text = match super::decode(job) {
                Ok(r) => {
                    // The picture of the slip, as wide as the longest line (48 columns at most).
                    let columns = r
                        .lines()
                        .iter()
                        .map(|l| l.chars().count())
                        .max()
                        .unwrap_or(32)
                        .clamp(32, 48);
                    let png = dir.join(format!("{job_name}.png"));
                    super::preview::render(&r, columns)
                        .save(&png)
                        .map_err(|e| PrinterError::Io(format!("{}: {e}", png.display())))?;
                    let mut t = r.lines().join("\n");
                    for qr in r.qr_payloads() {
                        t.push_str(&format!("\n[QR] {qr}"));
                    }
                    t
                }
                Err(e) => format!("(undecodable: {e})"),
            };
            write(format!("{job_name}.txt"), text.as_bytes())?;
            Ok(Printed {
                after: PrinterState::Unknown,
            })
        }
    }
}

fn send(link: &mut dyn Link, job: &[u8]) -> Result<Printed, PrinterError> {
    let before = query(link);
    if !before.can_print() {
        return Err(PrinterError::NotReady(before));
    }
    link.write_all(job)
        .and_then(|()| link.flush())
        .map_err(|e| PrinterError::Io(e.to_string()))?;
    let after = query(link);
    match after {
        // The job went out; a printer that stopped answering afterwards is reported, not retried.
        PrinterState::PaperEnd | PrinterState::CoverOpen | PrinterState::Offline => {
            Err(PrinterError::NotReady(after))
        }
        _ => Ok(Printed { after }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse_with_defaults() {
        assert_eq!(
            PrinterUri::parse("file:/dev/usb/lp0").unwrap(),
            PrinterUri::File("/dev/usb/lp0".into())
        );
        assert_eq!(
            PrinterUri::parse("tcp://10.0.0.5").unwrap(),
            PrinterUri::Tcp("10.0.0.5:9100".into())
        );
        assert_eq!(
            PrinterUri::parse("tcp://printer:9101").unwrap(),
            PrinterUri::Tcp("printer:9101".into())
        );
        assert_eq!(
            PrinterUri::parse("serial:/dev/ttyUSB0?baud=19200").unwrap(),
            PrinterUri::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 19200
            }
        );
        for bad in [
            "usb:/dev/lp0",
            "file:",
            "serial:/dev/ttyS0?baud=123",
            "serial:/dev/ttyS0?speed=9600",
            "preview:",
        ] {
            assert!(PrinterUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_bits_map_to_states() {
        assert_eq!(state_from_status(0x12, 0x12, 0x12), PrinterState::Ready);
        assert_eq!(
            state_from_status(0x12, 0x12, 0x1E),
            PrinterState::PaperNearEnd
        );
        assert_eq!(state_from_status(0x1A, 0x32, 0x72), PrinterState::PaperEnd);
        assert_eq!(state_from_status(0x1A, 0x16, 0x12), PrinterState::CoverOpen);
        assert_eq!(state_from_status(0x1A, 0x12, 0x12), PrinterState::Offline);
        assert!(is_status_byte(0x12) && !is_status_byte(0x00) && !is_status_byte(0xFF));
    }
}
