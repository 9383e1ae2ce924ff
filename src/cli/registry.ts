import type { Command } from './command.js';
import { custodianCommands } from './commands/custodian.js';
import { exportCommands } from './commands/export.js';
import { ingestCommands } from './commands/ingest.js';
import { reportCommands } from './commands/report.js';
import { reviewCommands } from './commands/review.js';
import { rulesCommands } from './commands/rules.js';

/** Every CLI command, in pipeline order (help lists them so). Each feature module exports its commands. */
export const COMMANDS: Command[] = [
  ...custodianCommands,
  ...ingestCommands,
  ...rulesCommands,
  ...reviewCommands,
  ...exportCommands,
  ...reportCommands,
];
