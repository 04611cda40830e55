// RFC 8509 root-key-sentinel: lets a client (or a measurement) learn which root KSKs this resolver
// trusts, by asking for names whose leftmost label carries a key tag. The rule only rewrites answers
// that the resolver validated itself (RFC 8509 §3): everything else passes through unchanged.
import { RRType, Rcode } from '../wire/constants.ts';
import { EdeCode, reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { ClientQuery, Outcome } from '../wire/outcome.ts';
import type { RR } from '../wire/types.ts';

export type SentinelKind = 'is_ta' | 'not_ta';

export interface SentinelLabel {
  readonly kind: SentinelKind;
  readonly keyTag: number;
}

/** What the rule did, for metrics: `answer` kept the downstream answer, `servfail` replaced it. */
export interface SentinelHit {
  readonly kind: SentinelKind;
  readonly keyTag: number;
  readonly result: 'answer' | 'servfail';
}

/** The key tags of the resolver's root trust anchors; asked on every sentinel query so reloads apply. */
export type TrustAnchorKeyTags = () => Iterable<number>;

// §2: "root-key-sentinel-is-ta-<key-tag>" / "root-key-sentinel-not-ta-<key-tag>", the key tag written
// as exactly five decimal digits (leading zeros kept). `firstLabelText` is already lower-cased.
const SENTINEL_LABEL = /^root-key-sentinel-(is|not)-ta-([0-9]{5})$/;
const MAX_KEY_TAG = 0xffff;

/**
 * The sentinel label of `qname`, or undefined when the name is not a sentinel query. Five digits above
 * 65535 cannot be a key tag; such names are treated as ordinary names rather than guessed at.
 */
export function parseSentinelLabel(qname: Name): SentinelLabel | undefined {
  const m = SENTINEL_LABEL.exec(qname.firstLabelText);
  if (m === null) return undefined;
  const keyTag = Number(m[2]);
  if (keyTag > MAX_KEY_TAG) return undefined;
  return { kind: m[1] === 'is' ? 'is_ta' : 'not_ta', keyTag };
}

/** Only address queries are sentinel queries (RFC 8509 §3: "the QTYPE is A or AAAA"). */
function isAddressQuery(query: ClientQuery): boolean {
  return query.question.type === RRType.A || query.question.type === RRType.AAAA;
}

function sentinelFailure(label: SentinelLabel): Outcome {
  const text = label.kind === 'is_ta'
    ? `root-key-sentinel: key tag ${label.keyTag} is not a trust anchor of this resolver`
    : `root-key-sentinel: key tag ${label.keyTag} is a trust anchor of this resolver`;
  return {
    rcode: Rcode.SERVFAIL,
    answer: [], authority: [], additional: [],
    security: 'indeterminate',
    // RFC 8509 §3.2 answers "as if validation failed", so the first EDE is the one a validation
    // failure carries (Unbound sends the same); the second states the rule that decided it.
    reasons: [reason(EdeCode.DNSSEC_BOGUS, 'answered as a validation failure by the RFC 8509 root-key-sentinel rule'), reason(EdeCode.OTHER, text)],
    synthesized: true,
  };
}

export interface SentinelResult {
  readonly outcome: Outcome;
  /** Set when the query was a sentinel query the rule decided on. */
  readonly hit?: SentinelHit;
}

/**
 * Applies RFC 8509 §3 to a downstream answer. is-ta: keep the answer when the key tag is a root trust
 * anchor, else SERVFAIL. not-ta: the reverse. Non-address queries, CD=1 queries and answers that did
 * not validate secure are returned as they are: the signal only means something when this resolver
 * built the chain of trust itself.
 */
export function applySentinel(query: ClientQuery, outcome: Outcome, anchorKeyTags: TrustAnchorKeyTags): SentinelResult {
  if (!isAddressQuery(query) || query.cd || outcome.security !== 'secure') return { outcome };
  const label = parseSentinelLabel(query.question.name);
  if (label === undefined) return { outcome };
  let trusted = false;
  for (const tag of anchorKeyTags()) {
    if (tag === label.keyTag) { trusted = true; break; }
  }
  const keep = label.kind === 'is_ta' ? trusted : !trusted;
  const hit: SentinelHit = { kind: label.kind, keyTag: label.keyTag, result: keep ? 'answer' : 'servfail' };
  return keep ? { outcome, hit } : { outcome: sentinelFailure(label), hit };
}

/**
 * The key tags the sentinel compares against, from root trust-anchor records: a DS anchor names its
 * key by the key tag field (RFC 4034 §5.1.1, the first two RDATA octets); a DNSKEY anchor's tag is
 * computed by `dnskeyKeyTag` (injected: the computation lives in src/dnssec/, which policy must not
 * import). Records not at the root, and of other types, are skipped. RFC 8509 §3 counts the keys in
 * the resolver's root trust-anchor store, so the caller passes the anchors, not the root DNSKEY RRset.
 */
export function rootAnchorKeyTags(anchors: readonly RR[], dnskeyKeyTag: (rdata: Uint8Array) => number): number[] {
  const tags = new Set<number>();
  for (const rr of anchors) {
    if (!rr.name.isRoot) continue;
    if (rr.type === RRType.DS && rr.rdata.length >= 2) tags.add((rr.rdata[0] << 8) | rr.rdata[1]);
    else if (rr.type === RRType.DNSKEY) tags.add(dnskeyKeyTag(rr.rdata));
  }
  return [...tags];
}
