//! What the worker does with each request.

use futures::TryStreamExt;
use meridian_engine::datafusion::execution::SendableRecordBatchStream;
use meridian_engine::{Engine, EngineError, LoadRequest, StepRun, first_rows, page_ipc_stream};
use meridian_model::{
    BoundValue, DatasetSource, ErrorKind, ROWS_SENT_TO_PAGE, Request, Response, Scope, UserError,
};
use wasm_bindgen::JsCast;

use crate::browser::{Incoming, now_ms, post, post_buffers};
use crate::file_store::file_store;
use crate::helper::Helper;
use crate::read::{self, Remote};

/// Partitions of a query split with the helper: this worker's and the helper's.
const PARTS: u32 = 2;

pub async fn handle(engine: &mut Engine, helper: Option<&Helper>, incoming: Incoming) {
    let request_id = incoming.request.request_id();
    // Registrations, renames and removals are made again in the helper once
    // they have succeeded here, so both hold the same tables; but not a file
    // too large to read whole, whose scan is bound by reading the `File`
    // (measured: no faster split in two) while the helper would cost memory.
    let mirror = match &incoming.request {
        Request::Register { format, .. } if is_read_by_ranges(*format, &incoming.payload) => None,
        Request::Register { .. } | Request::Rename { .. } | Request::Remove { .. } => {
            helper.map(|helper| (helper, incoming.request.clone(), incoming.payload.clone()))
        }
        _ => None,
    };
    let answer = match incoming.request {
        Request::Register {
            name,
            format,
            source,
            ..
        } => register(engine, request_id, name, format, source, incoming.payload)
            .await
            .map(|dataset| Response::Registered {
                request_id,
                dataset,
            }),
        Request::Rename { from, to, .. } => engine
            .rename(&from, &to)
            .inspect(|_| file_store().rename(&from, &to))
            .map(|dataset| Response::Renamed {
                request_id,
                dataset,
            })
            .map_err(|e| e.to_user_error()),
        Request::Remove { name, .. } => engine
            .remove(&name)
            .await
            .inspect(|()| file_store().forget(&name))
            .map(|()| Response::Removed { request_id, name })
            .map_err(|e| e.to_user_error()),
        Request::Query { sql, scope, .. } => {
            return post_result(
                request_id,
                query(engine, helper, scope, &sql).await.map(|answer| {
                    let done = Response::QueryDone {
                        request_id,
                        row_count: answer.row_count,
                        elapsed_ms: answer.elapsed_ms,
                        workers: answer.workers,
                    };
                    let bytes = answer.bytes;
                    (done, bytes)
                }),
            );
        }
        Request::RunStep { call, .. } => {
            let started = now_ms();
            let answer = step_answer(engine, helper, StepRun::from(&call), call.send_rows).await;
            return post_result(
                request_id,
                answer.map(|(row_count, cached, bytes)| {
                    let done = Response::StepDone {
                        request_id,
                        row_count,
                        elapsed_ms: now_ms() - started,
                        cached,
                    };
                    (done, bytes)
                }),
            );
        }
        Request::RetainSteps { keep, .. } => engine
            .retain_steps(&keep)
            .map(|()| Response::StepsRetained { request_id })
            .map_err(|e| e.to_user_error()),
        Request::SetCrossFilter { filter, .. } => engine
            .set_cross_filter(filter)
            .await
            .map(|tables| Response::CrossFilterSet { request_id, tables })
            .map_err(|e| e.to_user_error()),
        Request::ExportParquet { name, .. } => {
            return post_result(
                request_id,
                engine
                    .export_parquet(&name)
                    .await
                    .map(|(row_count, bytes)| {
                        let done = Response::Exported {
                            request_id,
                            row_count,
                        };
                        (done, bytes)
                    })
                    .map_err(|e| e.to_user_error()),
            );
        }
        Request::RunPart {
            sql,
            bindings,
            part,
            parts,
            ..
        } => {
            match run_part(engine, &sql, &bindings, part, parts).await {
                Ok((fingerprint, buffers)) => post_buffers(
                    &Response::PartDone {
                        request_id,
                        fingerprint,
                    },
                    buffers,
                ),
                Err(error) => post(&Response::Failed { request_id, error }, None),
            }
            return;
        }
        Request::Settle { .. } => {
            let workers = match helper {
                Some(helper) => {
                    helper.settled().await;
                    if helper.is_ready() { 2 } else { 1 }
                }
                None => 1,
            };
            Ok(Response::Settled {
                request_id,
                workers,
            })
        }
        Request::CrashForTesting { .. } => {
            panic!("the engine was asked to crash, to test recovery");
        }
    };
    if let (Ok(_), Some((helper, request, payload))) = (&answer, mirror) {
        helper.mirror(request, payload);
    }
    let response = answer.unwrap_or_else(|error| Response::Failed { request_id, error });
    post(&response, None);
}

