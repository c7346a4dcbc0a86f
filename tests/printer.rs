//! A TCP test printer on loopback (and a serial one on a pseudo-terminal) that
//! records what it receives and answers `DLE EOT` with scripted states: the kiosk
//! reports each state correctly, and a printer that is not ready gets no job.
//! A USB printer (`usb:VID:PID`) cannot be tested here: no device on this machine.

use std::io::Read;
use std::sync::{Arc, Mutex};

use portal_kiosk::receipt::{PrinterState, PrinterUri, printer};

#[path = "support/test_printer.rs"]
mod test_printer;
use test_printer::*;

fn print_test(p: &TestPrinter) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args([
            "print-test",
            "--printer",
            &format!("tcp://{}", p.addr),
            "--profile",
            "epson-tm-t88",
            "--slip",
            "payment",
        ])
        .output()
        .unwrap()
}

#[test]
fn a_ready_printer_gets_the_slip_and_it_decodes() {
    let p = test_printer(Scripted::Ready);
    let out = print_test(&p);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("printer: ready"));
    let bytes = p.received.lock().unwrap().clone();
    let slip = portal_kiosk::receipt::decode(&bytes).unwrap();
    assert!(slip.lines().iter().any(|l| l == "Platební údaje"));
    assert!(slip.qr_payloads()[0].starts_with("SPD*1.0*ACC:CZ6001000000194260107208*AM:800.00"));
    assert_eq!(slip.cuts(), 1);
}

#[test]
fn paper_near_end_still_prints_and_is_reported() {
    let p = test_printer(Scripted::NearEnd);
    let out = print_test(&p);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("printer: paper near end"));
    assert!(!p.received.lock().unwrap().is_empty());
}

#[test]
fn a_printer_that_cannot_print_gets_no_job_and_the_reason_is_said() {
    for (state, words) in [
        (Scripted::PaperEnd, "printer: paper end"),
        (Scripted::CoverOpen, "printer: cover open"),
        (Scripted::Silent, "printer: does not answer a status query"),
    ] {
        let p = test_printer(state);
        let out = print_test(&p);
        assert!(!out.status.success(), "{state:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!("portal-kiosk: {words}"),
            "{state:?}"
        );
        assert!(
            p.received.lock().unwrap().is_empty(),
            "{state:?}: the job must be kept, not sent"
        );
    }
}

#[test]
fn status_and_print_through_the_library_keep_the_job_on_failure() {
    let p = test_printer(Scripted::CoverOpen);
    let uri = PrinterUri::parse(&format!("tcp://{}", p.addr)).unwrap();
    assert_eq!(printer::status(&uri).unwrap(), PrinterState::CoverOpen);
    match printer::print(&uri, b"\x1b@hello\n", "job") {
        Err(portal_kiosk::receipt::PrinterError::NotReady(PrinterState::CoverOpen)) => {}
        other => panic!("expected NotReady(CoverOpen), got {other:?}"),
    }
    assert_eq!(
        PrinterState::CoverOpen.citizen_message(),
        "Tiskárna je otevřená. Obraťte se prosím na obsluhu."
    );
}

#[test]
fn an_unreachable_printer_is_an_error_not_a_hang() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let uri = PrinterUri::parse("tcp://127.0.0.1:1").unwrap();

    assert!(matches!(
        printer::print(&uri, b"x", "job"),
        Err(portal_kiosk::receipt::PrinterError::Io(_))
    ));
}

/// A serial printer on a pseudo-terminal: the kiosk opens the pty's slave as its
/// serial port (status on our link, the job through the `escpos` crate's
/// `SerialPortDriver`); the "printer" reads the master side and answers `DLE EOT`.
/// Its `addr` is the path of the slave.
fn pty_printer(state: Scripted) -> TestPrinter {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on the fd they return; the name buffer is NUL-terminated by ptsname_r.
    let (master, path) = unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(fd >= 0, "no pseudo-terminal");
        assert_eq!(libc::grantpt(fd), 0);
        assert_eq!(libc::unlockpt(fd), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_string_lossy()
            .into_owned();
        (std::fs::File::from_raw_fd(fd), path)
    };
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let state = Arc::new(Mutex::new(state));
    let scripted = state.clone();
    std::thread::spawn(move || {
        let mut master = master;
        let mut buf = [0u8; 4096];
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let n = match master.read(&mut buf) {
                Ok(n) if n > 0 => n,
                // EIO while the kiosk has the port closed between its opens.
                _ => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                }
            };
            tail.extend_from_slice(&buf[..n]);
            absorb(&mut tail, &scripted, &sink, &mut master);
        }
    });
    TestPrinter {
        addr: path,
        received,
        state,
    }
}

