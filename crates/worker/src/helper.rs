//! The engine worker's helper: a second engine worker on the other core.
//!
//! The helper is the same worker script started by the engine worker, told
//! apart by its name. It is sent every registration, rename and removal the
//! engine worker made (after the engine worker made it), so both hold the same
//! tables; a query over those tables is then planned by both, and the helper
//! runs its partition of each partial aggregate while the engine worker runs
//! its own (see the engine's `split` module). Whatever goes wrong with the
//! helper (not started yet, still loading, planned differently, failed,
//! crashed) only means the engine worker runs that partition itself.
//!
//! The helper starts with the first table sent to it, so a page that loads
//! nothing for it (only a file too large to read whole) pays nothing for it.
//! A crashed helper is replaced and sent the same registrations again, a few
//! times at most, so a table too large for two copies does not crash it forever.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect};
use meridian_engine::ShareRows;
use meridian_model::{BoundValue, Request, Response};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions};

/// The name a helper is started with, so it knows not to start one itself.
pub const HELPER_NAME: &str = "meridian-helper";

/// The name that asks an engine worker to work alone (the benchmark compares).
pub const ALONE_NAME: &str = "meridian-engine-alone";

/// The name that asks an engine worker to split every query it can, however
/// few rows it reads (the benchmark's check proves the split on small tables).
pub const SPLIT_ANY_NAME: &str = "meridian-engine-split-any";

/// Fewer rows than this are not worth the helper: a scan of them takes tens of
/// milliseconds in one worker, about what the helper's message, its second
/// plan and the merge cost (TPC-H Q1 and Q6 over 600,000 rows ran slower split).
const MIN_ROWS_TO_SPLIT: u64 = 1_000_000;

/// A query whose engines each read more than this share of the rows they
/// divide, whole (a join's build side), runs in the engine worker alone: both
/// workers would build the same large hash tables at once for little gain
/// (see the engine's `split_rows`; TPC-H Q3, Q5 and Q10 at scale factor 1
/// read 0.28 as many rows whole as divided, and split ran 0.7x to 1.05x).
const MAX_REPEATED_SHARE: f64 = 0.25;

/// Replacements after crashes before the engine worker carries on alone.
const MAX_RESTARTS: u32 = 3;

/// Queries whose verdict (split or not) is remembered, at most; then the
/// memory starts over.
const MAX_VERDICTS: usize = 256;

/// A partition the helper ran: the plan it ran, and one Arrow IPC stream per share.
pub struct HelperPart {
    pub fingerprint: String,
    pub streams: Vec<Vec<u8>>,
}

/// The engine worker's handle on its helper; cheap to clone.
#[derive(Clone)]
pub struct Helper {
    state: Rc<RefCell<State>>,
    /// Queries over tables with fewer rows together run in the engine worker alone.
    min_rows: u64,
}

#[derive(Default)]
struct State {
    worker: Option<Worker>,
    /// Started once; after too many crashes it is not started again.
    started: bool,
    ready: bool,
    restarts: u32,
    next_request_id: u64,
    /// What the helper was sent to hold its tables, in order, to send again
    /// to a replacement.
    log: Vec<(Request, JsValue)>,
    /// The tables the helper was sent, under their current names.
    sent: BTreeSet<String>,
    /// Forwarded requests not answered yet, by the helper's request id.
    unanswered: BTreeMap<u64, Request>,
    /// The tables the helper said it holds.
    tables: BTreeSet<String>,
    /// Queries (with their bindings) planned over the tables as they are, and
    /// whether each was split: one found not splittable is planned once when
    /// it runs again, and one that was split is sent to the helper at once.
    verdicts: BTreeMap<String, bool>,
    /// Partitions asked for and not answered yet.
    waiting: BTreeMap<u64, oneshot::Sender<Option<HelperPart>>>,
    /// Those waiting for the helper to hold every table sent to it.
    settle_waiters: Vec<oneshot::Sender<()>>,
    /// The handlers live as long as their worker.
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Helper {
    /// A helper to start with its first table, or `None` where one would not
    /// help: a helper itself, an engine asked to work alone, or a machine with
    /// one core.
    pub fn if_useful() -> Option<Self> {
        let scope = crate::browser::scope();
        let name = scope.name();
        if name == HELPER_NAME || name == ALONE_NAME {
            return None;
        }
        if scope.navigator().hardware_concurrency() < 2.0 {
            return None;
        }
        Some(Self {
            state: Rc::new(RefCell::new(State::default())),
            min_rows: if name == SPLIT_ANY_NAME {
                0
            } else {
                MIN_ROWS_TO_SPLIT
            },
        })
    }

    /// Whether a query over tables of `rows` rows together (`None`: not known),
    /// whose shares read `share_rows`, is worth splitting.
    pub fn is_worth_splitting(&self, rows: Option<u64>, share_rows: Option<ShareRows>) -> bool {
        if self.min_rows == 0 {
            return true;
        }
        let repeats_much = share_rows
            .is_some_and(|share| share.repeated as f64 > share.divided as f64 * MAX_REPEATED_SHARE);
        rows.is_none_or(|rows| rows >= self.min_rows) && !repeats_much
    }

    fn spawn(&self) {
        let script = crate::browser::scope().location().href();
        let options = WorkerOptions::new();
        options.set_name(HELPER_NAME);
        let worker = match Worker::new_with_options(&script, &options) {
            Ok(worker) => worker,
            Err(error) => {
                web_sys::console::warn_2(
                    &"meridian worker: no helper, queries use one core:".into(),
                    &error,
                );
                return;
            }
        };
        let on_message = {
            let helper = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                helper.receive(event.unchecked_into::<MessageEvent>().data());
            })
        };
        let on_error = {
            let helper = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
                helper.replace("it stopped with an error");
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut state = self.state.borrow_mut();
        state.handlers = vec![on_message, on_error];
        state.worker = Some(worker);
        state.started = true;
    }

