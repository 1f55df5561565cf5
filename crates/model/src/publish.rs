//! A dashboard published as a folder of static files: the app's own files,
//! `analysis.json`, and every table it reads as Parquet under `data/`. Any
//! static web server can host it; no Meridian server is involved.

use std::collections::BTreeSet;

use crate::{Analysis, AnalysisError, DatasetFormat, Source};

/// The analysis file beside a published `index.html`.
pub const ANALYSIS_FILE: &str = "analysis.json";
/// Where a published folder keeps its tables.
pub const DATA_DIR: &str = "data";
/// The meta tag that tells the app it is a published dashboard.
pub const PUBLISHED_META: &str = "meridian-published";

/// The source tables `analysis`'s widgets read, directly or through steps.
pub fn tables_read(analysis: &Analysis) -> Result<Vec<String>, AnalysisError> {
    let mut tables = BTreeSet::new();
    for widget in &analysis.widgets {
        tables.extend(analysis.lineage(widget)?.sources);
    }
    Ok(tables.into_iter().collect())
}

/// The analysis as a published folder holds it: only the sources its widgets
/// read, each a Parquet file under `data/`, addressed relative to the page.
pub fn published_analysis(analysis: &Analysis) -> Result<Analysis, AnalysisError> {
    let read = tables_read(analysis)?;
    let mut published = analysis.clone();
    published.sources = read
        .iter()
        .map(|table| Source::Url {
            table: table.clone(),
            url: data_path(table),
            format: DatasetFormat::Parquet,
        })
        .collect();
    Ok(published)
}

/// `data/<table>.parquet`.
pub fn data_path(table: &str) -> String {
    format!("{DATA_DIR}/{table}.parquet")
}

/// The app's `index.html` as a published folder serves it: its own files
/// addressed relative to the page (so the folder works under any path), and
/// the meta tag that opens the published dashboard.
pub fn published_index_html(html: &str, files: &[String]) -> String {
    let mut page = html.to_string();
    for file in files {
        for quote in ['"', '\''] {
            page = page.replace(
                &format!("{quote}/{file}{quote}"),
                &format!("{quote}./{file}{quote}"),
            );
        }
    }
    let meta = format!("<meta name=\"{PUBLISHED_META}\" content=\"{ANALYSIS_FILE}\" />");
    match page.find("</head>") {
        Some(at) => {
            page.insert_str(at, &format!("{meta}\n"));
            page
        }
        None => format!("{meta}\n{page}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GridPlace, Step, Widget};

    fn analysis() -> Analysis {
        let mut analysis = Analysis::new("Sales");
        analysis.sources = vec![
            Source::Sample {
                table: "transactions".into(),
                sample: "transactions".into(),
            },
            Source::Sample {
                table: "telemetry".into(),
                sample: "telemetry".into(),
            },
        ];
        analysis.steps.push(Step {
            name: "by_day".into(),
            sql: "SELECT ts, amount FROM transactions".into(),
            note: String::new(),
        });
        analysis.widgets.push(Widget {
            step: "by_day".into(),
            title: None,
            chart: None,
            place: GridPlace::next_free(&[]),
        });
        analysis
    }

    #[test]
    fn only_the_tables_widgets_read_are_published() {
        let published = published_analysis(&analysis()).expect("this must succeed");
        assert_eq!(
            published.sources,
            vec![Source::Url {
                table: "transactions".into(),
                url: "data/transactions.parquet".into(),
                format: DatasetFormat::Parquet,
            }]
        );
        assert_eq!(published.steps, analysis().steps);
    }

    #[test]
    fn the_page_addresses_its_files_relatively_and_says_it_is_published() {
        let html = r#"<html><head><link rel="stylesheet" href="/main-1.css"/>
<script type="module">import init from '/app-1.js'; await init({ module_or_path: '/app-1_bg.wasm' });</script>
<script src="vendor/editor.js"></script></head><body></body></html>"#;
        let files = [
            "main-1.css",
            "app-1.js",
            "app-1_bg.wasm",
            "vendor/editor.js",
        ]
        .map(String::from);
        let page = published_index_html(html, &files);
        assert!(page.contains(r#"href="./main-1.css""#));
        assert!(page.contains("from './app-1.js'"));
        assert!(page.contains("module_or_path: './app-1_bg.wasm'"));
        assert!(page.contains(r#"<script src="vendor/editor.js">"#));
        assert!(
            page.contains(
                "<meta name=\"meridian-published\" content=\"analysis.json\" />\n</head>"
            )
        );
    }
}
