//! Uploaded files kept in the browser's origin private file system (OPFS),
//! named by their SHA-256, so a reload (or a saved analysis opened later)
//! finds them without asking. Files the saved analyses no longer read are
//! removed at start-up. Nothing here leaves the browser.

use std::collections::BTreeSet;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions};

use crate::engine_client::js_error_text;

const FOLDER: &str = "uploads";

fn text(error: JsValue) -> String {
    let message = js_error_text(&error);
    if message.contains("QuotaExceeded") || message.to_lowercase().contains("quota") {
        "the browser's storage for this site is full".to_string()
    } else {
        message
    }
}

async fn folder() -> Result<FileSystemDirectoryHandle, String> {
    let window = web_sys::window().ok_or("there is no window")?;
    let root = JsFuture::from(window.navigator().storage().get_directory())
        .await
        .map_err(|_| "this browser keeps no files for web pages".to_string())?;
    let root: FileSystemDirectoryHandle = root.unchecked_into();
    let options = web_sys::FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    let folder = JsFuture::from(root.get_directory_handle_with_options(FOLDER, &options))
        .await
        .map_err(text)?;
    Ok(folder.unchecked_into())
}

/// Keeps a copy of `file` under its hash; a copy already kept is left alone.
pub async fn keep(file: &web_sys::File, sha256: &str) -> Result<(), String> {
    if find(sha256).await.is_some() {
        return Ok(());
    }
    let folder = folder().await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: FileSystemFileHandle =
        JsFuture::from(folder.get_file_handle_with_options(sha256, &options))
            .await
            .map_err(text)?
            .unchecked_into();
    let writable: web_sys::FileSystemWritableFileStream = JsFuture::from(handle.create_writable())
        .await
        .map_err(text)?
        .unchecked_into();
    let written = match writable.write_with_blob(file) {
        Ok(promise) => JsFuture::from(promise).await.map(|_| ()),
        Err(error) => Err(error),
    };
    if let Err(error) = written {
        // Half a file must not be found later as the whole one.
        let _ = JsFuture::from(writable.abort()).await;
        let _ = JsFuture::from(folder.remove_entry(sha256)).await;
        return Err(text(error));
    }
    JsFuture::from(writable.close()).await.map_err(text)?;
    Ok(())
}

/// The kept file with this hash, if there is one.
pub async fn find(sha256: &str) -> Option<web_sys::File> {
    let folder = folder().await.ok()?;
    let handle: FileSystemFileHandle = JsFuture::from(folder.get_file_handle(sha256))
        .await
        .ok()?
        .unchecked_into();
    JsFuture::from(handle.get_file())
        .await
        .ok()
        .map(|file| file.unchecked_into())
}

/// Removes every kept file whose hash is not in `needed`.
pub async fn forget_all_but(needed: &BTreeSet<String>) -> Result<usize, String> {
    let folder = folder().await?;
    let names = folder.keys();
    let mut unneeded = Vec::new();
    loop {
        let step = JsFuture::from(names.next().map_err(text)?)
            .await
            .map_err(text)?;
        let done = js_sys::Reflect::get(&step, &"done".into())
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Some(name) = js_sys::Reflect::get(&step, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            && !needed.contains(&name)
        {
            unneeded.push(name);
        }
    }
    for name in &unneeded {
        JsFuture::from(folder.remove_entry(name))
            .await
            .map_err(text)?;
    }
    Ok(unneeded.len())
}
