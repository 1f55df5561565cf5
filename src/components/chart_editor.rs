//! The compact chart editor: kind, columns, aggregation, bucket, theme.

use leptos::prelude::*;
use meridian_model::{Aggregation, ChartKind, ChartSpec, Theme, TimeBucket};

/// Which spec field a column picker edits.
#[derive(Clone, Copy)]
enum Field {
    X,
    Y,
    Color,
    Lat,
    Lon,
}

impl Field {
    fn get(self, spec: &ChartSpec) -> Option<String> {
        match self {
            Field::X => spec.x.clone(),
            Field::Y => spec.y.clone(),
            Field::Color => spec.color.clone(),
            Field::Lat => spec.lat.clone(),
            Field::Lon => spec.lon.clone(),
        }
    }

    fn set(self, spec: &mut ChartSpec, value: Option<String>) {
        let slot = match self {
            Field::X => &mut spec.x,
            Field::Y => &mut spec.y,
            Field::Color => &mut spec.color,
            Field::Lat => &mut spec.lat,
            Field::Lon => &mut spec.lon,
        };
        *slot = value;
    }
}

/// Which pickers a kind uses, with the label each gets.
fn fields_for(kind: ChartKind) -> Vec<(Field, &'static str)> {
    match kind {
        ChartKind::Line | ChartKind::Area | ChartKind::Bar => vec![
            (Field::X, "Time"),
            (Field::Y, "Value"),
            (Field::Color, "Series"),
        ],
        ChartKind::CategoryBar => vec![(Field::X, "Category"), (Field::Y, "Value")],
        ChartKind::Histogram => vec![(Field::Y, "Value")],
        ChartKind::Scatter => vec![(Field::X, "X"), (Field::Y, "Y"), (Field::Color, "Series")],
        ChartKind::Kpi => vec![(Field::Y, "Value"), (Field::X, "Time")],
        ChartKind::Table => vec![],
        ChartKind::PointMap | ChartKind::DensityMap => vec![
            (Field::Lat, "Latitude"),
            (Field::Lon, "Longitude"),
            (Field::Y, "Value"),
            (Field::X, "Time"),
        ],
    }
}

#[component]
pub fn ChartEditor(spec: RwSignal<ChartSpec>, columns: Signal<Vec<String>>) -> impl IntoView {
    let kind = move || spec.with(|s| s.kind);
    let set_kind = move |ev: leptos::ev::Event| {
        if let Some(kind) = ChartKind::from_name(&event_target_value(&ev)) {
            spec.update(|s| {
                s.kind = kind;
                s.time_range = None;
                s.map_view = None;
                if !kind.is_map() {
                    s.playback = false;
                }
            });
        }
    };
    let set_aggregation = move |ev: leptos::ev::Event| {
        if let Some(aggregation) = Aggregation::from_name(&event_target_value(&ev)) {
            spec.update(|s| s.aggregation = aggregation);
        }
    };
    let set_bucket = move |ev: leptos::ev::Event| {
        let bucket = TimeBucket::from_name(&event_target_value(&ev));
        spec.update(|s| s.time_bucket = bucket);
    };
    let set_theme = move |ev: leptos::ev::Event| {
        let theme = if event_target_value(&ev) == "dark" {
            Theme::Dark
        } else {
            Theme::Light
        };
        spec.update(|s| s.theme = theme);
    };
    let pickers = move || {
        fields_for(kind())
            .into_iter()
            .map(|(field, label)| {
                let current = move || spec.with(|s| field.get(s)).unwrap_or_default();
                let on_change = move |ev: leptos::ev::Event| {
                    let value = event_target_value(&ev);
                    spec.update(|s| field.set(s, (!value.is_empty()).then_some(value)));
                };
                view! {
                    <label class="chart-field">
                        <span>{label}</span>
                        <select aria-label=format!("Chart {}", label.to_lowercase()) on:change=on_change prop:value=current>
                            <option value="" selected=move || current().is_empty()>"—"</option>
                            {move || columns.get().into_iter().map(|name| {
                                let selected = { let name = name.clone(); move || current() == name };
                                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };
    let uses_time =
        move || spec.with(|s| s.kind.is_time_series() || (s.kind.is_map() && s.x.is_some()));
    view! {
        <div class="chart-editor" role="group" aria-label="Chart settings">
            <label class="chart-field">
                <span>"Chart"</span>
                <select aria-label="Chart kind" on:change=set_kind prop:value=move || kind().name()>
                    {ChartKind::ALL.into_iter().map(|k| view! {
                        <option value=k.name() selected=move || kind() == k>{k.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            {pickers}
            <Show when=move || !matches!(kind(), ChartKind::Table | ChartKind::Histogram)>
                <label class="chart-field">
                    <span>"Aggregate"</span>
                    <select aria-label="Chart aggregation" on:change=set_aggregation
                        prop:value=move || spec.with(|s| s.aggregation.name())>
                        {Aggregation::ALL.into_iter().map(|a| view! {
                            <option value=a.name() selected=move || spec.with(|s| s.aggregation == a)>{a.name()}</option>
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=uses_time>
                <label class="chart-field">
                    <span>"Bucket"</span>
                    <select aria-label="Chart time bucket" on:change=set_bucket
                        prop:value=move || spec.with(|s| s.time_bucket.map_or("auto", |b| b.name()))>
                        <option value="auto">"auto"</option>
                        {TimeBucket::LADDER.into_iter().map(|b| view! {
                            <option value=b.name() selected=move || spec.with(|s| s.time_bucket == Some(b))>{b.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || kind() == ChartKind::DensityMap>
                <label class="chart-field checkbox">
                    <input type="checkbox" aria-label="Play back over time"
                        prop:checked=move || spec.with(|s| s.playback)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            spec.update(|s| s.playback = on && s.x.is_some());
                        } />
                    <span>"Playback"</span>
                </label>
            </Show>
            <label class="chart-field">
                <span>"Theme"</span>
                <select aria-label="Chart theme" on:change=set_theme
                    prop:value=move || if spec.with(|s| s.theme == Theme::Dark) { "dark" } else { "light" }>
                    <option value="light">"light"</option>
                    <option value="dark">"dark"</option>
                </select>
            </label>
        </div>
    }
}
