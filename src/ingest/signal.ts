import { UserError } from '../errors.js';
import type { IngestContext, SourceReport } from './context.js';
import type { ExportUnit } from './discover.js';
import type { StoredSource } from './files.js';

export const SIGNAL_FORMATS = ['signal-export', 'sms-xml', 'sigtop-json', 'signal-txt'] as const;
export type SignalFormatName = (typeof SIGNAL_FORMATS)[number];

export const isSignalFormat = (f: string): f is SignalFormatName => (SIGNAL_FORMATS as readonly string[]).includes(f);

/** Recognises a Signal text transcript (sigtop text, signalbackup-tools TXT) from its first bytes; null otherwise. */
export function sniffSignal(_fileName: string, _head: string): SignalFormatName | null {
  return null;
}

export async function ingestSignal(_ctx: IngestContext, unit: ExportUnit, _stored: StoredSource, format: SignalFormatName): Promise<SourceReport> {
  throw new UserError(`${unit.sourcePath}: ${format} ingest is not available yet`);
}
