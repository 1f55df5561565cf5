//! What earlier versions kept in localStorage before analyses existed: the SQL
//! being written and its chart. Read once, to seed the first analysis.

use meridian_model::ChartSpec;

const SQL_KEY: &str = "meridian.sql.v1";
const CHART_KEY: &str = "meridian.chart.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn legacy_sql() -> Option<String> {
    local_storage()?.get_item(SQL_KEY).ok().flatten()
}

/// The last chart spec; one that no longer decodes is dropped, not fatal.
pub fn legacy_chart() -> Option<ChartSpec> {
    let text = local_storage()?.get_item(CHART_KEY).ok().flatten()?;
    ChartSpec::from_json(&text).ok()
}
