//! The UI's handle on the engine worker.
//!
//! It starts the worker, queues requests until the worker says it is ready,
//! pairs answers with questions, and keeps every dataset's source (a `File`
//! handle, a URL) so that when the worker dies — a panic, out of memory, or a
//! cancelled query — a new worker gets the same tables back and the user loses
//! nothing but the query that was running.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use js_sys::{Object, Reflect};
use leptos::prelude::*;
use meridian_model::{
    CrossFilter, DatasetFormat, DatasetInfo, DatasetSource, ErrorKind, Request, Response,
    ResultTable, Scope, StepCall, UserError,
};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Where Trunk puts the worker's loader script, next to index.html.
const WORKER_SCRIPT: &str = "./meridian-worker_loader.js";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineStatus {
    Starting,
    Ready,
    /// The worker died or was stopped and a new one is loading the datasets again.
    Restarting,
}

/// A dataset being loaded, with its progress or the reason it failed.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadState {
    pub id: u64,
    pub label: String,
    pub loaded_bytes: u64,
    pub total_bytes: Option<u64>,
    pub error: Option<String>,
}

/// A finished query.
#[derive(Clone, Debug)]
pub struct QueryAnswer {
    pub elapsed_ms: f64,
    pub table: Arc<ResultTable>,
    /// Rows in the result; more than `table` holds when only the schema was sent.
    pub row_count: u64,
    /// The engine already held this step's result; nothing ran.
    pub cached: bool,
}

/// The reactive state the engine client keeps up to date for the views.
#[derive(Clone, Copy)]
pub struct EngineState {
    pub status: RwSignal<EngineStatus>,
    pub datasets: RwSignal<Vec<DatasetInfo>>,
    pub loads: RwSignal<Vec<LoadState>>,
    /// A one-line notice about the engine itself (it crashed and was restarted).
    pub notice: RwSignal<Option<String>>,
    /// Bumped whenever a new worker replaces the old one (and its step results).
    pub restarts: RwSignal<u64>,
}

/// What is remembered of a dataset so a new worker can load it again.
struct SourceRecord {
    name: String,
    format: DatasetFormat,
    source: DatasetSource,
    /// The browser `File` for uploads; undefined otherwise.
    payload: JsValue,
    load_id: u64,
}

enum Pending {
    Register { load_id: u64 },
    Query(oneshot::Sender<Result<QueryAnswer, UserError>>),
    Reply(oneshot::Sender<Result<Reply, UserError>>),
    Other,
}

/// An answer that is neither rows nor a load.
#[derive(Clone, Debug)]
pub enum Reply {
    /// The tables a cross-filter restricts.
    Tables(Vec<String>),
    /// A table written as a file.
    File { row_count: u64, bytes: Vec<u8> },
}

