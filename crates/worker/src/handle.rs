//! What the worker does with each request.

use futures::TryStreamExt;
use meridian_engine::{
    Engine, EngineError, LoadRequest, StepRun, first_rows, ipc_stream_from_batches,
};
use meridian_model::{
    DatasetSource, ErrorKind, ROWS_SENT_TO_PAGE, Request, Response, Scope, UserError,
};
use wasm_bindgen::JsCast;

use crate::browser::{Incoming, now_ms, post};
use crate::file_store::file_store;
use crate::read::{self, Remote};

pub async fn handle(engine: &mut Engine, incoming: Incoming) {
    let request_id = incoming.request.request_id();
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
                query(engine, scope, &sql)
                    .await
                    .map(|(row_count, elapsed_ms, bytes)| {
                        let done = Response::QueryDone {
                            request_id,
                            row_count,
                            elapsed_ms,
                        };
                        (done, bytes)
                    }),
            );
        }
        Request::RunStep { call, .. } => {
            let started = now_ms();
            let answer = step_answer(engine, StepRun::from(&call), call.send_rows).await;
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
        Request::CrashForTesting { .. } => {
            panic!("the engine was asked to crash, to test recovery");
        }
    };
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

async fn query(
    engine: &mut Engine,
    scope: Scope,
    sql: &str,
) -> Result<(u64, f64, Vec<u8>), UserError> {
    let started = now_ms();
    let stream = engine
        .execute_in(scope, sql)
        .await
        .map_err(|e| e.to_user_error())?;
    let schema = stream.schema();
    let batches: Vec<_> = stream
        .try_collect()
        .await
        .map_err(|e| EngineError::Execution(e).to_user_error())?;
    let elapsed_ms = now_ms() - started;
    let row_count = batches.iter().map(|b| b.num_rows() as u64).sum();
    let bytes = ipc_stream_from_batches(&schema, &batches).map_err(|e| e.to_user_error())?;
    Ok((row_count, elapsed_ms, bytes))
}

/// Runs (or finds) a step; its rows, or only its schema, as Arrow IPC.
async fn step_answer(
    engine: &mut Engine,
    run: StepRun<'_>,
    send_rows: bool,
) -> Result<(u64, bool, Vec<u8>), UserError> {
    let (result, cached) = engine.run_step(run).await.map_err(|e| e.to_user_error())?;
    let row_count = result.batches.iter().map(|b| b.num_rows() as u64).sum();
    let rows = if send_rows {
        first_rows(&result.batches, ROWS_SENT_TO_PAGE)
    } else {
        Vec::new()
    };
    let bytes = ipc_stream_from_batches(&result.schema, &rows).map_err(|e| e.to_user_error())?;
    Ok((row_count, cached, bytes))
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
            if format == meridian_model::DatasetFormat::Parquet
                && file.size() as u64 > FILE_READ_WHOLE_BYTES
            {
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
