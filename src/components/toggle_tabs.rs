//! Two tabs that switch between two views of one thing (Table | Chart,
//! Steps | Dashboard); `second` is true when the second tab is chosen.

use leptos::prelude::*;

#[component]
pub fn ToggleTabs(
    /// What the tabs switch, for screen readers.
    label: &'static str,
    first: &'static str,
    second: &'static str,
    chosen_second: RwSignal<bool>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("view-tabs {class}") role="tablist" aria-label=label>
            <button role="tab" aria-selected=move || (!chosen_second.get()).to_string()
                on:click=move |_| chosen_second.set(false)>{first}</button>
            <button role="tab" aria-selected=move || chosen_second.get().to_string()
                on:click=move |_| chosen_second.set(true)>{second}</button>
        </div>
    }
}
