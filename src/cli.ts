#!/usr/bin/env node
import { main } from './cli/main.js';

// The reader went away (`chatarchief messages --json | head`): stop quietly, as Unix tools do, not with a stack trace.
// Nothing is half-written by this: every store change commits in its own transaction before its output is printed.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;
