//! The built-in world basemap: Natural Earth's 1:110m countries (public domain),
//! as packaged in TopoJSON by the `world-atlas` npm package (ISC licence, see
//! `assets/world-atlas-LICENSE`). It is compiled in, so maps need no network.

use std::sync::OnceLock;

use serde::Deserialize;

const TOPOJSON: &str = include_str!("../assets/countries-110m.json");

/// A line of (longitude, latitude) points.
pub type Line = Vec<(f64, f64)>;

/// The decoded basemap.
#[derive(Debug, Default)]
pub struct Basemap {
    /// Land polygons (outer and inner rings), for the fill.
    pub land: Vec<Line>,
    /// Every coastline and border once, for the outlines.
    pub outlines: Vec<Line>,
}

#[derive(Deserialize)]
struct Topology {
    transform: Transform,
    arcs: Vec<Vec<[i64; 2]>>,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    land: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon { arcs: Vec<Vec<i64>> },
    MultiPolygon { arcs: Vec<Vec<Vec<i64>>> },
}

/// The basemap, decoded once per process.
pub fn world() -> &'static Basemap {
    static WORLD: OnceLock<Basemap> = OnceLock::new();
    WORLD.get_or_init(|| decode(TOPOJSON).unwrap_or_default())
}

fn decode(text: &str) -> Result<Basemap, serde_json::Error> {
    let topology: Topology = serde_json::from_str(text)?;
    let [sx, sy] = topology.transform.scale;
    let [tx, ty] = topology.transform.translate;
    // Arcs are delta-encoded integer positions.
    let arcs: Vec<Line> = topology
        .arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.iter()
                .map(|[dx, dy]| {
                    x += dx;
                    y += dy;
                    (x as f64 * sx + tx, y as f64 * sy + ty)
                })
                .collect()
        })
        .collect();
    let ring = |indices: &[i64]| -> Line {
        let mut points: Line = Vec::new();
        for index in indices {
            let (arc, reversed) = if *index >= 0 {
                (*index as usize, false)
            } else {
                (!*index as usize, true)
            };
            let Some(arc) = arcs.get(arc) else { continue };
            let mut part = arc.clone();
            if reversed {
                part.reverse();
            }
            let skip = usize::from(!points.is_empty());
            points.extend(part.into_iter().skip(skip));
        }
        points
    };
    let mut land = Vec::new();
    for geometry in &topology.objects.land.geometries {
        match geometry {
            Geometry::Polygon { arcs } => land.extend(arcs.iter().map(|r| unwrap_ring(ring(r)))),
            Geometry::MultiPolygon { arcs } => {
                land.extend(arcs.iter().flatten().map(|r| unwrap_ring(ring(r))));
            }
        }
    }
    let outlines = arcs.iter().flat_map(split_at_antimeridian).collect();
    Ok(Basemap { land, outlines })
}

/// A step of more than 180° of longitude crosses the antimeridian, except along
/// a pole, where the ring follows the map's edge.
fn wraps(a: (f64, f64), b: (f64, f64)) -> bool {
    (b.0 - a.0).abs() > 180.0 && a.1.abs() < 89.0 && b.1.abs() < 89.0
}

/// A ring made continuous across 180° (longitudes may pass ±180), so it fills
/// as one shape; the drawing shifts it by 360° where the view needs.
fn unwrap_ring(points: Line) -> Line {
    let mut out: Line = Vec::with_capacity(points.len());
    let mut shift = 0.0;
    for point in points {
        if let Some(last) = out.last().copied() {
            let previous = (last.0 - shift, last.1);
            if wraps(previous, point) {
                shift += if point.0 < previous.0 { 360.0 } else { -360.0 };
            }
        }
        out.push((point.0 + shift, point.1));
    }
    out
}

/// A line cut where it jumps across 180°, so no stroke spans the whole map.
fn split_at_antimeridian(line: &Line) -> Vec<Line> {
    let mut parts: Vec<Line> = vec![Vec::new()];
    for point in line {
        if let Some(last) = parts.last().and_then(|p| p.last()).copied()
            && wraps(last, *point)
        {
            parts.push(Vec::new());
        }
        if let Some(part) = parts.last_mut() {
            part.push(*point);
        }
    }
    parts.retain(|p| p.len() > 1);
    parts
}

/// The smallest and largest longitude of a line.
pub fn lon_bounds(line: &Line) -> (f64, f64) {
    line.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (lon, _)| {
            (lo.min(*lon), hi.max(*lon))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_world_decodes_within_its_bounds() {
        let world = world();
        assert!(world.land.len() > 100, "{} land rings", world.land.len());
        assert!(world.outlines.len() > 500);
        for line in &world.outlines {
            for pair in line.windows(2) {
                assert!(
                    (pair[1].0 - pair[0].0).abs() <= 180.0,
                    "no outline crosses the whole map"
                );
            }
        }
        for line in world.land.iter().chain(&world.outlines) {
            for (lon, lat) in line {
                assert!((-540.0..=540.0).contains(lon) && (-90.0..=90.0).contains(lat));
            }
        }
    }
}
