//! The bindings to the SQL editor (CodeMirror 6, bundled from npm at build time
//! into `vendor/editor.js` and served from the app's own files).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The editor handle returned by `MeridianEditor.create`.
    pub type EditorHandle;

    #[wasm_bindgen(catch, js_namespace = MeridianEditor, js_name = create)]
    fn create_editor(
        parent: &web_sys::HtmlElement,
        options: &JsValue,
    ) -> Result<EditorHandle, JsValue>;

    #[wasm_bindgen(method, js_name = getDoc)]
    pub fn doc(this: &EditorHandle) -> String;

    #[wasm_bindgen(method, js_name = setDoc)]
    pub fn set_doc(this: &EditorHandle, text: &str);

    #[wasm_bindgen(method, js_name = setSchema)]
    pub fn set_schema(this: &EditorHandle, schema: &JsValue);

    #[wasm_bindgen(method, js_name = setError)]
    pub fn set_error(this: &EditorHandle, from: u32, to: u32, message: &str);

    #[wasm_bindgen(method, js_name = clearError)]
    pub fn clear_error(this: &EditorHandle);

    #[wasm_bindgen(method)]
    pub fn focus(this: &EditorHandle);
}

/// What the editor calls back into.
pub struct EditorCallbacks {
    pub on_change: Box<dyn FnMut(String)>,
    pub on_run: Box<dyn FnMut()>,
    pub on_cancel: Box<dyn FnMut()>,
}

/// Creates the editor in `parent`. The callbacks live as long as the page.
pub fn create(
    parent: &web_sys::HtmlElement,
    doc: &str,
    callbacks: EditorCallbacks,
) -> Result<EditorHandle, String> {
    let options = js_sys::Object::new();
    let on_change = Closure::<dyn FnMut(String)>::new(callbacks.on_change);
    let on_run = Closure::<dyn FnMut()>::new(callbacks.on_run);
    let on_cancel = Closure::<dyn FnMut()>::new(callbacks.on_cancel);
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&options, &key.into(), value);
    };
    set("doc", &doc.into());
    set("onChange", on_change.as_ref());
    set("onRun", on_run.as_ref());
    set("onCancel", on_cancel.as_ref());
    set("placeholder", &"Write SQL here; Ctrl+Enter runs it".into());
    let handle =
        create_editor(parent, &options).map_err(|e| crate::engine_client::js_error_text(&e))?;
    on_change.forget();
    on_run.forget();
    on_cancel.forget();
    Ok(handle)
}

/// `{ table: [column, …] }`, the shape the editor completes names from: every
/// dataset with its columns, and every step of the analysis (with the columns
/// of its last result when known).
pub fn schema_object(
    datasets: &[meridian_model::DatasetInfo],
    steps: &[(String, Vec<String>)],
) -> JsValue {
    let schema = js_sys::Object::new();
    for (step, step_columns) in steps {
        let columns = js_sys::Array::new();
        for column in step_columns {
            columns.push(&column.as_str().into());
        }
        let _ = js_sys::Reflect::set(&schema, &step.as_str().into(), &columns);
    }
    for dataset in datasets {
        let columns = js_sys::Array::new();
        for column in &dataset.columns {
            columns.push(&column.name.as_str().into());
        }
        let _ = js_sys::Reflect::set(&schema, &dataset.name.as_str().into(), &columns);
    }
    schema.into()
}
