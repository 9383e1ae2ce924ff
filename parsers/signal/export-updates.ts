/**
 * Renders one `groupChange.updates[]` entry of Signal's export (36 kinds in backup.proto) to a system event,
 * an English sentence and a structured detail. Unknown kinds become event 'other' and keep their name.
 */
import type { SystemEvent } from '../types.js';
import { describeDuration, toMs, uuidFromBase64 } from './common.js';

interface PersonLike {
  name: string | null;
  phone: string | null;
  key: string;
}

export interface GroupUpdateText {
  event: SystemEvent;
  text: string;
  detail: Record<string, unknown>;
  newTitle?: string;
  timerSeconds?: number;
}

type Lookup = (aciB64: string | undefined) => PersonLike | null;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function describeGroupUpdate(update: Record<string, unknown>, lookup: Lookup): GroupUpdateText {
  const kind = Object.keys(update)[0] ?? 'genericGroupUpdate';
  const u = (update[kind] ?? {}) as Record<string, unknown>;
  const name = (field: string, fallback = 'Someone'): string => {
    const aci = str(u[field]);
    const p = lookup(aci);
    return p?.name ?? p?.phone ?? (aci ? `unknown member ${uuidFromBase64(aci)?.slice(0, 8) ?? aci}` : fallback);
  };
  const by = name('updaterAci');
  const detail: Record<string, unknown> = { type: kind };
  for (const [k, v] of Object.entries(u)) {
    detail[k] = typeof v === 'string' && /(Aci|ServiceId)$/.test(k) ? (uuidFromBase64(v) ?? v) : v;
  }
  const out = (event: SystemEvent, text: string): GroupUpdateText => ({ event, text, detail });
  switch (kind) {
    case 'groupCreationUpdate':
      return out('group-created', `${by} created the group.`);
    case 'groupNameUpdate': {
      const title = str(u.newGroupName);
      const r = out('subject-changed', title !== undefined ? `${by} changed the group name to "${title}".` : `${by} removed the group name.`);
      if (title !== undefined) r.newTitle = title;
      return r;
    }
    case 'groupAvatarUpdate':
      return out('icon-changed', u.wasRemoved ? `${by} removed the group avatar.` : `${by} changed the group avatar.`);
    case 'groupDescriptionUpdate':
      return out('description-changed', str(u.newDescription) !== undefined ? `${by} changed the group description.` : `${by} removed the group description.`);
    case 'groupMembershipAccessLevelChangeUpdate':
      return out('settings-changed', `${by} changed who can edit group membership to ${String(u.accessLevel ?? 'UNKNOWN').toLowerCase()}.`);
    case 'groupAttributesAccessLevelChangeUpdate':
      return out('settings-changed', `${by} changed who can edit group info to ${String(u.accessLevel ?? 'UNKNOWN').toLowerCase()}.`);
    case 'groupAnnouncementOnlyChangeUpdate':
      return out('settings-changed', u.isAnnouncementOnly ? `${by} allowed only admins to send messages.` : `${by} allowed all members to send messages.`);
    case 'groupAdminStatusUpdate':
      return out('admin', u.wasAdminStatusGranted ? `${by} made ${name('memberAci')} an admin.` : `${by} revoked admin privileges from ${name('memberAci')}.`);
    case 'groupMemberLeftUpdate':
      return out('member-left', `${name('aci')} left the group.`);
    case 'groupMemberRemovedUpdate':
      return out('member-removed', `${name('removerAci')} removed ${name('removedAci')}.`);
    case 'groupMemberAddedUpdate':
      return out('member-added', `${by} added ${name('newMemberAci')}.`);
    case 'groupMemberJoinedUpdate':
      return out('member-joined', `${name('newMemberAci')} joined the group.`);
    case 'groupMemberJoinedByLinkUpdate':
      return out('member-joined', `${name('newMemberAci')} joined the group via the group link.`);
    case 'groupInvitationAcceptedUpdate':
      return out('member-joined', `${name('newMemberAci')} accepted an invitation to the group.`);
    case 'selfInvitedToGroupUpdate':
      return out('member-added', `${name('inviterAci')} invited you to the group.`);
    case 'selfInvitedOtherUserToGroupUpdate':
      return out('member-added', `You invited ${name('inviteeServiceId')} to the group.`);
    case 'groupUnknownInviteeUpdate':
      return out('member-added', `${name('inviterAci')} invited ${Number(u.inviteeCount ?? 1)} people to the group.`);
    case 'groupInvitationDeclinedUpdate':
      return out('other', `${name('inviteeAci', 'An invitee')} declined the invitation to the group.`);
    case 'groupSelfInvitationRevokedUpdate':
    case 'groupInvitationRevokedUpdate':
      return out('other', `${by} revoked an invitation to the group.`);
    case 'groupJoinRequestUpdate':
      return out('other', `${name('requestorAci')} requested to join the group.`);
    case 'groupJoinRequestApprovalUpdate':
      return out(u.wasApproved ? 'member-joined' : 'other', `${by} ${u.wasApproved ? 'approved' : 'denied'} a request to join from ${name('requestorAci')}.`);
    case 'groupJoinRequestCanceledUpdate':
    case 'groupSequenceOfRequestsAndCancelsUpdate':
      return out('other', `${name('requestorAci')} requested and cancelled a request to join.`);
    case 'groupInviteLinkResetUpdate':
      return out('settings-changed', `${by} reset the group link.`);
    case 'groupInviteLinkEnabledUpdate':
      return out('settings-changed', `${by} turned on the group link.`);
    case 'groupInviteLinkAdminApprovalUpdate':
      return out('settings-changed', `${by} changed admin approval for the group link.`);
    case 'groupInviteLinkDisabledUpdate':
      return out('settings-changed', `${by} turned off the group link.`);
    case 'groupV2MigrationUpdate':
    case 'groupV2MigrationSelfInvitedUpdate':
    case 'groupV2MigrationInvitedMembersUpdate':
    case 'groupV2MigrationDroppedMembersUpdate':
      return out('other', 'The group was upgraded to a new group.');
    case 'groupExpirationTimerUpdate': {
      const seconds = Math.round((toMs(u.expiresInMs as string | number | undefined) ?? 0) / 1000);
      const r = out(
        seconds ? 'disappearing-timer' : 'disappearing-off',
        seconds ? `${by} set the disappearing message timer to ${describeDuration(seconds)}.` : `${by} turned off disappearing messages.`,
      );
      r.timerSeconds = seconds;
      return r;
    }
    case 'genericGroupUpdate':
      return out('other', `${by} updated the group.`);
    default:
      return out('other', `Group updated (${kind}).`);
  }
}
