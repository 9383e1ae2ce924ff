import type { Command } from './command.js';
import { custodianCommands } from './commands/custodian.js';

/** Every CLI command. Each feature module exports its commands; add them here. */
export const COMMANDS: Command[] = [
  ...custodianCommands,
];
