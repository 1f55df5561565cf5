//! The results grid. It renders only the rows that fit in its viewport, so a
//! million-row result scrolls as smoothly as a ten-row one.

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;
use meridian_model::ResultTable;

/// Every row is this tall (CSS agrees), which makes the visible window a division.
const ROW_HEIGHT_PX: f64 = 28.0;
/// Rows drawn beyond each edge of the viewport, so fast scrolling shows no gaps.
const OVERSCAN_ROWS: usize = 4;

/// The rows to draw for a scroll position: `(first, count)`.
pub fn visible_window(scroll_top_px: f64, viewport_px: f64, row_count: usize) -> (usize, usize) {
    let first =
        ((scroll_top_px / ROW_HEIGHT_PX).floor().max(0.0) as usize).saturating_sub(OVERSCAN_ROWS);
    let fitting = (viewport_px / ROW_HEIGHT_PX).ceil().max(1.0) as usize + 2 * OVERSCAN_ROWS;
    let first = first.min(row_count);
    (first, fitting.min(row_count - first))
}

#[component]
pub fn ResultsGrid(table: Signal<Option<Arc<ResultTable>>>) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(600.0);
    let scroller = NodeRef::<Div>::new();

    let measure = move || {
        if let Some(element) = scroller.get_untracked() {
            scroll_top.set(element.scroll_top() as f64);
            viewport.set(element.client_height() as f64);
        }
    };
    // A new result starts at the top.
    Effect::new(move |_| {
        table.track();
        if let Some(element) = scroller.get_untracked() {
            element.set_scroll_top(0);
        }
        measure();
    });
    let resize = leptos::prelude::window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    view! {
        <div class="grid-scroll" node_ref=scroller on:scroll=move |_| measure()>
            {move || match table.get() {
                None => view! { <p class="muted empty">"Results appear here."</p> }.into_any(),
                Some(table) => view! { <Grid table=table scroll_top=scroll_top viewport=viewport /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Grid(
    table: Arc<ResultTable>,
    scroll_top: RwSignal<f64>,
    viewport: RwSignal<f64>,
) -> impl IntoView {
    let columns = table.column_names();
    let template = format!("4.5rem repeat({}, minmax(8rem, 1fr))", columns.len().max(1));
    let row_count = table.row_count();
    let column_count = columns.len();
    let numeric: Vec<bool> = (0..columns.len()).map(|c| table.is_numeric(c)).collect();
    let body_height = format!("{}px", row_count as f64 * ROW_HEIGHT_PX);

    let rows = {
        let template = template.clone();
        move || {
            let (first, count) = visible_window(scroll_top.get(), viewport.get(), row_count);
            table
                .rows(first, count)
                .into_iter()
                .enumerate()
                .map(|(offset, cells)| {
                    let index = first + offset;
                    view! {
                        <div
                            role="row"
                            class="grid-row"
                            aria-rowindex=index + 2
                            style:top=format!("{}px", index as f64 * ROW_HEIGHT_PX)
                            style:grid-template-columns=template.clone()
                        >
                            <span class="row-number" aria-hidden="true">{index + 1}</span>
                            {cells
                                .into_iter()
                                .enumerate()
                                .map(|(column, cell)| {
                                    let right = numeric.get(column).copied().unwrap_or(false);
                                    let null = cell == "NULL";
                                    let title = cell.clone();
                                    view! {
                                        <span role="gridcell" class="cell" class:numeric=right class:null=null title=title>
                                            {cell}
                                        </span>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })
                .collect_view()
        }
    };

    view! {
        <div
            role="grid"
            aria-label="Results"
            aria-rowcount=row_count + 1
            aria-colcount=column_count
            class="grid"
        >
            <div role="row" class="grid-header" aria-rowindex="1" style:grid-template-columns=template.clone()>
                <span class="row-number" aria-hidden="true">"#"</span>
                {columns
                    .into_iter()
                    .map(|name| {
                        let title = name.clone();
                        view! { <span role="columnheader" class="cell" title=title>{name}</span> }
                    })
                    .collect_view()}
            </div>
            <div class="grid-body" style:height=body_height>{rows}</div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::visible_window;

    #[test]
    fn the_window_covers_the_viewport_and_no_more() {
        assert_eq!(visible_window(0.0, 280.0, 1_000_000), (0, 18));
        let (first, count) = visible_window(28_000.0, 280.0, 1_000_000);
        assert_eq!(first, 996);
        assert_eq!(count, 18);
    }

    #[test]
    fn the_window_is_clamped_to_the_rows() {
        assert_eq!(visible_window(0.0, 600.0, 3), (0, 3));
        assert_eq!(visible_window(10_000.0, 600.0, 3), (3, 0));
        assert_eq!(visible_window(0.0, 600.0, 0), (0, 0));
    }
}
