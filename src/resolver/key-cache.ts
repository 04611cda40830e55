// Validated key entries per zone, like Unbound's val_kentry: what the chain of trust concluded
// about a zone (secure with its keys, insecure, or bogus with the reason), so the DS/DNSKEY walk
// from the trust anchor is done once per TTL, not once per query. A name that turned out not to be
// a zone cut stores the entry of its enclosing zone, so the walk skips it next time too. Bogus
// entries live only `bogusTtl` seconds: a broken zone is not re-fetched per query, nor kept broken
// for long after it is fixed.
import { LRUCache } from 'lru-cache';
import type { Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';

export type KeyEntry =
  | {
    readonly security: 'secure'; readonly zone: Name; readonly keys: readonly Uint8Array[]; readonly expiresAt: number;
    /** Algorithm-downgrade protection: every RRset of the zone must carry a valid RRSIG of each. */
    readonly requiredAlgorithms?: readonly number[];
  }
  | { readonly security: 'insecure'; readonly zone: Name; readonly reason?: Reason; readonly expiresAt: number }
  | { readonly security: 'bogus'; readonly zone: Name; readonly reason: Reason; readonly expiresAt: number };

/** Zones remembered; each entry is small (a few keys), so this is a count bound, not bytes. */
export const DEFAULT_KEY_CACHE_ENTRIES = 10_000;

export class KeyCache {
  readonly #lru: LRUCache<string, KeyEntry>;

  constructor(maxEntries: number = DEFAULT_KEY_CACHE_ENTRIES) {
    this.#lru = new LRUCache<string, KeyEntry>({ max: maxEntries });
  }

  /** The live entry stored for `name` at time `nowMs`. */
  get(name: Name, nowMs: number): KeyEntry | undefined {
    const e = this.#lru.get(name.key);
    if (e === undefined) return undefined;
    if (nowMs >= e.expiresAt) {
      this.#lru.delete(name.key);
      return undefined;
    }
    return e;
  }

  set(name: Name, entry: KeyEntry): void {
    this.#lru.set(name.key, entry);
  }

  /**
   * Forgets the bogus entries of `zone` and below (deeper names store their enclosing zone's entry):
   * keys judged from one server's broken data must not stand in the way of asking another.
   */
  forgetBogus(zone: Name): number {
    let removed = 0;
    for (const [k, e] of [...this.#lru.entries()]) {
      if (e.security === 'bogus' && e.zone.isSubdomainOf(zone) && this.#lru.delete(k)) removed++;
    }
    return removed;
  }

  get size(): number {
    return this.#lru.size;
  }

  clear(): void {
    this.#lru.clear();
  }
}
