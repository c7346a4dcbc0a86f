//! When a synced slide plays: its dates, weekdays, hours and target sites,
//! evaluated in Europe/Prague wall-clock time ([`super::prague`]), and a
//! simulation of a playlist over a span of time (`portal-kiosk playlist
//! simulate`) that lists every change of what plays.
//!
//! An hours window that ends before it starts runs over midnight and belongs
//! to the day it starts on: `22:00–02:00` on Fridays plays Friday 22:00 to
//! Saturday 02:00 (the dates and weekdays of the part after midnight are those
//! of the day before). Clock changes need no special case: in the missing
//! spring hour no wall-clock time 02:xx exists, and the repeated autumn hour
//! plays twice, as the wall clock shows it twice. It must never read the
//! system time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

use crate::portal::types::{PromoPlaylist, PromoSlide};

/// Whether `slide` plays at Prague wall-clock time `now` on a kiosk with
/// these site tags (its id and its mode); its picture being on disk aside.
pub fn plays_at(slide: &PromoSlide, now: NaiveDateTime, site_tags: &[&str]) -> bool {
    let s = &slide.schedule;
    let time = now.time();
    // The day the window in force started on.
    let (in_hours, day) = match (s.hours_from, s.hours_to) {
        (Some(from), Some(to)) if from <= to => (from <= time && time < to, now.date()),
        (Some(from), Some(to)) => {
            if time >= from {
                (true, now.date())
            } else if time < to {
                (true, now.date().pred_opt().unwrap_or(NaiveDate::MIN))
            } else {
                (false, now.date())
            }
        }
        (Some(from), None) => (time >= from, now.date()),
        (None, Some(to)) => (time < to, now.date()),
        (None, None) => (true, now.date()),
    };
    let on_day = s.valid_from.is_none_or(|d| d <= day) && s.valid_to.is_none_or(|d| day <= d);
    let on_weekday = s.weekdays.is_empty()
        || s.weekdays
            .contains(&(day.weekday().number_from_monday() as u8));
    let here = s.sites.is_empty() || s.sites.iter().any(|t| site_tags.contains(&t.as_str()));
    in_hours && on_day && on_weekday && here
}

/// The ids of the slides playing at `now`, in playing order (urgent first,
/// then by priority, ties in playlist order).
pub fn playing_at<'a>(
    playlist: &'a PromoPlaylist,
    now: NaiveDateTime,
    site_tags: &[&str],
) -> Vec<&'a str> {
    let mut chosen: Vec<&PromoSlide> = playlist
        .slides
        .iter()
        .filter(|s| plays_at(s, now, site_tags))
        .collect();
    chosen.sort_by_key(|s| (!s.urgent, std::cmp::Reverse(s.priority)));
    chosen.into_iter().map(|s| s.id.as_str()).collect()
}

/// One change of what plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// Slide ids in playing order; empty: nothing synced plays (the fallback does).
    pub slides: Vec<String>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let local = super::prague::to_local(self.at);
        write!(
            f,
            "{} {:<4} ",
            local.format("%Y-%m-%d %H:%M"),
            super::prague::zone_name(self.at)
        )?;
        if self.slides.is_empty() {
            write!(f, "(nothing scheduled: the fallback slides)")
        } else {
            write!(f, "{}", self.slides.join(", "))
        }
    }
}

/// The longest span [`simulate`] walks (minute by minute).
pub const MAX_SIMULATION: Duration = Duration::days(62);

