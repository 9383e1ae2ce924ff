import { z } from 'zod';
import { MESSAGE_KINDS, SYSTEM_EVENTS } from '../../parsers/types.js';
import { categorySchema, type Category } from '../cli/command.js';

/**
 * The rule-file format (JSON, validated with zod). `rules/README.md` documents it for rule authors; keep the two in
 * step. Every file has a `description`; it holds `rules`, `designations` (contacts marked in advance by the
 * bewindspersoon), or both.
 */

export const LEVELS = ['contact', 'conversation', 'message', 'passage'] as const;
export type Level = (typeof LEVELS)[number];
export type { Category };

export type Condition =
  | { type: 'lexicon'; terms?: string[]; caseSensitiveTerms?: string[] }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'kind'; kinds?: string[]; events?: string[] }
  | { type: 'contact'; phones?: string[]; names?: string[] }
  | { type: 'conversation'; titles?: string[]; participants?: { phones?: string[]; names?: string[] }; group?: boolean }
  | { type: 'all'; of: Condition[] }
  | { type: 'any'; of: Condition[] }
  | { type: 'not'; match: Condition }
  | { type: 'rule'; id: string };

export interface PassageOptions {
  unit: 'sentence' | 'paragraph';
  /** Messages shorter than this (UTF-16 units) get a message-level suggestion instead of a passage. */
  minLength: number;
}

const text = (what: string) => z.string({ message: `expected ${what} (a string)` }).trim().min(1, `expected ${what}, not an empty string`);
const nonEmptyList = (what: string) => z.array(text(what), { message: `expected a list of ${what}` }).min(1, `expected at least one ${what}`);
export const ruleIdSchema = z
  .string({ message: 'expected a rule id (a string)' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected a rule id of letters, digits, . _ - (e.g. "prive.familie")');
const levelSchema = z.enum(LEVELS, { message: 'expected contact, conversation, message or passage' });
const prioritySchema = z.number({ message: 'expected a priority (an integer 0-1000)' }).int('expected an integer priority').min(0).max(1000);
const passageSchema = z.strictObject({
  unit: z.enum(['sentence', 'paragraph'], { message: 'expected sentence or paragraph' }).default('sentence'),
  minLength: z.number({ message: 'expected a length in characters' }).int().min(0).default(0),
});
const namesAndPhones = {
  phones: nonEmptyList('phone number').optional(),
  names: nonEmptyList('name').optional(),
};

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z
        .strictObject({
          type: z.literal('lexicon'),
          terms: nonEmptyList('term').optional(),
          caseSensitiveTerms: nonEmptyList('term').optional(),
        })
        .refine((c) => c.terms || c.caseSensitiveTerms, { message: 'expected terms or caseSensitiveTerms', path: ['terms'] }),
      z.strictObject({
        type: z.literal('regex'),
        pattern: text('a regular expression'),
        flags: z.string().regex(/^(?!.*(.).*\1)[imsu]*$/, 'expected regex flags from i, m, s, u (each once)').optional(),
      }),
      z
        .strictObject({
          type: z.literal('kind'),
          kinds: z.array(z.enum(MESSAGE_KINDS, { message: `expected a message kind: ${MESSAGE_KINDS.join(', ')}` })).min(1).optional(),
          events: z.array(z.enum(SYSTEM_EVENTS, { message: `expected a system event: ${SYSTEM_EVENTS.join(', ')}` })).min(1).optional(),
        })
        .refine((c) => c.kinds || c.events, { message: 'expected kinds or events', path: ['kinds'] }),
      z
        .strictObject({ type: z.literal('contact'), ...namesAndPhones })
        .refine((c) => c.phones || c.names, { message: 'expected phones or names', path: ['phones'] }),
      z
        .strictObject({
          type: z.literal('conversation'),
          titles: nonEmptyList('title pattern').optional(),
          participants: z
            .strictObject(namesAndPhones)
            .refine((c) => c.phones || c.names, { message: 'expected phones or names', path: ['phones'] })
            .optional(),
          group: z.boolean({ message: 'expected true or false' }).optional(),
        })
        .refine((c) => c.titles || c.participants || c.group !== undefined, { message: 'expected titles, participants or group', path: ['titles'] }),
      z.strictObject({ type: z.literal('all'), of: z.array(conditionSchema).min(1, 'expected at least one condition') }),
      z.strictObject({ type: z.literal('any'), of: z.array(conditionSchema).min(1, 'expected at least one condition') }),
      z.strictObject({ type: z.literal('not'), match: conditionSchema }),
      z.strictObject({ type: z.literal('rule'), id: ruleIdSchema }),
    ],
    { message: 'expected a condition with type lexicon, regex, kind, contact, conversation, all, any, not or rule' },
  ),
);

export const ruleSchema = z.strictObject({
  id: ruleIdSchema,
  description: z.string().optional(),
  category: categorySchema.optional(),
  priority: prioritySchema.optional(),
  level: levelSchema.optional(),
  passage: passageSchema.optional(),
  enabled: z.boolean().default(true),
  match: conditionSchema,
});
export type RuleInput = z.infer<typeof ruleSchema>;

export const designationSchema = z
  .strictObject({
    id: ruleIdSchema.optional(),
    phone: text('a phone number').optional(),
    name: text('a contact name').optional(),
    conversationTitle: text('a conversation title').optional(),
    category: categorySchema,
    priority: prioritySchema.optional(),
    level: levelSchema.optional(),
    note: z.string().optional(),
  })
  .refine((d) => [d.phone, d.name, d.conversationTitle].filter((x) => x !== undefined).length === 1, {
    message: 'expected exactly one of phone, name or conversationTitle',
    path: ['phone'],
  });
export type DesignationInput = z.infer<typeof designationSchema>;

export const ruleFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: text('a description of the file (what it lists and why)'),
    doc: z.union([z.string(), z.array(z.string())]).optional(),
    custodian: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a custodian id (slug)').optional(),
    defaults: z
      .strictObject({ category: categorySchema.optional(), priority: prioritySchema.optional(), level: levelSchema.optional(), passage: passageSchema.optional() })
      .optional(),
    rules: z.array(ruleSchema).optional(),
    designations: z.array(designationSchema).optional(),
  })
  .refine((f) => (f.rules?.length ?? 0) + (f.designations?.length ?? 0) > 0, { message: 'expected at least one entry in rules or designations', path: ['rules'] });
export type RuleFileInput = z.infer<typeof ruleFileSchema>;

/** Default priority of a designation: the bewindspersoon's own marking beats every lexicon. */
export const DESIGNATION_PRIORITY = 90;
