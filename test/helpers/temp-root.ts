/**
 * Vitest setup file: every test file gets its own temporary root (TMPDIR, which `os.tmpdir()` and the CLI processes
 * the tests start both read), removed after the file's last test. Test stores, exports, browser profiles and review
 * servers' files therefore do not pile up in the system temp directory run after run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const before = process.env.TMPDIR;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-vitest-'));
process.env.TMPDIR = root;

afterAll(() => {
  // (restored first: a worker that runs another test file next must not create its root inside this one)
  if (before === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = before;
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});
