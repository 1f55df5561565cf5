//! The open analysis's title and save state, the list of saved analyses, and
//! the ways to pass it on: a share link, a `.meridian.json` file, an import.

use leptos::prelude::*;
use meridian_model::Analysis;
use meridian_model::share::{MAX_LINK_CHARS, share_link};
use wasm_bindgen::JsCast;

use crate::app::EngineHandle;
use crate::components::embed_panel::EmbedPanel;
use crate::download::download_text;
use crate::saved::{self, SavedAnalysis};
use crate::workbench::{SaveState, Workbench, starter_analysis};

/// The page's address without its fragment.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// The page's address with only `?view=dashboard`: what a dashboard link opens.
fn dashboard_url() -> String {
    let page = page_url();
    format!(
        "{}?view=dashboard",
        page.split('?').next().unwrap_or_default()
    )
}

/// Opens `analysis` as a new saved analysis.
pub fn open_as_new(bench: Workbench, client: EngineHandle, analysis: Analysis) {
    bench.fresh.set(Default::default());
    bench.open(SavedAnalysis::new(analysis));
    bench.forget_dropped_steps(client);
}

#[component]
pub fn AnalysisBar() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let list_open = RwSignal::new(false);
    let share_open = RwSignal::new(false);

    let title = Memo::new(move |_| bench.analysis.with(|a| a.title.clone()));
    let set_title = move |text: String| {
        let text = text.trim().to_string();
        let text = if text.is_empty() {
            "Untitled analysis".to_string()
        } else {
            text
        };
        bench.analysis.update(|a| a.title = text);
    };
    let save_text = move || match bench.save_state.get() {
        SaveState::Saved => "Saved".to_string(),
        SaveState::Saving => "Saving…".to_string(),
        SaveState::Failed(_) => "Not saved".to_string(),
    };
    let new_analysis = move |_| {
        open_as_new(bench, client, starter_analysis(None));
        list_open.set(false);
    };

    view! {
        <div class="analysis-bar">
            <input class="analysis-title" type="text" aria-label="Analysis title" prop:value=move || title.get()
                on:change=move |ev| set_title(event_target_value(&ev)) />
            <span class="save-state" aria-label="Save state" aria-live="polite">{save_text}</span>
            <button on:click=new_analysis title="Start a new analysis">"New"</button>
            <button aria-expanded=move || list_open.get().to_string()
                on:click=move |_| { list_open.update(|o| *o = !*o); share_open.set(false); }>
                "Analyses"
            </button>
            <button class="primary" aria-expanded=move || share_open.get().to_string()
                on:click=move |_| { share_open.update(|o| *o = !*o); list_open.set(false); }>
                "Share"
            </button>
        </div>
        <Show when=move || list_open.get()>
            <SavedList close=move || list_open.set(false) />
        </Show>
        <Show when=move || share_open.get()>
            <SharePanel />
        </Show>
    }
}

/// Sentences about the analysis: a save that failed, a link that did not open.
#[component]
pub fn AnalysisNotice() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let save_error = move || match bench.save_state.get() {
        SaveState::Failed(message) => Some(message),
        _ => None,
    };
    view! {
        {move || save_error().map(|message| view! { <p class="notice" role="alert">{message}</p> })}
        {move || bench.notice.get().map(|message| view! {
            <p class="notice" role="alert" aria-label="Analysis notice">{message}
                <button class="link" aria-label="Dismiss" on:click=move |_| bench.notice.set(None)>"Dismiss"</button>
            </p>
        })}
    }
}

