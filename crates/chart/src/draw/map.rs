//! Maps: the built-in basemap in plate carrée, with points or a density grid.

use meridian_model::{ChartSpec, GeoBox, TimeBucket};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::basemap;
use crate::clip::{self, Rect};
use crate::data::{GridCell, Point};
use crate::draw::ChartFrame;
use crate::draw::axes::{Chart, MARGIN_PX, frame_of, mesh, text_style, under_title};
use crate::error::ChartError;
use crate::format;
use crate::geo;
use crate::theme::Palette;

const X_LABELS_PX: u32 = 30;
const Y_LABELS_PX: u32 = 60;
/// Room under the map for the colour legend.
const LEGEND_PX: u32 = 34;

/// A density grid to draw.
pub struct Density<'a> {
    pub view: &'a GeoBox,
    pub cell_deg: f64,
    pub cells: &'a [GridCell],
    pub frames: &'a [i64],
    pub bucket: Option<TimeBucket>,
}

/// The box shown, in the chart's coordinates (longitudes from the box's west edge on).
fn view_rect(fitted: &GeoBox) -> Rect {
    Rect {
        x0: fitted.west,
        y0: fitted.south,
        x1: fitted.west + fitted.width_deg(),
        y1: fitted.north,
    }
}

/// Builds the map's axes, fitted so degrees are square, and draws the basemap.
fn map_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    colors: &Palette,
    view: &GeoBox,
) -> Result<(Chart<'a, DB>, GeoBox), ChartError> {
    let (width, height) = area.dim_in_pixel();
    let plot_w = width.saturating_sub(2 * MARGIN_PX + Y_LABELS_PX) as f64;
    let plot_h = height.saturating_sub(2 * MARGIN_PX + X_LABELS_PX) as f64;
    let fitted = geo::fit_aspect(view, plot_w, plot_h);
    let x0 = fitted.west;
    let x1 = fitted.west + fitted.width_deg();
    let mut chart = ChartBuilder::on(area)
        .margin(MARGIN_PX)
        .x_label_area_size(X_LABELS_PX)
        .y_label_area_size(Y_LABELS_PX)
        .build_cartesian_2d(x0..x1, fitted.south..fitted.north)
        .map_err(ChartError::draw)?;
    let x_label = |v: &f64| format::longitude(*v);
    let y_label = |v: &f64| format::latitude(*v);
    mesh(&mut chart, colors, &x_label, &y_label, (None, None), false)?;
    let rect = view_rect(&fitted);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x0, fitted.south), (x1, fitted.north)],
            colors.water.filled(),
        )))
        .map_err(ChartError::draw)?;
    let world = basemap::world();
    // A shape is drawn once per copy of the world that the view shows.
    let copies = |line: &Vec<(f64, f64)>| -> Vec<Vec<(f64, f64)>> {
        let (low, high) = basemap::lon_bounds(line);
        [-360.0, 0.0, 360.0]
            .into_iter()
            .filter(|o| low + o < x1 && high + o > x0)
            .map(|o| line.iter().map(|(lon, lat)| (lon + o, *lat)).collect())
            .collect()
    };
    let land: Vec<Vec<(f64, f64)>> = world
        .land
        .iter()
        .flat_map(&copies)
        .map(|ring| clip::polygon(&ring, rect))
        .filter(|ring| ring.len() > 2)
        .collect();
    chart
        .draw_series(
            land.into_iter()
                .map(|ring| Polygon::new(ring, colors.land.filled())),
        )
        .map_err(ChartError::draw)?;
    let outlines: Vec<Vec<(f64, f64)>> = world
        .outlines
        .iter()
        .flat_map(copies)
        .flat_map(|line| clip::polyline(&line, rect))
        .collect();
    chart
        .draw_series(
            outlines
                .into_iter()
                .map(|line| PathElement::new(line, colors.coast.stroke_width(1))),
        )
        .map_err(ChartError::draw)?;
    Ok((chart, fitted))
}

pub fn draw_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    view: &GeoBox,
    points: &[Point],
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let (mut chart, fitted) = map_chart(&area, colors, view)?;
    let largest = points.iter().filter_map(|p| p.value).fold(0.0, f64::max);
    let color = colors.series[5];
    let shown = view_rect(&fitted);
    chart
        .draw_series(points.iter().filter_map(|p| {
            let at = (geo::lon_in_view(&fitted, p.x), p.y);
            // Points of a wider box than the one shown (a map being panned) stay off the axes.
            if !shown.contains(at) {
                return None;
            }
            let radius = match (p.value, largest > 0.0) {
                (Some(v), true) => 2.0 + 6.0 * (v.max(0.0) / largest).sqrt(),
                _ => 2.5,
            };
            Some(Circle::new(
                at,
                radius.round() as u32,
                color.mix(0.6).filled(),
            ))
        }))
        .map_err(ChartError::draw)?;
    let mut frame = frame_of(&chart);
    frame.view = Some(fitted);
    Ok(frame)
}

