//! Share → Embed and Publish: the iframe snippet for one widget or the whole
//! dashboard, and the dashboard published as a folder of static files.

use leptos::prelude::*;
use meridian_model::Theme;
use meridian_model::embed::{EmbedOptions, EmbedTarget, iframe_snippet};
use meridian_model::share::{MAX_LINK_CHARS, encode_fragment};

use crate::app::EngineHandle;
use crate::components::analysis_bar::page_url;
use crate::download::download_bytes;
use crate::workbench::Workbench;

/// The address an iframe opens for `options`, or its length when too long.
fn embed_src(options: &EmbedOptions, fragment: &str) -> Result<String, usize> {
    let page = page_url();
    let base = page.split('?').next().unwrap_or_default();
    let src = format!("{base}{}#{fragment}", options.to_query());
    if src.len() <= MAX_LINK_CHARS {
        Ok(src)
    } else {
        Err(src.len())
    }
}

#[component]
pub fn EmbedPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    // "" is the whole dashboard; otherwise the widget's number, from 1.
    let chosen = RwSignal::new(String::new());
    let dark = RwSignal::new(false);
    let copied = RwSignal::new(None::<String>);
    let widget_titles = Memo::new(move |_| {
        bench
            .analysis
            .with(|a| a.widgets.iter().map(|w| w.title()).collect::<Vec<_>>())
    });
    let snippet = Memo::new(move |_| {
        let target = match chosen.get().parse::<usize>() {
            Ok(n) if n >= 1 => EmbedTarget::Widget(n - 1),
            _ => EmbedTarget::Dashboard,
        };
        let options = EmbedOptions {
            target,
            theme: Some(if dark.get() {
                Theme::Dark
            } else {
                Theme::Light
            }),
            origin: None,
        };
        let (fragment, title) = bench
            .analysis
            .with(|a| (encode_fragment(a), a.title.clone()));
        let (width, height) = match target {
            EmbedTarget::Widget(_) => (600, 360),
            EmbedTarget::Dashboard => (1000, 720),
        };
        embed_src(&options, &fragment).map(|src| iframe_snippet(&src, &title, width, height))
    });
    let copy = move |_| {
        if let Ok(text) = snippet.get_untracked() {
            crate::clipboard::copy_text(&text, "Embed code copied.", copied);
        }
    };
    view! {
        <section class="embed-code" aria-label="Embed">
            <h3>"Embed in a web page"</h3>
            <div class="embed-options">
                <label>"Show "
                    <select aria-label="Embed what" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="" selected=true>"the whole dashboard"</option>
                        {move || widget_titles.get().into_iter().enumerate().map(|(i, title)| {
                            let value = (i + 1).to_string();
                            view! { <option value=value>{format!("widget {}: {title}", i + 1)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label><input type="checkbox" aria-label="Dark theme"
                    on:change=move |ev| dark.set(event_target_checked(&ev)) />" dark"</label>
            </div>
            {move || match snippet.get() {
                Ok(code) => view! {
                    <textarea readonly rows="3" aria-label="Embed code" prop:value=code></textarea>
                    <button on:click=copy>"Copy embed code"</button>
                }.into_any(),
                Err(length) => view! {
                    <p class="notice" role="status">{format!(
                        "The embed address would be {length} characters, more than the {MAX_LINK_CHARS} an address can safely carry; publish the dashboard as a folder instead."
                    )}</p>
                }.into_any(),
            }}
            {move || copied.get().map(|text| view! { <p class="muted" role="status">{text}</p> })}
            <p class="muted">"The host page can set parameters and hear the brushed range through postMessage; the README shows how."</p>
            <PublishButton />
        </section>
    }
}

/// Publishes the dashboard as a ZIP of static files, with progress.
#[component]
fn PublishButton() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let publish = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let analysis = bench.analysis.get_untracked();
        leptos::task::spawn_local(async move {
            let outcome = crate::publish::publish_archive(client, &analysis, |text| {
                status.set(Some(text))
            })
            .await
            .and_then(|(name, bytes)| {
                download_bytes(&bytes, "application/zip", &name)?;
                Ok(format!(
                    "Published {name} ({}). Unzip it on any static web server and open its index.html.",
                    crate::format::bytes(bytes.len() as u64)
                ))
            });
            status.set(Some(match outcome {
                Ok(done) => done,
                Err(reason) => format!("The dashboard could not be published: {reason}."),
            }));
            busy.set(false);
        });
    };
    view! {
        <h3>"Publish as a folder"</h3>
        <p class="muted">"The app, this analysis and the tables its widgets read (as Parquet), for any static web server."</p>
        <button on:click=publish disabled=move || busy.get()>"Publish as a folder"</button>
        {move || status.get().map(|text| view! { <p class="muted" role="status" aria-label="Publish status">{text}</p> })}
    }
}