/// Posts an answer with its Arrow IPC bytes as a transferred buffer, or the failure.
fn post_result(request_id: u64, result: Result<(Response, Vec<u8>), UserError>) {
    match result {
        Ok((response, bytes)) => {
            let buffer = js_sys::Uint8Array::from(bytes.as_slice()).buffer();
            post(&response, Some(buffer));
        }
        Err(error) => post(&Response::Failed { request_id, error }, None),
    }
}

/// A query's answer as it leaves the worker.
struct QueryAnswer {
    row_count: u64,
    elapsed_ms: f64,
    /// 2 when the helper ran part of it.
    workers: u32,
    /// The result as one Arrow IPC stream.
    bytes: Vec<u8>,
}

async fn query(
    engine: &mut Engine,
    helper: Option<&Helper>,
    scope: Scope,
    sql: &str,
) -> Result<QueryAnswer, UserError> {
    let started = now_ms();
    let (stream, workers) = match split_with_helper(engine, helper, scope, sql, &[]).await {
        Some(split) => {
            let (stream, helped) = split.map_err(|e| e.to_user_error())?;
            (stream, if helped { 2 } else { 1 })
        }
        None => (
            engine
                .execute_in(scope, sql)
                .await
                .map_err(|e| e.to_user_error())?,
            1,
        ),
    };
    let schema = stream.schema();
    let batches: Vec<_> = stream
        .try_collect()
        .await
        .map_err(|e| EngineError::Execution(e).to_user_error())?;
    let elapsed_ms = now_ms() - started;
    let row_count = batches.iter().map(|b| b.num_rows() as u64).sum();
    let bytes = page_ipc_stream(&schema, &batches).map_err(|e| e.to_user_error())?;
    Ok(QueryAnswer {
        row_count,
        elapsed_ms,
        workers,
        bytes,
    })
}

/// The query answered with the helper, each running one partition of its
/// partial aggregates, and whether the helper's partition came from the helper
/// (else this worker ran both). `None` when it is not split (no helper, a
/// cross-filtered scope, nothing to split, tables the helper does not hold).
/// Planning errors are left to the ordinary path, which reports them as ever.
async fn split_with_helper(
    engine: &Engine,
    helper: Option<&Helper>,
    scope: Scope,
    sql: &str,
    bindings: &[(String, BoundValue)],
) -> Option<Result<(SendableRecordBatchStream, bool), EngineError>> {
    let helper = helper?;
    if scope != Scope::Whole || !helper.is_ready() {
        return None;
    }
    // Planning twice costs a multi-way join some milliseconds in wasm: a
    // query found not splittable is not planned for splitting again, and one
    // that was split is sent to the helper before this worker plans it, so
    // both plan at once rather than one after the other.
    let key = format!("{sql}\u{0}{bindings:?}");
    let early = match helper.was_split(&key) {
        Some(false) => return None,
        Some(true) => Some(helper.run_part(sql, bindings, 1, PARTS)),
        None => None,
    };
    // Returning `None` below drops an early request: the helper's answer,
    // when it comes, is not waited for.
    let split = match engine.plan_split(sql, bindings, PARTS as usize).await {
        Ok(Some(split)) => split,
        Ok(None) => {
            helper.remember_verdict(key, false);
            return None;
        }
        Err(_) => return None,
    };
    // Remembered too: the memory is cleared when the tables change.
    if !helper.is_worth_splitting(split.rows_scanned(), split.share_rows()) {
        helper.remember_verdict(key, false);
        return None;
    }
    if !helper.holds(split.tables()) {
        return None;
    }
    helper.remember_verdict(key, true);
    let theirs = early.unwrap_or_else(|| helper.run_part(sql, bindings, 1, PARTS));
    Some(
        async {
            let mine = split.run_part(0).await?;
            let theirs = match theirs.await {
                Some(part) if part.fingerprint == split.fingerprint() => {
                    split.decode_part(&part.streams).ok()
                }
                _ => None,
            };
            let helped = theirs.is_some();
            // The helper could not answer: this worker runs its partition too.
            let theirs = match theirs {
                Some(part) => part,
                None => split.run_part(1).await?,
            };
            Ok((split.finish(vec![mine, theirs])?, helped))
        }
        .await,
    )
}

