//! A TCP test printer on loopback that records what it receives and answers
//! `DLE EOT` with scripted states (shared by tests/printer.rs and the privacy scan).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug)]
pub enum Scripted {
    Ready,
    NearEnd,
    PaperEnd,
    CoverOpen,
    Silent,
}

pub fn reply(state: Scripted, n: u8) -> Option<u8> {
    let (n1, n2, n4) = match state {
        Scripted::Ready => (0x12, 0x12, 0x12),
        Scripted::NearEnd => (0x12, 0x12, 0x1E),
        Scripted::PaperEnd => (0x1A, 0x32, 0x72),
        Scripted::CoverOpen => (0x1A, 0x16, 0x12),
        Scripted::Silent => return None,
    };
    Some(match n {
        1 => n1,
        2 => n2,
        _ => n4,
    })
}

/// What the kiosk sent so far: status queries (`DLE EOT n`) are answered as
/// scripted, everything else is the job, kept in `sink`; an unfinished query stays
/// in `tail` for the next read.
pub fn absorb(
    tail: &mut Vec<u8>,
    scripted: &Mutex<Scripted>,
    sink: &Mutex<Vec<u8>>,
    answer: &mut impl Write,
) {
    let mut i = 0;
    while i < tail.len() {
        if tail[i] == 0x10 && tail.get(i + 1) == Some(&0x04) {
            let Some(&q) = tail.get(i + 2) else { break };
            let now = *scripted.lock().unwrap();
            if let Some(r) = reply(now, q) {
                let _ = answer.write_all(&[r]);
            }
            i += 3;
        } else {
            sink.lock().unwrap().push(tail[i]);
            i += 1;
        }
    }
    tail.drain(..i);
}

pub struct TestPrinter {
    pub addr: String,
    pub received: Arc<Mutex<Vec<u8>>>,
    pub state: Arc<Mutex<Scripted>>,
}

/// A printer in a thread, serving connections until the test ends.
pub fn test_printer(state: Scripted) -> TestPrinter {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let state = Arc::new(Mutex::new(state));
    let scripted = state.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let sink = sink.clone();
            let scripted = scripted.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let mut tail: Vec<u8> = Vec::new();
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    absorb(&mut tail, &scripted, &sink, &mut conn);
                }
            });
        }
    });
    TestPrinter {
        addr,
        received,
        state,
    }
}
