// What a zone's own servers say about the zone itself, kept apart from the answer cache: the
// zone's NS set from the authority section of their answers (a referral's NS set is the parent's
// copy, RFC 2181 §5.4.1 ranks the child's above it) and the addresses of those servers from the
// additional section when they lie inside the zone (so the zone's keys may sign them).
//
// Apart, because a zone's servers could otherwise steer later queries to names of their choosing
// (the promiscuous-NS pattern): nothing here replaces the delegation the iterator follows or the
// addresses it sends queries to. It is read in two places only: the iterator tries a server that
// only the child's NS set names once every server of the delegation has failed (authoritative
// answers only), and an RD=0 referral carries the child's NS set and its servers' addresses
// instead of the parent's delegation and glue, but only those the validator has proven secure
// with the zone's keys when it validated the answer they came with (ZoneDataVerdict).
import { RRClass, RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import type { Message, RRset } from '../wire/types.ts';
import { groupRRsets, sameRecords } from '../wire/rrset.ts';
import { RRsetCache, Trust, type CachedRRset, type TrustRank } from './cache.ts';
import type { Clock } from './clock.ts';
import type { CacheOptions } from './options.ts';
import { rdataName } from './rdata-views.ts';
import type { ZoneDataVerdict } from './resolution.ts';

/** The store is small: it backs up delegations and decorates RD=0 referrals, nothing more. */
const ZONE_SIDE_SHARE = 16;

/**
 * NS targets whose in-zone addresses are taken from one answer. An NS set is bounded by its
 * message; this bounds the sets kept (and later judged) per answer (13 is the root's count).
 */
export const MAX_ZONE_SIDE_TARGETS = 13;

/** The address types a zone's servers are reached by (referral.ts reads the same ones). */
export const ADDRESS_TYPES: readonly number[] = [RRType.A, RRType.AAAA];

/**
 * The zone's NS set (owner exactly `zone`) from the authority or answer section of `message`, and
 * the A/AAAA sets of its first MAX_ZONE_SIDE_TARGETS targets that lie inside `zone`, RRSIGs kept.
 * Out-of-zone addresses are left out: the zone's keys cannot vouch for them.
 */
export function zoneSideSets(message: Message, zone: Name): RRset[] {
  const ns = groupRRsets([...message.answer, ...message.authority]).find((s) => s.type === RRType.NS && s.class === RRClass.IN && s.name.equals(zone));
  if (ns === undefined) return [];
  const targets = new Set<string>();
  for (const r of ns.rdata.slice(0, MAX_ZONE_SIDE_TARGETS)) {
    const t = rdataName(RRType.NS, r);
    if (t !== undefined && t.isSubdomainOf(zone)) targets.add(t.key);
  }
  const addresses = groupRRsets(message.additional).filter((s) => ADDRESS_TYPES.includes(s.type) && s.class === RRClass.IN && targets.has(s.name.key));
  return [ns, ...addresses];
}

export class ZoneSideStore {
  readonly #sets: RRsetCache;

  constructor(opts: CacheOptions, clock: Clock) {
    this.#sets = new RRsetCache({ ...opts, maxBytes: Math.max(1, Math.floor(opts.maxBytes / ZONE_SIDE_SHARE)) }, clock);
  }

  /**
   * Keeps `sets` (from zoneSideSets) as `zone`'s servers sent them; `rank` is AUTH_AUTHORITY for an
   * authoritative answer, AUTHORITY otherwise (a lower rank never replaces a higher one). The same
   * data already proven secure is kept as it is, so the verdict is not lost each time a server
   * repeats it (a changed set replaces it and waits for its own verdict). Returns the sets stored
   * now, the only ones that need judging: a zone's signatures are not verified again per answer.
   */
  put(sets: readonly RRset[], zone: Name, rank: TrustRank): RRset[] {
    const stored: RRset[] = [];
    for (const s of sets) {
      const setRank = s.type === RRType.NS ? rank : Trust.ADDITIONAL;
      const old = this.#sets.peekRRset(s.name, s.type, s.class);
      if (old !== undefined && old.security === 'secure' && old.rank >= setRank && sameRecords(old.rrset.rdata, s.rdata)) continue;
      if (this.#sets.putRRset(s, zone, setRank)) stored.push(s);
    }
    return stored;
  }

  /** The zone's own NS set of at least `minRank`, whatever its verdict. */
  ns(zone: Name, minRank: TrustRank): CachedRRset | undefined {
    return this.#sets.getRRset(zone, RRType.NS, RRClass.IN, minRank);
  }

  /** The live set for (name, type) only when the validator proved it secure. */
  secure(name: Name, type: number): CachedRRset | undefined {
    const s = this.#sets.peekRRset(name, type, RRClass.IN);
    return s?.security === 'secure' ? s : undefined;
  }

  /**
   * Records the validator's verdict, only on the very data it judged: another server's copy stored
   * meanwhile (different records or signatures) stays unjudged.
   */
  record(verdicts: readonly ZoneDataVerdict[]): void {
    for (const v of verdicts) {
      const live = this.#sets.peekRRset(v.set.name, v.set.type, v.set.class);
      if (live === undefined || !sameRecords(live.rrset.rdata, v.set.rdata) || !sameRecords(live.rrset.sigs, v.set.sigs)) continue;
      this.#sets.setSecurity(v.set.name, v.set.type, v.set.class, v.security, v.reason, v.ttl);
    }
  }

  /** Forgets every set at or below `name` (an operator's `flush NAME`); returns how many went. */
  removeBelow(name: Name): number {
    return this.#sets.removeBelow(name);
  }

  clear(): void {
    this.#sets.clear();
  }
}
