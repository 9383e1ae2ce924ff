/** The operator's word on a message a later source shows edited further (see VersionAdder) or deleted (see DeletedSince). */
import type { EditedSince } from '../store/message-writer.js';
import { MESSAGE_DELETED_SINCE, type DeletedSinceEvent } from '../store/deleted-since.js';

/**
 * The operator's warning for a message that was edited after an earlier source was made (code `message-edited-since`).
 * It goes to stderr and logs, so it names the message, its conversation and its sender by id, never by a name.
 */
export function editedSinceWarning(e: EditedSince, conversationId: number): { code: string; message: string; line: number } {
  const from = e.senderContactId === null ? '' : `, from contact ${e.senderContactId}`;
  const who = `message ${e.messageId} (conversation ${conversationId}${from}, sent ${e.sentAt})`;
  const versions = `${e.added} version${e.added === 1 ? '' : 's'}`;
  let message = `${who} was edited since an earlier source: ${versions} added, every earlier version kept`;
  if (e.keptForMarkings.length) {
    message += `; its stored text is NOT replaced by the newest version because passage marking${e.keptForMarkings.length === 1 ? '' : 's'} ` +
      `${e.keptForMarkings.map((id) => `M-${id}`).join(', ')} refer${e.keptForMarkings.length === 1 ? 's' : ''} to offsets in it ` +
      '(the newer text is kept in extra.newerVersions); review this message again';
  } else if (e.textChanged) {
    message += '; its text is now the newest version';
  }
  if (e.otherMarkings.length) {
    const one = e.otherMarkings.length === 1;
    message += `; marking${one ? '' : 's'} ${e.otherMarkings.map((id) => `M-${id}`).join(', ')} ${one ? 'was' : 'were'} made on the earlier text`;
  }
  return { code: 'message-edited-since', message, line: e.line };
}

/**
 * The warning (and source finding, code `message-deleted-since`) for a message stored with its content that a later
 * source shows deleted for everyone. Named by ids, like editedSinceWarning.
 */
export function deletedSinceWarning(e: DeletedSinceEvent, conversationId: number): { code: string; message: string; line: number } {
  const from = e.senderContactId === null ? '' : `, from contact ${e.senderContactId}`;
  const by = e.deletedBy === 'self' ? ' by the custodian' : e.deletedBy === 'sender' ? ' by its sender' : '';
  return {
    code: MESSAGE_DELETED_SINCE,
    message:
      `message ${e.messageId} (conversation ${conversationId}${from}, sent ${e.sentAt}) was deleted for everyone${by} since an earlier source: ` +
      'this source holds only its tombstone; the content stored from the earlier source is kept',
    line: e.line,
  };
}
