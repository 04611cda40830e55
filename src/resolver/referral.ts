// The answer to a non-recursive (RD=0) question that the cache cannot answer: a referral to the
// closest enclosing delegation the cache holds, as RFC 1034 §4.3.2 (steps 3b and 4) describes for a
// server that does not recurse: the delegation's NS records in the authority section and whatever
// addresses of those servers are known in the additional section. Built from cached data alone;
// nothing is ever asked upstream for it.
//
// The best NS set held is used (RFC 2181 §5.4.1): the zone's own NS set, as its servers sent it
// beside an answer, ranks above the parent's delegation, and is used when the validator proved it
// secure with the zone's keys (zone-side.ts), with the server addresses proven likewise; otherwise
// the delegation as the parent gave it, with the glue and addresses the cache holds.
//
// Its security follows the cached verdicts (as Unbound's answer_norec_from_cache does): a bogus NS
// or DS set is a SERVFAIL (the cached verdict's reason, then EDE 13), a referral whose NS (and DS)
// sets were all validated secure may carry AD and then keeps only the addresses that were validated
// too (the others are unproven extras); anything else, including data never validated, is sent
// without AD. Nothing is validated here: that could need keys the cache does not hold.
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { Rcode, RRClass, RRType, rrTypeToString } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import type { Outcome } from '../wire/outcome.ts';
import type { Question, RRset } from '../wire/types.ts';
import { Trust, type CachedRRset, type RRsetCache } from './cache.ts';
import { withCachedError } from './failure-cache.ts';
import { rdataName } from './rdata-views.ts';
import { ADDRESS_TYPES, type ZoneSideStore } from './zone-side.ts';

/**
 * NS targets whose addresses are looked up for one referral. An NS set is bounded by the message it
 * came in; this bounds the cache look-ups per RD=0 query more tightly (13 is the root's count).
 */
export const MAX_REFERRAL_TARGETS = 13;

/**
 * Where the search for a delegation starts: the name itself (a cached NS set at the name is its
 * own zone's delegation), except for DS, which lives on the parent side of a cut (RFC 4035 §2.4).
 */
function searchStart(q: Question): Name {
  return q.type === RRType.DS && !q.name.isRoot ? q.name.parent() : q.name;
}

/**
 * The NS set of the closest enclosing name with one, or undefined (nothing cached at all). There,
 * the zone's own secure NS set is preferred to the parent's delegation (rank AUTHORITY), and to any
 * copy not proven secure; a secure set the cache holds from the zone itself (an answer to
 * "zone NS") is as good and kept.
 */
function closestNs(cache: RRsetCache, zoneSide: ZoneSideStore | undefined, q: Question): CachedRRset | undefined {
  // Bounded: each step removes a label, and names have at most 127.
  for (let n = searchStart(q); ; n = n.parent()) {
    const ns = cache.peekRRset(n, RRType.NS, q.class);
    const own = zoneSide?.secure(n, RRType.NS);
    if (own !== undefined && (ns === undefined || ns.security !== 'secure' || ns.rank < Trust.AUTH_AUTHORITY)) return own;
    if (ns !== undefined) return ns;
    if (n.isRoot) return undefined;
  }
}

/** The address set of an NS target: a secure one wherever it is kept, else whatever the cache holds. */
function serverAddress(cache: RRsetCache, zoneSide: ZoneSideStore | undefined, target: Name, type: number, cls: number): CachedRRset | undefined {
  const held = cache.peekRRset(target, type, cls);
  if (held?.security === 'secure') return held;
  return zoneSide?.secure(target, type) ?? held;
}

function failureReason(set: CachedRRset): Reason {
  return set.reason ?? reason(EdeCode.DNSSEC_BOGUS, `${set.rrset.name.toString()} ${rrTypeToString(set.rrset.type)} failed validation`);
}

/**
 * The referral for `q` from the cache, or undefined when the cache holds no delegation at all.
 * `cd`: the client disabled checking, so bogus data is passed on as it is (without AD).
 * `zoneSide`: the zones' own NS sets and server addresses, used where proven secure.
 */
export function cachedReferral(cache: RRsetCache, q: Question, cd: boolean, zoneSide?: ZoneSideStore): Outcome | undefined {
  if (q.class !== RRClass.IN) return undefined;
  const ns = closestNs(cache, zoneSide, q);
  if (ns === undefined) return undefined;
  const zone = ns.rrset.name;
  const ds = zone.isRoot ? undefined : cache.peekRRset(zone, RRType.DS, q.class);
  const authority = ds === undefined ? [ns] : [ns, ds];
  const bogus = authority.find((s) => s.security === 'bogus');
  if (bogus !== undefined && !cd) {
    const text = `referral to ${zone.toString()} answered from cache; the delegation failed validation`;
    return {
      rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'bogus',
      reasons: withCachedError([failureReason(bogus)], text),
    };
  }
  const addresses: CachedRRset[] = [];
  const seen = new Set<string>();
  for (const rdata of ns.rrset.rdata.slice(0, MAX_REFERRAL_TARGETS)) {
    const target = rdataName(RRType.NS, rdata);
    if (target === undefined || seen.has(target.key)) continue;
    seen.add(target.key);
    for (const type of ADDRESS_TYPES) {
      const a = serverAddress(cache, zoneSide, target, type, q.class);
      if (a !== undefined) addresses.push(a);
    }
  }
  const secure = authority.every((s) => s.security === 'secure');
  // A secure referral keeps only validated addresses: the AD bit covers the whole message.
  const additional: RRset[] = addresses.filter((a) => !secure || a.security === 'secure').map((a) => a.rrset);
  return {
    rcode: Rcode.NOERROR,
    answer: [],
    authority: authority.map((s) => s.rrset),
    additional,
    security: secure ? 'secure' : 'insecure',
    reasons: [],
  };
}
