// Makes the built CLI executable (npm links bin entries, but a plain `node dist/src/cli.js` needs no bit).
import fs from 'node:fs';
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
