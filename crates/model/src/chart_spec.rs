//! What a chart shows, as it is saved and shared.
//!
//! A chart spec names columns of a query result and says how to aggregate and
//! draw them. It is a wire format: an explicit `version`, named fields, and
//! defaults for every field added later, so a spec saved today still opens.

use serde::{Deserialize, Serialize};

/// The spec version this build writes. Older versions keep decoding.
pub const CHART_SPEC_VERSION: u32 = 1;

/// Why a saved chart spec could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ChartSpecError {
    /// The text is not a chart spec (bad JSON or a missing field); the file's fault.
    #[error("this is not a Meridian chart spec: {0}")]
    Malformed(String),
    /// The spec was written by a newer Meridian than this one.
    #[error(
        "this chart spec is version {found}; this Meridian reads versions up to {CHART_SPEC_VERSION}"
    )]
    TooNew { found: u32 },
}

/// The kinds of chart Meridian draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Lines over time, one per series.
    Line,
    /// Stacked areas over time.
    Area,
    /// Bars over time, grouped or stacked by series.
    Bar,
    /// Bars per category value (not time).
    CategoryBar,
    /// Counts of a numeric column in equal-width bins.
    Histogram,
    /// One point per row (sampled when large).
    Scatter,
    /// One number with its change against the previous period.
    Kpi,
    /// The first rows of the result.
    Table,
    /// Rows as points on the world map.
    PointMap,
    /// Rows counted in a latitude/longitude grid on the world map.
    DensityMap,
}

impl ChartKind {
    pub const ALL: [ChartKind; 10] = [
        ChartKind::Line,
        ChartKind::Area,
        ChartKind::Bar,
        ChartKind::CategoryBar,
        ChartKind::Histogram,
        ChartKind::Scatter,
        ChartKind::Kpi,
        ChartKind::Table,
        ChartKind::PointMap,
        ChartKind::DensityMap,
    ];

    /// The name used in specs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Line => "line",
            ChartKind::Area => "area",
            ChartKind::Bar => "bar",
            ChartKind::CategoryBar => "category-bar",
            ChartKind::Histogram => "histogram",
            ChartKind::Scatter => "scatter",
            ChartKind::Kpi => "kpi",
            ChartKind::Table => "table",
            ChartKind::PointMap => "point-map",
            ChartKind::DensityMap => "density-map",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            ChartKind::Line => "Line over time",
            ChartKind::Area => "Stacked area over time",
            ChartKind::Bar => "Bars over time",
            ChartKind::CategoryBar => "Bars by category",
            ChartKind::Histogram => "Histogram",
            ChartKind::Scatter => "Scatter",
            ChartKind::Kpi => "KPI number",
            ChartKind::Table => "Table",
            ChartKind::PointMap => "Points on a map",
            ChartKind::DensityMap => "Density map",
        }
    }

    /// Whether the x axis is time, bucketed by the engine.
    pub fn is_time_series(self) -> bool {
        matches!(self, ChartKind::Line | ChartKind::Area | ChartKind::Bar)
    }

    pub fn is_map(self) -> bool {
        matches!(self, ChartKind::PointMap | ChartKind::DensityMap)
    }
}

/// How values that fall in one bucket, bin or category become one number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// Rows counted (the y field is ignored).
    #[default]
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// The 95th percentile (approximate, as the engine computes it).
    P95,
}

impl Aggregation {
    pub const ALL: [Aggregation; 6] = [
        Aggregation::Count,
        Aggregation::Sum,
        Aggregation::Avg,
        Aggregation::Min,
        Aggregation::Max,
        Aggregation::P95,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Aggregation::Count => "count",
            Aggregation::Sum => "sum",
            Aggregation::Avg => "avg",
            Aggregation::Min => "min",
            Aggregation::Max => "max",
            Aggregation::P95 => "p95",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|agg| agg.name() == name)
    }

    /// Whether an empty bucket means zero (counts and sums) rather than "no value".
    pub fn empty_is_zero(self) -> bool {
        matches!(self, Aggregation::Count | Aggregation::Sum)
    }
}

/// The width of one time bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeBucket {
    Minute,
    FiveMinutes,
    FifteenMinutes,
    Hour,
    SixHours,
    Day,
    Week,
    Month,
}