/// The helper's side: partition `part` of each partial aggregate of `sql`, as
/// Arrow IPC buffers, with the plan's fingerprint.
async fn run_part(
    engine: &Engine,
    sql: &str,
    bindings: &[(String, BoundValue)],
    part: u32,
    parts: u32,
) -> Result<(String, Vec<js_sys::ArrayBuffer>), UserError> {
    let split = engine
        .plan_split(sql, bindings, parts as usize)
        .await
        .map_err(|e| e.to_user_error())?
        .ok_or_else(|| {
            UserError::new(
                ErrorKind::Internal,
                "The helper found nothing to split in this query (this is a bug in Meridian).",
            )
        })?;
    let batches = split
        .run_part(part as usize)
        .await
        .map_err(|e| e.to_user_error())?;
    let streams = split.encode_part(&batches).map_err(|e| e.to_user_error())?;
    let buffers = streams
        .iter()
        .map(|bytes| js_sys::Uint8Array::from(bytes.as_slice()).buffer())
        .collect();
    Ok((split.fingerprint().to_string(), buffers))
}

/// Runs (or finds) a step; its rows, or only its schema, as Arrow IPC.
async fn step_answer(
    engine: &mut Engine,
    helper: Option<&Helper>,
    run: StepRun<'_>,
    send_rows: bool,
) -> Result<(u64, bool, Vec<u8>), UserError> {
    let (result, cached) = run_step(engine, helper, run)
        .await
        .map_err(|e| e.to_user_error())?;
    let row_count = result.batches.iter().map(|b| b.num_rows() as u64).sum();
    let rows = if send_rows {
        first_rows(&result.batches, ROWS_SENT_TO_PAGE)
    } else {
        Vec::new()
    };
    let bytes = page_ipc_stream(&result.schema, &rows).map_err(|e| e.to_user_error())?;
    Ok((row_count, cached, bytes))
}

/// Runs a step, with the helper when its query splits; or finds its result held.
async fn run_step(
    engine: &mut Engine,
    helper: Option<&Helper>,
    run: StepRun<'_>,
) -> Result<(meridian_engine::StepResult, bool), EngineError> {
    if let Some(held) = engine.held_step(&run).await? {
        return Ok((held, true));
    }
    let Some(split) = split_with_helper(engine, helper, run.scope, run.sql, run.bindings).await
    else {
        return engine.run_step(run).await;
    };
    let (stream, _) = split?;
    let schema = stream.schema();
    let batches = stream.try_collect().await.map_err(EngineError::Execution)?;
    let result = engine.keep_step(&run, schema, batches).await?;
    Ok((result, false))
}

