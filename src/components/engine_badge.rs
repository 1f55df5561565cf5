//! The engine's state in the top bar, and its notices.

use leptos::prelude::*;

use crate::engine_client::{EngineState, EngineStatus};

#[component]
pub fn EngineBadge() -> impl IntoView {
    let state = expect_context::<EngineState>();
    let label = move || match state.status.get() {
        EngineStatus::Starting => "Engine starting…",
        EngineStatus::Ready => "Engine ready",
        EngineStatus::Restarting => "Engine restarting…",
    };
    view! {
        <span
            class="engine-badge"
            class:ready=move || state.status.get() == EngineStatus::Ready
            aria-label="Engine status"
            role="status"
        >
            {label}
        </span>
    }
}

#[component]
pub fn EngineNotice() -> impl IntoView {
    let state = expect_context::<EngineState>();
    view! {
        <Show when=move || state.notice.with(Option::is_some)>
            <div class="notice" role="status" aria-label="Engine notice">
                <span>{move || state.notice.get().unwrap_or_default()}</span>
                <button class="link" on:click=move |_| state.notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
