//! What every chart with axes shares: fonts, the title, the mesh's styling.

use meridian_model::{ChartSpec, NumberFormat};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::draw::ChartFrame;
use crate::error::ChartError;
use crate::format;
use crate::theme::Palette;

pub const FONT: &str = "sans-serif";
pub const MARGIN_PX: u32 = 12;

pub fn text_style(color: &RGBColor, size: u32) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::default(),
    }
}

/// The area under the title (the title drawn when the spec has one).
pub fn under_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    match spec.title.as_deref().filter(|t| !t.is_empty()) {
        Some(title) => root
            .titled(title, text_style(&colors.text, 16))
            .map_err(ChartError::draw),
        None => Ok(root.clone()),
    }
}

/// Axis numbers: compact on the axis, the spec's format elsewhere.
pub fn axis_number(value: f64, format: &NumberFormat) -> String {
    match format {
        NumberFormat::Plain => format::compact(value),
        other => format::number(value, other),
    }
}

pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the mesh with the theme's colours and the given label formatters.
pub fn mesh<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    colors: &Palette,
    x_label: &dyn Fn(&f64) -> String,
    y_label: &dyn Fn(&f64) -> String,
    titles: (Option<&str>, Option<&str>),
    grid: bool,
) -> Result<(), ChartError> {
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(6)
        .y_labels(6)
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .label_style(text_style(&colors.muted, 12))
        .axis_style(colors.muted)
        .bold_line_style(colors.grid)
        .light_line_style(TRANSPARENT);
    if !grid {
        mesh.disable_mesh();
    }
    if let Some(title) = titles.0 {
        mesh.x_desc(title);
    }
    if let Some(title) = titles.1 {
        mesh.y_desc(title);
    }
    mesh.axis_desc_style(text_style(&colors.text, 12))
        .draw()
        .map_err(ChartError::draw)
}

/// The frame of a chart: its plot area's pixels and data ranges.
pub fn frame_of<DB: DrawingBackend>(chart: &Chart<'_, DB>) -> ChartFrame {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let x = chart.x_range();
    let y = chart.y_range();
    ChartFrame {
        plot_px: (xs.start, ys.start, xs.end, ys.end),
        x_range: (x.start, x.end),
        y_range: (y.start, y.end),
        view: None,
    }
}

/// Draws the legend in the upper right when there is more than one series.
pub fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    colors: &Palette,
    series_count: usize,
) -> Result<(), ChartError> {
    if series_count < 2 {
        return Ok(());
    }
    chart
        .configure_series_labels()
        .background_style(colors.background.mix(0.85))
        .border_style(colors.grid)
        .label_font(text_style(&colors.text, 12))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(ChartError::draw)
}

/// A message in the middle of an empty chart.
pub fn empty_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    colors: &Palette,
    text: &str,
) -> Result<(), ChartError> {
    let (width, height) = area.dim_in_pixel();
    area.draw(&Text::new(
        text.to_string(),
        (width as i32 / 2, height as i32 / 2),
        text_style(&colors.muted, 14).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(ChartError::draw)
}
