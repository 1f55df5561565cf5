//! Drawing chart data on any plotters backend: SVG natively, a canvas in the app.

mod axes;
mod category;
mod kpi;
mod map;
mod scatter;
mod table;
mod time;

use meridian_model::{ChartSpec, GeoBox};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::ChartData;
use crate::error::ChartError;
use crate::theme::palette;

/// Choices that are not part of the saved spec.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DrawOptions {
    /// The playback frame a map shows; `None` shows all time at once.
    pub frame: Option<usize>,
}

/// Where the plot landed, so pointer positions can be turned back into data.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChartFrame {
    /// Plot area in pixels: left, top, right, bottom.
    pub plot_px: (i32, i32, i32, i32),
    /// Data range along x (time in ms, longitude in the view, or the value axis).
    pub x_range: (f64, f64),
    /// Data range along y.
    pub y_range: (f64, f64),
    /// Maps: the box actually drawn (fitted to the plot's aspect).
    pub view: Option<GeoBox>,
}

impl ChartFrame {
    /// The data coordinates under pixel (`px`, `py`), if it lies on the plot.
    pub fn data_at(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let (left, top, right, bottom) = self.plot_px;
        let (left, top, right, bottom) = (left as f64, top as f64, right as f64, bottom as f64);
        if px < left || px > right || py < top || py > bottom || right <= left || bottom <= top {
            return None;
        }
        let x = self.x_range.0 + (px - left) / (right - left) * (self.x_range.1 - self.x_range.0);
        let y = self.y_range.1 - (py - top) / (bottom - top) * (self.y_range.1 - self.y_range.0);
        Some((x, y))
    }

    /// The pixel of data point (`x`, `y`).
    pub fn pixel_of(&self, x: f64, y: f64) -> (f64, f64) {
        let (left, top, right, bottom) = self.plot_px;
        let (left, top, right, bottom) = (left as f64, top as f64, right as f64, bottom as f64);
        let span_x = (self.x_range.1 - self.x_range.0).max(f64::MIN_POSITIVE);
        let span_y = (self.y_range.1 - self.y_range.0).max(f64::MIN_POSITIVE);
        (
            left + (x - self.x_range.0) / span_x * (right - left),
            bottom - (y - self.y_range.0) / span_y * (bottom - top),
        )
    }
}

/// Draws `data` as `spec` says on `root`, which is cleared first.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    data: &ChartData,
    options: DrawOptions,
) -> Result<ChartFrame, ChartError> {
    let colors = palette(spec.theme);
    root.fill(&colors.background).map_err(ChartError::draw)?;
    let frame = match data {
        ChartData::TimeSeries {
            bucket,
            buckets,
            series,
        } => time::draw(root, spec, &colors, *bucket, buckets, series)?,
        ChartData::Categories { labels, values } => {
            category::draw_categories(root, spec, &colors, labels, values)?
        }
        ChartData::Histogram {
            origin,
            width,
            counts,
        } => category::draw_histogram(root, spec, &colors, *origin, *width, counts)?,
        ChartData::Scatter {
            points,
            series,
            sample_fraction,
        } => scatter::draw(root, spec, &colors, points, series, *sample_fraction)?,
        ChartData::Kpi {
            current,
            previous,
            period,
        } => kpi::draw(root, spec, &colors, *current, *previous, *period)?,
        ChartData::Table { columns, rows } => table::draw(root, spec, &colors, columns, rows)?,
        ChartData::PointMap { view, points } => {
            map::draw_points(root, spec, &colors, view, points)?
        }
        ChartData::DensityMap {
            view,
            cell_deg,
            cells,
            frames,
            bucket,
        } => map::draw_density(
            root,
            spec,
            &colors,
            map::Density {
                view,
                cell_deg: *cell_deg,
                cells,
                frames,
                bucket: *bucket,
            },
            options.frame,
        )?,
    };
    root.present().map_err(ChartError::draw)?;
    Ok(frame)
}
