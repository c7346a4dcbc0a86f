//! Europe/Prague civil time without a time-zone database: CET (UTC+1), and
//! CEST (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of
//! October 01:00 UTC — the EU rule (Directive 2000/84/EC) in force since 1996.
//! Playlist schedules (dates, weekdays, hours) are evaluated in this time, so
//! a kiosk plays the same slides whatever its system time zone says.
//!
//! It must never be used for instants before 1996 (other rules applied then)
//! and must be replaced if the EU ends clock changes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

/// The last Sunday of `month` in `year`.
pub fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    // Every year chrono handles has a 1st of every month.
    let mut day = first_of_next.map_or(NaiveDate::MIN, |d| d - Duration::days(1));
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    day
}

fn at_one_utc(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap_or_default())
}

/// When summer time starts in `year`: the clocks go from 02:00 CET to 03:00 CEST.
pub fn summer_time_starts(year: i32) -> DateTime<Utc> {
    at_one_utc(last_sunday(year, 3))
}

/// When summer time ends in `year`: the clocks go from 03:00 CEST back to 02:00 CET.
pub fn summer_time_ends(year: i32) -> DateTime<Utc> {
    at_one_utc(last_sunday(year, 10))
}

/// Whether `utc` falls in summer time (CEST).
pub fn is_summer_time(utc: DateTime<Utc>) -> bool {
    let year = utc.year();
    summer_time_starts(year) <= utc && utc < summer_time_ends(year)
}

/// The offset from UTC at `utc`, in seconds (3600 or 7200).
pub fn offset_seconds(utc: DateTime<Utc>) -> i64 {
    if is_summer_time(utc) { 7200 } else { 3600 }
}

/// "CET" or "CEST".
pub fn zone_name(utc: DateTime<Utc>) -> &'static str {
    if is_summer_time(utc) { "CEST" } else { "CET" }
}

/// The wall-clock time in Prague at `utc`.
pub fn to_local(utc: DateTime<Utc>) -> NaiveDateTime {
    utc.naive_utc() + Duration::seconds(offset_seconds(utc))
}

/// The wall-clock time in Prague now.
pub fn now_local() -> NaiveDateTime {
    to_local(Utc::now())
}

/// What a Prague wall-clock time means in true time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    Single(DateTime<Utc>),
    /// The autumn hour that happens twice: first in CEST, then in CET.
    Twice(DateTime<Utc>, DateTime<Utc>),
    /// The spring hour that does not exist (02:00–02:59 on the last Sunday of March).
    Missing,
}

/// The instant(s) of a Prague wall-clock time.
pub fn from_local(local: NaiveDateTime) -> LocalTime {
    let as_cest = Utc.from_utc_datetime(&(local - Duration::hours(2)));
    let as_cet = Utc.from_utc_datetime(&(local - Duration::hours(1)));
    match (is_summer_time(as_cest), !is_summer_time(as_cet)) {
        (true, true) => LocalTime::Twice(as_cest, as_cet),
        (true, false) => LocalTime::Single(as_cest),
        (false, true) => LocalTime::Single(as_cet),
        (false, false) => LocalTime::Missing,
    }
}

/// The first instant showing `local` or, in the missing spring hour, the
/// moment the clocks jump over it.
pub fn earliest(local: NaiveDateTime) -> DateTime<Utc> {
    match from_local(local) {
        LocalTime::Single(t) | LocalTime::Twice(t, _) => t,
        // 02:xx does not exist: the jump happens at 01:00 UTC that day.
        LocalTime::Missing => summer_time_starts(local.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn the_changes_fall_on_the_last_sundays() {
        // Known dates (Czech government's announcements).
        for (year, march, october) in [
            (2024, 31, 27),
            (2025, 30, 26),
            (2026, 29, 25),
            (2027, 28, 31),
            (2028, 26, 29),
        ] {
            assert_eq!(
                last_sunday(year, 3),
                NaiveDate::from_ymd_opt(year, 3, march).unwrap()
            );
            assert_eq!(
                last_sunday(year, 10),
                NaiveDate::from_ymd_opt(year, 10, october).unwrap()
            );
        }
        assert_eq!(
            last_sunday(2027, 12),
            NaiveDate::from_ymd_opt(2027, 12, 26).unwrap()
        );
    }

    #[test]
    fn spring_forward_skips_two_oclock() {
        assert_eq!(
            to_local(utc("2027-03-28T00:59:59Z")),
            local("2027-03-28T01:59") + Duration::seconds(59)
        );
        assert_eq!(
            to_local(utc("2027-03-28T01:00:00Z")),
            local("2027-03-28T03:00")
        );
        assert_eq!(zone_name(utc("2027-03-28T00:59:59Z")), "CET");
        assert_eq!(zone_name(utc("2027-03-28T01:00:00Z")), "CEST");
        assert_eq!(from_local(local("2027-03-28T02:30")), LocalTime::Missing);
        assert_eq!(
            earliest(local("2027-03-28T02:30")),
            utc("2027-03-28T01:00:00Z")
        );
        assert_eq!(
            from_local(local("2027-03-28T03:00")),
            LocalTime::Single(utc("2027-03-28T01:00:00Z"))
        );
    }

    #[test]
    fn fall_back_repeats_two_oclock() {
        assert_eq!(
            to_local(utc("2027-10-31T00:30:00Z")),
            local("2027-10-31T02:30")
        );
        assert_eq!(
            to_local(utc("2027-10-31T01:30:00Z")),
            local("2027-10-31T02:30")
        );
        assert_eq!(
            from_local(local("2027-10-31T02:30")),
            LocalTime::Twice(utc("2027-10-31T00:30:00Z"), utc("2027-10-31T01:30:00Z"))
        );
        assert_eq!(
            from_local(local("2027-10-31T03:00")),
            LocalTime::Single(utc("2027-10-31T02:00:00Z"))
        );
    }

    #[test]
    fn winter_and_summer_offsets() {
        assert_eq!(
            to_local(utc("2027-01-15T23:30:00Z")),
            local("2027-01-16T00:30")
        );
        assert_eq!(
            to_local(utc("2027-07-15T22:30:00Z")),
            local("2027-07-16T00:30")
        );
        assert_eq!(
            earliest(local("2027-07-16T00:30")),
            utc("2027-07-15T22:30:00Z")
        );
    }
}
