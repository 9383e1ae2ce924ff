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

/**
 * Bad input in a file the user gave us. The message names the file and, when known, the line, or the entry of a zip
 * and the line in it: `x.txt:12: …`, `x.zip (entry _chat.txt, line 12): …`.
 */
export class InputError extends UserError {
  constructor(file: string, reason: string, where: { line?: number; entry?: string; code?: string } = {}) {
    const { line } = where;
    const loc = where.entry ? ` (entry ${where.entry}${line !== undefined ? `, line ${line}` : ''})` : line !== undefined ? `:${line}` : '';
    super(`${file}${loc}: ${reason}`, { file, ...where });
    this.name = 'InputError';
  }
}

/** What a file-system error code means for the person who must fix it; undefined for codes without a plain reading. */
const FS_REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a folder is in the way',
  ENOENT: 'a folder on the way does not exist and cannot be created there',
};

/** The plain reading of a file-system error code (see FS_REASONS), or undefined. */
export function fsReasonOf(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FS_REASONS[code];
}

/** A file system error as a reason an operator can act on (`a part of the path is a file, not a folder (ENOTDIR: /x)`). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason = fsReasonOf(err?.code);
  return reason ? `${reason} (${err.code}${err.path ? `: ${err.path}` : ''})` : String(err?.message ?? e);
}
