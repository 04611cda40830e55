// What we know about each upstream server address (keyed by address and port): smoothed RTT,
// the current retransmission timeout with exponential back-off, and whether it was recently
// lame for a zone or unreachable. Bounded by entry count; forgets the least recently used.
import { LRUCache } from 'lru-cache';
import { RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import type { Clock, RandomSource } from './clock.ts';
import { serverKey, type ServerAddress } from './transport.ts';

const MAX_INFRA_ENTRIES = 10_000;
/** Servers we have never heard from rank as if this slow (Unbound's UNKNOWN_SERVER_NICENESS). */
export const UNKNOWN_RTT_MS = 376;
/** RFC 6298-style smoothing: srtt ← 7/8·srtt + 1/8·sample. */
const SRTT_WEIGHT = 0.875;
/** The timeout doubles per consecutive timeout, up to this multiple of the base timeout. */
const MAX_BACKOFF_FACTOR = 8;
/**
 * Consecutive counted timeouts (each at a higher back-off) after which the address is considered
 * unreachable for a while. As many as one question may send it by default (maxAttemptsPerServer,
 * Unbound's outbound-msg-retry), so a query's own retransmissions are not cut short; Unbound blocks
 * a server only after its timeout has doubled to 120 s, Knot after 4 timeouts in a row.
 */
const TIMEOUTS_UNTIL_UNREACHABLE = 5;
export const UNREACHABLE_HOLD_MS = 60_000;
/** How long a server that was lame for a zone is skipped for that zone. */
export const LAME_HOLD_MS = 300_000;
/**
 * How long a server that gave data failing validation is asked only after the zone's other servers
 * (Unbound's "dnssec lame"). Short: the server may have been caught mid-resign.
 */
export const DNSSEC_LAME_HOLD_MS = 60_000;
/** Exploration: how often a server other than the fastest is picked, so RTTs stay current. */
export const EXPLORATION_RATE = 0.05;

/**
 * Timeouts are counted per query-type class, as Unbound's timeout_A / timeout_AAAA / timeout_other:
 * some servers (and middleboxes) drop AAAA queries while answering A (RFC 4074 §3), and that must
 * not make the server unreachable for its A queries.
 */
type TimeoutClass = 'A' | 'AAAA' | 'other';

interface ClassTimeouts {
  /** Consecutive counted timeouts: the back-off level of this class. */
  consecutive: number;
  heldUntil: number;
}

function timeoutClass(qtype: number): TimeoutClass {
  return qtype === RRType.A ? 'A' : qtype === RRType.AAAA ? 'AAAA' : 'other';
}

interface InfraEntry {
  srttMs: number;
  known: boolean;
  readonly timeouts: Record<TimeoutClass, ClassTimeouts>;
  /** The network said the address cannot be reached (ICMP unreachable): every query type. */
  unreachableUntil: number;
  /** lameKey(zone, qtype) → [held until, why] */
  readonly lame: Map<string, { until: number; why: string }>;
  /** zone key → held until: the server's data for the zone failed validation (any query type, as Unbound). */
  readonly dnssecLame: Map<string, number>;
}

/**
 * Lameness is remembered per zone, for every query type (the server does not serve the zone) or
 * per query-type class, A or other (as Unbound does): a server that botches AAAA queries for a
 * zone may still answer its A queries correctly.
 */
function lameKey(zone: Name, qtype: number | undefined): string {
  return `${zone.key}|${qtype === undefined ? 'all' : qtype === RRType.A ? 'A' : 'other'}`;
}

/**
 * `probe`: the address is held only for lost queries (not lame): when a zone has no other server
 * left, one query may still be sent to see whether it is back.
 */
export type Usability = { usable: true } | { usable: false; why: string; probe: boolean };

export class InfraCache {
  readonly #lru = new LRUCache<string, InfraEntry>({ max: MAX_INFRA_ENTRIES });
  readonly #clock: Clock;
  readonly #baseTimeoutMs: number;

  constructor(clock: Clock, baseTimeoutMs: number) {
    this.#clock = clock;
    this.#baseTimeoutMs = baseTimeoutMs;
  }

  #entry(s: ServerAddress): InfraEntry {
    const k = serverKey(s);
    let e = this.#lru.get(k);
    if (e === undefined) {
      const fresh = (): ClassTimeouts => ({ consecutive: 0, heldUntil: 0 });
      e = { srttMs: UNKNOWN_RTT_MS, known: false, timeouts: { A: fresh(), AAAA: fresh(), other: fresh() }, unreachableUntil: 0, lame: new Map(), dnssecLame: new Map() };
      this.#lru.set(k, e);
    }
    return e;
  }

  srtt(s: ServerAddress): number {
    return this.#lru.get(serverKey(s))?.srttMs ?? UNKNOWN_RTT_MS;
  }

  /** The timeout for the next query of this type to `s`: the base, doubled per consecutive timeout of its class. */
  timeoutFor(s: ServerAddress, qtype: number): number {
    const n = this.#lru.get(serverKey(s))?.timeouts[timeoutClass(qtype)].consecutive ?? 0;
    return this.#baseTimeoutMs * Math.min(MAX_BACKOFF_FACTOR, 2 ** n);
  }

  /**
   * An answer came back. `qtype` (absent for an RTT learnt otherwise) clears the timeouts of its
   * class only: a server answering A says nothing about its AAAA queries still getting lost.
   */
  recordRtt(s: ServerAddress, rttMs: number, qtype?: number): void {
    const e = this.#entry(s);
    e.srttMs = e.known ? SRTT_WEIGHT * e.srttMs + (1 - SRTT_WEIGHT) * rttMs : rttMs;
    e.known = true;
    e.unreachableUntil = 0;
    if (qtype !== undefined) {
      const t = e.timeouts[timeoutClass(qtype)];
      t.consecutive = 0;
      t.heldUntil = 0;
    }
  }

  /**
   * `levelMs` is the back-off level the lost query was sent at (timeoutFor when it was sent);
   * `waitedMs` how long it was waited for, which the query's deadline may have cut shorter. Only a
   * loss at the current back-off level counts (as Unbound's rtt_lost does): fifty queries sent
   * together and lost together are one piece of evidence, not fifty, so a burst under load cannot
   * mark a server unreachable. A wait the deadline shortened still counts at its level: otherwise
   * a level above the deadline could never be reached and the server never held unreachable.
   */
  recordTimeout(s: ServerAddress, qtype: number, levelMs: number, waitedMs: number = levelMs): void {
    const e = this.#entry(s);
    // A timeout says the server is at least this slow: rank it accordingly.
    e.srttMs = Math.max(e.srttMs, waitedMs);
    if (levelMs < this.timeoutFor(s, qtype)) return;
    const t = e.timeouts[timeoutClass(qtype)];
    t.consecutive++;
    if (t.consecutive >= TIMEOUTS_UNTIL_UNREACHABLE) t.heldUntil = this.#clock.now() + UNREACHABLE_HOLD_MS;
  }

  recordUnreachable(s: ServerAddress): void {
    this.#entry(s).unreachableUntil = this.#clock.now() + UNREACHABLE_HOLD_MS;
  }

  /** `qtype` undefined: lame for every query type of the zone. */
  recordLame(s: ServerAddress, zone: Name, qtype: number | undefined, why: string): void {
    this.#entry(s).lame.set(lameKey(zone, qtype), { until: this.#clock.now() + LAME_HOLD_MS, why });
  }

  /**
   * Unlike recordLame this does not make the server unusable: it is asked last, so a zone whose
   * every server is broken is still asked (and fails as before) rather than reported unreachable.
   */
  recordDnssecLame(s: ServerAddress, zone: Name): void {
    this.#entry(s).dnssecLame.set(zone.key, this.#clock.now() + DNSSEC_LAME_HOLD_MS);
  }

  isDnssecLame(s: ServerAddress, zone: Name): boolean {
    const e = this.#lru.get(serverKey(s));
    const until = e?.dnssecLame.get(zone.key);
    if (e === undefined || until === undefined) return false;
    if (until > this.#clock.now()) return true;
    e.dnssecLame.delete(zone.key);
    return false;
  }

  usability(s: ServerAddress, zone: Name, qtype: number): Usability {
    const e = this.#lru.get(serverKey(s));
    if (e === undefined) return { usable: true };
    const now = this.#clock.now();
    for (const k of [lameKey(zone, undefined), lameKey(zone, qtype)]) {
      const l = e.lame.get(k);
      if (l === undefined) continue;
      if (l.until > now) return { usable: false, why: `remembered as lame (${l.why})`, probe: false };
      e.lame.delete(k);
    }
    if (e.unreachableUntil > now) return { usable: false, why: 'remembered as unreachable', probe: true };
    if (e.timeouts[timeoutClass(qtype)].heldUntil > now) {
      return { usable: false, why: `remembered as unreachable (its ${timeoutClass(qtype)} queries time out)`, probe: true };
    }
    return { usable: true };
  }
}

/**
 * Picks the server to ask next: usually the lowest smoothed RTT, sometimes (EXPLORATION_RATE) a
 * random other one so a server that was slow once gets measured again. Ties keep list order, so
 * with equal RTTs the choice is deterministic.
 */
export function chooseServer(candidates: readonly ServerAddress[], infra: InfraCache, random: RandomSource): ServerAddress | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length > 1 && random() < EXPLORATION_RATE) {
    return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))];
  }
  let best = candidates[0];
  let bestRtt = infra.srtt(best);
  for (const c of candidates) {
    const r = infra.srtt(c);
    if (r < bestRtt) {
      best = c;
      bestRtt = r;
    }
  }
  return best;
}
