//! One big number and its change against the previous period.

use meridian_model::{ChartSpec, TimeBucket};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::draw::ChartFrame;
use crate::draw::axes::{text_style, under_title};
use crate::error::ChartError;
use crate::format;
use crate::theme::Palette;

/// "+12.5% vs previous day", or why there is no change to show.
pub fn change_text(
    current: Option<f64>,
    previous: Option<f64>,
    period: Option<TimeBucket>,
) -> Option<String> {
    let period = period?;
    let name = period.label().trim_start_matches("1 ");
    let (Some(current), Some(previous)) = (current, previous) else {
        return Some(format!("no previous {name} to compare"));
    };
    if previous == 0.0 {
        return Some(format!("previous {name}: 0"));
    }
    let change = (current - previous) / previous.abs();
    let arrow = if change >= 0.0 { '▲' } else { '▼' };
    Some(format!(
        "{arrow} {}{}% vs previous {name}",
        if change >= 0.0 { "+" } else { "" },
        format::with_separators(change * 100.0, 1)
    ))
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    colors: &Palette,
    current: Option<f64>,
    previous: Option<f64>,
    period: Option<TimeBucket>,
) -> Result<ChartFrame, ChartError> {
    let area = under_title(root, spec, colors)?;
    let (width, height) = area.dim_in_pixel();
    let center = (width as i32 / 2, height as i32 / 2);
    let value = current.map_or_else(
        || "no rows".to_string(),
        |v| format::number(v, &spec.y_format),
    );
    area.draw(&Text::new(
        value,
        (center.0, center.1 - 14),
        text_style(&colors.text, 44).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(ChartError::draw)?;
    let label = format!(
        "{} of {}",
        spec.aggregation.name(),
        spec.y.as_deref().unwrap_or("rows")
    );
    area.draw(&Text::new(
        label,
        (center.0, center.1 - 56),
        text_style(&colors.muted, 13).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(ChartError::draw)?;
    if let Some(change) = change_text(current, previous, period) {
        let color = match (current, previous) {
            (Some(c), Some(p)) if c > p => colors.series[2],
            (Some(c), Some(p)) if c < p => colors.series[5],
            _ => colors.muted,
        };
        area.draw(&Text::new(
            change,
            (center.0, center.1 + 28),
            text_style(&color, 15).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(ChartError::draw)?;
    }
    Ok(ChartFrame::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_is_signed_and_named() {
        assert_eq!(
            change_text(Some(110.0), Some(100.0), Some(TimeBucket::Day)).as_deref(),
            Some("▲ +10% vs previous day")
        );
        assert_eq!(
            change_text(Some(75.0), Some(100.0), Some(TimeBucket::Hour)).as_deref(),
            Some("▼ -25% vs previous hour")
        );
        assert_eq!(change_text(Some(1.0), None, None), None);
    }
}
