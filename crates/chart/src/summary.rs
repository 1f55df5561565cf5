//! A chart in one sentence: the text alternative of its canvas, read by
//! screen readers and by tests, and shown nowhere else.

use crate::ChartData;
use crate::format::with_separators;

impl ChartData {
    /// What the chart shows, with its total where adding up makes sense.
    pub fn summary(&self) -> String {
        let total = |values: &mut dyn Iterator<Item = f64>| {
            let sum: f64 = values.sum();
            with_separators(sum, if sum.fract() == 0.0 { 0 } else { 2 })
        };
        match self {
            ChartData::TimeSeries {
                bucket,
                buckets,
                series,
            } => format!(
                "{} buckets of {}, {} series, total {}",
                buckets.len(),
                bucket.label(),
                series.len(),
                total(
                    &mut series
                        .iter()
                        .flat_map(|s| s.values.iter().flatten().copied())
                )
            ),
            ChartData::Categories { labels, values } => {
                let largest = labels
                    .iter()
                    .zip(values)
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(label, value)| {
                        format!(", largest {label} ({})", with_separators(*value, 2))
                    })
                    .unwrap_or_default();
                format!(
                    "{} categories, total {}{largest}",
                    labels.len(),
                    total(&mut values.iter().copied())
                )
            }
            ChartData::Histogram { counts, .. } => format!(
                "{} bins, total {}",
                counts.len(),
                total(&mut counts.iter().copied())
            ),
            ChartData::Scatter { points, .. } => format!("{} points", points.len()),
            ChartData::Kpi { current, .. } => match current {
                Some(value) => format!(
                    "value {}",
                    with_separators(*value, if value.fract() == 0.0 { 0 } else { 2 })
                ),
                None => "no value".to_string(),
            },
            ChartData::Table { rows, .. } => format!("{} rows", rows.len()),
            ChartData::PointMap { points, .. } => format!("{} points", points.len()),
            ChartData::DensityMap { cells, .. } => format!(
                "{} cells, total {}",
                cells.len(),
                total(&mut cells.iter().map(|c| c.value))
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ChartData;
    use crate::data::Series;
    use meridian_model::TimeBucket;

    #[test]
    fn summaries_count_and_add_up() {
        let series = ChartData::TimeSeries {
            bucket: TimeBucket::Hour,
            buckets: vec![0, 1, 2],
            series: vec![Series {
                name: "n".into(),
                values: vec![Some(1000.0), None, Some(234.0)],
            }],
        };
        assert_eq!(
            series.summary(),
            "3 buckets of 1 hour, 1 series, total 1,234"
        );
        let bars = ChartData::Categories {
            labels: vec!["Paris".into(), "Lyon".into()],
            values: vec![2.5, 7.25],
        };
        assert_eq!(
            bars.summary(),
            "2 categories, total 9.75, largest Lyon (7.25)"
        );
        let kpi = ChartData::Kpi {
            current: Some(42.0),
            previous: None,
            period: None,
        };
        assert_eq!(kpi.summary(), "value 42");
    }
}
