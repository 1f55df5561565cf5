//! Which page the address asks for. The workbench is the default; an embed
//! address (`?embed=…#a1.…`) or a published folder (its `index.html` names
//! `analysis.json` in a `meridian-published` meta tag) opens a read-only viewer.

use meridian_model::embed::{EmbedOptions, EmbedTarget};

/// Where a viewer's analysis comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum AnalysisFrom {
    /// The share fragment of the address.
    Fragment(String),
    /// A JSON file beside the page (a published folder).
    File(String),
}

/// A read-only page: one widget or a dashboard, with no app chrome.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewerPage {
    pub options: EmbedOptions,
    pub from: AnalysisFrom,
    /// Published folders show the analysis's title; embeds show only widgets.
    pub published: bool,
}

pub enum PageMode {
    Workbench,
    Viewer(ViewerPage),
    /// The address asks for a viewer it cannot describe; the sentence says why.
    Invalid(String),
}

impl PageMode {
    pub fn of_page() -> Self {
        let Some(window) = web_sys::window() else {
            return PageMode::Workbench;
        };
        if let Some(file) = published_analysis(&window) {
            return PageMode::Viewer(ViewerPage {
                options: EmbedOptions {
                    target: EmbedTarget::Dashboard,
                    theme: None,
                    origin: None,
                },
                from: AnalysisFrom::File(file),
                published: true,
            });
        }
        let location = window.location();
        let search = location.search().unwrap_or_default();
        match EmbedOptions::from_query(&search) {
            Ok(None) => PageMode::Workbench,
            Ok(Some(options)) => {
                let fragment = location.hash().unwrap_or_default();
                if fragment.len() <= 1 {
                    return PageMode::Invalid(
                        "This embed address carries no analysis: copy it again from Share → Embed in Meridian.".into(),
                    );
                }
                PageMode::Viewer(ViewerPage {
                    options,
                    from: AnalysisFrom::Fragment(fragment),
                    published: false,
                })
            }
            Err(error) => {
                PageMode::Invalid(format!("This embed address cannot be shown: {error}."))
            }
        }
    }
}

/// The analysis file a published folder's page names, if this is one.
fn published_analysis(window: &web_sys::Window) -> Option<String> {
    let meta = window
        .document()?
        .query_selector("meta[name=\"meridian-published\"]")
        .ok()??;
    meta.get_attribute("content").filter(|c| !c.is_empty())
}
