// `npm run readme`: regenerates the CLI reference in README.md from the commands (test/readme.test.ts checks it).
import fs from 'node:fs';
import { withReference } from '../dist/src/cli/reference.js';

const file = new URL('../README.md', import.meta.url);
fs.writeFileSync(file, withReference(fs.readFileSync(file, 'utf8')));
