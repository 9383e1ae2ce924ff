/**
 * Signal group id from a group master key, so that a group found in Signal's own export (which stores the
 * 32-byte master key) gets the same key as in sigtop file names (which show the group id, base64url).
 *
 * zkgroup derives GroupSecretParams with a "stateful hash object" over HMAC-SHA256 (libsignal `poksho`
 * ShoHmacSha256, label `Signal_ZKGroup_20200424_GroupMasterKey_GroupSecretParams_DeriveFromMasterKey`); the group
 * id is the first 32 bytes squeezed out. The Sho implementation is checked against poksho's own test vector in
 * the tests.
 */
import { createHmac } from 'node:crypto';

export class ShoHmacSha256 {
  private cv: Buffer = Buffer.alloc(32);
  constructor(label: Buffer | string) {
    this.absorbAndRatchet(Buffer.from(label));
  }
  absorbAndRatchet(input: Buffer): void {
    const h = createHmac('sha256', this.cv);
    h.update(input);
    h.update(Buffer.from([0x00]));
    this.cv = h.digest();
  }
  squeezeAndRatchet(outlen: number): Buffer {
    const out: Buffer[] = [];
    for (let i = 0; i * 32 < outlen; i++) {
      const h = createHmac('sha256', this.cv);
      h.update(u64be(i));
      h.update(Buffer.from([0x01]));
      out.push(h.digest());
    }
    const next = createHmac('sha256', this.cv);
    next.update(u64be(outlen));
    next.update(Buffer.from([0x02]));
    this.cv = next.digest();
    return Buffer.concat(out).subarray(0, outlen);
  }
}

function u64be(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Group id (base64url without padding, as sigtop writes it) for a base64 master key; null if not 32 bytes. */
export function groupIdFromMasterKey(masterKeyB64: string | null | undefined): string | null {
  if (!masterKeyB64) return null;
  const key = Buffer.from(masterKeyB64, 'base64');
  if (key.length !== 32) return null;
  const sho = new ShoHmacSha256('Signal_ZKGroup_20200424_GroupMasterKey_GroupSecretParams_DeriveFromMasterKey');
  sho.absorbAndRatchet(key);
  return sho.squeezeAndRatchet(32).toString('base64url');
}
