//! Talking to the printer: the URI from config (`file:`, `tcp://`, `serial:`,
//! `usb:VID:PID`, `preview:`), real-time status with `DLE EOT` where the link
//! answers, and sending a job. The `escpos` crate's drivers carry the job to
//! serial and USB printers (its USB driver talks to the device through libusb,
//! so a USB printer works without the kernel's `usblp`); where a crate driver
//! cannot do what the status handling needs, the link is ours and the place
//! says why. Blocking I/O with timeouts: call it off the UI thread. It never
//! logs a job's bytes (a slip can carry a citizen's data).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use escpos::driver::{Driver, SerialPortDriver, UsbDriver};
use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse};

const DLE: u8 = 0x10;
const EOT: u8 = 0x04;
/// How long a bidirectional printer has to answer a status query.
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(800);
/// How long a network printer has to accept the connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one write of a job may block while the printer's buffer is full.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterUri {
    /// A USB line-printer device of the kernel's `usblp` (write only: no status).
    File(PathBuf),
    /// Network printer, raw port 9100.
    Tcp(String),
    /// Serial printer with its baud rate.
    Serial { path: PathBuf, baud: u32 },
    /// USB printer by vendor and product id, through libusb (status answers).
    Usb { vendor: u16, product: u16 },
    /// No printer: each job is written to this directory (bytes and decoded text).
    Preview(PathBuf),
}
#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    #[error(
        "`{0}` is not a printer URI: expected file:/dev/usb/lp0, tcp://host:9100, serial:/dev/ttyUSB0?baud=19200, usb:04b8:0202 or preview:DIR"
    )]
    Uri(String),
    #[error("the printer is not ready: {0}")]
    NotReady(PrinterState),
    #[error("cannot reach the printer: {0}")]
    Io(String),
}

/// What the printer reported: the core's word for it.
pub use crate::kiosk::ports::PrinterState;

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
        if let Some(ids) = uri.strip_prefix("usb:") {
            return parse_usb_ids(ids)
                .map(|(vendor, product)| PrinterUri::Usb { vendor, product })
                .ok_or_else(bad);
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
        matches!(
            self,
            PrinterUri::Tcp(_) | PrinterUri::Serial { .. } | PrinterUri::Usb { .. }
        )
    }
}

/// `04b8:0202` (as `lsusb` shows them): four hex digits each, vendor not 0.
fn parse_usb_ids(ids: &str) -> Option<(u16, u16)> {
    let (vendor, product) = ids.split_once(':')?;
    let hex = |s: &str| {
        (s.len() == 4 && s.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u16::from_str_radix(s, 16).ok())
            .flatten()
    };
    let (vendor, product) = (hex(vendor)?, hex(product)?);
    (vendor != 0).then_some((vendor, product))
}

/// Interprets the replies to `DLE EOT 1`, `2` and `4` with the crate's status
/// parser (which also checks each reply's `0xx1xx10` pattern); a reply that is
/// not a status byte counts as no answer.
pub fn state_from_status(offline: u8, cause: u8, paper: u8) -> PrinterState {
    use RealTimeStatusRequest as Ask;
    use RealTimeStatusResponse as Bit;
    let (Ok(printer), Ok(cause), Ok(paper)) = (
        RealTimeStatusResponse::parse(Ask::Printer, offline),
        RealTimeStatusResponse::parse(Ask::OfflineCause, cause),
        RealTimeStatusResponse::parse(Ask::RollPaperSensor, paper),
    ) else {
        return PrinterState::NoAnswer;
    };
    // Every bit of a request is in its map; the default is the harmless reading.
    let bit = |map: &std::collections::HashMap<Bit, bool>, b: Bit, default: bool| {
        map.get(&b).copied().unwrap_or(default)
    };
    if !bit(&cause, Bit::CoverClosed, true) {
        PrinterState::CoverOpen
    } else if !bit(&paper, Bit::RollPaperEndSensorPaperPresent, true)
        || bit(&cause, Bit::PrintingStopsDueToPaperEnd, false)
    {
        PrinterState::PaperEnd
    } else if !bit(&printer, Bit::Online, true) || bit(&cause, Bit::ErrorOccurred, false) {
        PrinterState::Offline
    } else if !bit(&paper, Bit::RollPaperNearEndSensorPaperAdequate, true) {
        PrinterState::PaperNearEnd
    } else {
        PrinterState::Ready
    }
}

