//! Adaptive time buckets: the bucket width follows the visible range, and the
//! bucketing is SQL the engine runs (`date_bin`, `date_trunc`), all in UTC.

use chrono::{DateTime, Datelike, NaiveDate};
use meridian_model::TimeBucket;

/// The most buckets a time chart shows before it switches to a coarser bucket.
pub const MAX_BUCKETS: i64 = 60;

/// The finest bucket that keeps a range of `span_ms` within [`MAX_BUCKETS`].
/// One day gives hours, four weeks give days, a year gives weeks.
pub fn choose_bucket(span_ms: i64) -> TimeBucket {
    TimeBucket::LADDER
        .into_iter()
        .find(|bucket| span_ms / bucket.approx_millis() < MAX_BUCKETS)
        .unwrap_or(TimeBucket::Month)
}

/// SQL that maps the zone-less timestamp expression `time` to its bucket's start.
/// Weeks start on Monday (1970-01-05 was one); months on the 1st.
pub fn bucket_sql(bucket: TimeBucket, time: &str) -> String {
    match bucket {
        TimeBucket::Week => {
            format!("date_bin(INTERVAL '7 days', {time}, TIMESTAMP '1970-01-05 00:00:00')")
        }
        TimeBucket::Month => format!("date_trunc('month', {time})"),
        // The other labels ("1 hour", "15 minutes") are valid SQL intervals.
        fixed => format!(
            "date_bin(INTERVAL '{}', {time}, TIMESTAMP '1970-01-01 00:00:00')",
            fixed.label()
        ),
    }
}

/// The start of the bucket holding `millis` (UTC), as the SQL computes it.
pub fn bucket_start(bucket: TimeBucket, millis: i64) -> i64 {
    match bucket {
        TimeBucket::Month => {
            let Some(time) = DateTime::from_timestamp_millis(millis) else {
                return millis;
            };
            month_start(time.year(), time.month()).unwrap_or(millis)
        }
        TimeBucket::Week => {
            const MONDAY_1970_01_05_MS: i64 = 4 * 86_400_000;
            let width = bucket.approx_millis();
            MONDAY_1970_01_05_MS + (millis - MONDAY_1970_01_05_MS).div_euclid(width) * width
        }
        _ => {
            let width = bucket.approx_millis();
            millis.div_euclid(width) * width
        }
    }
}

/// The start of the bucket after the one starting at `start`.
pub fn next_bucket(bucket: TimeBucket, start: i64) -> i64 {
    match bucket {
        TimeBucket::Month => {
            let Some(time) = DateTime::from_timestamp_millis(start) else {
                return start + bucket.approx_millis();
            };
            let (year, month) = if time.month() == 12 {
                (time.year() + 1, 1)
            } else {
                (time.year(), time.month() + 1)
            };
            month_start(year, month).unwrap_or(start + bucket.approx_millis())
        }
        _ => start + bucket.approx_millis(),
    }
}

/// Every bucket start from the one holding `start_ms` up to (excluding) `end_ms`,
/// so buckets with no rows are drawn as empty instead of being skipped.
pub fn bucket_starts(bucket: TimeBucket, start_ms: i64, end_ms: i64) -> Vec<i64> {
    let mut starts = Vec::new();
    let mut current = bucket_start(bucket, start_ms);
    // The guard keeps a corrupt range from allocating without end.
    while current < end_ms && starts.len() < 100_000 {
        starts.push(current);
        current = next_bucket(bucket, current);
    }
    starts
}

fn month_start(year: i32, month: u32) -> Option<i64> {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;
    /// 2024-03-04 00:00:00 UTC, a Monday.
    const MONDAY: i64 = 1_709_510_400_000;

    #[test]
    fn the_range_chooses_a_readable_bucket() {
        assert_eq!(choose_bucket(2 * HOUR), TimeBucket::FiveMinutes);
        assert_eq!(choose_bucket(DAY), TimeBucket::Hour);
        assert_eq!(choose_bucket(7 * DAY), TimeBucket::SixHours);
        assert_eq!(choose_bucket(28 * DAY), TimeBucket::Day);
        assert_eq!(choose_bucket(365 * DAY), TimeBucket::Week);
        assert_eq!(choose_bucket(10 * 365 * DAY), TimeBucket::Month);
    }

    #[test]
    fn bucket_boundaries_are_utc_and_start_inclusive() {
        assert_eq!(bucket_start(TimeBucket::Hour, MONDAY + HOUR), MONDAY + HOUR);
        assert_eq!(
            bucket_start(TimeBucket::Hour, MONDAY + 2 * HOUR - 1),
            MONDAY + HOUR
        );
        assert_eq!(bucket_start(TimeBucket::Day, MONDAY + DAY - 1), MONDAY);
        assert_eq!(bucket_start(TimeBucket::Week, MONDAY + 6 * DAY), MONDAY);
        assert_eq!(bucket_start(TimeBucket::Week, MONDAY - 1), MONDAY - 7 * DAY);
        // 2024-03-31 23:59:59.999 is still March; 2024-02-29 exists.
        assert_eq!(
            bucket_start(TimeBucket::Month, 1_711_929_599_999),
            1_709_251_200_000
        );
        assert_eq!(
            next_bucket(TimeBucket::Month, 1_706_745_600_000),
            1_709_251_200_000
        );
        // Before the epoch, buckets still floor downwards.
        assert_eq!(bucket_start(TimeBucket::Hour, -1), -HOUR);
    }

    #[test]
    fn empty_buckets_are_enumerated() {
        let starts = bucket_starts(TimeBucket::Hour, MONDAY + 30 * 60_000, MONDAY + 3 * HOUR);
        assert_eq!(starts, vec![MONDAY, MONDAY + HOUR, MONDAY + 2 * HOUR]);
        let months = bucket_starts(TimeBucket::Month, 1_704_067_200_000, 1_711_929_600_000);
        assert_eq!(months.len(), 3, "January, February and March 2024");
    }

    #[test]
    fn bucket_sql_names_the_width_and_origin() {
        assert_eq!(
            bucket_sql(TimeBucket::Hour, "t"),
            "date_bin(INTERVAL '1 hour', t, TIMESTAMP '1970-01-01 00:00:00')"
        );
        assert_eq!(
            bucket_sql(TimeBucket::Week, "t"),
            "date_bin(INTERVAL '7 days', t, TIMESTAMP '1970-01-05 00:00:00')"
        );
        assert_eq!(bucket_sql(TimeBucket::Month, "t"), "date_trunc('month', t)");
    }
}
