//! Numbers and times as people read them on axes and in tooltips.

use chrono::DateTime;
use meridian_model::{NumberFormat, TimeBucket};

/// `1234567.891` → `1,234,567.89`: thousands separators, at most `decimals` decimals,
/// trailing zeros dropped.
pub fn with_separators(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (text.as_str(), ""),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A value in the spec's number format.
pub fn number(value: f64, format: &NumberFormat) -> String {
    match format {
        NumberFormat::Plain => with_separators(value, 2),
        NumberFormat::Compact => compact(value),
        NumberFormat::Percent => format!("{}%", with_separators(value * 100.0, 1)),
        NumberFormat::Unit(unit) => format!("{} {unit}", with_separators(value, 2)),
    }
}

/// `12345` → `12.3k`, `4500000` → `4.5M`.
pub fn compact(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (value / 1e9, "G")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e3 {
        (value / 1e3, "k")
    } else {
        return with_separators(value, 2);
    };
    format!("{}{suffix}", with_separators(scaled, 1))
}

/// A bucket start on a time axis, as short as the bucket allows.
pub fn axis_time(millis: i64, bucket: TimeBucket) -> String {
    let pattern = match bucket {
        TimeBucket::Minute | TimeBucket::FiveMinutes | TimeBucket::FifteenMinutes => "%H:%M",
        TimeBucket::Hour | TimeBucket::SixHours => "%m-%d %H:%M",
        TimeBucket::Day | TimeBucket::Week => "%Y-%m-%d",
        TimeBucket::Month => "%Y-%m",
    };
    time(millis, pattern)
}

/// A full UTC time for tooltips: `2024-03-04 14:00 UTC`.
pub fn full_time(millis: i64) -> String {
    format!("{} UTC", time(millis, "%Y-%m-%d %H:%M"))
}

fn time(millis: i64, pattern: &str) -> String {
    DateTime::from_timestamp_millis(millis)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_else(|| millis.to_string())
}

/// Degrees with a hemisphere: `48.85° N`, `2.35° E`.
pub fn latitude(value: f64) -> String {
    let hemisphere = if value < 0.0 { 'S' } else { 'N' };
    format!("{}° {hemisphere}", with_separators(value.abs(), 2))
}

pub fn longitude(value: f64) -> String {
    let normalized = crate::geo::normalize_lon(value);
    let hemisphere = if normalized < 0.0 { 'W' } else { 'E' };
    format!("{}° {hemisphere}", with_separators(normalized.abs(), 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_decimals() {
        assert_eq!(with_separators(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(with_separators(-1_000.0, 2), "-1,000");
        assert_eq!(with_separators(999.5, 0), "1,000");
        assert_eq!(with_separators(-0.001, 2), "0");
        assert_eq!(number(0.256, &NumberFormat::Percent), "25.6%");
        assert_eq!(number(120.0, &NumberFormat::Unit("ms".into())), "120 ms");
        assert_eq!(compact(4_500_000.0), "4.5M");
        assert_eq!(compact(12_345.0), "12.3k");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(full_time(1_709_560_800_000), "2024-03-04 14:00 UTC");
        assert_eq!(
            axis_time(1_709_560_800_000, TimeBucket::Hour),
            "03-04 14:00"
        );
        assert_eq!(axis_time(1_709_560_800_000, TimeBucket::Month), "2024-03");
        assert_eq!(longitude(190.0), "170° W");
        assert_eq!(latitude(-33.87), "33.87° S");
    }
}
