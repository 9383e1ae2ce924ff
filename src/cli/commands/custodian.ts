import os from 'node:os';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { addCustodian, getCustodian, listCustodians, updateCustodian, type Custodian } from '../../store/custodians.js';
import { categorySchema, isoDate, validateOptions, type Command } from '../command.js';
import { table } from '../format.js';

const zone = z.string().refine((s) => IANAZone.isValidZone(s), 'expected an IANA time zone such as Europe/Amsterdam');
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a slug: lower-case letters, digits and dashes, e.g. minister-jenv');
const text = (what: string) => z.string({ message: `required: ${what}` }).trim().min(1, `required: ${what}`);
const bool = z.enum(['true', 'false'], { message: 'expected true or false' }).transform((s) => s === 'true');

const addSchema = z
  .object({
    id: slug,
    name: text('the name of the bewindspersoon'),
    function: text('the function, e.g. "Minister van Justitie en Veiligheid"'),
    department: text('the department, e.g. JenV'),
    from: isoDate,
    to: isoDate.optional(),
    tz: zone.default('Europe/Amsterdam'),
  })
  .refine((o) => !o.to || o.to >= o.from, { message: '--to must not be before --from', path: ['to'] });

function render(c: Custodian[]): string {
  if (!c.length) return 'No custodians yet. Add one with: chatarchief custodian add --id <slug> ...';
  return table(
    ['id', 'name', 'function', 'department', 'from', 'to', 'tz', 'four-eyes', 'default category'],
    c.map((x) => [x.id, x.name, x.function, x.department, x.termFrom, x.termTo ?? '', x.tz, x.secondReviewer ? 'yes' : 'no', x.defaultCategory]),
  );
}

const add: Command = {
  name: 'custodian add',
  summary: 'register a bewindspersoon (custodian) whose chats are secured',
  createsStore: true,
  usage: 'custodian add --id <slug> --name <text> --function <text> --department <text> --from <YYYY-MM-DD> [--to <YYYY-MM-DD>] [--tz <IANA zone>]',
  help: 'The term (aanstelling van/tot) drives the coverage report. --tz (default Europe/Amsterdam) is the zone in which export timestamps are read; it cannot change once exports are ingested.',
  options: {
    id: { type: 'string' }, name: { type: 'string' }, function: { type: 'string' }, department: { type: 'string' },
    from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' },
  },
  run(ctx, { values }) {
    const o = validateOptions(this, addSchema, values);
    const db = ctx.store().db;
    if (getCustodian(db, o.id)) throw new UserError(`custodian '${o.id}' already exists`);
    const c = addCustodian(db, { id: o.id, name: o.name, function: o.function, department: o.department, termFrom: o.from, termTo: o.to ?? null, tz: o.tz });
    ctx.result({ custodian: c }, () => `Added custodian ${c.id} (${c.name}, ${c.function}, ${c.department}), term ${c.termFrom} to ${c.termTo ?? 'now'}, zone ${c.tz}.`);
  },
};

const list: Command = {
  name: 'custodian list',
  summary: 'list custodians',
  usage: 'custodian list [--department <name>] [--json]',
  help: '--department lists only the custodians of that department (one that no custodian has is refused, so a typo shows).',
  options: { department: { type: 'string' } },
  run(ctx, { values }) {
    const db = ctx.store().db;
    requireDepartment(db, values.department as string | undefined);
    const all = listCustodians(db, { department: values.department as string | undefined });
    ctx.result({ custodians: all }, () => render(all));
  },
};

const setSchema = z.object({
  'second-reviewer': bool.optional(),
  'default-category': categorySchema.optional(),
  to: isoDate.optional(),
  tz: zone.optional(),
});

const set: Command = {
  name: 'custodian set',
  summary: 'change a custodian: four-eyes review, default category, end of term, zone (only before the first ingest)',
  usage: 'custodian set <id> [--second-reviewer true|false] [--default-category <c>] [--to <YYYY-MM-DD>] [--tz <zone>]',
  help:
    '--tz changes the zone in which export timestamps are read, and only before anything of the custodian is ingested: ' +
    'stored timestamps were read in the old zone, so once a source exists a change is refused (re-ingest into a fresh ' +
    'store instead). Setting the zone the custodian already has changes nothing.',
  options: { 'second-reviewer': { type: 'string' }, 'default-category': { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' } },
  positionals: true,
  run(ctx, { values, positionals }) {
    if (positionals.length !== 1) throw new UserError(`expected exactly one custodian id\nusage: chatarchief ${this.usage}`);
    const o = validateOptions(this, setSchema, values);
    if (o['second-reviewer'] === undefined && o['default-category'] === undefined && o.to === undefined && o.tz === undefined) {
      throw new UserError(`nothing to change: give at least one of --second-reviewer, --default-category, --to, --tz\nusage: chatarchief ${this.usage}`);
    }
    const db = ctx.store().db;
    const id = positionals[0]!;
    if (!getCustodian(db, id)) throw new UserError(`unknown custodian '${id}' (see: chatarchief custodian list)`);
    const c = updateCustodian(db, id, { secondReviewer: o['second-reviewer'], defaultCategory: o['default-category'], termTo: o.to, tz: o.tz }, operatorName());
    ctx.result({ custodian: c }, () => render([c]));
  },
};

/** Who runs the command, for the audit entry of a four-eyes switch: the login name (the CLI has no reviewer name). */
function operatorName(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export const custodianCommands: Command[] = [add, list, set];

/** Looks up a custodian or fails with a usage error that says how to add one. */
export function requireCustodian(db: Parameters<typeof getCustodian>[0], id: unknown): Custodian {
  if (typeof id !== 'string' || !id) throw new UserError('--custodian <id> is required');
  const c = getCustodian(db, id);
  if (!c) throw new UserError(`unknown custodian '${id}'; add it first with: chatarchief custodian add --id ${id} ...`);
  return c;
}

/** Checks that a department given as a filter is one of a custodian; a typo must not pass as "none there". */
export function requireDepartment(db: Parameters<typeof listCustodians>[0], department: string | undefined): void {
  if (department === undefined) return;
  const known = [...new Set(listCustodians(db).map((c) => c.department))].sort();
  if (!known.includes(department)) {
    throw new UserError(`unknown department '${department}'; known: ${known.length ? known.join(', ') : 'none (add custodians first)'}`);
  }
}