/// A status reply always looks like `0xx1xx10`.
fn is_status_byte(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// The status byte in what a link returned for one `DLE EOT n` query: a USB
/// packet may hold more than one byte, so the answer is the last one; `None`
/// when nothing came or the last byte cannot be a status reply.
pub fn status_reply(answer: &[u8]) -> Option<u8> {
    answer.last().copied().filter(|b| is_status_byte(*b))
}

/// A link status queries go through: the crate's `Driver` (write, flush, read
/// with the link's timeout) and a way to forget bytes that arrived unasked.
trait StatusLink: Driver {
    /// Throws away bytes already received (without waiting for more).
    fn drain(&self);
}

/// Our TCP link, for the status queries *and* the job.
///
/// Not the crate's `NetworkDriver`, because that one cannot do what the status
/// handling relies on: it has one timeout for connecting, writing and reading
/// (a status answer gets 800 ms, a job's write 10 s), connects with a timeout
/// only to an IP literal (not a host name), leaves Nagle's algorithm on (40 ms
/// per query after a job, see the README's performance table) and keeps its
/// socket private, so stale input cannot be drained. Nor can the job alone go
/// through it: the status after the job must travel on the job's connection,
/// because only there does the answer come after the printer has read the job
/// (on a second connection it may come first).
struct TcpLink(TcpStream);

impl TcpLink {
    fn connect(addr: &str) -> Result<TcpLink, PrinterError> {
        use std::net::ToSocketAddrs;
        let target = addr
            .to_socket_addrs()
            .map_err(|e| PrinterError::Io(format!("{addr}: {e}")))?
            .next()
            .ok_or_else(|| PrinterError::Io(format!("{addr}: no address")))?;
        let stream = TcpStream::connect_timeout(&target, CONNECT_TIMEOUT)
            .map_err(|e| PrinterError::Io(format!("{addr}: {e}")))?;
        let _ = stream.set_write_timeout(Some(JOB_TIMEOUT));
        let _ = stream.set_read_timeout(Some(STATUS_TIMEOUT));
        // Status queries are 3-byte writes waiting for a 1-byte answer: without this,
        // Nagle's algorithm and delayed ACKs add ~40 ms to every query.
        let _ = stream.set_nodelay(true);
        Ok(TcpLink(stream))
    }
}

/// The crate's `Driver` for our own links: the stream is read and written
/// through a shared reference (sockets and files allow it).
macro_rules! link_driver {
    ($link:ty, $name:literal) => {
        impl Driver for $link {
            fn name(&self) -> String {
                $name.into()
            }

            fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
                Ok((&self.0).write_all(data)?)
            }

            fn read(&self, buf: &mut [u8]) -> escpos::errors::Result<usize> {
                Ok((&self.0).read(buf)?)
            }

            fn flush(&self) -> escpos::errors::Result<()> {
                Ok((&self.0).flush()?)
            }
        }
    };
}

link_driver!(TcpLink, "network");

impl StatusLink for TcpLink {
    fn drain(&self) {
        if self.0.set_nonblocking(true).is_ok() {
            let mut scratch = [0u8; 256];
            while matches!((&self.0).read(&mut scratch), Ok(n) if n > 0) {}
            let _ = self.0.set_nonblocking(false);
        }
    }
}

