//! Plan instants as text, to the minute (`2026-12-02T09:30`): the one form
//! the store keeps them in and the API shows them in. A whole schedule
//! writes four of them per task, so the common case is spelled out by hand
//! here instead of going through chrono's format strings (which parse the
//! pattern again on every call); anything outside it falls back to chrono,
//! so both give the same text for every instant.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

const PATTERN: &str = "%Y-%m-%dT%H:%M";

/// `2026-12-02T09:30`; seconds are dropped.
pub fn format(instant: NaiveDateTime) -> String {
    let year = instant.year();
    if !(0..=9999).contains(&year) {
        return instant.format(PATTERN).to_string();
    }
    let mut text = [0u8; 16];
    put(&mut text[0..4], year as u32);
    text[4] = b'-';
    put(&mut text[5..7], instant.month());
    text[7] = b'-';
    put(&mut text[8..10], instant.day());
    text[10] = b'T';
    put(&mut text[11..13], instant.hour());
    text[13] = b':';
    put(&mut text[14..16], instant.minute());
    // Only ASCII digits and separators were written.
    String::from_utf8_lossy(&text).into_owned()
}

/// Writes `value` as decimal digits filling `out`, zero-padded.
fn put(out: &mut [u8], mut value: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Reads what [`format`] writes.
pub fn parse(text: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    fast(text.as_bytes()).map_or_else(|| NaiveDateTime::parse_from_str(text, PATTERN), Ok)
}

/// The plain `YYYY-MM-DDTHH:MM` shape, or `None` for chrono to judge.
fn fast(text: &[u8]) -> Option<NaiveDateTime> {
    if text.len() != 16
        || text[4] != b'-'
        || text[7] != b'-'
        || text[10] != b'T'
        || text[13] != b':'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        text[range].iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    let time = NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, 0)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn format_and_parse_agree_with_chrono(days in -1_000_000i64..4_000_000, minute in 0u32..1440, second in 0u32..60) {
            let instant = NaiveDate::from_ymd_opt(1, 1, 1).unwrap()
                .checked_add_signed(chrono::Duration::days(days)).unwrap()
                .and_hms_opt(minute / 60, minute % 60, second).unwrap();
            let text = format(instant);
            prop_assert_eq!(&text, &instant.format(PATTERN).to_string());
            let back = parse(&text).unwrap();
            prop_assert_eq!(back, NaiveDateTime::parse_from_str(&text, PATTERN).unwrap());
        }

        #[test]
        fn parse_accepts_and_refuses_what_chrono_does(text in "[0-9+T:-]{0,18}") {
            prop_assert_eq!(parse(&text).ok(), NaiveDateTime::parse_from_str(&text, PATTERN).ok());
        }
    }

    #[test]
    fn impossible_dates_and_times_are_refused() {
        for text in [
            "2026-02-30T10:00",
            "2026-13-01T10:00",
            "2026-12-02T24:00",
            "2026-12-02T10:60",
            "2026-12-02 10:00",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        assert_eq!(
            format(parse("2026-12-02T09:05").unwrap()),
            "2026-12-02T09:05"
        );
    }
}
