//! Ways data comes in: dropped or chosen files, a URL, the bundled samples.

use leptos::prelude::*;
use meridian_model::{DatasetFormat, DatasetSource, table_name_from_file_name, unique_table_name};
use wasm_bindgen::JsValue;
use web_sys::{FileList, HtmlInputElement};

use crate::app::{EngineHandle, load_samples};
use crate::engine_client::EngineClient;

const ACCEPT: &str = ".parquet,.pq,.csv,.tsv,.json,.ndjson,.jsonl,.arrow,.feather,.ipc";

/// Registers each file under a free table name; unknown kinds are refused by name.
fn add_files(client: &EngineClient, files: FileList) {
    for index in 0..files.length() {
        let Some(file) = files.item(index) else {
            continue;
        };
        let file_name = file.name();
        let Some(format) = DatasetFormat::from_file_name(&file_name) else {
            client.report_load_error(
                file_name.clone(),
                format!(
                    "'{file_name}' is not a file Meridian reads: use {}.",
                    DatasetFormat::supported_extensions()
                ),
            );
            continue;
        };
        let taken = client.taken_names();
        let name = unique_table_name(
            &table_name_from_file_name(&file_name),
            taken.iter().map(String::as_str),
        );
        client.register(
            name,
            format,
            DatasetSource::File { file_name },
            JsValue::from(file),
        );
    }
}

fn add_url(client: &EngineClient, url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Type or paste the address of a Parquet, CSV, JSON or Arrow file.".into());
    }
    let parsed = web_sys::Url::new(url).map_err(|_| {
        format!("'{url}' is not a full address; it should start with https:// or http://.")
    })?;
    let path = parsed.pathname();
    let format = DatasetFormat::from_file_name(&path).ok_or_else(|| {
        format!(
            "Cannot tell the format of '{url}' from its name: it should end in {}.",
            DatasetFormat::supported_extensions()
        )
    })?;
    let taken = client.taken_names();
    let name = unique_table_name(
        &table_name_from_file_name(&path),
        taken.iter().map(String::as_str),
    );
    client.register(
        name,
        format,
        DatasetSource::Url {
            url: url.to_string(),
        },
        JsValue::UNDEFINED,
    );
    Ok(())
}

#[component]
pub fn DataSources() -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let dragging = RwSignal::new(false);
    let url = RwSignal::new(String::new());
    let url_error = RwSignal::new(None::<String>);

    let on_drop = move |event: web_sys::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        if let Some(files) = event.data_transfer().and_then(|t| t.files()) {
            client.with_value(|c| add_files(c, files));
        }
    };
    let on_pick = move |event: web_sys::Event| {
        let input: HtmlInputElement = event_target(&event);
        if let Some(files) = input.files() {
            client.with_value(|c| add_files(c, files));
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let on_url = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        match client.with_value(|c| add_url(c, &url.get_untracked())) {
            Ok(()) => {
                url_error.set(None);
                url.set(String::new());
            }
            Err(message) => url_error.set(Some(message)),
        }
    };

    view! {
        <section class="sources" aria-label="Add data">
            <label
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |event: web_sys::DragEvent| {
                    event.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <span class="drop-title">"Drop files here"</span>
                <span class="muted">"Parquet, CSV, NDJSON or Arrow — or "</span>
                <span class="button-like">"choose files"</span>
                <input
                    type="file"
                    multiple
                    accept=ACCEPT
                    aria-label="Choose files"
                    class="visually-hidden"
                    on:change=on_pick
                />
            </label>
            <form class="url-form" on:submit=on_url>
                <input
                    type="url"
                    placeholder="https://…/data.parquet"
                    aria-label="Dataset URL"
                    prop:value=move || url.get()
                    on:input=move |event| url.set(event_target_value(&event))
                />
                <button type="submit">"Load URL"</button>
            </form>
            <Show when=move || url_error.with(Option::is_some)>
                <p class="field-error" role="alert">{move || url_error.get().unwrap_or_default()}</p>
            </Show>
            <button class="secondary" on:click=move |_| client.with_value(load_samples)>
                "Load samples"
            </button>
        </section>
    }
}
