// Remembered failures and the EDE 13 "Cached Error" that marks an answer served from them.
//
// Why a failure cache at all: without it, every repeat of a question whose authorities are all
// unreachable costs the client the whole wait again (timeouts, the query deadline) and the dead
// servers more packets. RFC 2308 §7.1 allows a resolver to cache such a SERVFAIL for at most five
// minutes; BIND keeps it 1 s (servfail-ttl) and Unbound a few seconds. We keep it briefly
// (FAILURE_TTL_SECONDS) so an authority that comes back is asked again soon, and the entry count is
// bounded (MAX_FAILURE_ENTRIES, least recently used forgotten first).
//
// Kept: unreachable-authority failures (EDE 22 No Reachable Authority / 23 Network Error) and
// validation failures (RFC 9520 §3 counts both as resolution failures a resolver must remember).
// A work-limit failure is not kept: it says more about this query's budget than about the name.
// Bogus verdicts on cacheable data also live longer in the RRset cache (cache.bogusTtl); this
// memory also covers the bogus answers that cache cannot hold (a NODATA without an SOA, RFC 2308
// §5), so a repeat, or an RD=0 look into the cache, meets the failure instead of a blank. A
// remembered validation failure is never served to a CD=1 query: that client asked for the data
// unchecked, and gets it.
import { LRUCache } from 'lru-cache';
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { rrTypeToString } from '../wire/constants.ts';
import type { Question } from '../wire/types.ts';
import type { Clock } from './clock.ts';

/** Seconds an unreachable-authority SERVFAIL is answered from memory (RFC 2308 §7.1 caps it at 300). */
export const FAILURE_TTL_SECONDS = 5;
export const MAX_FAILURE_ENTRIES = 10_000;
const MS_PER_SECOND = 1000;

/** The info-codes that make a SERVFAIL worth remembering: the authorities did not answer. */
const UNREACHABLE: ReadonlySet<number> = new Set([EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.NETWORK_ERROR]);

/** Why a remembered SERVFAIL failed: the authorities were unreachable, or the answer was bogus. */
export type FailureKind = 'unreachable' | 'bogus';

interface FailureEntry {
  readonly kind: FailureKind;
  readonly reasons: readonly Reason[];
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface CachedFailure {
  readonly kind: FailureKind;
  /** The original reasons, then EDE 13. */
  readonly reasons: readonly Reason[];
}

function keyOf(q: Question): string {
  return `${q.name.key}|${q.type}|${q.class}`;
}

function describe(q: Question): string {
  return `${q.name.toString()} ${rrTypeToString(q.type)}`;
}

/**
 * EDE 13 goes after the original reason: the original says what is wrong, 13 only says we did
 * not ask again (Knot Resolver's ede_priority ranks Cached Error below every specific failure).
 */
export function withCachedError(reasons: readonly Reason[], text: string): Reason[] {
  if (reasons.some((r) => r.ede === EdeCode.CACHED_ERROR)) return [...reasons];
  return [...reasons, reason(EdeCode.CACHED_ERROR, text)];
}

/** The EXTRA-TEXT of EDE 13 for a bogus verdict answered from the validator's cache. */
export function cachedBogusText(q: Question): string {
  return `validation failure for ${describe(q)} answered from cache; not re-checked until the bogus verdict expires`;
}

/** True when `reasons` say the authorities could not be reached. */
export function isUnreachableFailure(reasons: readonly Reason[]): boolean {
  return reasons.some((r) => UNREACHABLE.has(r.ede));
}

export class FailureCache {
  readonly #lru: LRUCache<string, FailureEntry>;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(clock: Clock, ttlSeconds: number = FAILURE_TTL_SECONDS, maxEntries: number = MAX_FAILURE_ENTRIES) {
    this.#clock = clock;
    this.#ttlMs = ttlSeconds * MS_PER_SECOND;
    this.#lru = new LRUCache<string, FailureEntry>({ max: maxEntries });
  }

  get size(): number {
    return this.#lru.size;
  }

  /** Remembers an unreachable-authority SERVFAIL; any other failure is ignored. */
  remember(q: Question, reasons: readonly Reason[]): void {
    if (!isUnreachableFailure(reasons)) return;
    this.#store(q, 'unreachable', reasons);
  }

  /** Remembers a SERVFAIL for an answer that failed validation (bogus), with the validator's reasons. */
  rememberBogus(q: Question, reasons: readonly Reason[]): void {
    this.#store(q, 'bogus', reasons);
  }

  #store(q: Question, kind: FailureKind, reasons: readonly Reason[]): void {
    if (this.#ttlMs <= 0) return;
    const now = this.#clock.now();
    // Never store an EDE 13 as an original reason: a re-stored entry would say "cached" twice.
    const original = reasons.filter((r) => r.ede !== EdeCode.CACHED_ERROR);
    this.#lru.set(keyOf(q), { kind, reasons: original, storedAt: now, expiresAt: now + this.#ttlMs });
  }

  /**
   * The remembered failure for `q` with EDE 13 appended, or undefined (none, or expired). `cd`:
   * the query disabled checking, so a remembered validation failure does not apply to it.
   */
  lookup(q: Question, cd = false): CachedFailure | undefined {
    const k = keyOf(q);
    const e = this.#lru.get(k);
    if (e === undefined || (cd && e.kind === 'bogus')) return undefined;
    const now = this.#clock.now();
    if (now >= e.expiresAt) {
      this.#lru.delete(k);
      return undefined;
    }
    const ago = Math.max(0, Math.floor((now - e.storedAt) / MS_PER_SECOND));
    const left = Math.max(1, Math.ceil((e.expiresAt - now) / MS_PER_SECOND));
    // A remembered bogus answer reads as any other cached validation failure (index.ts).
    const text = e.kind === 'bogus'
      ? cachedBogusText(q)
      : `SERVFAIL for ${describe(q)} remembered from ${ago} s ago; authorities asked again in ${left} s`;
    return { kind: e.kind, reasons: withCachedError(e.reasons, text) };
  }

  clear(): void {
    this.#lru.clear();
  }
}