#[test]
fn a_serial_printer_answers_status_and_gets_the_job_between_two_queries() {
    let p = pty_printer(Scripted::CoverOpen);
    let uri = PrinterUri::parse(&format!("serial:{}?baud=19200", p.addr)).unwrap();
    assert_eq!(printer::status(&uri).unwrap(), PrinterState::CoverOpen);
    assert!(matches!(
        printer::print(&uri, b"\x1b@Vydani OP\n", "job"),
        Err(portal_kiosk::receipt::PrinterError::NotReady(
            PrinterState::CoverOpen
        ))
    ));
    assert!(
        p.received.lock().unwrap().is_empty(),
        "an open printer gets nothing"
    );

    *p.state.lock().unwrap() = Scripted::NearEnd;
    let printed = printer::print(&uri, b"\x1b@Vydani OP\n", "job").unwrap();
    assert_eq!(printed.after, PrinterState::PaperNearEnd);
    // The status after the job came once the printer had read the whole job.
    let decoded = portal_kiosk::receipt::decode(&p.received.lock().unwrap()).unwrap();
    assert_eq!(decoded.lines(), vec!["Vydani OP"]);

    *p.state.lock().unwrap() = Scripted::Silent;
    assert_eq!(printer::status(&uri).unwrap(), PrinterState::NoAnswer);
}

