//! Datasets on their way in: a progress bar each, or the reason one failed.

use leptos::prelude::*;

use crate::app::EngineHandle;
use crate::engine_client::{EngineState, LoadState};
use crate::format;

#[component]
pub fn LoadList() -> impl IntoView {
    let state = expect_context::<EngineState>();
    view! {
        <section class="loads" aria-label="Load messages">
            <For
                each=move || state.loads.get()
                key=|load| (load.id, load.error.clone(), load.loaded_bytes)
                children=move |load| view! { <LoadRow load=load /> }
            />
        </section>
    }
}

#[component]
fn LoadRow(load: LoadState) -> impl IntoView {
    let client = expect_context::<EngineHandle>();
    let id = load.id;
    match load.error {
        Some(error) => view! {
            <div class="load failed" role="alert">
                <span class="message">{error}</span>
                <button
                    class="link"
                    on:click=move |_| client.with_value(|c| c.dismiss_load(id))
                >
                    "Dismiss"
                </button>
            </div>
        }
        .into_any(),
        None => {
            let amount = match load.total_bytes {
                Some(total) => format!(
                    "{} of {}",
                    format::bytes(load.loaded_bytes),
                    format::bytes(total)
                ),
                None => format!("{} read", format::bytes(load.loaded_bytes)),
            };
            let label = load
                .label
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            view! {
                <div class="load">
                    <div class="load-label">
                        <span>"Loading " {label.clone()}</span>
                        <span class="muted">{amount}</span>
                    </div>
                    <progress
                        aria-label=format!("Loading {label}")
                        max=load.total_bytes.unwrap_or(0).max(1) as f64
                        value=load.loaded_bytes as f64
                    />
                </div>
            }
            .into_any()
        }
    }
}
