/**
 * Errors that the CLI maps to exit codes: UserError (bad input or usage) → 1; anything else → 2 (internal).
 * A UserError's message is shown as is, so it must name the file, the line or entry, and what was expected.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly details: { file?: string; line?: number; entry?: string; code?: string } = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad input in a file the user gave us. The message names the file and, when known, line or entry. */
export class InputError extends UserError {
  constructor(file: string, reason: string, where: { line?: number; entry?: string; code?: string } = {}) {
    const loc = where.entry ? ` (entry ${where.entry})` : where.line !== undefined ? `:${where.line}` : '';
    super(`${file}${loc}: ${reason}`, { file, ...where });
    this.name = 'InputError';
  }
}
