#!/usr/bin/env node
import { main } from './cli/main.js';

// The reader went away (`chatarchief messages --json | head`): stop writing, quietly, as Unix tools do, not with a
// stack trace. The command still finishes and its exit code stands (a failed `verify … | head` is still a failure).
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
    stdoutClosed = true;
    return;
  }
  throw e;
});

const code = await main(process.argv.slice(2), {
  stdout: (s) => {
    if (!stdoutClosed) process.stdout.write(s);
  },
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;
