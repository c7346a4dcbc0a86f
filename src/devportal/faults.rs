//! Faults the development portal can be told to produce, so tests can prove the
//! kiosk survives them against the real server: `PUT /admin/v1/faults/{target}`
//! with `{"fault": "…", "times": N}` (N < 0: until cleared).

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 200 with a body that is not JSON.
    NotJson,
    /// 200 with only the first half of the document.
    Truncated,
    /// 200 with JSON of the wrong shape.
    WrongTypes,
    /// This status, with problem+json and an optional Retry-After (seconds).
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// 304 even to a request without If-None-Match.
    NotModified,
    /// Assets: the bytes with one byte changed.
    WrongHash,
    /// The response starts, then the connection dies halfway.
    CutOff,
    /// Events: stored, but the acknowledgement comes only after this delay.
    AckDelay(Duration),
    /// A slow backend: sleeps this long, then answers normally.
    Delay(Duration),
}

impl Fault {
    pub fn parse(s: &str) -> Option<Fault> {
        let parts: Vec<&str> = s.split(':').collect();
        Some(match parts.as_slice() {
            ["not-json"] => Fault::NotJson,
            ["truncated"] => Fault::Truncated,
            ["wrong-types"] => Fault::WrongTypes,
            ["not-modified"] => Fault::NotModified,
            ["wrong-hash"] => Fault::WrongHash,
            ["cut-off"] => Fault::CutOff,
            ["status", code] => Fault::Status {
                status: code.parse().ok()?,
                retry_after: None,
            },
            ["status", code, retry] => Fault::Status {
                status: code.parse().ok()?,
                retry_after: Some(retry.strip_prefix("retry=")?.parse().ok()?),
            },
            ["ack-delay", ms] => Fault::AckDelay(Duration::from_millis(ms.parse().ok()?)),
            ["delay", ms] => Fault::Delay(Duration::from_millis(ms.parse().ok()?)),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse() {
        assert_eq!(
            Fault::parse("status:429:retry=3"),
            Some(Fault::Status {
                status: 429,
                retry_after: Some(3)
            })
        );
        assert_eq!(
            Fault::parse("status:500"),
            Some(Fault::Status {
                status: 500,
                retry_after: None
            })
        );
        assert_eq!(
            Fault::parse("ack-delay:1500"),
            Some(Fault::AckDelay(Duration::from_millis(1500)))
        );
        assert_eq!(
            Fault::parse("delay:250"),
            Some(Fault::Delay(Duration::from_millis(250)))
        );
        assert_eq!(Fault::parse("explode"), None);
    }
}
