//! Charts as SVG text, for the CLI, exports and snapshot tests.

use meridian_model::ChartSpec;
use plotters::prelude::*;

use crate::data::ChartData;
use crate::draw::{ChartFrame, DrawOptions, draw};
use crate::error::ChartError;

/// Draws `data` as an SVG document of `width` × `height` pixels.
pub fn render_svg(
    spec: &ChartSpec,
    data: &ChartData,
    (width, height): (u32, u32),
    options: DrawOptions,
) -> Result<(String, ChartFrame), ChartError> {
    let mut text = String::new();
    let frame = {
        let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
        draw(&root, spec, data, options)?
    };
    Ok((text, frame))
}
