//! Bars by category (horizontal, largest first) and histograms.

use meridian_model::ChartSpec;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::draw::ChartFrame;
use crate::draw::axes::{
    MARGIN_PX, axis_number, empty_note, frame_of, mesh, text_style, under_title,
};
use crate::error::ChartError;
use crate::format;
use crate::theme::Palette;

/// Category labels longer than this are cut with an ellipsis.
const LABEL_CHARS: usize = 18;

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

pub fn draw_categories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    labels: &[String],
    values: &[f64],
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let count = labels.len().max(1) as f64;
    let low = values.iter().copied().fold(0.0, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    let pad = ((high - low) * 0.05).max(1e-9);
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN_PX)
        .x_label_area_size(40)
        .y_label_area_size(130)
        .build_cartesian_2d(low.min(0.0)..high + pad, 0.0..count)
        .map_err(ChartError::draw)?;
    let x_label = |v: &f64| axis_number(*v, &spec.y_format);
    let no_label = |_: &f64| String::new();
    let title = spec.y_title.clone().or_else(|| {
        Some(format!(
            "{} of {}",
            spec.aggregation.name(),
            spec.y.as_deref().unwrap_or("rows")
        ))
    });
    mesh(
        &mut chart,
        colors,
        &x_label,
        &no_label,
        (title.as_deref(), None),
        true,
    )?;
    if labels.is_empty() {
        empty_note(&area, colors, "No rows")?;
        return Ok(frame_of(&chart));
    }
    // Largest at the top: row 0 is drawn highest.
    let row_top = |i: usize| count - i as f64;
    let color = colors.series[0];
    chart
        .draw_series(values.iter().enumerate().map(|(i, v)| {
            Rectangle::new(
                [(0.0, row_top(i) - 0.15), (*v, row_top(i) - 0.85)],
                color.filled(),
            )
        }))
        .map_err(ChartError::draw)?;
    let style = text_style(&colors.text, 12).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, label) in labels.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(low.min(0.0), row_top(i) - 0.5));
        area.draw(&Text::new(short(label), (x - 6, y), style.clone()))
            .map_err(ChartError::draw)?;
    }
    Ok(frame_of(&chart))
}

pub fn draw_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    origin: f64,
    width: f64,
    counts: &[f64],
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let end = origin + width * counts.len().max(1) as f64;
    let high = counts.iter().copied().fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN_PX)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(origin..end, 0.0..(high * 1.08).max(1.0))
        .map_err(ChartError::draw)?;
    let x_label = |v: &f64| format::number(*v, &spec.y_format);
    let y_label = |v: &f64| format::compact(*v);
    let title = spec.x_title.clone().or_else(|| spec.y.clone());
    mesh(
        &mut chart,
        colors,
        &x_label,
        &y_label,
        (title.as_deref(), Some("rows")),
        true,
    )?;
    if counts.is_empty() {
        empty_note(&area, colors, "No values")?;
        return Ok(frame_of(&chart));
    }
    let color = colors.series[0];
    chart
        .draw_series(counts.iter().enumerate().map(|(i, count)| {
            let left = origin + width * i as f64;
            Rectangle::new(
                [(left + width * 0.04, 0.0), (left + width * 0.96, *count)],
                color.filled(),
            )
        }))
        .map_err(ChartError::draw)?;
    Ok(frame_of(&chart))
}
