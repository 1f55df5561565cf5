//! "Publish as a folder": the app's own files, the analysis and the tables
//! its widgets read (as Parquet), in one ZIP archive. Unpacked on any static
//! web server, its `index.html` opens the dashboard read-only.

use leptos::prelude::*;
use meridian_model::Analysis;
use meridian_model::archive::stored_zip;
use meridian_model::publish::{ANALYSIS_FILE, data_path, published_analysis, published_index_html};

use crate::app::{EngineHandle, absolute_url};
use crate::engine_client::Reply;
use crate::fetch::{fetch_bytes, fetch_text};

/// Written at build time by `scripts/list-app-files.sh`.
const APP_FILES: &str = "app-files.txt";

/// The archive of `analysis` published, with its file name; `progress` hears
/// what is being gathered. Errors are phrases to put after "could not publish".
pub async fn publish_archive(
    client: EngineHandle,
    analysis: &Analysis,
    progress: impl Fn(String),
) -> Result<(String, Vec<u8>), String> {
    let published = published_analysis(analysis).map_err(|e| e.to_string())?;
    if published.widgets.is_empty() {
        return Err("the analysis has no widgets yet: make a chart of a step first".into());
    }
    let listing = fetch_text(&absolute_url(APP_FILES))
        .await
        .map_err(|e| format!("the list of the app's files is missing ({e})"))?;
    let app_files: Vec<String> = listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let mut files = Vec::with_capacity(app_files.len() + published.sources.len() + 1);
    for (done, path) in app_files.iter().enumerate() {
        progress(format!(
            "Copying the app ({} of {} files)…",
            done + 1,
            app_files.len()
        ));
        let bytes = fetch_bytes(&absolute_url(path)).await?;
        let bytes = if path == "index.html" {
            let html = String::from_utf8_lossy(&bytes);
            published_index_html(&html, &app_files).into_bytes()
        } else {
            bytes
        };
        files.push((path.clone(), bytes));
    }
    for source in &published.sources {
        let table = source.table().to_string();
        progress(format!("Writing {table} as Parquet…"));
        let answer = client.with_value(|c| c.export_parquet(table.clone())).await;
        match answer {
            Ok(Ok(Reply::File { bytes, .. })) => files.push((data_path(&table), bytes)),
            Ok(Ok(Reply::Tables(_))) => {
                return Err(format!(
                    "the engine did not write {table} (this is a bug in Meridian)"
                ));
            }
            Ok(Err(error)) => {
                return Err(format!(
                    "table {table} could not be written: {}",
                    error.message
                ));
            }
            Err(_) => return Err("the engine restarted while writing the data; try again".into()),
        }
    }
    files.push((ANALYSIS_FILE.to_string(), published.to_json().into_bytes()));
    progress("Packing the folder…".to_string());
    let archive = stored_zip(&files)?;
    let name = analysis
        .file_name()
        .trim_end_matches(".meridian.json")
        .to_string();
    Ok((format!("{name}-dashboard.zip"), archive))
}
