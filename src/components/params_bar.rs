//! The analysis's parameters: a control for each, and a form to add one.
//! A step uses a parameter as `$name` (a date range as `$name_from`, `$name_to`).

use leptos::prelude::*;
use meridian_model::{ParamValue, Parameter, ms_of_utc_date, utc_date_of_ms, validate_table_name};

use crate::workbench::Workbench;

/// The sample data's first day, a sensible default range start.
const DEFAULT_FROM_MS: i64 = 1_772_409_600_000;
const DEFAULT_TO_MS: i64 = DEFAULT_FROM_MS + 28 * 86_400_000;

#[component]
pub fn ParamsBar(
    /// Whether parameters can be added and removed (not on a dashboard).
    #[prop(default = true)]
    editable: bool,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let adding = RwSignal::new(false);
    let parameters = Memo::new(move |_| bench.analysis.with(|a| a.parameters.clone()));

    let controls = move || {
        parameters
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, parameter)| view! { <ParamControl index parameter editable /> })
            .collect_view()
    };

    view! {
        <section class="params" aria-label="Parameters">
            {controls}
            <Show when=move || editable && !adding.get()>
                <button class="add-param" title="Add a value steps use as $name" on:click=move |_| adding.set(true)>
                    "+ Parameter"
                </button>
            </Show>
            <Show when=move || adding.get()>
                <NewParam done=move || adding.set(false) />
            </Show>
        </section>
    }
}

/// Replaces parameter `index`'s value; a value that breaks a rule is kept out with a sentence.
fn set_value(bench: Workbench, index: usize, value: ParamValue, problem: RwSignal<Option<String>>) {
    let mut candidate = match bench
        .analysis
        .with_untracked(|a| a.parameters.get(index).cloned())
    {
        Some(parameter) => parameter,
        None => return,
    };
    candidate.value = value;
    if let Some(reason) = candidate.problem() {
        problem.set(Some(reason));
        return;
    }
    problem.set(None);
    bench.analysis.update(|a| a.parameters[index] = candidate);
}

#[component]
fn ParamControl(index: usize, parameter: Parameter, editable: bool) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let problem = RwSignal::new(None::<String>);
    let label = parameter.label().to_string();
    let name = parameter.name.clone();
    let control = match parameter.value.clone() {
        ParamValue::DateRange { from_ms, to_ms } => view! {
            <input type="date" aria-label=format!("{label} from") prop:value=utc_date_of_ms(from_ms)
                on:change=move |ev| {
                    if let Some(from_ms) = ms_of_utc_date(&event_target_value(&ev)) {
                        set_value(bench, index, ParamValue::DateRange { from_ms, to_ms }, problem);
                    }
                } />
            <span class="range-dash">"–"</span>
            // The range ends at the end of the chosen day.
            <input type="date" aria-label=format!("{label} to")
                prop:value=utc_date_of_ms(to_ms - 1)
                on:change=move |ev| {
                    if let Some(day) = ms_of_utc_date(&event_target_value(&ev)) {
                        let to_ms = day + 86_400_000;
                        set_value(bench, index, ParamValue::DateRange { from_ms, to_ms }, problem);
                    }
                } />
        }
        .into_any(),
        ParamValue::Choice { options, value } => {
            let choices = options.clone();
            view! {
                <select aria-label=label.clone() on:change=move |ev| {
                    let value = event_target_value(&ev);
                    set_value(bench, index, ParamValue::Choice { options: choices.clone(), value }, problem);
                }>
                    {options.into_iter().map(|option| {
                        let selected = option == value;
                        view! { <option value=option.clone() selected=selected>{option.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        ParamValue::Number { value, min, max } => {
            let on_change = move |ev: leptos::ev::Event| {
                let text = event_target_value(&ev);
                match text.trim().parse::<f64>() {
                    Ok(value) => set_value(
                        bench,
                        index,
                        ParamValue::Number { value, min, max },
                        problem,
                    ),
                    Err(_) => problem.set(Some(format!("'{text}' is not a number."))),
                }
            };
            view! {
                <input type="number" step="any" aria-label=label.clone() prop:value=value.to_string()
                    on:change=on_change />
            }
            .into_any()
        }
    };
    let remove = move |_| {
        bench.analysis.update(|a| {
            if index < a.parameters.len() {
                a.parameters.remove(index);
            }
        });
    };
    view! {
        <div class="param" role="group" aria-label=format!("Parameter {name}")>
            <span class="param-label" title=format!("${name}")>{label.clone()}</span>
            {control}
            <Show when=move || editable>
                <button class="icon" title="Remove this parameter" aria-label=format!("Remove parameter {}", parameter.name) on:click=remove>"×"</button>
            </Show>
            <Show when=move || problem.with(Option::is_some)>
                <span class="field-error" role="alert">{move || problem.get().unwrap_or_default()}</span>
            </Show>
        </div>
    }
}

/// The form that adds a parameter: its name, kind and first value.
#[component]
fn NewParam(done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("choice".to_string());
    let choices = RwSignal::new(String::new());
    let number = RwSignal::new("0".to_string());
    let error = RwSignal::new(None::<String>);

    let add = move || {
        let name = name.get_untracked().trim().to_string();
        if let Err(reason) = validate_table_name(&name) {
            error.set(Some(reason.replace("table name", "parameter name")));
            return;
        }
        let value = match kind.get_untracked().as_str() {
            "date-range" => ParamValue::DateRange {
                from_ms: DEFAULT_FROM_MS,
                to_ms: DEFAULT_TO_MS,
            },
            "number" => match number.get_untracked().trim().parse::<f64>() {
                Ok(value) => ParamValue::Number {
                    value,
                    min: None,
                    max: None,
                },
                Err(_) => {
                    error.set(Some("The first value must be a number.".into()));
                    return;
                }
            },
            _ => {
                let options: Vec<String> = choices
                    .get_untracked()
                    .split(',')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect();
                let Some(first) = options.first().cloned() else {
                    error.set(Some("List the choices, separated by commas.".into()));
                    return;
                };
                ParamValue::Choice {
                    options,
                    value: first,
                }
            }
        };
        let mut candidate = bench.analysis.get_untracked();
        candidate.parameters.push(Parameter {
            name: name.clone(),
            label: None,
            value,
        });
        if let Err(problem) = candidate.bindings() {
            error.set(Some(crate::format::sentence(&problem.to_string())));
            return;
        }
        bench
            .analysis
            .update(|a| a.parameters = candidate.parameters);
        error.set(None);
        done();
    };

    view! {
        <form class="new-param" aria-label="New parameter" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <input type="text" placeholder="name" aria-label="Parameter name" spellcheck="false"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <select aria-label="Parameter kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                <option value="choice" selected=true>"Choice"</option>
                <option value="number">"Number"</option>
                <option value="date-range">"Date range"</option>
            </select>
            <Show when=move || kind.get() == "choice">
                <input type="text" placeholder="Paris, Berlin, Madrid" aria-label="Choices"
                    prop:value=move || choices.get() on:input=move |ev| choices.set(event_target_value(&ev)) />
            </Show>
            <Show when=move || kind.get() == "number">
                <input type="number" step="any" aria-label="First value"
                    prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
            </Show>
            <button type="submit" class="primary">"Add"</button>
            <button type="button" on:click=move |_| done()>"Cancel"</button>
            <Show when=move || error.with(Option::is_some)>
                <span class="field-error" role="alert">{move || error.get().unwrap_or_default()}</span>
            </Show>
        </form>
    }
}