/// What plays from `from` until `to` (true time), minute by minute: the first
/// line at `from`, then one per change.
pub fn simulate(
    playlist: &PromoPlaylist,
    site_tags: &[&str],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Change> {
    let mut changes: Vec<Change> = Vec::new();
    let mut at = from;
    let to = to.min(from + MAX_SIMULATION);
    while at < to {
        let now = playing_at(playlist, super::prague::to_local(at), site_tags);
        if changes.last().is_none_or(|c| c.slides != now) {
            changes.push(Change {
                at,
                slides: now.into_iter().map(str::to_string).collect(),
            });
        }
        at += Duration::minutes(1);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::types::{SlideKind, SlideSchedule};
    use chrono::NaiveTime;

    fn slide(id: &str, schedule: SlideSchedule) -> PromoSlide {
        PromoSlide {
            id: id.into(),
            kind: SlideKind::Text,
            title: "T".into(),
            body: String::new(),
            qr_url: None,
            asset: None,
            duration_seconds: 8,
            schedule,
            priority: 0,
            urgent: false,
        }
    }

    fn hours(from: (u32, u32), to: (u32, u32)) -> SlideSchedule {
        SlideSchedule {
            hours_from: NaiveTime::from_hms_opt(from.0, from.1, 0),
            hours_to: NaiveTime::from_hms_opt(to.0, to.1, 0),
            ..SlideSchedule::default()
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    /// Minutes of true time `slide` plays between two instants.
    fn minutes_playing(slide: &PromoSlide, from: &str, to: &str) -> i64 {
        let (mut at, to) = (utc(from), utc(to));
        let mut n = 0;
        while at < to {
            n += i64::from(plays_at(slide, crate::promo::prague::to_local(at), &["k"]));
            at += Duration::minutes(1);
        }
        n
    }

    #[test]
    fn a_window_over_midnight_belongs_to_the_day_it_starts() {
        let mut s = hours((22, 0), (2, 0));
        s.weekdays = vec![5]; // Friday
        let friday_night = slide("n", s);
        // 2027-03-19 is a Friday.
        for (at, plays) in [
            ("2027-03-19T21:59", false),
            ("2027-03-19T22:00", true),
            ("2027-03-19T23:59", true),
            ("2027-03-20T00:00", true), // Saturday, still Friday's night
            ("2027-03-20T01:59", true),
            ("2027-03-20T02:00", false),
            ("2027-03-19T01:00", false), // Friday morning: Thursday's night
            ("2027-03-20T23:00", false), // Saturday night
        ] {
            assert_eq!(plays_at(&friday_night, local(at), &[]), plays, "{at}");
        }
        // Every night, 4 hours a night.
        let nightly = slide("n", hours((22, 0), (2, 0)));
        assert_eq!(
            minutes_playing(&nightly, "2027-01-10T00:00:00Z", "2027-01-17T00:00:00Z"),
            7 * 4 * 60
        );
    }

    #[test]
    fn the_missing_spring_hour_plays_nothing_and_shortens_the_night() {
        // 2027-03-28: 02:00 CET becomes 03:00 CEST.
        let two_to_three = slide("a", hours((2, 0), (3, 0)));
        assert_eq!(
            minutes_playing(
                &two_to_three,
                "2027-03-27T12:00:00Z",
                "2027-03-28T12:00:00Z"
            ),
            0,
            "02:00–03:00 does not exist that night"
        );
        assert_eq!(
            minutes_playing(
                &two_to_three,
                "2027-03-28T12:00:00Z",
                "2027-03-29T12:00:00Z"
            ),
            60,
            "the next night it plays an hour"
        );
        let one_to_four = slide("b", hours((1, 0), (4, 0)));
        assert_eq!(
            minutes_playing(&one_to_four, "2027-03-27T12:00:00Z", "2027-03-28T12:00:00Z"),
            120,
            "01:00–04:00 lasts two hours of true time"
        );
        let nightly = slide("n", hours((22, 0), (6, 0)));
        assert_eq!(
            minutes_playing(&nightly, "2027-03-27T12:00:00Z", "2027-03-28T12:00:00Z"),
            7 * 60
        );
    }

    #[test]
    fn the_doubled_autumn_hour_plays_twice() {
        // 2027-10-31: 03:00 CEST becomes 02:00 CET.
        let two_to_three = slide("a", hours((2, 0), (3, 0)));
        assert_eq!(
            minutes_playing(
                &two_to_three,
                "2027-10-30T12:00:00Z",
                "2027-10-31T12:00:00Z"
            ),
            120
        );
        let nightly = slide("n", hours((22, 0), (6, 0)));
        assert_eq!(
            minutes_playing(&nightly, "2027-10-30T12:00:00Z", "2027-10-31T12:00:00Z"),
            9 * 60
        );
        // A daytime slide is unaffected, in local hours, before and after.
        let day = slide("d", hours((8, 0), (17, 0)));
        assert!(plays_at(
            &day,
            crate::promo::prague::to_local(utc("2027-10-30T06:00:00Z")),
            &[]
        ));
        assert!(plays_at(
            &day,
            crate::promo::prague::to_local(utc("2027-10-31T07:00:00Z")),
            &[]
        ));
        assert!(!plays_at(
            &day,
            crate::promo::prague::to_local(utc("2027-10-31T06:30:00Z")),
            &[]
        ));
    }

    #[test]
    fn a_week_of_weekdays_in_prague_time() {
        let workdays = slide(
            "w",
            SlideSchedule {
                weekdays: vec![1, 2, 3, 4, 5],
                ..SlideSchedule::default()
            },
        );
        let weekend = slide(
            "e",
            SlideSchedule {
                weekdays: vec![6, 7],
                ..SlideSchedule::default()
            },
        );
        let p = PromoPlaylist {
            slides: vec![workdays, weekend],
            signature: None,
            notices: Vec::new(),
        };
        // 2027-05-03 is a Monday; summer time.
        let expected = ["w", "w", "w", "w", "w", "e", "e"];
        for (i, want) in expected.iter().enumerate() {
            let day = NaiveDate::from_ymd_opt(2027, 5, 3).unwrap() + Duration::days(i as i64);
            for time in [(0, 0), (0, 30), (12, 0), (23, 59)] {
                let at = day.and_hms_opt(time.0, time.1, 0).unwrap();
                assert_eq!(playing_at(&p, at, &[]), vec![*want], "{at}");
            }
        }
        // Sunday 22:30 UTC is already Monday 00:30 in Prague: the workday slide.
        let changes = simulate(
            &p,
            &[],
            utc("2027-05-09T21:00:00Z"),
            utc("2027-05-09T23:00:00Z"),
        );
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1].at, utc("2027-05-09T22:00:00Z"));
        assert_eq!(changes[1].slides, vec!["w".to_string()]);
        assert_eq!(changes[1].to_string(), "2027-05-10 00:00 CEST w");
    }

    #[test]
    fn dates_sites_and_order() {
        let mut a = slide(
            "a",
            SlideSchedule {
                valid_from: NaiveDate::from_ymd_opt(2027, 3, 28),
                valid_to: NaiveDate::from_ymd_opt(2027, 3, 28),
                sites: vec!["nadrazi".into()],
                ..SlideSchedule::default()
            },
        );
        a.priority = 1;
        let mut b = slide("b", SlideSchedule::default());
        b.urgent = true;
        let c = slide("c", SlideSchedule::default());
        let p = PromoPlaylist {
            slides: vec![c, a, b],
            signature: None,
            notices: Vec::new(),
        };
        let on = local("2027-03-28T10:00");
        assert_eq!(playing_at(&p, on, &["nadrazi"]), vec!["b", "a", "c"]);
        assert_eq!(playing_at(&p, on, &["nemocnice"]), vec!["b", "c"]);
        assert_eq!(
            playing_at(&p, local("2027-03-29T10:00"), &["nadrazi"]),
            vec!["b", "c"]
        );
    }

    #[test]
    fn simulate_prints_one_line_per_change_across_the_spring_change() {
        let p = PromoPlaylist {
            slides: vec![
                slide("noc", hours((22, 0), (2, 30))),
                slide("den", hours((8, 0), (20, 0))),
            ],
            signature: None,
            notices: Vec::new(),
        };
        let from = crate::promo::prague::earliest(local("2027-03-27T00:00"));
        let to = crate::promo::prague::earliest(local("2027-03-29T00:00"));
        let lines: Vec<String> = simulate(&p, &[], from, to)
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "2027-03-27 00:00 CET  noc",
                "2027-03-27 02:30 CET  (nothing scheduled: the fallback slides)",
                "2027-03-27 08:00 CET  den",
                "2027-03-27 20:00 CET  (nothing scheduled: the fallback slides)",
                "2027-03-27 22:00 CET  noc",
                // 02:00–02:59 does not exist: at 01:59 comes 03:00.
                "2027-03-28 03:00 CEST (nothing scheduled: the fallback slides)",
                "2027-03-28 08:00 CEST den",
                "2027-03-28 20:00 CEST (nothing scheduled: the fallback slides)",
                "2027-03-28 22:00 CEST noc",
            ]
        );
    }
}
