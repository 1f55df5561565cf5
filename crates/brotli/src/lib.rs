//! Brotli as Meridian's Parquet reader needs it.
//!
//! The `parquet` crate's Brotli codec reads with `Decompressor` and writes with
//! `CompressorWriter`. Meridian reads Brotli-compressed Parquet that people bring,
//! but never writes Brotli itself (its exports are Snappy), and the real encoder
//! is a third of a megabyte of the engine's compressed bundle, linked only
//! because a codec's `compress` sits next to its `decompress`. DataFusion turns
//! on `parquet`'s default features, so the codec cannot be left out from our
//! manifest; this crate replaces `brotli` in the build instead.
//!
//! Reading is the real decoder (`brotli-decompressor`, the crate `brotli` itself
//! re-exports). Writing produces valid Brotli streams (RFC 7932) whose data sits
//! in uncompressed meta-blocks: every decoder reads them, and they are a few
//! bytes per 64 KiB larger than their input.

mod stored;

pub use brotli_decompressor::Decompressor;
pub use stored::CompressorWriter;
