import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withReference } from '../src/cli/reference.js';
import { COMMANDS } from '../src/cli/registry.js';
import { REPO } from './helpers/cli.js';

describe('README', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  it('shows the two first-screen commands', () => {
    const firstScreen = readme.split('\n').slice(0, 25).join('\n');
    expect(firstScreen).toContain('npm ci && npm run demo');
    expect(firstScreen).toContain('npm test');
  });
  it('has a CLI reference that matches the commands (run `npm run readme` after changing a command)', () => {
    expect(readme).toBe(withReference(readme));
    for (const c of COMMANDS) expect(readme).toContain(`chatarchief ${c.usage.replace(/\|/g, '\\|')}`);
  });
});
