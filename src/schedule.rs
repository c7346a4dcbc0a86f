//! When a kiosk's screen sleeps: the site's night hours (`[screen] sleep =
//! "22:00-06:00"`), read as Prague wall-clock time (the app asks with
//! `promo::prague::now_local`, as the playlists' schedules do). A range may cross midnight;
//! several ranges are separated by commas. Nothing here knows the time: the
//! caller asks [`ScreenSleep::asleep_at`] with its clock's local time, so the
//! rule is tested with any time, DST changes included.
//!
//! Never panics on what a config says: a bad range is an error naming it.

use chrono::NaiveTime;

/// The night hours of one site; empty: the screen never sleeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenSleep {
    ranges: Vec<(NaiveTime, NaiveTime)>,
}

impl ScreenSleep {
    /// Parses `"22:00-06:00"`, `"12:00-12:30, 22:00-06:00"` or `""` (never).
    pub fn parse(text: &str) -> Result<ScreenSleep, String> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((from, until)) = part.split_once(['-', '–']) else {
                return Err(format!(
                    "`{part}` is not a range of hours; expected e.g. \"22:00-06:00\""
                ));
            };
            let time = |t: &str| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M")
                    .map_err(|_| format!("`{}` is not a time of day; expected HH:MM", t.trim()))
            };
            let (from, until) = (time(from)?, time(until)?);
            if from == until {
                return Err(format!(
                    "`{part}` starts and ends at the same minute; leave `sleep` empty for a screen that never sleeps"
                ));
            }
            ranges.push((from, until));
        }
        Ok(ScreenSleep { ranges })
    }

    pub fn is_never(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the screen sleeps at this local time of day (`from` included,
    /// `until` not: "22:00-06:00" sleeps at 22:00 and wakes at 06:00).
    pub fn asleep_at(&self, time: NaiveTime) -> bool {
        self.ranges.iter().any(|&(from, until)| {
            if from < until {
                from <= time && time < until
            } else {
                time >= from || time < until
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_night_across_midnight() {
        let night = ScreenSleep::parse("22:00-06:00").unwrap();
        for (time, asleep) in [
            (t(21, 59), false),
            (t(22, 0), true),
            (t(23, 59), true),
            (t(0, 0), true),
            (t(5, 59), true),
            (t(6, 0), false),
            (t(12, 0), false),
        ] {
            assert_eq!(night.asleep_at(time), asleep, "{time}");
        }
    }

    #[test]
    fn several_ranges_and_never() {
        let s = ScreenSleep::parse(" 12:00-12:30 , 23:00–05:00").unwrap();
        assert!(s.asleep_at(t(12, 15)) && s.asleep_at(t(4, 0)));
        assert!(!s.asleep_at(t(12, 30)) && !s.asleep_at(t(22, 0)));
        let never = ScreenSleep::parse("").unwrap();
        assert!(never.is_never());
        assert!(!never.asleep_at(t(3, 0)));
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        for (text, says) in [
            ("22:00", "not a range"),
            ("25:00-06:00", "`25:00` is not a time"),
            ("22:00-6", "`6` is not a time"),
            ("08:00-08:00", "same minute"),
        ] {
            let e = ScreenSleep::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    /// Prague wall time is what counts (the kiosk asks through
    /// `promo::prague`, which knows the EU rule), so the DST changes move
    /// nothing: the arcade still sleeps from 22:00 to 06:00 on the nights the
    /// clocks change.
    #[test]
    fn dst_nights_sleep_by_the_wall_clock() {
        use crate::promo::prague::to_local;
        let night = ScreenSleep::parse("22:00-06:00").unwrap();
        let at = |utc: chrono::DateTime<chrono::Utc>| to_local(utc).time();
        let minute = chrono::Duration::minutes(1);
        // 2027-03-28: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        let change = chrono::Utc.with_ymd_and_hms(2027, 3, 28, 1, 0, 0).unwrap();
        assert_eq!((at(change - minute), at(change)), (t(1, 59), t(3, 0)));
        assert!(night.asleep_at(at(change - minute)) && night.asleep_at(at(change)));
        // Waking at 06:00 CEST, i.e. 04:00 UTC that day.
        let wake = chrono::Utc.with_ymd_and_hms(2027, 3, 28, 4, 0, 0).unwrap();
        assert!(!night.asleep_at(at(wake)) && night.asleep_at(at(wake - minute)));
        // 2027-10-31: 03:00 CEST becomes 02:00 CET — the hour 02:00–03:00 twice,
        // asleep both times; waking at 06:00 CET (05:00 UTC).
        let back = chrono::Utc.with_ymd_and_hms(2027, 10, 31, 1, 0, 0).unwrap();
        let half = chrono::Duration::minutes(30);
        assert_eq!(at(back - half), at(back + half));
        assert!(night.asleep_at(at(back - half)) && night.asleep_at(at(back + half)));
        let wake = chrono::Utc.with_ymd_and_hms(2027, 10, 31, 5, 0, 0).unwrap();
        assert!(!night.asleep_at(at(wake)) && night.asleep_at(at(wake - minute)));
    }
}