impl TimeBucket {
    /// From finest to coarsest.
    pub const LADDER: [TimeBucket; 8] = [
        TimeBucket::Minute,
        TimeBucket::FiveMinutes,
        TimeBucket::FifteenMinutes,
        TimeBucket::Hour,
        TimeBucket::SixHours,
        TimeBucket::Day,
        TimeBucket::Week,
        TimeBucket::Month,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TimeBucket::Minute => "minute",
            TimeBucket::FiveMinutes => "5-minutes",
            TimeBucket::FifteenMinutes => "15-minutes",
            TimeBucket::Hour => "hour",
            TimeBucket::SixHours => "6-hours",
            TimeBucket::Day => "day",
            TimeBucket::Week => "week",
            TimeBucket::Month => "month",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::LADDER
            .into_iter()
            .find(|bucket| bucket.name() == name)
    }

    /// A label for people: "1 hour", "15 minutes".
    pub fn label(self) -> &'static str {
        match self {
            TimeBucket::Minute => "1 minute",
            TimeBucket::FiveMinutes => "5 minutes",
            TimeBucket::FifteenMinutes => "15 minutes",
            TimeBucket::Hour => "1 hour",
            TimeBucket::SixHours => "6 hours",
            TimeBucket::Day => "1 day",
            TimeBucket::Week => "1 week",
            TimeBucket::Month => "1 month",
        }
    }

    /// The bucket's width in milliseconds; a month counts as its mean length.
    pub fn approx_millis(self) -> i64 {
        const MINUTE: i64 = 60_000;
        match self {
            TimeBucket::Minute => MINUTE,
            TimeBucket::FiveMinutes => 5 * MINUTE,
            TimeBucket::FifteenMinutes => 15 * MINUTE,
            TimeBucket::Hour => 60 * MINUTE,
            TimeBucket::SixHours => 360 * MINUTE,
            TimeBucket::Day => 1_440 * MINUTE,
            TimeBucket::Week => 7 * 1_440 * MINUTE,
            TimeBucket::Month => 43_830 * MINUTE,
        }
    }
}

/// A time range in UTC milliseconds since the epoch, start inclusive, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// A box on the map in degrees. `west > east` means the box crosses the antimeridian.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl GeoBox {
    pub const WORLD: GeoBox = GeoBox {
        west: -180.0,
        south: -90.0,
        east: 180.0,
        north: 90.0,
    };

    /// Whether the box crosses the antimeridian (180°).
    pub fn crosses_antimeridian(&self) -> bool {
        self.west > self.east
    }

    /// The box's width in degrees of longitude, across the antimeridian when it crosses.
    pub fn width_deg(&self) -> f64 {
        if self.crosses_antimeridian() {
            self.east + 360.0 - self.west
        } else {
            self.east - self.west
        }
    }

    pub fn height_deg(&self) -> f64 {
        self.north - self.south
    }
}

/// How numbers on the value axis and in tooltips are written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "style", content = "unit")]
pub enum NumberFormat {
    /// Thousands separators, up to two decimals: `12,345.67`.
    #[default]
    Plain,
    /// Large numbers shortened: `12.3k`, `4.5M`.
    Compact,
    /// A fraction written as a percentage: `0.25` → `25%`.
    Percent,
    /// A unit after the number: `120 ms`, `42 %`.
    Unit(String),
}

/// Light or dark colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// Bars side by side or on top of each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BarMode {
    #[default]
    Grouped,
    Stacked,
}

fn default_top_n() -> usize {
    5
}

/// A chart of a query result. Field names refer to the result's columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    pub version: u32,
    pub kind: ChartKind,
    /// Time column for time charts and map playback; category column for bars; x for scatter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// The measured column; absent means rows are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// Splits time charts and scatters into series, one per value (top N and "Other").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Sizes scatter and map points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<String>,
    #[serde(default)]
    pub aggregation: Aggregation,
    /// A fixed bucket; absent means chosen from the visible range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_bucket: Option<TimeBucket>,
    /// The visible time range (zoom); absent means all rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_range: Option<TimeRange>,
    /// The visible map box; absent means fitted to the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_view: Option<GeoBox>,
    /// Steps a map through time buckets of `x`.
    #[serde(default)]
    pub playback: bool,
    #[serde(default)]
    pub bar_mode: BarMode,
    /// Series beyond the top N by total are drawn as one "Other".
    #[serde(default = "default_top_n")]
    pub top_n: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_title: Option<String>,
    #[serde(default)]
    pub y_format: NumberFormat,
    #[serde(default)]
    pub theme: Theme,
}