struct Inner {
    worker: Option<Worker>,
    /// Bumped on every restart, so events from a dead worker are ignored.
    generation: u64,
    ready: bool,
    outbox: Vec<(String, JsValue)>,
    next_id: u64,
    pending: HashMap<u64, Pending>,
    sources: Vec<SourceRecord>,
    /// Keeps the worker's event handlers alive as long as the worker.
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// Cheap to clone; every clone talks to the same worker.
#[derive(Clone)]
pub struct EngineClient {
    inner: Rc<RefCell<Inner>>,
    pub state: EngineState,
}

impl EngineClient {
    pub fn start() -> Self {
        let client = Self {
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                generation: 0,
                ready: false,
                outbox: Vec::new(),
                next_id: 1,
                pending: HashMap::new(),
                sources: Vec::new(),
                handlers: Vec::new(),
            })),
            state: EngineState {
                status: RwSignal::new(EngineStatus::Starting),
                datasets: RwSignal::new(Vec::new()),
                loads: RwSignal::new(Vec::new()),
                notice: RwSignal::new(None),
                restarts: RwSignal::new(0),
            },
        };
        client.spawn_worker();
        client
    }

    fn spawn_worker(&self) {
        let generation = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.ready = false;
            inner.generation
        };
        let worker = match Worker::new(WORKER_SCRIPT) {
            Ok(worker) => worker,
            Err(error) => {
                self.state.notice.set(Some(format!(
                    "The query engine could not start: {}",
                    js_error_text(&error)
                )));
                return;
            }
        };
        let on_message = {
            let client = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let event: MessageEvent = event.unchecked_into();
                client.on_message(generation, event.data());
            })
        };
        let on_error = {
            let client = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let message = event
                    .dyn_ref::<ErrorEvent>()
                    .map(|e| e.message())
                    .unwrap_or_default();
                client.on_crash(generation, message);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.handlers = vec![on_message, on_error];
        inner.worker = Some(worker);
    }

    fn next_id(&self) -> u64 {
        let mut inner = self.inner.borrow_mut();
        let id = inner.next_id;
        inner.next_id += 1;
        id
    }

    /// Sends now if the worker is ready, otherwise when it is.
    fn send(&self, request: &Request, payload: JsValue) {
        let json = request.to_json();
        let mut inner = self.inner.borrow_mut();
        if inner.ready {
            if let Some(worker) = &inner.worker {
                post_to(worker, &json, &payload);
            }
        } else {
            inner.outbox.push((json, payload));
        }
    }

    /// Loads a dataset as table `name`. Progress and the outcome show in [`EngineState`].
    pub fn register(
        &self,
        name: String,
        format: DatasetFormat,
        source: DatasetSource,
        payload: JsValue,
    ) {
        let load_id = self.next_id();
        let label = match &source {
            DatasetSource::File { file_name } => file_name.clone(),
            DatasetSource::Sample { url } | DatasetSource::Url { url } => url.clone(),
        };
        self.state.loads.update(|loads| {
            loads.push(LoadState {
                id: load_id,
                label,
                loaded_bytes: 0,
                total_bytes: None,
                error: None,
            })
        });
        self.inner.borrow_mut().sources.push(SourceRecord {
            name,
            format,
            source,
            payload,
            load_id,
        });
        self.send_register(load_id);
    }

    fn send_register(&self, load_id: u64) {
        let request_id = self.next_id();
        let (request, payload) = {
            let mut inner = self.inner.borrow_mut();
            let Some(record) = inner.sources.iter().find(|r| r.load_id == load_id) else {
                return;
            };
            let request = Request::Register {
                request_id,
                name: record.name.clone(),
                format: record.format,
                source: record.source.clone(),
            };
            let payload = record.payload.clone();
            inner
                .pending
                .insert(request_id, Pending::Register { load_id });
            (request, payload)
        };
        self.send(&request, payload);
    }

    /// Names taken by loaded datasets and by those still loading.
    pub fn taken_names(&self) -> Vec<String> {
        self.inner
            .borrow()
            .sources
            .iter()
            .map(|r| r.name.clone())
            .collect()
    }

    pub fn rename(&self, from: &str, to: &str) -> Result<(), String> {
        meridian_model::validate_table_name(to)?;
        if self.taken_names().iter().any(|name| name == to) {
            return Err(format!(
                "A table named '{to}' already exists; choose another name."
            ));
        }
        let request_id = self.next_id();
        self.state.datasets.update(|datasets| {
            if let Some(dataset) = datasets.iter_mut().find(|d| d.name == from) {
                dataset.name = to.to_string();
            }
        });
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(record) = inner.sources.iter_mut().find(|r| r.name == from) {
                record.name = to.to_string();
            }
            inner.pending.insert(request_id, Pending::Other);
        }
        self.send(
            &Request::Rename {
                request_id,
                from: from.to_string(),
                to: to.to_string(),
            },
            JsValue::UNDEFINED,
        );
        Ok(())
    }

    pub fn remove(&self, name: &str) {
        let request_id = self.next_id();
        {
            let mut inner = self.inner.borrow_mut();
            inner.sources.retain(|r| r.name != name);
            inner.pending.insert(request_id, Pending::Other);
        }
        self.state
            .datasets
            .update(|datasets| datasets.retain(|d| d.name != name));
        self.send(
            &Request::Remove {
                request_id,
                name: name.to_string(),
            },
            JsValue::UNDEFINED,
        );
    }

    /// Shows a load failure found before the engine was asked (an unknown extension).
    pub fn report_load_error(&self, label: String, message: String) {
        let id = self.next_id();
        self.state.loads.update(|loads| {
            loads.push(LoadState {
                id,
                label,
                loaded_bytes: 0,
                total_bytes: None,
                error: Some(message),
            })
        });
    }

    pub fn dismiss_load(&self, load_id: u64) {
        self.state
            .loads
            .update(|loads| loads.retain(|l| l.id != load_id));
    }

    /// Sends the request `make` builds around a fresh id; its answer (or error)
    /// arrives on the receiver.
    fn ask(
        &self,
        make: impl FnOnce(u64) -> Request,
    ) -> oneshot::Receiver<Result<QueryAnswer, UserError>> {
        let (sender, receiver) = oneshot::channel();
        self.post_pending(Pending::Query(sender), make);
        receiver
    }

    /// Sends the request `make` builds around a fresh id, remembering who waits for it.
    fn post_pending(&self, pending: Pending, make: impl FnOnce(u64) -> Request) {
        let request_id = self.next_id();
        self.inner.borrow_mut().pending.insert(request_id, pending);
        self.send(&make(request_id), JsValue::UNDEFINED);
    }

    /// Runs SQL in the worker.
    pub fn query(&self, sql: String) -> oneshot::Receiver<Result<QueryAnswer, UserError>> {
        self.query_in(Scope::Whole, sql)
    }

    /// Runs SQL over the tables of `scope` (whole, or cross-filtered).
    pub fn query_in(
        &self,
        scope: Scope,
        sql: String,
    ) -> oneshot::Receiver<Result<QueryAnswer, UserError>> {
        self.ask(|request_id| Request::Query {
            request_id,
            sql,
            scope,
        })
    }

    /// Sends a request whose answer is a [`Reply`].
    fn ask_reply(
        &self,
        make: impl FnOnce(u64) -> Request,
    ) -> oneshot::Receiver<Result<Reply, UserError>> {
        let (sender, receiver) = oneshot::channel();
        self.post_pending(Pending::Reply(sender), make);
        receiver
    }

    /// Sets or clears the brushed range cross-filtered requests see. The worker
    /// takes requests in order, so anything sent after this sees the new filter.
    pub fn set_cross_filter(
        &self,
        filter: Option<CrossFilter>,
    ) -> oneshot::Receiver<Result<Reply, UserError>> {
        self.ask_reply(|request_id| Request::SetCrossFilter { request_id, filter })
    }

    /// Table `name` as Parquet bytes.
    pub fn export_parquet(&self, name: String) -> oneshot::Receiver<Result<Reply, UserError>> {
        self.ask_reply(|request_id| Request::ExportParquet { request_id, name })
    }

    /// Runs one analysis step; its result stays in the engine as table `call.name`.
    pub fn run_step(&self, call: StepCall) -> oneshot::Receiver<Result<QueryAnswer, UserError>> {
        self.ask(|request_id| Request::RunStep { request_id, call })
    }

    /// Frees the results of steps not in `keep` (deleted steps, another analysis).
    pub fn retain_steps(&self, keep: Vec<String>) {
        self.post_pending(Pending::Other, |request_id| Request::RetainSteps {
            request_id,
            keep,
        });
    }

    /// Stops the running query for real: the worker is terminated and replaced,
    /// and the datasets are loaded into the new one.
    pub fn cancel(&self) {
        self.restart(ErrorKind::Cancelled, "The query was cancelled.".to_string());
    }

    /// Makes the engine panic, so tests can watch it recover.
    pub fn crash_for_testing(&self) {
        let request_id = self.next_id();
        self.send(&Request::CrashForTesting { request_id }, JsValue::UNDEFINED);
    }

    fn on_crash(&self, generation: u64, message: String) {
        if self.inner.borrow().generation != generation {
            return;
        }
        web_sys::console::error_1(&format!("engine worker died: {message}").into());
        self.state.notice.set(Some(
            "The engine stopped unexpectedly and was restarted; your datasets are loading again."
                .to_string(),
        ));
        self.restart(
            ErrorKind::EngineCrashed,
            "The engine stopped while running this query (it may have run out of memory); it was restarted. Try a smaller query or fewer rows.".to_string(),
        );
    }

    fn restart(&self, kind: ErrorKind, message: String) {
        let (failed_queries, load_ids) = {
            let mut inner = self.inner.borrow_mut();
            if let Some(worker) = inner.worker.take() {
                worker.terminate();
            }
            inner.handlers.clear();
            inner.outbox.clear();
            let pending = std::mem::take(&mut inner.pending);
            let queries: Vec<_> = pending
                .into_values()
                .filter_map(|p| match p {
                    Pending::Query(sender) => Some(sender),
                    _ => None,
                })
                .collect();
            let load_ids: Vec<u64> = inner.sources.iter().map(|r| r.load_id).collect();
            (queries, load_ids)
        };
        for sender in failed_queries {
            let _ = sender.send(Err(UserError::new(kind, message.clone())));
        }
        self.state.status.set(EngineStatus::Restarting);
        self.state.restarts.update(|n| *n += 1);
        self.spawn_worker();
        for load_id in load_ids {
            self.send_register(load_id);
        }
    }

    fn on_message(&self, generation: u64, data: JsValue) {
        if self.inner.borrow().generation != generation {
            return;
        }
        let json = Reflect::get(&data, &"json".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let payload = Reflect::get(&data, &"payload".into()).unwrap_or(JsValue::UNDEFINED);
        let response = match Response::from_json(&json) {
            Ok(response) => response,
            Err(error) => {
                web_sys::console::error_1(&format!("unreadable engine message: {error}").into());
                return;
            }
        };
        match response {
            Response::Ready { .. } => {
                let outbox = {
                    let mut inner = self.inner.borrow_mut();
                    inner.ready = true;
                    std::mem::take(&mut inner.outbox)
                };
                if let Some(worker) = self.inner.borrow().worker.clone() {
                    for (json, payload) in outbox {
                        post_to(&worker, &json, &payload);
                    }
                }
                self.state.status.set(EngineStatus::Ready);
            }
            Response::Crashed { message } => self.on_crash(generation, message),
            Response::Progress {
                request_id,
                loaded_bytes,
                total_bytes,
            } => {
                if let Some(load_id) = self.load_id_of(request_id) {
                    self.state.loads.update(|loads| {
                        if let Some(load) = loads.iter_mut().find(|l| l.id == load_id) {
                            load.loaded_bytes = loaded_bytes;
                            load.total_bytes = total_bytes;
                        }
                    });
                }
            }
            Response::Registered {
                request_id,
                dataset,
            } => {
                if let Some(Pending::Register { load_id }) = self.take_pending(request_id) {
                    self.keep_upload(load_id, &dataset);
                    self.dismiss_load(load_id);
                    self.state.datasets.update(|datasets| {
                        datasets.retain(|d| d.name != dataset.name);
                        datasets.push(dataset);
                    });
                }
            }
            Response::Renamed {
                request_id,
                dataset,
            } => {
                self.take_pending(request_id);
                self.refresh_renamed(dataset);
            }
            Response::Removed { request_id, .. } => {
                self.take_pending(request_id);
            }
            Response::QueryDone {
                request_id,
                elapsed_ms,
                row_count,
                ..
            } => self.answer(request_id, &payload, elapsed_ms, row_count, false),
            Response::StepDone {
                request_id,
                elapsed_ms,
                row_count,
                cached,
            } => self.answer(request_id, &payload, elapsed_ms, row_count, cached),
            Response::StepsRetained { request_id } => {
                self.take_pending(request_id);
            }
            Response::CrossFilterSet { request_id, tables } => {
                self.reply(request_id, Reply::Tables(tables));
            }
            Response::Exported {
                request_id,
                row_count,
            } => {
                let bytes = js_sys::Uint8Array::new(&payload).to_vec();
                self.reply(request_id, Reply::File { row_count, bytes });
            }
            // Only a helper sends this, to the engine worker that started it.
            Response::PartDone { .. } => {}
            // Only a benchmark asks for this; the app never does.
            Response::Settled { .. } => {}
            Response::Failed { request_id, error } => match self.take_pending(request_id) {
                Some(Pending::Query(sender)) => {
                    let _ = sender.send(Err(error));
                }
                Some(Pending::Register { load_id }) => {
                    self.inner
                        .borrow_mut()
                        .sources
                        .retain(|r| r.load_id != load_id);
                    self.state.loads.update(|loads| {
                        if let Some(load) = loads.iter_mut().find(|l| l.id == load_id) {
                            load.error = Some(error.to_sentence());
                        }
                    });
                }
                Some(Pending::Reply(sender)) => {
                    let _ = sender.send(Err(error));
                }
                Some(Pending::Other) | None => {
                    self.state.notice.set(Some(error.to_sentence()));
                }
            },
        }
    }

    fn reply(&self, request_id: u64, reply: Reply) {
        if let Some(Pending::Reply(sender)) = self.take_pending(request_id) {
            let _ = sender.send(Ok(reply));
        }
    }

    /// Hands a query's or step's IPC answer to whoever asked.
    fn answer(
        &self,
        request_id: u64,
        payload: &JsValue,
        elapsed_ms: f64,
        row_count: u64,
        cached: bool,
    ) {
        let Some(Pending::Query(sender)) = self.take_pending(request_id) else {
            return;
        };
        let bytes = js_sys::Uint8Array::new(payload).to_vec();
        let answer = ResultTable::from_ipc_stream(&bytes)
            .map(|table| QueryAnswer {
                elapsed_ms,
                table: Arc::new(table),
                row_count,
                cached,
            })
            .map_err(|e| {
                UserError::new(
                    ErrorKind::Internal,
                    format!("{e} (this is a bug in Meridian)"),
                )
            });
        let _ = sender.send(answer);
    }

    /// Keeps an uploaded file in the browser (by its hash), so a reload finds
    /// it; a failure is said, since the file will be asked for again.
    fn keep_upload(&self, load_id: u64, dataset: &DatasetInfo) {
        let (Some(sha256), DatasetSource::File { file_name }) =
            (dataset.content_sha256.clone(), &dataset.source)
        else {
            return;
        };
        let file = self
            .inner
            .borrow()
            .sources
            .iter()
            .find(|r| r.load_id == load_id)
            .and_then(|r| r.payload.clone().dyn_into::<web_sys::File>().ok());
        let Some(file) = file else { return };
        let notice = self.state.notice;
        let file_name = file_name.clone();
        leptos::task::spawn_local(async move {
            if let Err(reason) = crate::kept_files::keep(&file, &sha256).await {
                notice.set(Some(format!(
                    "'{file_name}' could not be kept in this browser ({reason}); after a reload it will be asked for again."
                )));
            }
        });
    }

    fn refresh_renamed(&self, dataset: DatasetInfo) {
        self.state.datasets.update(|datasets| {
            if let Some(existing) = datasets.iter_mut().find(|d| d.name == dataset.name) {
                *existing = dataset;
            }
        });
    }

    fn load_id_of(&self, request_id: u64) -> Option<u64> {
        match self.inner.borrow().pending.get(&request_id) {
            Some(Pending::Register { load_id }) => Some(*load_id),
            _ => None,
        }
    }

    fn take_pending(&self, request_id: u64) -> Option<Pending> {
        self.inner.borrow_mut().pending.remove(&request_id)
    }
}

fn post_to(worker: &Worker, json: &str, payload: &JsValue) {
    let message = Object::new();
    let _ = Reflect::set(&message, &"json".into(), &json.into());
    if !payload.is_undefined() {
        let _ = Reflect::set(&message, &"payload".into(), payload);
    }
    if let Err(error) = worker.post_message(&message) {
        web_sys::console::error_2(&"could not reach the engine".into(), &error);
    }
}

pub fn js_error_text(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            Reflect::get(error, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "no reason given".to_string())
}
