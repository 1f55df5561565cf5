//! Drawing chart data on any plotters backend: SVG natively, a canvas in the app.

mod axes;
mod category;
mod kpi;
mod map;
mod scatter;
mod table;
mod time;

use meridian_model::{ChartSpec, GeoBox, TimeRange};
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
    /// Maps: draw over this box instead of the one the data was computed for.
    /// While the map is dragged the app redraws the bins it holds at every frame
    /// and asks the engine for the new box's bins only when the drag ends.
    pub view: Option<GeoBox>,
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

    /// The time range a drag from pixel column `x0` to `x1` selects on a time
    /// chart, clamped to the plot; at least a minute long.
    pub fn time_range_between(&self, x0: f64, x1: f64) -> Option<TimeRange> {
        let (left, top, right, _) = self.plot_px;
        let clamp = |x: f64| x.clamp(left as f64, right as f64);
        let (start, _) = self.data_at(clamp(x0.min(x1)), top as f64)?;
        let (end, _) = self.data_at(clamp(x0.max(x1)), top as f64)?;
        let start_ms = start as i64;
        Some(TimeRange {
            start_ms,
            end_ms: (end as i64).max(start_ms + 60_000),
        })
    }

    /// The map box after dragging the map from pixel (`x0`, `y0`) to (`x1`, `y1`).
    pub fn panned_view(&self, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Option<GeoBox> {
        let view = self.view?;
        let (ax, ay) = self.data_at(x0, y0)?;
        let (bx, by) = self.data_at(x1, y1)?;
        let (lon, lat) = crate::geo::center_of(&view);
        Some(crate::geo::zoom_box(
            &view,
            (lon - (bx - ax), lat - (by - ay)),
            1.0,
        ))
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
        ChartData::PointMap { view, points } => map::draw_points(
            root,
            spec,
            &colors,
            options.view.as_ref().unwrap_or(view),
            points,
        )?,
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
                view: options.view.as_ref().unwrap_or(view),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drags_become_ranges_and_pans() {
        let frame = ChartFrame {
            plot_px: (100, 0, 300, 100),
            x_range: (0.0, 200_000_000.0),
            y_range: (0.0, 1.0),
            view: None,
        };
        let range = frame.time_range_between(250.0, 150.0).expect("a range");
        assert_eq!((range.start_ms, range.end_ms), (50_000_000, 150_000_000));
        let clamped = frame.time_range_between(20.0, 100.05).expect("a range");
        assert_eq!(clamped.start_ms, 0, "clamped to the plot");
        assert_eq!(clamped.end_ms, 60_000, "widened to a minute");

        let map = ChartFrame {
            plot_px: (0, 0, 360, 180),
            x_range: (-180.0, 180.0),
            y_range: (-90.0, 90.0),
            view: Some(GeoBox::WORLD),
        };
        let moved = map
            .panned_view((180.0, 90.0), (170.0, 90.0))
            .expect("a view");
        assert_eq!(moved, GeoBox::WORLD, "the whole world does not move");
    }

    #[test]
    fn an_empty_box_says_so_instead_of_a_scale() {
        let spec = ChartSpec::new(meridian_model::ChartKind::DensityMap);
        let empty = ChartData::DensityMap {
            view: GeoBox::WORLD,
            cell_deg: 2.0,
            cells: Vec::new(),
            frames: Vec::new(),
            bucket: None,
        };
        let (svg, _) =
            crate::render_svg(&spec, &empty, (800, 450), DrawOptions::default()).expect("drawn");
        assert!(svg.contains("No data in the visible box"), "{svg}");
        assert!(!svg.contains("log scale"));
    }
}
