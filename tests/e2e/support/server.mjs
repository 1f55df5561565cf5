// A tiny static file server for the end-to-end tests, on node's http module
// alone. One instance serves the built app; a second one serves fixtures as a
// "remote" origin, so tests can check that Parquet is read by HTTP ranges.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // streaming compilation insists on this exact type
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.parquet': 'application/vnd.apache.parquet',
  '.arrow': 'application/vnd.apache.arrow.file',
};

const CORS = {
  'Access-Control-Allow-Origin': '*',
  // Without these a cross-origin script cannot read the headers it needs to
  // learn a file's size from a range answer.
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
};

/**
 * Starts serving `root` on 127.0.0.1. `url` has no trailing slash.
 * Every request is pushed onto `requests` as `{ method, path, range, status }`
 * (`range` is the Range header or null).
 */
export async function startServer({ root, port = 0 }) {
  const base = resolve(root);
  const requests = [];
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      path = req.url; // malformed escapes: log it as sent, answer 404 below
    }
    const entry = { method: req.method, path, range: req.headers.range ?? null, status: 0 };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    handle(base, path, req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, String(error));
      else res.destroy();
    });
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    close: () => new Promise((done) => {
      // Browsers keep connections alive; drop them so close() does not hang.
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

async function handle(base, path, req, res) {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...CORS,
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      // A suffix range (bytes=-n) is not a "safe" Range value, so the browser
      // preflights it; echo what it asks for, and always allow Range.
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Range',
      'Access-Control-Max-Age': '600',
    });
    return res.end();
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');

  const file = await findFile(base, path);
  if (!file) return send(res, 404, `not found: ${path}`);
  const { filePath, size } = file;
  const headers = {
    ...CORS,
    'Content-Type': CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    // No caching: every read the app makes must reach the server, so the
    // request log tells the whole story.
    'Cache-Control': 'no-store',
  };

  const header = req.headers.range;
  const range = header ? parseRange(header, size) : null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    return res.end();
  }
  if (range) {
    const [start, end] = range;
    res.writeHead(206, {
      ...headers,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
    });
    return pipe(req, res, filePath, start, end);
  }
  // No Range, or one this server does not do (several ranges): the whole file,
  // which RFC 9110 allows.
  res.writeHead(200, { ...headers, 'Content-Length': String(size) });
  return pipe(req, res, filePath, 0, size - 1);
}

/** The file for a URL path, or null; never a file outside `base`. */
async function findFile(base, path) {
  let filePath = resolve(join(base, path));
  if (filePath !== base && !filePath.startsWith(base + sep)) return null;
  try {
    let info = await stat(filePath);
    if (info.isDirectory()) {
      filePath = join(filePath, 'index.html');
      info = await stat(filePath);
    }
    return info.isFile() ? { filePath, size: info.size } : null;
  } catch {
    return null;
  }
}

/**
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive [start, end];
 * 'unsatisfiable' when it asks for nothing inside the file; null for what is
 * not a single byte range (then the whole file is sent).
 */
export function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return null; // invalid: ignore it
  if (start >= size) return 'unsatisfiable';
  return [start, end];
}

function pipe(req, res, filePath, start, end) {
  if (req.method === 'HEAD' || end < start) return res.end();
  return new Promise((done) => {
    const stream = createReadStream(filePath, { start, end });
    stream.on('error', () => { res.destroy(); done(); });
    res.on('close', () => { stream.destroy(); done(); });
    stream.pipe(res);
  });
}

function send(res, status, text) {
  res.writeHead(status, { ...CORS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
