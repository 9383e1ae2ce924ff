/**
 * Identifiers of the MDTO objects (identificatieKenmerk, bron "chatarchief") and of ledger objects.
 *
 * Objects of one delivery carry the period and a delivery number n (1 + the number of earlier exports of this custodian
 * and period), so a ruw and a geschoond export made together refer to each other exactly:
 *   serie         chatarchief:<custodian>:<set>:serie
 *   dossier       chatarchief:<custodian>:<set>:periode:<from>_<to>:levering-<n>
 *   archiefstuk   chatarchief:<custodian>:<set>:gesprek:<conversation id>:<from>_<to>:levering-<n>
 *   bronbestanden chatarchief:<custodian>:ruw:bronbestanden:<from>_<to>:levering-<n>
 *   verantwoording chatarchief:<custodian>:ruw:verantwoording:<from>_<to>:levering-<n>
 *   documentatie  chatarchief:documentatie:chatformaat:<first 16 hex of the SHA-256 of its files>
 *   bestand       <object id>/<file name>
 * Ledger object ids (table export_ledger, per custodian and set): `serie`, `documentatie:<hash16>`, `message:<id>`,
 * `source:<sha256>`.
 */
export type SetKind = 'ruw' | 'geschoond';

export class Ids {
  constructor(readonly custodianId: string, readonly periodKey: string, readonly delivery: number) {}

  private base(set: SetKind): string {
    return `chatarchief:${this.custodianId}:${set}`;
  }

  serie(set: SetKind): string {
    return `${this.base(set)}:serie`;
  }

  dossier(set: SetKind): string {
    return `${this.base(set)}:periode:${this.periodKey}:levering-${this.delivery}`;
  }

  conversation(set: SetKind, conversationId: number): string {
    return `${this.base(set)}:gesprek:${conversationId}:${this.periodKey}:levering-${this.delivery}`;
  }

  sources(): string {
    return `${this.base('ruw')}:bronbestanden:${this.periodKey}:levering-${this.delivery}`;
  }

  accountability(): string {
    return `${this.base('ruw')}:verantwoording:${this.periodKey}:levering-${this.delivery}`;
  }

  static documentation(hash16: string): string {
    return `chatarchief:documentatie:chatformaat:${hash16}`;
  }

  static file(objectId: string, fileName: string): string {
    return `${objectId}/${fileName}`;
  }
}

export const other = (set: SetKind): SetKind => (set === 'ruw' ? 'geschoond' : 'ruw');
