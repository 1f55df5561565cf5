//! Geo binning in SQL: a latitude/longitude grid anchored at (-180°, -90°) so
//! bins line up across pans, with the antimeridian and the poles handled.
//!
//! Rules, stated once: longitudes are normalised to [-180, 180), so 180° and
//! -180° are one meridian; a point on a bin edge belongs to the bin east (or
//! north) of it; the north pole belongs to the northernmost row.

use meridian_model::GeoBox;

use crate::sql::float_literal;

/// Grid cells across the visible box, roughly.
pub const TARGET_COLUMNS: f64 = 80.0;

/// Cell sizes in degrees. Each is exact in binary floating point and divides
/// both 360 and 180, so edges fall where the tests say they do.
pub const CELL_LADDER_DEG: [f64; 10] = [
    0.015_625, 0.031_25, 0.062_5, 0.125, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0,
];

/// The cell size for a view: the smallest on the ladder that gives at most
/// about [`TARGET_COLUMNS`] columns across it.
pub fn choose_cell_deg(view: &GeoBox) -> f64 {
    let wanted = view.width_deg() / TARGET_COLUMNS;
    CELL_LADDER_DEG
        .into_iter()
        .find(|cell| *cell >= wanted)
        .unwrap_or(10.0)
}

/// SQL for a longitude normalised to [-180, 180).
pub fn normalized_lon_sql(lon: &str) -> String {
    format!("((({lon} + 180.0) % 360.0) + 360.0) % 360.0 - 180.0")
}

/// A longitude normalised to [-180, 180), as the SQL computes it.
pub fn normalize_lon(lon: f64) -> f64 {
    ((lon + 180.0) % 360.0 + 360.0) % 360.0 - 180.0
}

/// The SQL condition that keeps rows inside `view`, over columns `lat` and a
/// normalised `lon`.
pub fn inside_sql(view: &GeoBox) -> String {
    let lat = format!(
        "lat >= {} AND lat <= {}",
        float_literal(view.south),
        float_literal(view.north)
    );
    let lon = if view.crosses_antimeridian() {
        format!(
            "(lon >= {} OR lon <= {})",
            float_literal(view.west),
            float_literal(view.east)
        )
    } else if view.east >= 180.0 {
        // 180° is normalised to -180°, which is also the box's east edge.
        format!("(lon >= {} OR lon = -180.0)", float_literal(view.west))
    } else {
        format!(
            "lon >= {} AND lon <= {}",
            float_literal(view.west),
            float_literal(view.east)
        )
    };
    format!("{lat} AND {lon}")
}

/// SQL for the column index of a normalised `lon` in a grid of `cell` degrees.
pub fn column_sql(cell: f64) -> String {
    format!(
        "CAST(floor((lon + 180.0) / {}) AS BIGINT)",
        float_literal(cell)
    )
}

/// SQL for the row index of `lat`; the north pole joins the last row.
pub fn row_sql(cell: f64) -> String {
    let last_row = (180.0 / cell).round() as i64 - 1;
    format!(
        "least(CAST(floor((lat + 90.0) / {}) AS BIGINT), {last_row})",
        float_literal(cell)
    )
}

/// The south-west corner of cell (`column`, `row`) in degrees.
pub fn cell_origin(cell: f64, column: i64, row: i64) -> (f64, f64) {
    (column as f64 * cell - 180.0, row as f64 * cell - 90.0)
}

/// Where a longitude is drawn in a view: views that cross the antimeridian run
/// from `west` to `east + 360`, so longitudes west of the box move by 360°.
pub fn lon_in_view(view: &GeoBox, lon: f64) -> f64 {
    if view.crosses_antimeridian() && lon < view.west {
        lon + 360.0
    } else {
        lon
    }
}

/// A box around the data's extent with a margin, at least a few degrees wide,
/// inside the world.
pub fn fit_box(south: f64, north: f64, west: f64, east: f64) -> GeoBox {
    if !(south.is_finite() && north.is_finite() && west.is_finite() && east.is_finite()) {
        return GeoBox::WORLD;
    }
    let pad_lat = ((north - south) * 0.1).max(1.0);
    let pad_lon = ((east - west) * 0.1).max(1.0);
    GeoBox {
        west: (west - pad_lon).max(-180.0),
        south: (south - pad_lat).max(-90.0),
        east: (east + pad_lon).min(180.0),
        north: (north + pad_lat).min(90.0),
    }
}

/// `view` widened in one direction so that it has the aspect of a plot of
/// `width_px` × `height_px` pixels (degrees drawn square, plate carrée).
pub fn fit_aspect(view: &GeoBox, width_px: f64, height_px: f64) -> GeoBox {
    if width_px <= 0.0 || height_px <= 0.0 {
        return *view;
    }
    let wanted = width_px / height_px;
    let width = view.width_deg();
    let height = view.height_deg().max(1e-9);
    let mut fitted = *view;
    if width / height < wanted {
        let extra = (height * wanted - width) / 2.0;
        if width + 2.0 * extra >= 360.0 {
            fitted.west = -180.0;
            fitted.east = 180.0;
        } else {
            fitted.west = view.west - extra;
            fitted.east = view.east + extra;
            if fitted.west < -180.0 {
                fitted.west += 360.0;
            }
            if fitted.east > 180.0 {
                fitted.east -= 360.0;
            }
        }
    } else {
        let extra = (width / wanted - height) / 2.0;
        let center = (view.north + view.south) / 2.0;
        let half = (height / 2.0 + extra).min(90.0);
        fitted.south = (center - half).max(-90.0);
        fitted.north = (center + half).min(90.0);
    }
    fitted
}