/// Our serial link for the status queries (the job goes through the crate's
/// `SerialPortDriver`).
///
/// Not the crate's driver, because its `read` always waits 5 s (it resets the
/// port's timeout on every read, whatever `open` was given) where a status
/// answer gets 800 ms, and its port is private, so stale input cannot be
/// discarded before a query.
struct SerialLink(std::fs::File);

impl SerialLink {
    fn open(path: &Path, baud: u32) -> Result<SerialLink, PrinterError> {
        open_serial(path, baud).map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))
    }
}

link_driver!(SerialLink, "serial");

impl StatusLink for SerialLink {
    fn drain(&self) {
        use std::os::fd::AsRawFd;
        // SAFETY: the fd is an open terminal; TCIFLUSH discards unread input.
        unsafe {
            libc::tcflush(self.0.as_raw_fd(), libc::TCIFLUSH);
        }
    }
}

/// A raw 8N1 terminal at `baud` whose reads return 0 bytes after STATUS_TIMEOUT.
fn open_serial(path: &Path, baud: u32) -> std::io::Result<SerialLink> {
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
        // VMIN = 0, VTIME in tenths of a second: read returns 0 bytes on timeout.
        t.c_cc[libc::VMIN] = 0;
        t.c_cc[libc::VTIME] = (STATUS_TIMEOUT.as_millis() / 100).clamp(1, 255) as u8;
        if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(SerialLink(file))
}

/// The crate's USB driver (libusb) answers status queries as they are: it is
/// opened with the status timeout for them and with the job timeout for a job,
/// since it has one timeout for reads and writes. A fresh claim of the
/// interface has nothing stale to drain.
impl StatusLink for UsbDriver {
    fn drain(&self) {}
}

fn open_usb(vendor: u16, product: u16, timeout: Duration) -> Result<UsbDriver, PrinterError> {
    UsbDriver::open(vendor, product, Some(timeout), None)
        .map_err(|e| PrinterError::Io(format!("usb {vendor:04x}:{product:04x}: {e}")))
}

/// Asks a bidirectional printer for its state.
fn query(link: &dyn StatusLink) -> PrinterState {
    // Forget any stray bytes first (a reply to a query inside earlier data).
    link.drain();
    let mut replies = [0u8; 3];
    for (i, n) in [1u8, 2, 4].into_iter().enumerate() {
        // Hand-written because the crate's `real_time_status` sends `DLE EOT n 0`:
        // the fourth byte belongs to n = 7, 8 and 18 only, and after n = 1, 2, 4 it
        // is a NUL in the print data (the job must not start with stray bytes).
        if link
            .write(&[DLE, EOT, n])
            .and_then(|()| link.flush())
            .is_err()
        {
            return PrinterState::Offline;
        }
        let mut answer = [0u8; 64];
        match link
            .read(&mut answer)
            .map(|got| status_reply(&answer[..got.min(answer.len())]))
        {
            Ok(Some(reply)) => replies[i] = reply,
            _ => return PrinterState::NoAnswer,
        }
    }
    state_from_status(replies[0], replies[1], replies[2])
}

/// The printer's state now (Unknown for one-way links).
pub fn status(uri: &PrinterUri) -> Result<PrinterState, PrinterError> {
    match uri {
        PrinterUri::Tcp(addr) => Ok(query(&TcpLink::connect(addr)?)),
        PrinterUri::Serial { path, baud } => Ok(query(&SerialLink::open(path, *baud)?)),
        PrinterUri::Usb { vendor, product } => {
            Ok(query(&open_usb(*vendor, *product, STATUS_TIMEOUT)?))
        }
        PrinterUri::File(path) => Ok(line_printer_state(&open_file(path)?)),
        PrinterUri::Preview(_) => Ok(PrinterState::Unknown),
    }
}

fn open_file(path: &Path) -> Result<std::fs::File, PrinterError> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))
}

