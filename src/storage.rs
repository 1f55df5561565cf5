//! What survives a reload: the SQL being written.

const SQL_KEY: &str = "meridian.sql.v1";

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