/// The middle of a box, across the antimeridian when it crosses.
pub fn center_of(view: &GeoBox) -> (f64, f64) {
    (
        normalize_lon(view.west + view.width_deg() / 2.0),
        (view.south + view.north) / 2.0,
    )
}

/// The box after zooming by `factor` (< 1 zooms in, 1 only moves) so that its
/// middle lands on `center`; it stays inside the poles and wraps across 180°.
pub fn zoom_box(view: &GeoBox, center: (f64, f64), factor: f64) -> GeoBox {
    let width = (view.width_deg() * factor).clamp(0.5, 360.0);
    let height = (view.height_deg() * factor).clamp(0.25, 180.0);
    let (lon, lat) = center;
    let south = (lat - height / 2.0).clamp(-90.0, 90.0 - height);
    let north = south + height;
    if width >= 360.0 {
        return GeoBox {
            west: -180.0,
            south,
            east: 180.0,
            north,
        };
    }
    GeoBox {
        west: normalize_lon(lon - width / 2.0),
        south,
        east: normalize_lon(lon + width / 2.0),
        north,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_follows_the_view() {
        assert_eq!(choose_cell_deg(&GeoBox::WORLD), 5.0);
        let city = GeoBox {
            west: 2.0,
            south: 48.0,
            east: 3.0,
            north: 49.0,
        };
        assert_eq!(choose_cell_deg(&city), 0.015_625);
        let pacific = GeoBox {
            west: 170.0,
            south: -20.0,
            east: -170.0,
            north: 0.0,
        };
        assert_eq!(choose_cell_deg(&pacific), 0.25);
    }

    #[test]
    fn longitudes_wrap_to_one_meridian() {
        assert_eq!(normalize_lon(180.0), -180.0);
        assert_eq!(normalize_lon(-180.0), -180.0);
        assert_eq!(normalize_lon(190.0), -170.0);
        assert_eq!(normalize_lon(-190.0), 170.0);
        assert_eq!(normalize_lon(0.0), 0.0);
    }

    #[test]
    fn antimeridian_boxes_use_or() {
        let pacific = GeoBox {
            west: 170.0,
            south: -20.0,
            east: -170.0,
            north: 0.0,
        };
        assert_eq!(
            inside_sql(&pacific),
            "lat >= -20.0 AND lat <= 0.0 AND (lon >= 170.0 OR lon <= -170.0)"
        );
        assert_eq!(lon_in_view(&pacific, -175.0), 185.0);
        assert_eq!(lon_in_view(&pacific, 175.0), 175.0);
        assert_eq!(
            inside_sql(&GeoBox::WORLD),
            "lat >= -90.0 AND lat <= 90.0 AND (lon >= -180.0 OR lon = -180.0)"
        );
    }

    #[test]
    fn grid_sql_floors_and_keeps_the_pole() {
        assert_eq!(
            column_sql(5.0),
            "CAST(floor((lon + 180.0) / 5.0) AS BIGINT)"
        );
        assert_eq!(
            row_sql(5.0),
            "least(CAST(floor((lat + 90.0) / 5.0) AS BIGINT), 35)"
        );
        assert_eq!(cell_origin(5.0, 0, 0), (-180.0, -90.0));
        assert_eq!(cell_origin(0.25, 720, 360), (0.0, 0.0));
    }

    #[test]
    fn zooming_halves_the_box_and_wraps_across_180() {
        let europe = GeoBox {
            west: -10.0,
            south: 35.0,
            east: 30.0,
            north: 60.0,
        };
        let zoomed = zoom_box(&europe, center_of(&europe), 0.5);
        assert_eq!(zoomed.width_deg(), 20.0);
        assert_eq!(center_of(&zoomed), center_of(&europe));
        let pacific = zoom_box(&europe, (180.0, 0.0), 1.0);
        assert!(pacific.crosses_antimeridian());
        assert_eq!((pacific.west, pacific.east), (160.0, -160.0));
        assert_eq!(zoom_box(&GeoBox::WORLD, (0.0, 0.0), 2.0), GeoBox::WORLD);
        let polar = zoom_box(&europe, (0.0, 89.0), 1.0);
        assert_eq!(polar.north, 90.0);
    }

    #[test]
    fn fitting_keeps_degrees_square_and_inside_the_world() {
        let fitted = fit_aspect(&GeoBox::WORLD, 800.0, 400.0);
        assert_eq!(fitted, GeoBox::WORLD);
        let tall = fit_aspect(
            &GeoBox {
                west: 0.0,
                south: 0.0,
                east: 10.0,
                north: 20.0,
            },
            400.0,
            400.0,
        );
        assert_eq!(tall.width_deg(), 20.0);
        let fitted = fit_box(40.0, 50.0, -5.0, 10.0);
        assert_eq!(fitted.south, 39.0);
        assert_eq!(fitted.east, 11.5);
    }
}
