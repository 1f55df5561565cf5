//! Scatter charts, one dot per row (sampled when the result is large).

use meridian_model::ChartSpec;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::data::Point;
use crate::draw::ChartFrame;
use crate::draw::axes::{
    MARGIN_PX, axis_number, empty_note, frame_of, legend, mesh, text_style, under_title,
};
use crate::error::ChartError;
use crate::format;
use crate::theme::Palette;

fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((high - low) * 0.05).max(1e-9);
    (low - pad, high + pad)
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    points: &[Point],
    series: &[String],
    sample_fraction: Option<f64>,
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let (x0, x1) = padded(points.iter().map(|p| p.x));
    let (y0, y1) = padded(points.iter().map(|p| p.y));
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN_PX)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(ChartError::draw)?;
    let x_label = |v: &f64| format::compact(*v);
    let y_label = |v: &f64| axis_number(*v, &spec.y_format);
    let titles = (
        spec.x_title.as_deref().or(spec.x.as_deref()),
        spec.y_title.as_deref().or(spec.y.as_deref()),
    );
    mesh(&mut chart, colors, &x_label, &y_label, titles, true)?;
    if points.is_empty() {
        empty_note(&area, colors, "No rows")?;
        return Ok(frame_of(&chart));
    }
    let groups = series.len().max(1);
    for group in 0..groups {
        let name = series.get(group).cloned().unwrap_or_default();
        let color = colors.series_color(group, &name);
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| p.series == group)
                    .map(|p| Circle::new((p.x, p.y), 2, color.mix(0.7).filled())),
            )
            .map_err(ChartError::draw)?
            .label(name)
            .legend(move |(x, y)| Circle::new((x + 6, y), 4, color.filled()));
    }
    legend(&mut chart, colors, series.len())?;
    if let Some(fraction) = sample_fraction {
        let (width, _) = area.dim_in_pixel();
        area.draw(&Text::new(
            format!(
                "sampled: about {}% of rows",
                format::with_separators(fraction * 100.0, 1)
            ),
            (width as i32 - 16, 18),
            text_style(&colors.muted, 11).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(ChartError::draw)?;
    }
    Ok(frame_of(&chart))
}