    /// Sends the helper a registration the engine worker made, or a rename or
    /// removal of a table it was sent; starts the helper with its first table.
    pub fn mirror(&self, request: Request, payload: JsValue) {
        let start = {
            let mut state = self.state.borrow_mut();
            let concerns_helper = match &request {
                Request::Register { name, .. } => state.sent.insert(name.clone()),
                Request::Rename { from, to, .. } => {
                    state.sent.remove(from) && state.sent.insert(to.clone())
                }
                Request::Remove { name, .. } => state.sent.remove(name),
                _ => false,
            };
            if !concerns_helper {
                return;
            }
            // Other tables may plan otherwise.
            state.verdicts.clear();
            state.log.push((request.clone(), payload.clone()));
            if state.ready {
                state.send(request, &payload);
            }
            !state.started
        };
        if start {
            self.spawn();
        }
    }

    /// Whether the helper is running and has loaded everything it was sent
    /// (else it would answer late, or over other tables).
    pub fn is_ready(&self) -> bool {
        let state = self.state.borrow();
        state.ready && state.unanswered.is_empty()
    }

    /// Resolves once nothing sent to the helper is still loading: it holds
    /// every table sent (or failed to), was never needed, or was given up.
    pub fn settled(&self) -> impl Future<Output = ()> + use<> {
        let (sender, receiver) = oneshot::channel();
        {
            let mut state = self.state.borrow_mut();
            state.settle_waiters.push(sender);
            state.wake_if_settled();
        }
        async move {
            let _ = receiver.await;
        }
    }

    /// Whether the helper is ready and holds every one of `tables`.
    pub fn holds(&self, tables: &BTreeSet<String>) -> bool {
        self.is_ready() && tables.is_subset(&self.state.borrow().tables)
    }

    /// Whether the query `key` (its SQL and bindings) was split when it last
    /// ran over the tables as they are; `None` when it has not run over them.
    pub fn was_split(&self, key: &str) -> Option<bool> {
        self.state.borrow().verdicts.get(key).copied()
    }

    /// Remembers whether the query `key` was split over these tables.
    pub fn remember_verdict(&self, key: String, split: bool) {
        let mut state = self.state.borrow_mut();
        if state.verdicts.len() >= MAX_VERDICTS {
            state.verdicts.clear();
        }
        state.verdicts.insert(key, split);
    }

    /// Asks the helper for partition `part` of `parts` of `sql`; resolves to
    /// `None` if the helper cannot answer.
    pub fn run_part(
        &self,
        sql: &str,
        bindings: &[(String, BoundValue)],
        part: u32,
        parts: u32,
    ) -> impl Future<Output = Option<HelperPart>> + use<> {
        let (sender, receiver) = oneshot::channel();
        {
            let mut state = self.state.borrow_mut();
            let request_id = state.take_request_id();
            let request = Request::RunPart {
                request_id,
                sql: sql.to_string(),
                bindings: bindings.to_vec(),
                part,
                parts,
            };
            if state.post(&request, &JsValue::UNDEFINED) {
                state.waiting.insert(request_id, sender);
            }
        }
        async move { receiver.await.ok().flatten() }
    }