/// Every saved analysis, with open, rename, duplicate and delete.
#[component]
fn SavedList(close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let records = RwSignal::new(None::<Result<saved::Kept, String>>);
    let reload = move || {
        leptos::task::spawn_local(async move { records.set(Some(saved::list().await)) });
    };
    reload();

    let open = move |record: SavedAnalysis| {
        bench.fresh.set(Default::default());
        bench.open(record);
        bench.forget_dropped_steps(client);
        close();
    };
    let duplicate = move |record: SavedAnalysis| {
        let mut copy = SavedAnalysis::new(record.analysis);
        copy.analysis.title = format!("{} (copy)", copy.analysis.title);
        leptos::task::spawn_local(async move {
            if let Err(message) = saved::save(&copy).await {
                bench.notice.set(Some(message));
            }
            reload();
        });
    };
    let delete = move |record: SavedAnalysis| {
        let open_now = record.id == bench.id.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(message) = saved::remove(&record.id).await {
                bench.notice.set(Some(format!(
                    "The analysis could not be deleted: {message}"
                )));
            }
            if open_now {
                open_as_new(bench, client, starter_analysis(None));
            }
            reload();
        });
    };
    let rename = move |record: SavedAnalysis, title: String| {
        if record.id == bench.id.get_untracked() {
            bench.analysis.update(|a| a.title = title);
            reload();
            return;
        }
        let mut renamed = record;
        renamed.analysis.title = title;
        leptos::task::spawn_local(async move {
            if let Err(message) = saved::save(&renamed).await {
                bench.notice.set(Some(message));
            }
            reload();
        });
    };

    let rows = move || {
        match records.get() {
        None => view! { <p class="muted">"Reading saved analyses…"</p> }.into_any(),
        Some(Err(reason)) => view! {
            <p class="notice" role="alert">{format!("Saved analyses could not be read: {reason}")}</p>
        }
        .into_any(),
        Some(Ok(kept)) if kept.records.is_empty() && kept.unreadable.is_empty() => view! { <p class="muted">"Nothing saved yet."</p> }.into_any(),
        Some(Ok(kept)) => view! {
            {(!kept.unreadable.is_empty()).then(|| view! {
                <p class="notice" role="status">{match kept.unreadable.len() {
                    1 => format!("One saved analysis could not be read and is not listed (it is kept): {}.", kept.unreadable[0]),
                    n => format!("{n} saved analyses could not be read and are not listed (they are kept): {}.", kept.unreadable.join("; ")),
                }}</p>
            })}
            <ul class="saved-list">
                {kept.records.into_iter().map(|record| {
                    let (a, b, c, d) = (record.clone(), record.clone(), record.clone(), record.clone());
                    let steps = record.analysis.steps.len();
                    let current = record.id == bench.id.get_untracked();
                    view! {
                        <li class:current=current>
                            <input type="text" aria-label="Saved analysis title" prop:value=record.analysis.title.clone()
                                on:change=move |ev| rename(d.clone(), event_target_value(&ev)) />
                            <span class="muted">{format!("{steps} step{}", if steps == 1 { "" } else { "s" })}</span>
                            <button on:click=move |_| open(a.clone())>"Open"</button>
                            <button on:click=move |_| duplicate(b.clone())>"Duplicate"</button>
                            <button class="danger" on:click=move |_| delete(c.clone())>"Delete"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel saved" aria-label="Saved analyses">
            <h2>"Saved analyses"</h2>
            {rows}
            <ImportFile />
        </section>
    }
}

/// Opens a `.meridian.json` file as a new analysis.
#[component]
fn ImportFile() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.item(0)) else {
            return;
        };
        input.set_value("");
        import_file(bench, client, file);
    };
    view! {
        <label class="import">
            "Import a .meridian.json file "
            <input type="file" accept=".json" aria-label="Import analysis file" on:change=on_change />
        </label>
    }
}

/// Reads an analysis file and opens it; a bad file is named with its reason.
pub fn import_file(bench: Workbench, client: EngineHandle, file: web_sys::File) {
    let name = file.name();
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        let analysis = text
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(|| "the file could not be read".to_string())
            .and_then(|t| Analysis::from_json(&t).map_err(|e| e.to_string()));
        match analysis {
            Ok(analysis) => open_as_new(bench, client, analysis),
            Err(reason) => bench
                .notice
                .set(Some(format!("'{name}' could not be opened: {reason}."))),
        }
    });
}

/// The share link (or, when too long, the file) for the open analysis.
#[component]
fn SharePanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let copied = RwSignal::new(None::<String>);
    let link = Memo::new(move |_| bench.analysis.with(|a| share_link(&page_url(), a)));
    let dashboard_link =
        Memo::new(move |_| bench.analysis.with(|a| share_link(&dashboard_url(), a)));
    let copy = move |_| {
        if let Ok(text) = link.get_untracked() {
            crate::clipboard::copy_text(&text, "Copied.", copied);
        }
    };
    let download = move |_| {
        let (text, file_name) = bench
            .analysis
            .with_untracked(|a| (a.to_json(), a.file_name()));
        if let Err(reason) = download_text(&text, "application/json", &file_name) {
            bench
                .notice
                .set(Some(format!("The file could not be saved: {reason}")));
        }
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <section class="panel share" aria-label="Share">
            <h2>"Share this analysis"</h2>
            <p class="muted">"The link holds the steps, parameters and charts, not the data: samples and URLs load again; uploaded files are asked for by name."</p>
            {move || match link.get() {
                Ok(link) => view! {
                    <div class="share-link">
                        <input type="text" readonly aria-label="Share link" prop:value=link on:focus=select_all />
                        <button class="primary" on:click=copy>"Copy link"</button>
                    </div>
                    {move || match dashboard_link.get() {
                        Ok(dashboard) => view! {
                            <label class="muted">"A read-only dashboard for managers: "
                                <input type="text" readonly aria-label="Dashboard link"
                                    prop:value=dashboard on:focus=select_all />
                            </label>
                        }.into_any(),
                        Err(length) => view! {
                            <p class="muted">{format!("The dashboard link would need {length} characters, more than {MAX_LINK_CHARS}; publish the dashboard as a folder instead.")}</p>
                        }.into_any(),
                    }}
                }
                .into_any(),
                Err(length) => view! {
                    <p class="notice" role="status">
                        {format!("This analysis needs a link of {length} characters, more than the {MAX_LINK_CHARS} links can safely carry; share it as a file instead.")}
                    </p>
                }
                .into_any(),
            }}
            {move || copied.get().map(|text| view! { <p class="muted" role="status">{text}</p> })}
            <button on:click=download>"Download .meridian.json"</button>
            <EmbedPanel />
        </section>
    }
}
