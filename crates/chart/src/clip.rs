//! Clipping to the visible box, so zoomed maps draw only what shows and no
//! shape spills over the axes.

/// A rectangle in data coordinates.
#[derive(Clone, Copy, Debug)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    /// The part of `other` inside this rectangle, if any: a grid cell half out
    /// of a panned map is drawn only up to the map's edge.
    pub fn intersection(&self, other: Rect) -> Option<Rect> {
        let cut = Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (cut.x0 < cut.x1 && cut.y0 < cut.y1).then_some(cut)
    }
}

/// Sutherland–Hodgman: the part of polygon `points` inside `rect`.
pub fn polygon(points: &[(f64, f64)], rect: Rect) -> Vec<(f64, f64)> {
    type Inside = fn((f64, f64), Rect) -> bool;
    type Cross = fn((f64, f64), (f64, f64), Rect) -> (f64, f64);
    let edges: [(Inside, Cross); 4] = [
        (|p, r| p.0 >= r.x0, |a, b, r| at_x(a, b, r.x0)),
        (|p, r| p.0 <= r.x1, |a, b, r| at_x(a, b, r.x1)),
        (|p, r| p.1 >= r.y0, |a, b, r| at_y(a, b, r.y0)),
        (|p, r| p.1 <= r.y1, |a, b, r| at_y(a, b, r.y1)),
    ];
    let mut output = points.to_vec();
    for (inside, cross) in edges {
        let input = std::mem::take(&mut output);
        let Some(mut previous) = input.last().copied() else {
            break;
        };
        for current in input {
            match (inside(current, rect), inside(previous, rect)) {
                (true, true) => output.push(current),
                (true, false) => {
                    output.push(cross(previous, current, rect));
                    output.push(current);
                }
                (false, true) => output.push(cross(previous, current, rect)),
                (false, false) => {}
            }
            previous = current;
        }
    }
    output
}

/// The runs of polyline `points` inside `rect`, cut where it leaves.
pub fn polyline(points: &[(f64, f64)], rect: Rect) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        match (rect.contains(a), rect.contains(b)) {
            (true, true) => {
                if run.is_empty() {
                    run.push(a);
                }
                run.push(b);
            }
            (false, false) => {
                if run.len() > 1 {
                    runs.push(std::mem::take(&mut run));
                }
                run.clear();
            }
            _ => {
                // One end outside: keep the segment; the clipped polygon fill
                // hides nothing here and the plot area's edge is a short step away.
                if run.is_empty() {
                    run.push(a);
                }
                run.push(b);
                if !rect.contains(b) {
                    runs.push(std::mem::take(&mut run));
                }
            }
        }
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs.into_iter()
        .map(|r| r.into_iter().map(|p| clamp(p, rect)).collect())
        .collect()
}

fn clamp((x, y): (f64, f64), rect: Rect) -> (f64, f64) {
    (x.clamp(rect.x0, rect.x1), y.clamp(rect.y0, rect.y1))
}

fn at_x(a: (f64, f64), b: (f64, f64), x: f64) -> (f64, f64) {
    let t = (x - a.0) / (b.0 - a.0);
    (x, a.1 + t * (b.1 - a.1))
}

fn at_y(a: (f64, f64), b: (f64, f64), y: f64) -> (f64, f64) {
    let t = (y - a.1) / (b.1 - a.1);
    (a.0 + t * (b.0 - a.0), y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_on_the_edge_is_cut_and_one_outside_is_dropped() {
        let map = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 5.0,
        };
        let half_out = Rect {
            x0: 9.0,
            y0: 4.0,
            x1: 11.0,
            y1: 6.0,
        };
        let cut = map.intersection(half_out).expect("overlaps");
        assert_eq!((cut.x0, cut.y0, cut.x1, cut.y1), (9.0, 4.0, 10.0, 5.0));
        let outside = Rect {
            x0: 10.0,
            y0: 0.0,
            x1: 12.0,
            y1: 5.0,
        };
        assert!(
            map.intersection(outside).is_none(),
            "touching is not overlapping"
        );
    }

    #[test]
    fn a_square_is_cut_to_the_box() {
        let rect = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        let square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let clipped = polygon(&square, rect);
        assert_eq!(clipped.len(), 4);
        assert!(clipped.iter().all(|p| rect.contains(*p)));
        assert!(polygon(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], rect).is_empty());
        let runs = polyline(&[(-5.0, 5.0), (5.0, 5.0), (15.0, 5.0), (20.0, 5.0)], rect);
        assert_eq!(runs, vec![vec![(0.0, 5.0), (5.0, 5.0), (10.0, 5.0)]]);
    }
}
