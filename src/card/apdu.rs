//! ISO 7816-4 APDUs over a [`CardTransport`]: command encoding, status words as
//! types, and the T=0 chores pcsc-lite leaves to the application — `61 xx`
//! (fetch the rest with GET RESPONSE) and `6C xx` (resend with the right Le).

use std::fmt;

/// Anything that exchanges APDUs with a card: PC/SC in production, a simulated
/// card in tests and in the demo.
pub trait CardTransport {
    /// The card's answer to reset.
    fn atr(&self) -> Vec<u8>;
    /// Sends one command APDU; returns the response data followed by SW1 SW2.
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("the card was removed")]
    Removed,
    #[error("the card does not answer")]
    Mute,
    #[error("card reader error: {0}")]
    Reader(String),
}

/// A command APDU (short form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Vec<u8>,
    /// Expected length; `Some(0)` means "up to 256".
    pub le: Option<u8>,
}

impl Command {
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Command {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    pub fn data(mut self, data: &[u8]) -> Command {
        self.data = data.to_vec();
        self
    }

    pub fn le(mut self, le: u8) -> Command {
        self.le = Some(le);
        self
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = vec![self.cla, self.ins, self.p1, self.p2];
        if !self.data.is_empty() {
            b.push(self.data.len() as u8);
            b.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            b.push(le);
        }
        b
    }
}

/// Status words the kiosk acts on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// `63 Cx`: wrong PIN, x tries left.
    WrongPin {
        tries_left: u8,
    },
    /// `69 83`: the PIN is blocked.
    Blocked,
    /// `69 82`: security status not satisfied (e.g. needs the PIN first).
    SecurityNotSatisfied,
    /// `6A 82`: no such file or application.
    NotFound,
    /// `6D 00` / `6E 00`: instruction or class not supported.
    NotSupported,
    Other(u16),
}

impl Status {
    pub fn from_sw(sw1: u8, sw2: u8) -> Status {
        match (sw1, sw2) {
            (0x90, 0x00) => Status::Ok,
            (0x63, x) if x & 0xF0 == 0xC0 => Status::WrongPin {
                tries_left: x & 0x0F,
            },
            (0x69, 0x83) => Status::Blocked,
            (0x69, 0x82) => Status::SecurityNotSatisfied,
            (0x6A, 0x82) => Status::NotFound,
            (0x6D, 0x00) | (0x6E, 0x00) => Status::NotSupported,
            (a, b) => Status::Other(u16::from(a) << 8 | u16::from(b)),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Ok => write!(f, "9000"),
            Status::WrongPin { tries_left } => write!(f, "63C{tries_left:X} (wrong PIN)"),
            Status::Blocked => write!(f, "6983 (blocked)"),
            Status::SecurityNotSatisfied => write!(f, "6982 (security status not satisfied)"),
            Status::NotFound => write!(f, "6A82 (not found)"),
            Status::NotSupported => write!(f, "instruction not supported"),
            Status::Other(sw) => write!(f, "{sw:04X}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the card answered with fewer than two bytes")]
    ShortResponse,
    #[error("the card answered {status} to {command}")]
    Status {
        command: &'static str,
        status: Status,
    },
    #[error("the card's data is malformed: {0}")]
    Malformed(&'static str),
}

/// How many GET RESPONSE / Le corrections one command may need before the card
/// is considered broken (a misbehaving card must not loop forever).
const MAX_ROUNDS: usize = 64;

/// Sends a command, following `61 xx` and `6C xx` to the final answer.
pub fn send(card: &mut dyn CardTransport, command: &Command) -> Result<Response, CardError> {
    let mut apdu = command.to_bytes();
    let mut data = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let raw = card.transmit(&apdu)?;
        if raw.len() < 2 {
            return Err(CardError::ShortResponse);
        }
        let (body, sw) = raw.split_at(raw.len() - 2);
        data.extend_from_slice(body);
        match (sw[0], sw[1]) {
            (0x61, xx) => apdu = Command::new(0x00, 0xC0, 0x00, 0x00).le(xx).to_bytes(),
            (0x6C, xx) => {
                let mut again = command.clone();
                again.le = Some(xx);
                apdu = again.to_bytes();
                data.clear();
            }
            (sw1, sw2) => {
                return Ok(Response {
                    data,
                    status: Status::from_sw(sw1, sw2),
                });
            }
        }
    }
    Err(CardError::Malformed("endless 61xx/6Cxx answers"))
}

/// Sends a command that must succeed.
pub fn expect_ok(
    card: &mut dyn CardTransport,
    command: &Command,
    name: &'static str,
) -> Result<Vec<u8>, CardError> {
    let r = send(card, command)?;
    match r.status {
        Status::Ok => Ok(r.data),
        status => Err(CardError::Status {
            command: name,
            status,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport that plays back scripted answers and records commands.
    struct Script {
        answers: Vec<Vec<u8>>,
        sent: Vec<Vec<u8>>,
    }

    impl CardTransport for Script {
        fn atr(&self) -> Vec<u8> {
            vec![0x3B]
        }
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.sent.push(apdu.to_vec());
            if self.answers.is_empty() {
                Err(TransportError::Removed)
            } else {
                Ok(self.answers.remove(0))
            }
        }
    }

    #[test]
    fn more_data_is_fetched_with_get_response() {
        let mut s = Script {
            answers: vec![vec![0x61, 0x03], vec![1, 2, 3, 0x90, 0x00]],
            sent: vec![],
        };
        let r = send(&mut s, &Command::new(0, 0xA4, 8, 0).data(&[0x01, 0x32])).unwrap();
        assert_eq!(
            r,
            Response {
                data: vec![1, 2, 3],
                status: Status::Ok
            }
        );
        assert_eq!(s.sent[1], vec![0x00, 0xC0, 0x00, 0x00, 0x03]);
    }

    #[test]
    fn wrong_le_is_corrected_and_resent() {
        let mut s = Script {
            answers: vec![vec![0x6C, 0x09], b"123456789\x90\x00".to_vec()],
            sent: vec![],
        };
        let r = send(&mut s, &Command::new(0x80, 0xCA, 0x01, 0x01).le(0)).unwrap();
        assert_eq!(r.data, b"123456789");
        assert_eq!(s.sent[1], vec![0x80, 0xCA, 0x01, 0x01, 0x09]);
    }

    #[test]
    fn status_words_are_typed() {
        assert_eq!(
            Status::from_sw(0x63, 0xC2),
            Status::WrongPin { tries_left: 2 }
        );
        assert_eq!(Status::from_sw(0x69, 0x83), Status::Blocked);
        assert_eq!(Status::from_sw(0x6A, 0x82), Status::NotFound);
        assert_eq!(Status::from_sw(0x67, 0x00), Status::Other(0x6700));
    }

    #[test]
    fn removal_and_endless_answers_are_errors_not_hangs() {
        let mut s = Script {
            answers: vec![],
            sent: vec![],
        };
        assert_eq!(
            send(&mut s, &Command::new(0, 0xA4, 4, 0)),
            Err(CardError::Transport(TransportError::Removed))
        );
        let mut s = Script {
            answers: vec![vec![0x61, 0x01]; 100],
            sent: vec![],
        };
        assert_eq!(
            send(&mut s, &Command::new(0, 0xA4, 4, 0)),
            Err(CardError::Malformed("endless 61xx/6Cxx answers"))
        );
        let mut s = Script {
            answers: vec![vec![0x90]],
            sent: vec![],
        };
        assert_eq!(
            send(&mut s, &Command::new(0, 0xA4, 4, 0)),
            Err(CardError::ShortResponse)
        );
    }
}
