//! The first rows of a result as a small table, for dashboards and exports.

use meridian_model::ChartSpec;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::draw::ChartFrame;
use crate::draw::axes::{MARGIN_PX, text_style, under_title};
use crate::error::ChartError;
use crate::theme::Palette;

const ROW_PX: i32 = 24;

fn fit(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    columns: &[String],
    rows: &[Vec<String>],
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let (width, height) = area.dim_in_pixel();
    let margin = MARGIN_PX as i32;
    let column_px = ((width as i32 - 2 * margin) / columns.len().max(1) as i32).max(40);
    // About 7 px a character at 12 px.
    let chars = (column_px / 7).max(3) as usize;
    let header = text_style(&colors.text, 12).pos(Pos::new(HPos::Left, VPos::Center));
    let cell = text_style(&colors.muted, 12).pos(Pos::new(HPos::Left, VPos::Center));
    for (c, name) in columns.iter().enumerate() {
        area.draw(&Text::new(
            fit(name, chars),
            (margin + c as i32 * column_px, margin + ROW_PX / 2),
            header.clone(),
        ))
        .map_err(ChartError::draw)?;
    }
    area.draw(&PathElement::new(
        vec![
            (margin, margin + ROW_PX),
            (width as i32 - margin, margin + ROW_PX),
        ],
        colors.grid.stroke_width(1),
    ))
    .map_err(ChartError::draw)?;
    for (r, row) in rows.iter().enumerate() {
        let y = margin + ROW_PX * (r as i32 + 1) + ROW_PX / 2;
        if y + ROW_PX / 2 > height as i32 {
            break;
        }
        for (c, value) in row.iter().enumerate() {
            area.draw(&Text::new(
                fit(value, chars),
                (margin + c as i32 * column_px, y),
                cell.clone(),
            ))
            .map_err(ChartError::draw)?;
        }
    }
    Ok(ChartFrame::default())
}
