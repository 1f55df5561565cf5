//! Meridian's charts.
//!
//! A chart is made in three steps, each a plain function so it can be tested
//! natively and run anywhere:
//! 1. [`plan::extent_sql`] asks the engine for the data's extent (time range,
//!    value range, map box) when the chart needs it to choose its buckets;
//! 2. [`plan::data_plan`] writes the aggregate query (time buckets, geo bins,
//!    histogram bins, top-N series) that the engine runs, so a chart over ten
//!    million rows receives only a few thousand;
//! 3. [`data::ChartData::from_batches`] reads that answer, and [`draw::draw`]
//!    draws it on any plotters backend ([`svg::render_svg`] natively).

pub mod basemap;
pub mod bucket;
mod clip;
pub mod data;
pub mod draw;
pub mod error;
pub mod format;
pub mod geo;
pub mod hover;
pub mod plan;
mod sql;
pub mod suggest;
mod summary;
pub mod svg;
mod theme;
mod values;

pub use data::ChartData;
pub use draw::{ChartFrame, DrawOptions, draw};
pub use error::ChartError;
pub use plan::{DataPlan, Extent, check_columns, data_plan, extent_sql};
pub use svg::render_svg;
