//! What the pointer is over: exact values with units and separators.

use meridian_model::ChartSpec;

use crate::bucket::next_bucket;
use crate::data::ChartData;
use crate::draw::ChartFrame;
use crate::format;
use crate::geo;

/// Points within this many pixels of the pointer count as under it.
const NEAR_PX: f64 = 8.0;

/// The text to show for pixel (`px`, `py`), or `None` over nothing.
pub fn describe(
    spec: &ChartSpec,
    data: &ChartData,
    frame: &ChartFrame,
    px: f64,
    py: f64,
    playback_frame: Option<usize>,
) -> Option<String> {
    let (x, y) = frame.data_at(px, py)?;
    let value_text = |v: f64| format::number(v, &spec.y_format);
    match data {
        ChartData::TimeSeries {
            bucket,
            buckets,
            series,
        } => {
            let index = buckets.iter().position(|start| {
                (*start as f64) <= x && x < next_bucket(*bucket, *start) as f64
            })?;
            let mut lines = vec![format!(
                "{} ({})",
                format::full_time(buckets[index]),
                bucket.label()
            )];
            for one in series {
                let value = one.values[index].map_or_else(|| "no rows".to_string(), value_text);
                lines.push(format!("{}: {value}", one.name));
            }
            Some(lines.join("\n"))
        }
        ChartData::Categories { labels, values } => {
            let count = labels.len() as f64;
            let index = (count - y).floor();
            if index < 0.0 || index >= count {
                return None;
            }
            let index = index as usize;
            Some(format!("{}: {}", labels[index], value_text(values[index])))
        }
        ChartData::Histogram {
            origin,
            width,
            counts,
        } => {
            let index = ((x - origin) / width).floor();
            if index < 0.0 || index as usize >= counts.len() {
                return None;
            }
            let low = origin + width * index;
            Some(format!(
                "{} to {}: {} rows",
                format::with_separators(low, 4),
                format::with_separators(low + width, 4),
                format::with_separators(counts[index as usize], 0)
            ))
        }
        ChartData::Scatter { points, series, .. } => {
            let nearest = points
                .iter()
                .map(|p| {
                    let (qx, qy) = frame.pixel_of(p.x, p.y);
                    (p, (qx - px).hypot(qy - py))
                })
                .filter(|(_, distance)| *distance <= NEAR_PX)
                .min_by(|a, b| a.1.total_cmp(&b.1))?
                .0;
            let name = series
                .get(nearest.series)
                .map(|s| format!("{s}: "))
                .unwrap_or_default();
            Some(format!(
                "{name}{} = {}, {} = {}",
                spec.x.as_deref().unwrap_or("x"),
                format::with_separators(nearest.x, 4),
                spec.y.as_deref().unwrap_or("y"),
                value_text(nearest.y)
            ))
        }
        ChartData::PointMap { points, .. } => {
            let view = frame.view?;
            let nearest = points
                .iter()
                .map(|p| {
                    let (qx, qy) = frame.pixel_of(geo::lon_in_view(&view, p.x), p.y);
                    (p, (qx - px).hypot(qy - py))
                })
                .filter(|(_, distance)| *distance <= NEAR_PX)
                .min_by(|a, b| a.1.total_cmp(&b.1))?
                .0;
            let value = nearest
                .value
                .map(|v| format!(": {}", value_text(v)))
                .unwrap_or_default();
            Some(format!(
                "{}, {}{value}",
                format::latitude(nearest.y),
                format::longitude(nearest.x)
            ))
        }
        ChartData::DensityMap {
            cell_deg,
            cells,
            frames,
            ..
        } => {
            let lon = geo::normalize_lon(x);
            let column = ((lon + 180.0) / cell_deg).floor() as i64;
            let row = ((y + 90.0) / cell_deg).floor() as i64;
            let playing = playback_frame.filter(|_| !frames.is_empty());
            let total: f64 = cells
                .iter()
                .filter(|c| c.column == column && c.row == row)
                .filter(|c| playing.is_none_or(|f| c.frame == f))
                .map(|c| c.value)
                .sum();
            let (west, south) = geo::cell_origin(*cell_deg, column, row);
            let what = match (&spec.y, &spec.size) {
                (Some(y), _) | (None, Some(y)) => format!("{} of {y}", spec.aggregation.name()),
                _ => "rows".to_string(),
            };
            Some(format!(
                "{}–{}, {}–{}: {} {what}",
                format::latitude(south),
                format::latitude(south + cell_deg),
                format::longitude(west),
                format::longitude(west + cell_deg),
                format::with_separators(total, 2)
            ))
        }
        ChartData::Kpi { .. } | ChartData::Table { .. } => None,
    }
}
