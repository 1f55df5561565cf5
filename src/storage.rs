//! What survives a reload: the SQL being written and the chart made of it.

use meridian_model::ChartSpec;

const SQL_KEY: &str = "meridian.sql.v1";
const CHART_KEY: &str = "meridian.chart.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_sql() -> Option<String> {
    local_storage()?.get_item(SQL_KEY).ok().flatten()
}

/// Saves the SQL; a full or disabled storage only loses the draft, never the page.
pub fn save_sql(sql: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SQL_KEY, sql);
    }
}

/// The last chart spec; one that no longer decodes is dropped, not fatal.
pub fn load_chart() -> Option<ChartSpec> {
    let text = local_storage()?.get_item(CHART_KEY).ok().flatten()?;
    ChartSpec::from_json(&text).ok()
}

pub fn save_chart(spec: &ChartSpec) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(CHART_KEY, &spec.to_json());
    }
}