impl ChartSpec {
    /// A spec of `kind` with every other field at its default.
    pub fn new(kind: ChartKind) -> Self {
        Self {
            version: CHART_SPEC_VERSION,
            kind,
            x: None,
            y: None,
            color: None,
            size: None,
            lat: None,
            lon: None,
            aggregation: Aggregation::default(),
            time_bucket: None,
            time_range: None,
            map_view: None,
            playback: false,
            bar_mode: BarMode::default(),
            top_n: default_top_n(),
            title: None,
            x_title: None,
            y_title: None,
            y_format: NumberFormat::default(),
            theme: Theme::default(),
        }
    }

    /// Reads a spec of this or any earlier version.
    pub fn from_json(text: &str) -> Result<Self, ChartSpecError> {
        let found =
            crate::version_of(text).map_err(|e| ChartSpecError::Malformed(e.to_string()))?;
        if found > CHART_SPEC_VERSION {
            return Err(ChartSpecError::TooNew { found });
        }
        // Version 1 is the first; later versions add a migration step here.
        serde_json::from_str(text).map_err(|e| ChartSpecError::Malformed(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // A spec holds only strings, numbers and enums, so it always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec as version 1 wrote it. It must keep opening in every later version.
    const GOLDEN_V1: &str = r#"{
        "version": 1,
        "kind": "line",
        "x": "hour",
        "y": "revenue",
        "color": "card_type",
        "aggregation": "sum",
        "time_bucket": "hour",
        "time_range": { "start_ms": 1700000000000, "end_ms": 1700086400000 },
        "bar_mode": "stacked",
        "top_n": 3,
        "title": "Revenue",
        "y_format": { "style": "unit", "unit": "EUR" },
        "theme": "dark"
    }"#;

    #[test]
    fn golden_version_one_decodes() {
        let spec = ChartSpec::from_json(GOLDEN_V1).expect("golden spec");
        assert_eq!(spec.kind, ChartKind::Line);
        assert_eq!(spec.x.as_deref(), Some("hour"));
        assert_eq!(spec.aggregation, Aggregation::Sum);
        assert_eq!(spec.time_bucket, Some(TimeBucket::Hour));
        assert_eq!(spec.top_n, 3);
        assert_eq!(spec.y_format, NumberFormat::Unit("EUR".into()));
        assert_eq!(spec.theme, Theme::Dark);
        assert_eq!(spec.map_view, None);
    }

    #[test]
    fn every_kind_round_trips() {
        for kind in ChartKind::ALL {
            let mut spec = ChartSpec::new(kind);
            spec.map_view = Some(GeoBox {
                west: 170.0,
                south: -50.0,
                east: -170.0,
                north: -30.0,
            });
            spec.y_format = NumberFormat::Percent;
            let back = ChartSpec::from_json(&spec.to_json()).expect("round trip");
            assert_eq!(back, spec);
            assert_eq!(ChartKind::from_name(kind.name()), Some(kind));
        }
    }

    #[test]
    fn minimal_spec_takes_defaults() {
        let spec = ChartSpec::from_json(r#"{"version":1,"kind":"density-map"}"#).expect("spec");
        assert_eq!(spec.top_n, 5);
        assert_eq!(spec.aggregation, Aggregation::Count);
        assert!(!spec.playback);
    }

    #[test]
    fn newer_and_malformed_specs_are_refused_with_a_sentence() {
        let error = ChartSpec::from_json(r#"{"version":9,"kind":"line"}"#).expect_err("an error");
        assert_eq!(
            error.to_string(),
            "this chart spec is version 9; this Meridian reads versions up to 1"
        );
        let error = ChartSpec::from_json(r#"{"version":1,"kind":"pie"}"#).expect_err("an error");
        assert!(
            error
                .to_string()
                .starts_with("this is not a Meridian chart spec")
        );
    }

    #[test]
    fn antimeridian_box_measures_across_it() {
        let pacific = GeoBox {
            west: 170.0,
            south: -10.0,
            east: -170.0,
            north: 10.0,
        };
        assert!(pacific.crosses_antimeridian());
        assert_eq!(pacific.width_deg(), 20.0);
    }
}