#[test]
fn the_preview_printer_writes_bytes_and_decoded_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args([
            "print-test",
            "--printer",
            &format!("preview:{}", dir.path().display()),
            "--profile",
            "xprinter-58",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(dir.path().join("print-test-test.txt")).unwrap();
    assert!(text.contains("Zkušební tisk"), "{text}");
    assert!(text.contains("[QR] https://obcan.litomerice.cz/"), "{text}");
    assert!(dir.path().join("print-test-test.bin").exists());
}

mod queue {
    use super::*;
    use portal_kiosk::receipt::{JobOutcome, PrintJob, PrintQueue};
    use portal_kiosk::store::Store;

    fn job(personal: bool, text: &str) -> PrintJob {
        PrintJob {
            kind: if personal { "payment" } else { "service" }.into(),
            personal,
            bytes: format!("\x1b@{text}\n").into_bytes(),
        }
    }

    #[test]
    fn an_anonymous_slip_waits_in_the_store_and_prints_after_a_restart() {
        let p = test_printer(Scripted::CoverOpen);
        let dir = tempfile::tempdir().unwrap();
        let uri = PrinterUri::parse(&format!("tcp://{}", p.addr)).unwrap();
        {
            let store = Store::open_in(dir.path()).unwrap();
            let mut queue = PrintQueue::new(uri.clone());
            assert_eq!(
                queue.submit(job(false, "Vydani OP"), &store),
                JobOutcome::Waiting {
                    state: PrinterState::CoverOpen
                }
            );
            assert_eq!(store.pending_print_jobs().unwrap().len(), 1);
        }
        // Restart; staff closed the cover meanwhile.
        *p.state.lock().unwrap() = Scripted::Ready;
        let store = Store::open_in(dir.path()).unwrap();
        let mut queue = PrintQueue::new(uri);
        assert_eq!(
            queue.retry(&store),
            vec![JobOutcome::Printed {
                after: PrinterState::Ready
            }]
        );
        assert!(store.pending_print_jobs().unwrap().is_empty());
        let printed = portal_kiosk::receipt::decode(&p.received.lock().unwrap()).unwrap();
        assert_eq!(printed.lines(), vec!["Vydani OP"]);
    }

    #[test]
    fn a_personal_slip_never_reaches_the_disk_and_goes_with_the_session() {
        let p = test_printer(Scripted::PaperEnd);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let mut queue = PrintQueue::new(PrinterUri::parse(&format!("tcp://{}", p.addr)).unwrap());
        let outcome = queue.submit(job(true, "VS 9876543210 NOVAKOVA"), &store);
        assert_eq!(
            outcome,
            JobOutcome::Waiting {
                state: PrinterState::PaperEnd
            }
        );
        assert_eq!(queue.waiting_personal(), 1);
        assert!(
            store.pending_print_jobs().unwrap().is_empty(),
            "personal slips are not stored"
        );
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
            assert!(
                !bytes.windows(10).any(|w| w == b"9876543210"),
                "the slip's data is in a file"
            );
        }
        queue.end_session();
        *p.state.lock().unwrap() = Scripted::Ready;
        assert!(
            queue.retry(&store).is_empty(),
            "nothing of the previous citizen is printed"
        );
        assert!(p.received.lock().unwrap().is_empty());
    }

    /// The printer thread as the counter's service screen drives it: an anonymous
    /// slip waits while the paper is out, "Vytisknout čekající" prints it once
    /// paper is in, "Zrušit čekající" drops what waits — and each answer says
    /// how many jobs still wait.
    #[test]
    fn staff_print_or_cancel_what_waits_and_see_how_many_wait() {
        use portal_kiosk::printing::{PrintReport, PrintRequest, PrintService};
        use std::time::Duration;
        let p = test_printer(Scripted::PaperEnd);
        let dir = tempfile::tempdir().unwrap();
        let service = PrintService::start(
            PrinterUri::parse(&format!("tcp://{}", p.addr)).unwrap(),
            portal_kiosk::receipt::profiles::profile("epson-tm-t88").unwrap(),
            portal_kiosk::receipt::SlipOrigin::new(
                "lt-test-01",
                &portal_kiosk::config::KioskConfig::embedded_default()
                    .unwrap()
                    .town,
            ),
            dir.path().to_path_buf(),
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        service.set_reporter(move |r| {
            let _ = tx.send(r);
        });
        let next = || rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let waiting = |report: PrintReport| match report {
            PrintReport::Status { waiting, .. } => waiting,
            other => panic!("expected a status, got {other:?}"),
        };
        // A slip's picture comes first, before the printer is tried.
        let preview = |report: PrintReport| match report {
            PrintReport::Preview { kind, picture } => (kind, picture.width),
            other => panic!("expected a preview, got {other:?}"),
        };

        service.send(PrintRequest::TestPage);
        assert_eq!(preview(next()), ("test", 48 * 12 + 16));
        assert_eq!(
            next(),
            PrintReport::NotPrinted {
                kind: "test",
                state: Some(PrinterState::PaperEnd)
            }
        );
        service.send(PrintRequest::Status);
        assert_eq!(waiting(next()), 1);

        // Paper in: "Vytisknout čekající" prints it, nothing waits any more.
        *p.state.lock().unwrap() = Scripted::Ready;
        service.send(PrintRequest::Retry);
        assert_eq!(waiting(next()), 0);
        let printed = portal_kiosk::receipt::decode(&p.received.lock().unwrap()).unwrap();
        assert!(printed.lines().iter().any(|l| l.contains("Zkušební tisk")));

        // Out again: two wait, "Zrušit čekající" drops both, and they never print.
        *p.state.lock().unwrap() = Scripted::PaperEnd;
        service.send(PrintRequest::TestPage);
        preview(next());
        next();
        service.send(PrintRequest::TestPage);
        preview(next());
        next();
        service.send(PrintRequest::Status);
        assert_eq!(waiting(next()), 2);
        service.send(PrintRequest::Cancel);
        assert_eq!(waiting(next()), 0);
        let before = p.received.lock().unwrap().len();
        *p.state.lock().unwrap() = Scripted::Ready;
        service.send(PrintRequest::Retry);
        assert_eq!(waiting(next()), 0);
        assert_eq!(p.received.lock().unwrap().len(), before);
        assert!(
            Store::open_in(dir.path())
                .unwrap()
                .pending_print_jobs()
                .unwrap()
                .is_empty()
        );
    }

    /// The slip's picture is made on the printer thread: what the printer got,
    /// drawn on the profile's paper (raster QR here), sent before the outcome;
    /// the UI only shows it.
    #[test]
    fn the_printer_thread_sends_the_picture_of_the_slip_it_prints() {
        use portal_kiosk::printing::{PrintReport, PrintRequest, PrintService, SlipPicture};
        use portal_kiosk::receipt::{PaymentSlipData, Slip, preview};
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let slips = dir.path().join("slips");
        let profile = portal_kiosk::receipt::profiles::profile("xprinter-58").unwrap();
        assert!(!profile.native_qr, "a raster-QR profile");
        let service = PrintService::start(
            PrinterUri::parse(&format!("preview:{}", slips.display())).unwrap(),
            profile,
            portal_kiosk::receipt::SlipOrigin::new(
                "lt-test-01",
                &portal_kiosk::config::KioskConfig::embedded_default()
                    .unwrap()
                    .town,
            ),
            dir.path().join("data"),
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        service.set_reporter(move |r| {
            let _ = tx.send(r);
        });
        let next = || rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let data = PaymentSlipData {
            what: "Poplatek ze psů".into(),
            period: "2026".into(),
            amount: portal_kiosk::payment::Amount::parse("800").unwrap(),
            account: portal_kiosk::payment::CzechAccount::parse("19-4260107208/0100").unwrap(),
            vs: Some("0012345678".into()),
            ss: None,
            ks: None,
            due: None,
        };
        service.send(PrintRequest::Slip {
            kind: "payment",
            personal: true,
            build: Box::new(move |header| Slip::payment_instruction(header, &data).ok()),
        });
        let picture = match next() {
            PrintReport::Preview {
                kind: "payment",
                picture,
            } => picture,
            other => panic!("expected the payment slip's preview, got {other:?}"),
        };
        assert!(
            matches!(
                next(),
                PrintReport::Printed {
                    kind: "payment",
                    number: 1,
                    ..
                }
            ),
            "then the outcome"
        );
        // The bytes the printer got, drawn as the preview module draws them.
        let bin = std::fs::read_dir(&slips)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "bin"))
            .expect("the slip in the preview printer");
        let bytes = std::fs::read(bin).unwrap();
        let drawn = preview::render(
            &portal_kiosk::receipt::decode(&bytes).unwrap(),
            profile.columns,
        );
        assert_eq!(
            picture.width,
            profile.columns as u32 * 12 + 16,
            "58-mm paper"
        );
        assert_eq!(picture, SlipPicture::from(drawn.clone()));
        // It is the printed slip: its number, its QR code.
        let text = portal_kiosk::receipt::decode(&bytes)
            .unwrap()
            .lines()
            .join("\n");
        assert!(text.contains("doklad č. 1"), "{text}");
        let qr = portal_kiosk::payment::read_qr_codes(&picture.to_gray_image().unwrap());
        assert_eq!(qr.len(), 1);
        assert!(qr[0].contains("X-VS:0012345678"), "{}", qr[0]);

        // A slip that cannot be made has no picture.
        service.send(PrintRequest::Slip {
            kind: "payment",
            personal: true,
            build: Box::new(|_| None),
        });
        assert_eq!(next(), PrintReport::Invalid { kind: "payment" });
    }

    /// The picture is the rendered image in plain pixels; it may be personal,
    /// so `Debug` says only its size; undecodable bytes give no picture.
    #[test]
    fn a_slip_picture_is_plain_pixels_and_debug_hides_them() {
        use portal_kiosk::printing::SlipPicture;
        use portal_kiosk::receipt::{Slip, preview};
        let header = portal_kiosk::receipt::SlipOrigin::new(
            "lt-test-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .expect("the default config")
                .town,
        )
        .header(
            7,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        );
        let p = portal_kiosk::receipt::profiles::profile("xprinter-58").unwrap();
        let bytes = Slip::test_page(&header, p).encode(p).unwrap();
        let picture = SlipPicture::of_bytes(&bytes, p).unwrap();
        let img = preview::render(&portal_kiosk::receipt::decode(&bytes).unwrap(), p.columns);
        assert_eq!((picture.width, picture.height), img.dimensions());
        assert_eq!(picture.width, 32 * 12 + 16);
        assert_eq!(picture.pixels.len(), img.as_raw().len());
        assert_eq!(picture.to_gray_image().as_ref(), Some(&img));
        assert_eq!(
            format!("{picture:?}"),
            format!("SlipPicture(400 × {})", img.height())
        );
        assert!(
            SlipPicture::of_bytes(b"\x1b\x7f", p).is_err(),
            "undecodable bytes"
        );
    }

    #[test]
    fn slip_numbers_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open_in(dir.path()).unwrap();
            assert_eq!(store.next_number("slip").unwrap(), 1);
            assert_eq!(store.next_number("slip").unwrap(), 2);
        }
        let store = Store::open_in(dir.path()).unwrap();
        assert_eq!(store.next_number("slip").unwrap(), 3);
        assert_eq!(store.next_number("other").unwrap(), 1);
    }
}
