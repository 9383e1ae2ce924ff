/**
 * Request checks of the local review server (pure, so they are tested on their own):
 * - Host must name this server (stops DNS rebinding: a hostile site that resolves its name to 127.0.0.1).
 * - Origin, when sent, must be this server; `Sec-Fetch-Site: cross-site` is refused.
 * - The access token: the page itself may carry it in the query string (the printed link); every API request must send
 *   it in the `X-Chatarchief-Token` header (never a cookie or query string), which a cross-site page cannot do.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';

export const TOKEN_HEADER = 'x-chatarchief-token';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (net.isIPv4(h) && h.startsWith('127.'));
}

const isWildcard = (host: string): boolean => ['0.0.0.0', '::', '[::]'].includes(host);

/** Host header values that address this server. A wildcard bind accepts any host (the token still guards it). */
export function allowedHosts(bindHost: string, port: number): Set<string> | null {
  if (isWildcard(bindHost)) return null;
  const hosts = new Set<string>();
  const fmt = (h: string) => (net.isIPv6(h) ? `[${h}]` : h);
  hosts.add(`${fmt(bindHost.replace(/^\[|\]$/g, ''))}:${port}`.toLowerCase());
  if (isLoopback(bindHost)) for (const h of ['localhost', '127.0.0.1', '[::1]']) hosts.add(`${h}:${port}`);
  return hosts;
}

function tokenEquals(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export type GuardResult = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string };

export function checkRequest(req: http.IncomingMessage, url: URL, o: { token: string; hosts: Set<string> | null }): GuardResult {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!host) return { ok: false, status: 400, reason: 'missing Host header' };
  if (o.hosts && !o.hosts.has(host)) return { ok: false, status: 403, reason: `Host ${host} is not this server` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { ok: false, status: 403, reason: `cross-origin request from ${origin} refused` };
  if (req.headers['sec-fetch-site'] === 'cross-site') return { ok: false, status: 403, reason: 'cross-site request refused' };
  const header = req.headers[TOKEN_HEADER];
  const headerToken = Array.isArray(header) ? header[0] : header;
  const isPage = req.method === 'GET' && url.pathname === '/';
  const given = headerToken ?? (isPage ? url.searchParams.get('token') ?? undefined : undefined);
  if (!tokenEquals(given, o.token)) return { ok: false, status: 401, reason: 'missing or wrong access token' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (!headerToken) return { ok: false, status: 401, reason: 'changes need the token in the X-Chatarchief-Token header' };
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (ct !== 'application/json') return { ok: false, status: 400, reason: 'expected Content-Type: application/json' };
  }
  return { ok: true };
}