pub fn draw_density<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    density: Density<'_>,
    frame_index: Option<usize>,
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let (map_area, legend_area) = {
        let (_, height) = area.dim_in_pixel();
        area.split_vertically(height.saturating_sub(LEGEND_PX))
    };
    let (mut chart, fitted) = map_chart(&map_area, colors, density.view)?;
    let frame_index = frame_index.filter(|_| !density.frames.is_empty());
    // One scale for every frame, so playback compares like with like.
    let largest = density.cells.iter().map(|c| c.value).fold(0.0, f64::max);
    let scale = |value: f64| {
        if largest <= 1.0 {
            1.0
        } else {
            (1.0 + value.max(0.0)).ln() / (1.0 + largest).ln()
        }
    };
    let cell = density.cell_deg;
    let shown: Vec<&GridCell> = density
        .cells
        .iter()
        .filter(|c| frame_index.is_none_or(|f| c.frame == f))
        .collect();
    // Without a frame, cells of all frames add up.
    let mut totals: std::collections::BTreeMap<(i64, i64), f64> = std::collections::BTreeMap::new();
    for c in &shown {
        *totals.entry((c.column, c.row)).or_default() += c.value;
    }
    let total_scale_max = totals.values().copied().fold(0.0, f64::max);
    let shown_box = view_rect(&fitted);
    chart
        .draw_series(totals.iter().filter_map(|((column, row), value)| {
            let (lon, lat) = geo::cell_origin(cell, *column, *row);
            let lon = geo::lon_in_view(&fitted, lon + cell / 2.0) - cell / 2.0;
            // Cells of the box the bins were computed for, cut to the box shown.
            let part = shown_box.intersection(Rect {
                x0: lon,
                y0: lat,
                x1: lon + cell,
                y1: lat + cell,
            })?;
            let t = if frame_index.is_some() {
                scale(*value)
            } else if total_scale_max <= 1.0 {
                1.0
            } else {
                (1.0 + value).ln() / (1.0 + total_scale_max).ln()
            };
            Some(Rectangle::new(
                [(part.x0, part.y0), (part.x1, part.y1)],
                colors.ramp_color(t).mix(0.85).filled(),
            ))
        }))
        .map_err(ChartError::draw)?;
    let shown_max = if frame_index.is_some() {
        largest
    } else {
        total_scale_max
    };
    draw_legend(&legend_area, spec, colors, shown_max, cell)?;
    if let (Some(index), Some(bucket)) = (frame_index, density.bucket)
        && let Some(start) = density.frames.get(index)
    {
        let label = format!(
            "{}  ({} of {}, {} buckets)",
            format::full_time(*start),
            index + 1,
            density.frames.len(),
            bucket.label()
        );
        let (left, top) = chart.backend_coord(&(fitted.west, fitted.north));
        map_area
            .draw(&Text::new(
                label,
                (left + 8, top + 14),
                text_style(&colors.text, 13),
            ))
            .map_err(ChartError::draw)?;
    }
    let mut frame = frame_of(&chart);
    frame.view = Some(fitted);
    Ok(frame)
}

/// The colour ramp with its low and high values, and the cell size.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    largest: f64,
    cell: f64,
) -> Result<(), ChartError> {
    let left = (MARGIN_PX + Y_LABELS_PX) as i32;
    let steps = 40;
    let step_px = 4;
    // A box with no rows in it (panned or zoomed off the data) says so instead of a scale.
    if largest <= 0.0 {
        return area
            .draw(&Text::new(
                "No data in the visible box".to_string(),
                (left, 16),
                text_style(&colors.muted, 12).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(ChartError::draw);
    }
    for i in 0..steps {
        let x = left + i * step_px;
        area.draw(&Rectangle::new(
            [(x, 10), (x + step_px, 22)],
            colors.ramp_color(i as f64 / (steps - 1) as f64).filled(),
        ))
        .map_err(ChartError::draw)?;
    }
    let label = format!(
        "1 … {} {} per {}° cell (log scale)",
        format::with_separators(largest, 2),
        match (&spec.y, &spec.size) {
            (Some(y), _) | (None, Some(y)) => format!("{} of {y}", spec.aggregation.name()),
            _ => "rows".to_string(),
        },
        format::with_separators(cell, 6)
    );
    area.draw(&Text::new(
        label,
        (left + steps * step_px + 10, 16),
        text_style(&colors.muted, 12).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(ChartError::draw)
}