    fn receive(&self, data: JsValue) {
        let json = Reflect::get(&data, &"json".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let Ok(response) = Response::from_json(&json) else {
            return;
        };
        let mut state = self.state.borrow_mut();
        match response {
            Response::Ready { .. } => {
                state.ready = true;
                let log = state.log.clone();
                for (request, payload) in log {
                    state.send(request, &payload);
                }
            }
            Response::Registered {
                request_id,
                dataset,
            } => {
                state.unanswered.remove(&request_id);
                state.tables.insert(dataset.name);
            }
            Response::Renamed {
                request_id,
                dataset,
            } => {
                if let Some(Request::Rename { from, .. }) = state.unanswered.remove(&request_id) {
                    state.tables.remove(&from);
                }
                state.tables.insert(dataset.name);
            }
            Response::Removed { request_id, name } => {
                state.unanswered.remove(&request_id);
                state.tables.remove(&name);
            }
            Response::PartDone {
                request_id,
                fingerprint,
            } => {
                if let Some(sender) = state.waiting.remove(&request_id) {
                    let streams = Reflect::get(&data, &"payload".into())
                        .ok()
                        .map(|payload| {
                            Array::from(&payload)
                                .iter()
                                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                                .collect()
                        })
                        .unwrap_or_default();
                    let _ = sender.send(Some(HelperPart {
                        fingerprint,
                        streams,
                    }));
                }
            }
            Response::Failed { request_id, .. } => {
                // A table the helper could not take is one it does not hold.
                match state.unanswered.remove(&request_id) {
                    Some(Request::Rename { from, .. }) => {
                        state.tables.remove(&from);
                    }
                    Some(Request::Remove { name, .. }) => {
                        state.tables.remove(&name);
                    }
                    _ => {}
                }
                if let Some(sender) = state.waiting.remove(&request_id) {
                    let _ = sender.send(None);
                }
            }
            Response::Crashed { .. } => {
                drop(state);
                self.replace("it crashed");
                return;
            }
            _ => {}
        }
        state.wake_if_settled();
    }

    /// Ends a broken helper and starts another, which is sent the tables again.
    fn replace(&self, why: &str) {
        let restart = {
            let mut state = self.state.borrow_mut();
            if let Some(worker) = state.worker.take() {
                worker.terminate();
            }
            state.ready = false;
            state.unanswered.clear();
            state.tables.clear();
            // Dropping the senders tells every waiting query to run its part itself.
            state.waiting.clear();
            state.restarts += 1;
            state.restarts <= MAX_RESTARTS
        };
        web_sys::console::warn_1(
            &format!(
                "meridian worker: the helper was lost ({why}); {}",
                if restart {
                    "starting another"
                } else {
                    "queries use one core from now on"
                }
            )
            .into(),
        );
        if restart {
            self.spawn();
        }
        // Given up, or not started again: nothing is loading.
        self.state.borrow_mut().wake_if_settled();
    }
}

impl State {
    /// Nothing sent is still loading: never started, given up, or all answered.
    fn is_settled(&self) -> bool {
        !self.started || self.worker.is_none() || (self.ready && self.unanswered.is_empty())
    }

    fn wake_if_settled(&mut self) {
        if self.is_settled() {
            for waiter in self.settle_waiters.drain(..) {
                let _ = waiter.send(());
            }
        }
    }

    fn take_request_id(&mut self) -> u64 {
        self.next_request_id += 1;
        self.next_request_id
    }

    /// Sends a logged request under a fresh id and remembers it until answered.
    fn send(&mut self, request: Request, payload: &JsValue) {
        let request_id = self.take_request_id();
        let request = with_request_id(request, request_id);
        if self.post(&request, payload) {
            self.unanswered.insert(request_id, request);
        }
    }

    fn post(&self, request: &Request, payload: &JsValue) -> bool {
        let Some(worker) = &self.worker else {
            return false;
        };
        let message = Object::new();
        // Setting plain properties on a fresh object cannot fail.
        let _ = Reflect::set(&message, &"json".into(), &request.to_json().into());
        if !payload.is_undefined() {
            let _ = Reflect::set(&message, &"payload".into(), payload);
        }
        worker.post_message(&message).is_ok()
    }
}

/// The same request under another id.
fn with_request_id(request: Request, id: u64) -> Request {
    match request {
        Request::Register {
            name,
            format,
            source,
            ..
        } => Request::Register {
            request_id: id,
            name,
            format,
            source,
        },
        Request::Rename { from, to, .. } => Request::Rename {
            request_id: id,
            from,
            to,
        },
        Request::Remove { name, .. } => Request::Remove {
            request_id: id,
            name,
        },
        other => other,
    }
}
