//! Colours for light and dark charts.

use meridian_model::Theme;
use plotters::style::RGBColor;

pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub land: RGBColor,
    pub coast: RGBColor,
    pub water: RGBColor,
    pub series: [RGBColor; 8],
    /// Low to high, for density maps.
    pub ramp: [RGBColor; 5],
}

/// A colour-blind-safe categorical set (Okabe–Ito order), then grey for "Other".
const SERIES: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(140, 140, 140),
];

pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            background: RGBColor(255, 255, 255),
            text: RGBColor(33, 37, 41),
            muted: RGBColor(108, 117, 125),
            grid: RGBColor(226, 230, 234),
            land: RGBColor(233, 236, 239),
            coast: RGBColor(173, 181, 189),
            water: RGBColor(248, 250, 252),
            series: SERIES,
            ramp: [
                RGBColor(255, 237, 160),
                RGBColor(254, 178, 76),
                RGBColor(253, 141, 60),
                RGBColor(227, 26, 28),
                RGBColor(128, 0, 38),
            ],
        },
        Theme::Dark => Palette {
            background: RGBColor(24, 26, 31),
            text: RGBColor(230, 232, 235),
            muted: RGBColor(150, 156, 164),
            grid: RGBColor(52, 56, 64),
            land: RGBColor(46, 50, 58),
            coast: RGBColor(88, 94, 104),
            water: RGBColor(30, 33, 39),
            series: SERIES,
            ramp: [
                RGBColor(33, 102, 172),
                RGBColor(67, 147, 195),
                RGBColor(146, 197, 222),
                RGBColor(253, 219, 199),
                RGBColor(244, 165, 130),
            ],
        },
    }
}

impl Palette {
    /// The colour of series `index`; "Other" is always grey.
    pub fn series_color(&self, index: usize, name: &str) -> RGBColor {
        if name == "Other" {
            return self.series[7];
        }
        self.series[index % 7]
    }

    /// A colour on the ramp for `t` in [0, 1].
    pub fn ramp_color(&self, t: f64) -> RGBColor {
        let t = t.clamp(0.0, 1.0) * (self.ramp.len() - 1) as f64;
        let low = t.floor() as usize;
        let high = (low + 1).min(self.ramp.len() - 1);
        let mix = t - low as f64;
        let blend = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * mix).round() as u8;
        let (a, b) = (self.ramp[low], self.ramp[high]);
        RGBColor(blend(a.0, b.0), blend(a.1, b.1), blend(a.2, b.2))
    }
}
