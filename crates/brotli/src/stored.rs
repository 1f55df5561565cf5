//! A Brotli writer that stores its input in uncompressed meta-blocks.

use std::io::{self, Write};

/// The most bytes one meta-block carries with a four-nibble length (RFC 7932, 9.2).
const MAX_BLOCK: usize = 1 << 16;

/// Writes a Brotli stream whose data is stored, not compressed.
///
/// The stream is finished (its last, empty meta-block written) when the writer
/// is dropped, as with the `brotli` crate's writer. The arguments that tune
/// compression are accepted for the same signature and otherwise unused.
pub struct CompressorWriter<W: Write> {
    inner: W,
    started: bool,
}

impl<W: Write> CompressorWriter<W> {
    pub fn new(inner: W, _buffer_size: usize, _quality: u32, _lgwin: u32) -> Self {
        Self {
            inner,
            started: false,
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        let mut bits = BitWriter::default();
        if !self.started {
            bits.window_bits();
        }
        // ISLAST = 1, ISLASTEMPTY = 1.
        bits.push(1, 1);
        bits.push(1, 1);
        self.inner.write_all(&bits.into_bytes())
    }

    fn write_block(&mut self, block: &[u8]) -> io::Result<()> {
        let mut bits = BitWriter::default();
        if !self.started {
            bits.window_bits();
            self.started = true;
        }
        // ISLAST = 0; MNIBBLES = 4 (coded 0); MLEN - 1 in 16 bits; ISUNCOMPRESSED = 1.
        bits.push(0, 1);
        bits.push(0, 2);
        bits.push((block.len() - 1) as u32, 16);
        bits.push(1, 1);
        self.inner.write_all(&bits.into_bytes())?;
        self.inner.write_all(block)
    }
}

impl<W: Write> Write for CompressorWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let block = &buf[..buf.len().min(MAX_BLOCK)];
        if !block.is_empty() {
            self.write_block(block)?;
        }
        Ok(block.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for CompressorWriter<W> {
    fn drop(&mut self) {
        // As the `brotli` crate's writer does: a failure here has nowhere to go.
        let _ = self.finish();
    }
}

/// Bits in Brotli's order (least significant first), padded with zeros to a byte.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    used: u32,
}

impl BitWriter {
    /// WBITS coded as a single 0 bit: a 64 KiB window, which stored data never uses.
    fn window_bits(&mut self) {
        self.push(0, 1);
    }

    fn push(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            if let Some(last) = self.bytes.last_mut() {
                *last |= bit << (self.used % 8);
            }
            self.used += 1;
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}
