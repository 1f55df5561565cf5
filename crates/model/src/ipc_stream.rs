//! Reads the Arrow IPC streams the worker sends: a schema, then record batches.
//!
//! arrow's `StreamReader` also merges dictionary batches (replacements and
//! deltas), which links arrow's `concat` and `interleave` kernels: a quarter of
//! a megabyte of the UI's code before compression, for a case the worker never
//! produces (it sends dictionary columns as their values). This reader frames
//! the messages itself and decodes each batch with arrow's own decoder.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_buffer::Buffer;
use arrow_ipc::reader::RecordBatchDecoder;
use arrow_ipc::{Message, MessageHeader, root_as_message};
use arrow_schema::{ArrowError, SchemaRef};

/// The marker before each message's length since Arrow 0.15.
const CONTINUATION: [u8; 4] = [0xff; 4];

/// The schema and record batches of one stream.
pub fn read_stream(bytes: &[u8]) -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
    let mut messages = Messages { rest: bytes };
    let Some((message, _)) = messages.next_message()? else {
        return Err(error("the stream is empty"));
    };
    let schema = match message.header_as_schema() {
        Some(schema) => Arc::new(arrow_ipc::convert::fb_to_schema(schema)),
        None => return Err(error("the stream does not start with a schema")),
    };
    let no_dictionaries: HashMap<i64, ArrayRef> = HashMap::new();
    let mut batches = Vec::new();
    while let Some((message, body)) = messages.next_message()? {
        let version = message.version();
        match message.header_type() {
            MessageHeader::RecordBatch => {
                let Some(batch) = message.header_as_record_batch() else {
                    return Err(error("a record batch message has no batch"));
                };
                let body = Buffer::from(body);
                let decoder = RecordBatchDecoder::try_new(
                    &body,
                    batch,
                    schema.clone(),
                    &no_dictionaries,
                    &version,
                )?;
                batches.push(decoder.read_record_batch()?);
            }
            MessageHeader::DictionaryBatch => {
                return Err(error("dictionary-encoded columns are not expected"));
            }
            other => {
                let kind = other.variant_name().unwrap_or("of an unknown kind");
                return Err(error(&format!("a message {kind} is not expected")));
            }
        }
    }
    Ok((schema, batches))
}

fn error(what: &str) -> ArrowError {
    ArrowError::IpcError(what.to_string())
}

/// Splits a stream into messages and their bodies.
struct Messages<'a> {
    rest: &'a [u8],
}

impl<'a> Messages<'a> {
    /// The next message, or `None` at the end-of-stream marker or the end of the bytes.
    fn next_message(&mut self) -> Result<Option<(Message<'a>, &'a [u8])>, ArrowError> {
        if self.rest.starts_with(&CONTINUATION) {
            self.rest = &self.rest[4..];
        }
        if self.rest.is_empty() {
            return Ok(None);
        }
        let length = self.take(4)?;
        let length = i32::from_le_bytes([length[0], length[1], length[2], length[3]]);
        let length =
            usize::try_from(length).map_err(|_| error("a message has a negative length"))?;
        if length == 0 {
            return Ok(None);
        }
        let message = root_as_message(self.take(length)?).map_err(|e| error(&e.to_string()))?;
        let body_length = usize::try_from(message.bodyLength())
            .map_err(|_| error("a message has a negative body length"))?;
        let body = self.take(body_length)?;
        Ok(Some((message, body)))
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], ArrowError> {
        if self.rest.len() < count {
            return Err(error("the stream ends inside a message"));
        }
        let (taken, rest) = self.rest.split_at(count);
        self.rest = rest;
        Ok(taken)
    }
}
