//! Exports of the chart on screen: PNG from the canvas, SVG drawn again as vectors.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;
use meridian_chart::{DrawOptions, render_svg};
use meridian_model::ChartSpec;
use wasm_bindgen::JsValue;

use crate::chart_runner::ChartResult;

/// Starts a download of `href` as `file_name`.
fn download(href: &str, file_name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        wasm_bindgen::JsCast::unchecked_into(document.create_element("a")?);
    anchor.set_href(href);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

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
                    download(&url, &format!("{}.png", file_stem(&spec.get_untracked())))
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
        let parts = js_sys::Array::of1(&JsValue::from_str(&svg));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("image/svg+xml");
        let saved = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
            .and_then(|url| {
                let done = download(&url, &format!("{}.svg", file_stem(&spec)));
                let _ = web_sys::Url::revoke_object_url(&url);
                done
            });
        if let Err(error) = saved {
            message.set(Some(format!(
                "The SVG could not be saved: {}",
                crate::engine_client::js_error_text(&error)
            )));
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
