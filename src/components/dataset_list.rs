//! The loaded datasets: name (renamable), size, rows, and schema.

use leptos::prelude::*;
use meridian_model::DatasetInfo;

use crate::app::{EngineHandle, RunRequest};
use crate::engine_client::EngineState;
use crate::format;

#[component]
pub fn DatasetList() -> impl IntoView {
    let state = expect_context::<EngineState>();
    view! {
        <section class="datasets-section">
            <h2>"Datasets"</h2>
            <Show when=move || state.datasets.with(Vec::is_empty)>
                <p class="muted">"No datasets yet. Drop a file, paste a URL, or load the samples."</p>
            </Show>
            <ul class="datasets" aria-label="Datasets">
                <For
                    each=move || state.datasets.get()
                    key=|dataset| (dataset.name.clone(), dataset.row_count, dataset.size_bytes)
                    children=move |dataset| view! { <DatasetItem dataset=dataset /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn DatasetItem(dataset: DatasetInfo) -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let run = expect_context::<RunRequest>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(dataset.name.clone());
    let rename_error = RwSignal::new(None::<String>);
    let name = dataset.name.clone();
    let summary = format!(
        "{} · {} rows · {}{}",
        dataset.format.label(),
        format::thousands(dataset.row_count),
        format::bytes(dataset.size_bytes),
        if dataset.held_in_memory {
            " · in memory"
        } else {
            ""
        }
    );

    let commit = {
        let name = name.clone();
        move || {
            let to = draft.get_untracked();
            if to == name {
                editing.set(false);
                return;
            }
            match client.with_value(|c| c.rename(&name, &to)) {
                Ok(()) => {
                    rename_error.set(None);
                    editing.set(false);
                }
                Err(message) => rename_error.set(Some(message)),
            }
        }
    };
    let preview = {
        let name = name.clone();
        move |_| {
            run.0
                .set(Some(format!("SELECT * FROM \"{name}\" LIMIT 100")))
        }
    };
    let remove = {
        let name = name.clone();
        move |_| client.with_value(|c| c.remove(&name))
    };
    let start_editing = move |_| {
        draft.set(draft.get_untracked());
        editing.set(true);
    };

    view! {
        <li class="dataset" data-table=name.clone()>
            <div class="dataset-head">
                <Show
                    when=move || editing.get()
                    fallback={
                        let name = name.clone();
                        move || view! {
                            <button class="dataset-name" title="Rename" on:click=start_editing>
                                {name.clone()}
                            </button>
                        }
                    }
                >
                    <input
                        class="rename"
                        aria-label="New table name"
                        prop:value=move || draft.get()
                        on:input=move |event| draft.set(event_target_value(&event))
                        on:keydown={
                            let commit = commit.clone();
                            move |event: web_sys::KeyboardEvent| match event.key().as_str() {
                                "Enter" => commit(),
                                "Escape" => {
                                    rename_error.set(None);
                                    editing.set(false);
                                }
                                _ => {}
                            }
                        }
                    />
                </Show>
                <span class="actions">
                    <button class="link" on:click=preview>"Preview"</button>
                    <button class="link danger" on:click=remove>"Remove"</button>
                </span>
            </div>
            <Show when=move || rename_error.with(Option::is_some)>
                <p class="field-error" role="alert">{move || rename_error.get().unwrap_or_default()}</p>
            </Show>
            <details class="schema">
                <summary>{summary}</summary>
                <ul>
                    {dataset
                        .columns
                        .iter()
                        .map(|column| {
                            view! {
                                <li>
                                    <span class="column-name">{column.name.clone()}</span>
                                    <span class="column-type">{column.data_type.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        </li>
    }
}