/// `LPGETSTATUS` of the kernel's line printer devices (`linux/lp.h`): the
/// IEEE 1284 status byte, which `usblp` reads from the printer
/// (GET_PORT_STATUS). Without it a `file:/dev/usb/lp0` job was "printed"
/// while the printer had no paper, and the kernel handed it over later — to
/// whoever stood at the kiosk when the roll was changed.
const LPGETSTATUS: libc::c_ulong = 0x060b;
const LP_POUTPA: libc::c_int = 0x20;
const LP_PSELECD: libc::c_int = 0x10;
const LP_PERRORP: libc::c_int = 0x08;

/// The state of a `file:` printer: the line printer status where the file is
/// such a device, Unknown for a plain file or a pipe (which cannot tell).
fn line_printer_state(file: &std::fs::File) -> PrinterState {
    use std::os::fd::AsRawFd;
    let mut status: libc::c_int = 0;
    // SAFETY: LPGETSTATUS writes one int through the pointer, which outlives the call.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), LPGETSTATUS as _, &mut status) };
    if rc != 0 {
        return PrinterState::Unknown;
    }
    state_from_lp_status(status)
}

/// The 1284 status bits: paper empty, selected (online), no error (active low).
pub fn state_from_lp_status(status: libc::c_int) -> PrinterState {
    if status & LP_POUTPA != 0 {
        PrinterState::PaperEnd
    } else if status & LP_PSELECD == 0 || status & LP_PERRORP == 0 {
        PrinterState::Offline
    } else {
        PrinterState::Ready
    }
}

/// The outcome of a job the printer took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printed {
    /// State after the job (e.g. paper near end: tell staff).
    pub after: PrinterState,
}

fn job_error(e: escpos::errors::PrinterError) -> PrinterError {
    PrinterError::Io(e.to_string())
}

/// Writes a job through a driver and waits until it has left (`flush`).
fn write_job(driver: &dyn Driver, job: &[u8]) -> Result<(), PrinterError> {
    driver
        .write(job)
        .and_then(|()| driver.flush())
        .map_err(job_error)
}

/// Sends one job: status first (where the link answers), the bytes, status after.
/// A printer that is not ready gets nothing, and the caller keeps the job.
pub fn print(uri: &PrinterUri, job: &[u8], job_name: &str) -> Result<Printed, PrinterError> {
    match uri {
        PrinterUri::Tcp(addr) => {
            let link = TcpLink::connect(addr)?;
            send(
                || Ok(query(&link)),
                || write_job(&link, job),
                || query(&link),
            )
        }
        PrinterUri::Serial { path, baud } => send(
            || Ok(query(&SerialLink::open(path, *baud)?)),
            || {
                let name = path.to_string_lossy();
                let driver = SerialPortDriver::open(&name, *baud, Some(JOB_TIMEOUT))
                    .map_err(|e| PrinterError::Io(format!("{name}: {e}")))?;
                // Its flush waits until the bytes are on the wire (tcdrain), so the
                // status asked afterwards on our link follows the whole job.
                write_job(&driver, job)
            },
            || SerialLink::open(path, *baud).map_or(PrinterState::NoAnswer, |l| query(&l)),
        ),
        PrinterUri::Usb { vendor, product } => send(
            || Ok(query(&open_usb(*vendor, *product, STATUS_TIMEOUT)?)),
            // A bulk write returns once the printer has taken the data.
            || write_job(&open_usb(*vendor, *product, JOB_TIMEOUT)?, job),
            || {
                open_usb(*vendor, *product, STATUS_TIMEOUT)
                    .map_or(PrinterState::NoAnswer, |d| query(&d))
            },
        ),
        PrinterUri::File(path) => {
            let f = open_file(path)?;
            // A line printer device that reports no paper, offline or an error
            // gets nothing: the kernel would hold the job and print it later.
            send(
                || Ok(line_printer_state(&f)),
                || {
                    (&f).write_all(job)
                        .and_then(|()| (&f).flush())
                        .map_err(|e| PrinterError::Io(format!("{}: {e}", path.display())))
                },
                || line_printer_state(&f),
            )
        }
        PrinterUri::Preview(dir) => preview(dir, job, job_name),
    }
}

