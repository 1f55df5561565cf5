//! Line, stacked area and bar charts over time buckets.

use meridian_model::{BarMode, ChartKind, ChartSpec, TimeBucket};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::bucket::next_bucket;
use crate::data::Series;
use crate::draw::ChartFrame;
use crate::draw::axes::{MARGIN_PX, axis_number, empty_note, frame_of, legend, mesh, under_title};
use crate::error::ChartError;
use crate::format;
use crate::theme::Palette;

/// The bucket ends, so bars and areas know their widths.
fn bucket_ends(bucket: TimeBucket, buckets: &[i64]) -> Vec<i64> {
    buckets
        .iter()
        .map(|start| next_bucket(bucket, *start))
        .collect()
}

/// Whether values pile up (stacked areas and bars) rather than overlap.
fn stacks(spec: &ChartSpec) -> bool {
    spec.kind == ChartKind::Area
        || (spec.kind == ChartKind::Bar && spec.bar_mode == BarMode::Stacked)
}

fn value_range(spec: &ChartSpec, buckets: usize, series: &[Series]) -> (f64, f64) {
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    if stacks(spec) {
        for index in 0..buckets {
            let total: f64 = series.iter().filter_map(|s| s.values[index]).sum();
            high = high.max(total);
            low = low.min(total);
        }
    } else {
        for value in series.iter().flat_map(|s| s.values.iter().flatten()) {
            high = high.max(*value);
            low = low.min(*value);
        }
    }
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    // Bars and areas grow from zero; lines of averages may float.
    if spec.kind != ChartKind::Line || spec.aggregation.empty_is_zero() || spec.y.is_none() {
        low = low.min(0.0);
    }
    let pad = ((high - low) * 0.08).max(high.abs() * 0.01).max(1e-9);
    (
        if low < 0.0 || spec.kind == ChartKind::Line && low > 0.0 {
            low - pad
        } else {
            low
        },
        high + pad,
    )
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    bucket: TimeBucket,
    buckets: &[i64],
    series: &[Series],
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let ends = bucket_ends(bucket, buckets);
    let x0 = buckets.first().copied().unwrap_or(0) as f64;
    let x1 = ends.last().copied().unwrap_or(1) as f64;
    let (y0, y1) = value_range(spec, buckets.len(), series);
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN_PX)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1.max(x0 + 1.0), y0..y1)
        .map_err(ChartError::draw)?;
    let x_label = |v: &f64| format::axis_time(*v as i64, bucket);
    let y_label = |v: &f64| axis_number(*v, &spec.y_format);
    let x_title = spec.x_title.clone().unwrap_or_else(|| {
        format!(
            "{} (UTC, {} buckets)",
            spec.x.as_deref().unwrap_or("time"),
            bucket.label()
        )
    });
    mesh(
        &mut chart,
        colors,
        &x_label,
        &y_label,
        (Some(&x_title), spec.y_title.as_deref()),
        true,
    )?;
    if series.is_empty() {
        empty_note(&area, colors, "No rows in this range")?;
        return Ok(frame_of(&chart));
    }
    let mid = |i: usize| (buckets[i] + ends[i]) as f64 / 2.0;
    match spec.kind {
        ChartKind::Area => {
            let mut base = vec![0.0; buckets.len()];
            for (index, one) in series.iter().enumerate() {
                let color = colors.series_color(index, &one.name);
                let top: Vec<f64> = base
                    .iter()
                    .zip(&one.values)
                    .map(|(b, v)| b + v.unwrap_or(0.0))
                    .collect();
                let mut outline: Vec<(f64, f64)> =
                    (0..buckets.len()).map(|i| (mid(i), top[i])).collect();
                outline.extend((0..buckets.len()).rev().map(|i| (mid(i), base[i])));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        color.mix(0.75).filled(),
                    )))
                    .map_err(ChartError::draw)?
                    .label(one.name.clone())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                    });
                base = top;
            }
        }
        ChartKind::Bar => {
            let stacked = stacks(spec);
            let mut base = vec![0.0; buckets.len()];
            let count = series.len() as f64;
            for (index, one) in series.iter().enumerate() {
                let color = colors.series_color(index, &one.name);
                let bars: Vec<Rectangle<(f64, f64)>> = (0..buckets.len())
                    .filter_map(|i| {
                        let value = one.values[i]?;
                        let width = (ends[i] - buckets[i]) as f64;
                        let (left, right, bottom) = if stacked {
                            (
                                buckets[i] as f64 + width * 0.1,
                                ends[i] as f64 - width * 0.1,
                                base[i],
                            )
                        } else {
                            let slot = width * 0.8 / count;
                            let left = buckets[i] as f64 + width * 0.1 + slot * index as f64;
                            (left, left + slot, 0.0)
                        };
                        Some(Rectangle::new(
                            [(left, bottom), (right, bottom + value)],
                            color.filled(),
                        ))
                    })
                    .collect();
                chart
                    .draw_series(bars)
                    .map_err(ChartError::draw)?
                    .label(one.name.clone())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                    });
                if stacked {
                    for (b, v) in base.iter_mut().zip(&one.values) {
                        *b += v.unwrap_or(0.0);
                    }
                }
            }
        }
        _ => {
            for (index, one) in series.iter().enumerate() {
                let color = colors.series_color(index, &one.name);
                let style = color.stroke_width(2);
                // A gap (no value) breaks the line instead of drawing through it.
                let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for (i, value) in one.values.iter().enumerate() {
                    match value {
                        Some(v) => runs
                            .last_mut()
                            .map(|run| run.push((mid(i), *v)))
                            .unwrap_or(()),
                        None => runs.push(Vec::new()),
                    }
                }
                let mut first = true;
                for run in runs.into_iter().filter(|r| !r.is_empty()) {
                    let single = run.len() == 1;
                    let drawn = if single {
                        chart
                            .draw_series(run.into_iter().map(|p| Circle::new(p, 2, color.filled())))
                    } else {
                        chart.draw_series(LineSeries::new(run, style))
                    }
                    .map_err(ChartError::draw)?;
                    if first {
                        drawn.label(one.name.clone()).legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                        });
                        first = false;
                    }
                }
            }
        }
    }
    legend(&mut chart, colors, series.len())?;
    Ok(frame_of(&chart))
}
