import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildFixture, cli, CUSTODIAN, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => { f = buildFixture(); });
afterEach(() => f.close());

describe('chatarchief review (server command)', () => {
  it('prints the URL with its token, serves the page on loopback and stops on SIGTERM', async () => {
    let out = '';
    let err = '';
    const running = main(['review', '--custodian', CUSTODIAN, '--db', f.dbPath, '--json'], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {} });
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/"url"/);
    const info = JSON.parse(out) as { url: string; host: string; port: number };
    expect(info.host).toBe('127.0.0.1');
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect((await fetch(info.url)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${info.port}/`)).status).toBe(401);
    const token = new URL(info.url).searchParams.get('token')!;
    const api = await fetch(`http://127.0.0.1:${info.port}/api/session`, { headers: { 'x-chatarchief-token': token } });
    expect(await api.json()).toMatchObject({ custodian: { id: CUSTODIAN, name: 'J. de Vries' } });
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(err).toBe('');
    await expect(fetch(info.url)).rejects.toThrow();
  });

  it('prints a human line with the link', async () => {
    let out = '';
    const running = main(['review', '--custodian', CUSTODIAN, '--db', f.dbPath, '--port', '0'], { stdout: (s) => { out += s; }, stderr: () => {}, env: {} });
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/Review page for J\. de Vries \(minister-bzk\):\n\n {2}http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    process.emit('SIGINT');
    expect(await running).toBe(0);
  });

  it('refuses an unknown custodian and a bad port (exit 1)', async () => {
    const a = await cli(['review', '--custodian', 'onbekend', '--db', f.dbPath]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/unknown custodian 'onbekend'/);
    const b = await cli(['review', '--custodian', CUSTODIAN, '--port', '70000', '--db', f.dbPath]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--port: expected a port number/);
  });

  it('refuses a port in use, a host not of this machine and an unknown host with exit 1 and the option, no stack (QA)', async () => {
    const net = await import('node:net');
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const a = await cli(['review', '--custodian', CUSTODIAN, '--port', String(port), '--db', f.dbPath]);
      expect(a.code).toBe(1);
      expect(a.stderr).toBe(`chatarchief review: --port ${port}: already in use by another program; choose another port, or leave --port out to get a free one\n`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    const b = await cli(['review', '--custodian', CUSTODIAN, '--host', '192.0.2.1', '--db', f.dbPath]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^chatarchief review: --host 192\.0\.2\.1: not an address of this machine/);
    const c = await cli(['review', '--custodian', CUSTODIAN, '--host', 'geen-host.invalid', '--db', f.dbPath]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/^chatarchief review: --host geen-host\.invalid: unknown host name/);
    for (const r of [b, c]) expect(r.stderr).not.toMatch(/internal error|    at /);
  });
});