/// The preview printer: the job's bytes, its decoded text and its picture in `dir`.
fn preview(dir: &Path, job: &[u8], job_name: &str) -> Result<Printed, PrinterError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| PrinterError::Io(format!("{}: {e}", dir.display())))?;
    let write = |name: String, bytes: &[u8]| {
        std::fs::write(dir.join(&name), bytes).map_err(|e| PrinterError::Io(format!("{name}: {e}")))
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

/// The order of every job on a link that answers: status before (a printer that
/// is not ready gets nothing), the job, status after.
fn send(
    before: impl FnOnce() -> Result<PrinterState, PrinterError>,
    job: impl FnOnce() -> Result<(), PrinterError>,
    after: impl FnOnce() -> PrinterState,
) -> Result<Printed, PrinterError> {
    let before = before()?;
    if !before.can_print() {
        return Err(PrinterError::NotReady(before));
    }
    job()?;
    let after = after();
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
        assert_eq!(
            PrinterUri::parse("usb:04b8:0202").unwrap(),
            PrinterUri::Usb {
                vendor: 0x04b8,
                product: 0x0202
            }
        );
        assert_eq!(
            PrinterUri::parse("usb:0FE6:811E").unwrap(),
            PrinterUri::Usb {
                vendor: 0x0fe6,
                product: 0x811e
            }
        );
        assert!(PrinterUri::parse("usb:04b8:0202").unwrap().bidirectional());
        assert!(
            !PrinterUri::parse("file:/dev/usb/lp0")
                .unwrap()
                .bidirectional()
        );
        for bad in [
            "usb:/dev/lp0",
            "usb:",
            "usb:04b8",
            "usb:04b8:",
            "usb:4b8:202",
            "usb:04b8:0202:1",
            "usb:0x4b8:0202",
            "usb:04g8:0202",
            "usb:0000:0202",
            "usb:+4b8:0202",
            "file:",
            "serial:/dev/ttyS0?baud=123",
            "serial:/dev/ttyS0?speed=9600",
            "preview:",
        ] {
            assert!(PrinterUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn line_printer_status_bits_map_to_states() {
        // selected + no error: ready; the usual usblp answer is 0x18.
        assert_eq!(state_from_lp_status(0x18), PrinterState::Ready);
        assert_eq!(
            state_from_lp_status(0x18 | LP_POUTPA),
            PrinterState::PaperEnd
        );
        assert_eq!(state_from_lp_status(0x08), PrinterState::Offline);
        assert_eq!(state_from_lp_status(0x10), PrinterState::Offline);
        assert!(!state_from_lp_status(0x38).can_print());
    }

    #[test]
    fn a_plain_file_printer_cannot_tell_and_still_takes_the_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lp0");
        std::fs::write(&path, b"").unwrap();
        let uri = PrinterUri::File(path.clone());
        assert_eq!(status(&uri).unwrap(), PrinterState::Unknown);
        let printed = print(&uri, b"\x1b@slip", "t").unwrap();
        assert_eq!(printed.after, PrinterState::Unknown);
        assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@slip");
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
        // Bits of a reply that cannot be a status byte are not guessed at.
        assert_eq!(state_from_status(0x12, 0x00, 0x12), PrinterState::NoAnswer);
    }

    #[test]
    fn a_status_answer_is_the_last_byte_of_what_the_link_read() {
        assert_eq!(status_reply(&[0x12]), Some(0x12));
        // A USB packet with a stray byte before the answer.
        assert_eq!(status_reply(&[0x00, 0x16]), Some(0x16));
        assert_eq!(status_reply(&[]), None);
        assert_eq!(status_reply(&[0x12, 0xFF]), None);
    }
}
