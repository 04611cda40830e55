// NSEC3 owner-name hashing (RFC 5155 §5) and the budget that bounds it. Every hash costs
// (iterations + 1) SHA-1 runs, and a closest-encloser search hashes one name per label, so an
// attacker who controls a zone can make a validator burn CPU (CVE-2023-50868). Callers create one
// Nsec3Hasher per response: it remembers names already hashed and refuses to go past its budget.
import { createHash } from 'node:crypto';
import type { Name } from '../wire/name.ts';
import { base32hexToText, parseBase32hex } from '../wire/rdata/text.ts';

/** RFC 5155 §11: the only NSEC3 hash algorithm defined. */
export const NSEC3_HASH_SHA1 = 1;
/** Default name hashes per response; Unbound allows a similar handful per proof step. */
export const DEFAULT_NSEC3_HASH_BUDGET = 32;

/** IH(salt, x, 0) = H(x | salt), IH(salt, x, k) = H(IH(salt, x, k-1) | salt) over the canonical name. */
export function nsec3Hash(name: Name, salt: Uint8Array, iterations: number): Uint8Array {
  let digest = createHash('sha1').update(name.toWire(true)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return new Uint8Array(digest);
}

/** The hash as the owner label shows it: lower-case base32hex without padding (RFC 5155 §3.3). */
export function hashToLabel(hash: Uint8Array): string {
  return base32hexToText(hash).toLowerCase();
}

/** Decodes an NSEC3 owner's first label; undefined when it is not base32hex. */
export function labelToHash(label: Uint8Array): Uint8Array | undefined {
  const r = parseBase32hex(Buffer.from(label).toString('latin1'), 'hashed owner');
  return r.ok ? r.value : undefined;
}

export type HashResult = { ok: true; hash: Uint8Array } | { ok: false; why: 'hash-budget-exhausted'; detail: string };

/** A per-response hash counter with memoisation: repeated names are free, new ones spend budget. */
export class Nsec3Hasher {
  readonly budget: number;
  #used = 0;
  readonly #memo = new Map<string, Uint8Array>();

  constructor(budget: number = DEFAULT_NSEC3_HASH_BUDGET) {
    this.budget = budget;
  }

  /** Name hashes computed so far (memo hits not counted). */
  get used(): number {
    return this.#used;
  }

  get remaining(): number {
    return Math.max(0, this.budget - this.#used);
  }

  hash(name: Name, salt: Uint8Array, iterations: number): HashResult {
    const key = `${name.key}|${Buffer.from(salt).toString('hex')}|${iterations}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return { ok: true, hash: known };
    if (this.#used >= this.budget) {
      return { ok: false, why: 'hash-budget-exhausted', detail: `NSEC3 hash budget of ${this.budget} names spent` };
    }
    this.#used++;
    const h = nsec3Hash(name, salt, iterations);
    this.#memo.set(key, h);
    return { ok: true, hash: h };
  }
}