async fn register(
    engine: &mut Engine,
    request_id: u64,
    name: String,
    format: meridian_model::DatasetFormat,
    source: DatasetSource,
    payload: wasm_bindgen::JsValue,
) -> Result<meridian_model::DatasetInfo, UserError> {
    let progress = move |loaded_bytes: u64, total_bytes: Option<u64>| {
        post(
            &Response::Progress {
                request_id,
                loaded_bytes,
                total_bytes,
            },
            None,
        );
    };
    let (file_name, remote) = match &source {
        DatasetSource::File { file_name } => {
            let file: web_sys::File = payload.dyn_into().map_err(|_| {
                UserError::new(
                    ErrorKind::Internal,
                    format!("The file '{file_name}' did not reach the engine (this is a bug in Meridian)."),
                )
            })?;
            if is_read_by_ranges(format, &file) {
                let request = LoadRequest {
                    name,
                    format,
                    source: source.clone(),
                    file_name: file_name.clone(),
                };
                return register_file_by_ranges(engine, request, file, &progress).await;
            }
            let bytes = read::read_file(&file, &progress).await.map_err(|reason| {
                UserError::new(
                    ErrorKind::Load,
                    format!("Could not read '{file_name}': {reason}"),
                )
            })?;
            (file_name.clone(), Remote::Downloaded(bytes))
        }
        DatasetSource::Sample { url } | DatasetSource::Url { url } => {
            let file_name = url_file_name(url);
            let remote = read::open_url(url, format, &progress)
                .await
                .map_err(|reason| {
                    UserError::new(ErrorKind::Load, format!("Could not load {url}: {reason}"))
                })?;
            (file_name, remote)
        }
    };
    let request = LoadRequest {
        name,
        format,
        source,
        file_name,
    };
    let registered = match remote {
        Remote::Downloaded(bytes) => engine.register_bytes(request, bytes).await,
        Remote::Ranged { store, url, size } => {
            engine.register_object(request, store, &url, size).await
        }
    };
    registered.map_err(|e| e.to_user_error())
}

/// A chosen Parquet file up to this size is read into the worker whole, where
/// queries read it several times faster than through `Blob.slice` (each slice
/// is an asynchronous copy out of the browser); a larger one stays on disk and
/// is read by ranges, so its size is bounded by the disk, not by memory.
/// Either way the engine then holds the table decoded when it fits its budget,
/// and lets go of the file's bytes.
const FILE_READ_WHOLE_BYTES: u64 = 512 * 1024 * 1024;

/// Whether `payload` is a chosen Parquet file too large to read whole.
fn is_read_by_ranges(
    format: meridian_model::DatasetFormat,
    payload: &wasm_bindgen::JsValue,
) -> bool {
    format == meridian_model::DatasetFormat::Parquet
        && payload
            .dyn_ref::<web_sys::File>()
            .is_some_and(|file| file.size() as u64 > FILE_READ_WHOLE_BYTES)
}

/// A large Parquet file a person chose stays on disk: it is hashed piece by piece
/// (so a reload can find it again) and read by ranges as queries need it.
async fn register_file_by_ranges(
    engine: &mut Engine,
    request: LoadRequest,
    file: web_sys::File,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<meridian_model::DatasetInfo, UserError> {
    let cannot_read = |reason: String| {
        UserError::new(
            ErrorKind::Load,
            format!("Could not read '{}': {reason}", request.file_name),
        )
    };
    // Before reading a gigabyte: a name in use would fail only afterwards.
    engine
        .check_new_name(&request.name)
        .map_err(|e| e.to_user_error())?;
    let sha256 = read::hash_file(&file, progress)
        .await
        .map_err(cannot_read)?;
    let size = file.size() as u64;
    let store = file_store();
    let url = store.add(&request.name, file).map_err(cannot_read)?;
    let name = request.name.clone();
    match engine
        .register_object(request, store.clone(), &url, size)
        .await
    {
        Ok(dataset) => Ok(engine.set_content_sha256(&name, sha256).unwrap_or(dataset)),
        Err(error) => {
            store.forget(&name);
            Err(error.to_user_error())
        }
    }
}

fn url_file_name(url: &str) -> String {
    url.split(['?', '#'])
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or(url)
        .to_string()
}
