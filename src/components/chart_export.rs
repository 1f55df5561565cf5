//! Exports of the chart on screen: PNG from the canvas, SVG drawn again as vectors.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use meridian_chart::{DrawOptions, render_svg};
use meridian_model::ChartSpec;

use crate::chart_runner::ChartResult;
use crate::download::{download_href, download_text};

fn file_stem(spec: &ChartSpec) -> String {
    format!("meridian-{}", spec.kind.name())
}

#[component]
pub fn ChartExport(
    spec: Signal<ChartSpec>,
    result: Signal<Option<Arc<ChartResult>>>,
    canvas: NodeRef<Canvas>,
    frame: Signal<usize>,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let export_png = move |_| {
        let Some(canvas) = canvas.get_untracked() else {
            return;
        };
        match canvas.to_data_url_with_type("image/png") {
            Ok(url) => {
                if let Err(error) =
                    download_href(&url, &format!("{}.png", file_stem(&spec.get_untracked())))
                {
                    message.set(Some(format!(
                        "The PNG could not be saved: {}",
                        crate::engine_client::js_error_text(&error)
                    )));
                }
            }
            Err(error) => message.set(Some(format!(
                "The PNG could not be made: {}",
                crate::engine_client::js_error_text(&error)
            ))),
        }
    };
    let export_svg = move |_| {
        let Some(result) = result.get_untracked() else {
            return;
        };
        let Some(canvas) = canvas.get_untracked() else {
            return;
        };
        let spec = spec.get_untracked();
        let options = DrawOptions {
            frame: spec.playback.then(|| frame.get_untracked()),
            ..DrawOptions::default()
        };
        let svg = match render_svg(
            &spec,
            &result.data,
            (canvas.width(), canvas.height()),
            options,
        ) {
            Ok((svg, _)) => svg,
            Err(error) => {
                message.set(Some(error.to_string()));
                return;
            }
        };
        if let Err(reason) =
            download_text(&svg, "image/svg+xml", &format!("{}.svg", file_stem(&spec)))
        {
            message.set(Some(format!("The SVG could not be saved: {reason}")));
        }
    };
    let ready = move || result.with(Option::is_some);
    view! {
        <span class="chart-export">
            <button disabled=move || !ready() on:click=export_png>"Export PNG"</button>
            <button disabled=move || !ready() on:click=export_svg>"Export SVG"</button>
            {move || message.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
        </span>
    }
}
