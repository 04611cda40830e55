// Prefetch (Unbound's `prefetch: yes`, Knot's prefetch module): a client answered from a cache entry
// in the last tenth of its life gets that answer at once, and the question is resolved again in the
// background, so a popular name is refreshed before it expires instead of costing the next client a
// full resolution. This file holds the rule (which answers are due) and the scheduler (one refresh
// per question at a time, a bounded number at once); index.ts runs the refresh itself.
import type { Question } from '../wire/types.ts';
import type { EntryLifetime, RRsetCache } from './cache.ts';
import type { Resolution } from './resolution.ts';

/**
 * An entry is due when no more than this fraction of its life is left. Unbound computes the prefetch
 * time as `ttl - ttl/10` in whole seconds (PREFETCH_TTL_CALC), i.e. the last 10 %.
 */
const PREFETCH_DIVISOR = 10;
const MS_PER_SECOND = 1000;

/** Background refreshes running at once; at the cap a due answer is served and simply not refreshed this time. */
export const MAX_CONCURRENT_PREFETCHES = 32;

/**
 * Unbound's rule in whole seconds: remaining ≤ ⌊lifetime / 10⌋. An entry whose life was under ten
 * seconds is never due (⌊ttl/10⌋ = 0 and a live entry has time left): refreshing it would double
 * the traffic for names that change fast on purpose.
 */
export function isPrefetchDue(l: EntryLifetime): boolean {
  const lifetimeSeconds = Math.floor(l.lifetimeMs / MS_PER_SECOND);
  const threshold = Math.floor(lifetimeSeconds / PREFETCH_DIVISOR) * MS_PER_SECOND;
  return l.remainingMs > 0 && l.remainingMs <= threshold;
}

/** A cache key behind a resolution: an RRset, a NODATA (type given) or an NXDOMAIN (type undefined). */
export interface UsedKey {
  readonly name: Question['name'];
  readonly type: number | undefined;
  readonly cls: number;
}

/** The cache entries a resolution served from cache was built from: the alias sets and the final data or denial. */
export function keysUsed(res: Resolution, cache: RRsetCache): UsedKey[] {
  const out: UsedKey[] = [];
  for (const step of res.steps) {
    const q = step.question;
    if (step.kind === 'answer' || step.kind === 'alias') {
      for (const s of step.answer) out.push({ name: s.name, type: s.type, cls: s.class });
    } else if (step.kind === 'nodata' || step.kind === 'nxdomain') {
      // The denial getNegative served: an NXDOMAIN may be stored at an ancestor (RFC 8020).
      const d = cache.peekDenial(q.name, q.type, q.class);
      if (d !== undefined) out.push({ name: d.name, type: d.kind === 'nodata' ? q.type : undefined, cls: q.class });
    }
  }
  return out;
}

/**
 * Whether a client's answer should start a refresh: it came wholly from cache and one of the
 * entries it was built from is in its last tenth. Like Unbound's message TTL (the least TTL of its
 * RRsets), the shortest-lived part decides: a CNAME chain is refreshed when any link is due.
 */
export function resolutionDue(res: Resolution, cache: RRsetCache): boolean {
  if (!res.fromCache || res.upstreamQueries > 0 || res.steps.length === 0) return false;
  for (const step of res.steps) {
    const q = step.question;
    if (step.kind === 'answer' || step.kind === 'alias') {
      for (const s of step.answer) {
        const l = cache.lifetime(s.name, s.type, s.class);
        if (l !== undefined && isPrefetchDue(l)) return true;
      }
    } else if (step.kind === 'nodata' || step.kind === 'nxdomain') {
      const l = cache.denialLifetime(q.name, q.type, q.class);
      if (l !== undefined && isPrefetchDue(l)) return true;
    }
  }
  return false;
}

/** What became of a prefetch, for the metrics counter. */
export type PrefetchResult =
  /** The answer was resolved and validated again; the cache holds the new one. */
  | 'refreshed'
  /** The refresh failed (unreachable servers, SERVFAIL, bogus); the cached answer was kept. */
  | 'failed'
  /** Not started: MAX_CONCURRENT_PREFETCHES were running. */
  | 'skipped';

/**
 * After a failed refresh the same key is not refreshed again for this long (Unbound moves the
 * entry's prefetch time on by NORR_TTL, 5 s): otherwise every client query for a name whose
 * servers are down would send a refresh, turning the cache back into a pass-through.
 */
export const PREFETCH_RETRY_HOLDOFF_MS = 5000;
/** Keys remembered as held off; beyond this the oldest are forgotten (a bound, not a policy). */
const MAX_HELD_OFF_KEYS = 10_000;

export interface PrefetchSchedulerOptions {
  readonly maxConcurrent: number;
  /** Milliseconds, the resolver's injected clock. */
  readonly now: () => number;
  readonly onResult?: (result: PrefetchResult) => void;
}

/**
 * Runs refreshes in the background: one per key at a time (a second client seeing the same due
 * answer joins nothing and starts nothing), at most `maxConcurrent` at once. A refresh that throws
 * counts as failed: nothing of it reaches a client.
 */
export class PrefetchScheduler {
  readonly #running = new Map<string, Promise<void>>();
  /** Keys whose refresh failed, and until when they are not tried again; in insertion order. */
  readonly #heldUntil = new Map<string, number>();
  readonly #opts: PrefetchSchedulerOptions;

  constructor(opts: PrefetchSchedulerOptions) {
    this.#opts = opts;
  }

  get running(): number {
    return this.#running.size;
  }

  /** Starts `refresh` for `key` unless one is running for it; false when nothing was started. */
  start(key: string, refresh: () => Promise<'refreshed' | 'failed'>): boolean {
    if (this.#running.has(key)) return false;
    const held = this.#heldUntil.get(key);
    if (held !== undefined) {
      if (this.#opts.now() < held) return false;
      this.#heldUntil.delete(key);
    }
    if (this.#running.size >= this.#opts.maxConcurrent) {
      this.#opts.onResult?.('skipped');
      return false;
    }
    const p = (async (): Promise<void> => {
      let result: PrefetchResult;
      try {
        result = await refresh();
      } catch {
        result = 'failed';
      }
      this.#running.delete(key);
      if (result === 'failed') this.#holdOff(key);
      this.#opts.onResult?.(result);
    })();
    this.#running.set(key, p);
    return true;
  }

  #holdOff(key: string): void {
    this.#heldUntil.delete(key);
    if (this.#heldUntil.size >= MAX_HELD_OFF_KEYS) {
      const oldest = this.#heldUntil.keys().next();
      if (oldest.done !== true) this.#heldUntil.delete(oldest.value);
    }
    this.#heldUntil.set(key, this.#opts.now() + PREFETCH_RETRY_HOLDOFF_MS);
  }

  /** Resolves when every refresh started so far (and any they led to) has finished: for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }
}
