//! A small key-value store over IndexedDB: text values under text keys in one
//! object store. IndexedDB's callbacks become futures here.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::engine_client::js_error_text;

const DATABASE: &str = "meridian";
const DATABASE_VERSION: u32 = 1;

/// The object stores this app keeps.
pub const ANALYSES: &str = "analyses";

/// Waits for an IndexedDB request; its result, or the browser's reason as text.
async fn finished(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let reason = failed
                .error()
                .ok()
                .flatten()
                .map(|e| format!("{}: {}", e.name(), e.message()))
                .unwrap_or_else(|| "no reason given".into());
            let _ = reject.call1(&JsValue::NULL, &reason.into());
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| js_error_text(&e))
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or("this browser keeps no local database (private mode may turn it off)")?;
    let request = factory
        .open_with_u32(DATABASE, DATABASE_VERSION)
        .map_err(|e| js_error_text(&e))?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result() {
            let db: IdbDatabase = db.unchecked_into();
            if !db.object_store_names().contains(ANALYSES) {
                let _ = db.create_object_store(ANALYSES);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(finished(&request).await?.unchecked_into())
}

fn store(db: &IdbDatabase, name: &str, mode: IdbTransactionMode) -> Result<IdbObjectStore, String> {
    db.transaction_with_str_and_mode(name, mode)
        .and_then(|t| t.object_store(name))
        .map_err(|e| js_error_text(&e))
}

/// Resolves when a write is on disk: a full disk shows as the transaction
/// aborting (QuotaExceededError) after the request itself succeeded.
/// The handlers are set at once, before any request of the transaction can
/// finish, so the completion cannot be missed.
fn committed(transaction: &IdbTransaction) -> JsFuture {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = transaction.clone();
        let on_abort = Closure::once_into_js(move || {
            let reason = failed
                .error()
                .map(|e| format!("{}: {}", e.name(), e.message()))
                .unwrap_or_else(|| "the browser gave up the write".into());
            let _ = reject.call1(&JsValue::NULL, &reason.into());
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// Runs one write in its own transaction and waits until it is committed.
async fn write(
    store_name: &str,
    make: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<(), String> {
    let db = open().await?;
    let transaction = db
        .transaction_with_str_and_mode(store_name, IdbTransactionMode::Readwrite)
        .map_err(|e| js_error_text(&e))?;
    let store = transaction
        .object_store(store_name)
        .map_err(|e| js_error_text(&e))?;
    let commit = committed(&transaction);
    let request = make(&store).map_err(|e| js_error_text(&e))?;
    finished(&request).await?;
    commit.await.map(|_| ()).map_err(|e| js_error_text(&e))
}

pub async fn put(store_name: &str, key: &str, value: &str) -> Result<(), String> {
    write(store_name, |store| {
        store.put_with_key(&value.into(), &key.into())
    })
    .await
}

pub async fn get(store_name: &str, key: &str) -> Result<Option<String>, String> {
    let db = open().await?;
    let request = store(&db, store_name, IdbTransactionMode::Readonly)?
        .get(&key.into())
        .map_err(|e| js_error_text(&e))?;
    Ok(finished(&request).await?.as_string())
}

/// Every value in the store.
pub async fn all(store_name: &str) -> Result<Vec<String>, String> {
    let db = open().await?;
    let request = store(&db, store_name, IdbTransactionMode::Readonly)?
        .get_all()
        .map_err(|e| js_error_text(&e))?;
    let values: js_sys::Array = finished(&request).await?.unchecked_into();
    Ok(values.iter().filter_map(|v| v.as_string()).collect())
}

pub async fn delete(store_name: &str, key: &str) -> Result<(), String> {
    write(store_name, |store| store.delete(&key.into())).await
}
