/**
 * Signal Desktop message types and group-change details → normalised kinds, events and English texts.
 * Shared by the sigtop JSON parser and the sigtop text transcript parser (which only has the type name).
 */
import type { MessageKind, SystemEvent } from '../types.js';

/** For a Desktop `type` that is not a normal message: kind, event and a text to show. */
export function desktopSystemType(type: string): { kind: MessageKind; event: SystemEvent | null; text: string } {
  switch (type) {
    case 'call-history':
      return { kind: 'call', event: null, text: 'Call' };
    case 'group-v2-change':
      return { kind: 'system', event: 'other', text: 'Group updated.' };
    case 'timer-notification':
      return { kind: 'system', event: 'disappearing-timer', text: 'Disappearing message timer changed.' };
    case 'keychange':
      return { kind: 'system', event: 'security-code-changed', text: 'Safety number changed.' };
    case 'verified-change':
      return { kind: 'system', event: 'security-code-changed', text: 'Safety number verification changed.' };
    case 'change-number-notification':
      return { kind: 'system', event: 'number-changed', text: 'Phone number changed.' };
    case 'profile-change':
      return { kind: 'system', event: 'other', text: 'Profile name changed.' };
    case 'group-v1-migration':
      return { kind: 'system', event: 'other', text: 'The group was upgraded to a new group.' };
    case 'delivery-issue':
      return { kind: 'system', event: 'other', text: 'A message could not be delivered.' };
    case 'chat-session-refreshed':
      return { kind: 'system', event: 'other', text: 'Chat session refreshed.' };
    case 'joined-signal-notification':
      return { kind: 'system', event: 'other', text: 'Joined Signal.' };
    case 'message-request-response-event':
      return { kind: 'system', event: 'other', text: 'Message request answered.' };
    case 'universal-timer-notification':
      return { kind: 'system', event: 'other', text: 'Default disappearing message timer notice.' };
    default:
      return { kind: 'system', event: 'other', text: `${type} event.` };
  }
}

export interface DesktopGroupDetail {
  type: string;
  [k: string]: unknown;
}

const EVENT_BY_DETAIL: Record<string, SystemEvent> = {
  create: 'group-created',
  title: 'subject-changed',
  avatar: 'icon-changed',
  description: 'description-changed',
  'access-attributes': 'settings-changed',
  'access-members': 'settings-changed',
  'access-invite-link': 'settings-changed',
  'announcements-only': 'settings-changed',
  'group-link-add': 'settings-changed',
  'group-link-reset': 'settings-changed',
  'group-link-remove': 'settings-changed',
  'member-add': 'member-added',
  'member-add-from-invite': 'member-joined',
  'member-add-from-link': 'member-joined',
  'member-add-from-admin-approval': 'member-joined',
  'member-privilege': 'admin',
  'member-remove': 'member-removed',
};

/** Renders `groupV2Change.details[]`; `who(aci)` gives a display name. */
export function describeDesktopGroupChange(
  details: DesktopGroupDetail[],
  from: string | undefined,
  who: (aci: string | undefined) => string,
): { event: SystemEvent; text: string; newTitle?: string } {
  const by = who(from);
  let newTitle: string | undefined;
  const texts = details.map((d) => {
    const aci = typeof d.aci === 'string' ? d.aci : undefined;
    switch (d.type) {
      case 'create':
        return `${by} created the group.`;
      case 'title':
        newTitle = typeof d.newTitle === 'string' ? d.newTitle : undefined;
        return newTitle !== undefined ? `${by} changed the group name to "${newTitle}".` : `${by} removed the group name.`;
      case 'avatar':
        return d.removed ? `${by} removed the group avatar.` : `${by} changed the group avatar.`;
      case 'description':
        return d.removed ? `${by} removed the group description.` : `${by} changed the group description.`;
      case 'member-add':
        return `${by} added ${who(aci)}.`;
      case 'member-add-from-invite':
      case 'member-add-from-link':
      case 'member-add-from-admin-approval':
        return `${who(aci)} joined the group.`;
      case 'member-remove':
        return aci && aci === from ? `${who(aci)} left the group.` : `${by} removed ${who(aci)}.`;
      case 'member-privilege':
        return `${by} changed the role of ${who(aci)}.`;
      default:
        return `${by} changed the group (${d.type}).`;
    }
  });
  const types = details.map((d) => d.type);
  let event: SystemEvent = types.includes('create') ? 'group-created' : EVENT_BY_DETAIL[types[0] ?? ''] ?? 'other';
  if (types[0] === 'member-remove' && typeof details[0]?.aci === 'string' && details[0].aci === from) event = 'member-left';
  const out: { event: SystemEvent; text: string; newTitle?: string } = { event, text: texts.join(' ') };
  if (newTitle !== undefined) out.newTitle = newTitle;
  return out;
}

/**
 * The detail sigtop puts in file names, `<Name> (<detail>)`: phone, group id (base64url v2 / hex v1),
 * username or ACI. Returns the chat key and whether it is a group.
 */
export function chatFromDetail(detail: string, e164: string | null): { chatKey: string; isGroup: boolean } {
  if (e164 && /^\+\d+$/.test(detail.replace(/\s/g, ''))) return { chatKey: e164, isGroup: false };
  if (/^[A-Za-z0-9_-]{43}$/.test(detail)) return { chatKey: `group:${detail}`, isGroup: true };
  if (/^[0-9a-f]{32}$/i.test(detail)) return { chatKey: `group:${detail.toLowerCase()}`, isGroup: true };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(detail)) return { chatKey: `aci:${detail.toLowerCase()}`, isGroup: false };
  return { chatKey: `username:${detail}`, isGroup: false };
}

/** `Anna de Vries (+31612345678).json` → title and detail; null when the name has no `(detail)`. */
export function splitSigtopName(fileName: string): { title: string; detail: string } | null {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(json|txt)$/i, '');
  const m = /^(.*) \(([^()]+)\)$/.exec(base);
  return m ? { title: m[1]!, detail: m[2]! } : null;
}
