/**
 * The local review web server (node:http, no framework). Binds to 127.0.0.1 unless told otherwise, serves one
 * custodian, and refuses every request without the random access token (see guard.ts). The page is one HTML document
 * with its script and style inline (CSP nonce); it loads nothing from outside.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isStoreBusy, STORE_BUSY_MESSAGE, type DB } from '../store/db.js';
import * as api from './api.js';
import { allowedHosts, checkRequest, isLoopback, newToken } from './guard.js';
import { renderDeniedPage, renderPage } from './page/html.js';
import { exporterPreview } from './export-preview.js';
import type { PreviewProvider } from './preview.js';
import { ReviewError } from './service.js';

export interface ReviewServerOptions {
  db: DB;
  custodianId: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: 24 random bytes. */
  token?: string;
  /** Renders "voorbeeld geschoonde set"; defaults to the exporter's own cleaning (src/review/export-preview.ts). */
  preview?: PreviewProvider | null;
}

export interface ReviewServer {
  url: string;
  host: string;
  port: number;
  token: string;
  loopback: boolean;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * The largest request body: a decision on the 100,000 markings /api/decide allows, or a bulk whose scope lists every
 * suggestion of a conversation of a million messages, each with its latest decision id (about 20 bytes a marking).
 */
const MAX_BODY = 32 * 1024 * 1024;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function send(res: http.ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const sendJson = (res: http.ServerResponse, status: number, data: unknown) => send(res, status, JSON.stringify(data), 'application/json; charset=utf-8');

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new api.ApiError(413, 'request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch {
        reject(new api.ApiError(400, 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

type Handler = (ctx: api.ApiContext, m: RegExpMatchArray, q: URLSearchParams, body: unknown) => unknown;

const GET: [RegExp, Handler][] = [
  [/^\/api\/session$/, (c) => api.session(c)],
  [/^\/api\/conversations$/, (c) => api.conversations(c)],
  [/^\/api\/conversations\/(\d+)$/, (c, m) => api.conversation(c, Number(m[1]))],
  [/^\/api\/conversations\/(\d+)\/messages$/, (c, m, q) => api.messages(c, Number(m[1]), q)],
  [/^\/api\/conversations\/(\d+)\/positions$/, (c, m, q) => api.positions(c, Number(m[1]), q)],
  [/^\/api\/conversations\/(\d+)\/preview$/, (c, m, q) => api.preview(c, Number(m[1]), q)],
  [/^\/api\/conversations\/(\d+)\/bulk-scope$/, (c, m, q) => api.bulkScope(c, Number(m[1]), q)],
  [/^\/api\/messages\/(\d+)\/position$/, (c, m) => api.messageIndex(c, Number(m[1]))],
  [/^\/api\/markings\/(\d+)$/, (c, m) => api.markingDetail(c, Number(m[1]))],
];

const POST: [RegExp, Handler][] = [
  [/^\/api\/decide$/, (c, _m, _q, b) => api.postDecide(c, b)],
  [/^\/api\/bulk$/, (c, _m, _q, b) => api.postBulk(c, b)],
  [/^\/api\/mark$/, (c, _m, _q, b) => api.postMark(c, b)],
];

export async function startReviewServer(opts: ReviewServerOptions): Promise<ReviewServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  let preview = opts.preview;
  if (preview === undefined) preview = exporterPreview;
  const ctx: api.ApiContext = { db: opts.db, custodianId: opts.custodianId, preview };
  let hosts: Set<string> | null = null;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return;
      if (isStoreBusy(e)) sendJson(res, 503, { error: STORE_BUSY_MESSAGE, code: 'busy' });
      else sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}`, code: 'internal' });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://review.invalid');
    const g = checkRequest(req, url, { token, hosts });
    if (!g.ok) {
      if (url.pathname === '/' && req.method === 'GET') send(res, g.status, renderDeniedPage(g.status), 'text/html; charset=utf-8', { 'Content-Security-Policy': "default-src 'none'" });
      else sendJson(res, g.status, { error: g.reason, code: g.status === 401 ? 'token' : 'forbidden' });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      const nonce = crypto.randomBytes(16).toString('base64');
      const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
      send(res, 200, renderPage(nonce), 'text/html; charset=utf-8', { 'Content-Security-Policy': csp });
      return;
    }
    const routes = req.method === 'GET' ? GET : req.method === 'POST' ? POST : null;
    if (!routes) return sendJson(res, 405, { error: `method ${req.method} not allowed`, code: 'method' });
    for (const [re, h] of routes) {
      const m = url.pathname.match(re);
      if (!m) continue;
      try {
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        sendJson(res, 200, h(ctx, m, url.searchParams, body));
      } catch (e) {
        if (e instanceof ReviewError) sendJson(res, api.statusFor(e), { error: e.message, code: e.code, ...(e.conflicts ? { conflicts: e.conflicts } : {}) });
        else if (e instanceof api.ApiError) sendJson(res, e.status, { error: e.message, code: e.code });
        else throw e;
      }
      return;
    }
    sendJson(res, 404, { error: `no such resource: ${url.pathname}`, code: 'not-found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    loopback: isLoopback(host),
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
