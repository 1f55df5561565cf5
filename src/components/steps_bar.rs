//! The analysis's steps as tabs with their state, and the step on screen's
//! name and note. A step's result is a table later steps use by its name.

use leptos::prelude::*;
use meridian_model::analysis::validate_step_name;

use crate::app::EngineHandle;
use crate::workbench::Workbench;

#[component]
pub fn StepsBar() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let client = expect_context::<EngineHandle>();
    let name_error = RwSignal::new(None::<String>);

    let add_step = move |_| {
        let sql = bench.analysis.with_untracked(|a| match a.steps.last() {
            Some(previous) => format!("SELECT *\nFROM {}\nLIMIT 100", previous.name),
            None => crate::workbench::FIRST_SQL.to_string(),
        });
        bench.add_step(sql);
    };
    let delete_step = move |_| {
        let index = bench.selected.get_untracked();
        bench.analysis.update(|a| {
            if a.steps.len() > 1 && index < a.steps.len() {
                let removed = a.steps.remove(index);
                a.widgets.retain(|w| w.step != removed.name);
            }
        });
        bench.forget_dropped_steps(client);
        bench.selected.set(index.saturating_sub(1));
    };
    let rename = move |to: String| {
        let index = bench.selected.get_untracked();
        let Some(from) = bench
            .analysis
            .with_untracked(|a| a.steps.get(index).map(|s| s.name.clone()))
        else {
            return;
        };
        let to = to.trim().to_string();
        if to == from {
            name_error.set(None);
            return;
        }
        if let Err(reason) = validate_step_name(&to) {
            name_error.set(Some(reason));
            return;
        }
        if bench.analysis.with_untracked(|a| a.name_taken(&to)) {
            name_error.set(Some(format!(
                "'{to}' is already a step or table name; choose another."
            )));
            return;
        }
        name_error.set(None);
        bench.analysis.update(|a| a.rename_step(&from, &to));
        // The engine must forget the old name, or a step still reading it would
        // quietly get the result from before the rename.
        bench.forget_dropped_steps(client);
    };
    let set_note = move |note: String| {
        let index = bench.selected.get_untracked();
        bench.analysis.update(|a| {
            if let Some(step) = a.steps.get_mut(index) {
                step.note = note;
            }
        });
    };

    // Memos, so typing SQL redraws nothing here unless a status changes.
    let steps = Memo::new(move |_| {
        let statuses = bench.statuses();
        bench.analysis.with(|a| {
            a.steps
                .iter()
                .zip(statuses)
                .map(|(step, status)| (step.name.clone(), status))
                .collect::<Vec<_>>()
        })
    });
    let tabs = move || {
        let selected = bench.selected.get();
        steps.with(|steps| {
            steps
                .iter()
                .enumerate()
                .map(|(i, (name, status))| {
                    let (name, status) = (name.clone(), *status);
                    let label = format!("Step {name}, {}", status.label());
                    let title = format!("{name} ({})", status.label());
                    view! {
                        <button role="tab" class="step-tab" aria-selected=(i == selected).to_string()
                            aria-label=label title=title
                            on:click=move |_| bench.selected.set(i)>
                            <span class=format!("step-dot {}", status.label()) aria-hidden="true"></span>
                            {name}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    let current = Memo::new(move |_| {
        let index = bench.selected.get();
        bench
            .analysis
            .with(|a| a.steps.get(index).map(|s| (s.name.clone(), s.note.clone())))
    });
    let single = move || steps.with(|s| s.len() <= 1);

    view! {
        <section class="steps" aria-label="Steps">
            <div class="step-tabs" role="tablist" aria-label="Steps of this analysis">
                {tabs}
                <button class="add-step" title="Add a step that reads the last one" on:click=add_step>
                    "+ Step"
                </button>
            </div>
            {move || current.get().map(|(name, note)| {
                let open_note = !note.is_empty();
                view! {
                <div class="step-details">
                    <label class="step-name">
                        "Name "
                        <input type="text" aria-label="Step name" prop:value=name spellcheck="false"
                            on:change=move |ev| rename(event_target_value(&ev)) />
                    </label>
                    <button class="danger" disabled=single on:click=delete_step title="Delete this step">
                        "Delete step"
                    </button>
                    <details class="step-note" open=open_note>
                        <summary>"Note"</summary>
                        <textarea aria-label="Step note" rows="3"
                            placeholder="What this step is for (Markdown)"
                            prop:value=note
                            on:change=move |ev| set_note(event_target_value(&ev))></textarea>
                    </details>
                </div>
            }})}
            <Show when=move || name_error.with(Option::is_some)>
                <p class="field-error" role="alert">{move || name_error.get().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}
