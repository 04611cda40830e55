// NSEC3 denial-of-existence proofs (RFC 5155 §8, RFC 9276 limits, RFC 6840 §4.1 zone-cut rule).
// Pure functions over NSEC3 records whose signatures the caller has verified. Every name hash goes
// through the caller's per-response Nsec3Hasher, so a hostile zone cannot make one response cost
// more than its budget (CVE-2023-50868); NSEC3 with more iterations than the caller allows end the
// proof with 'unsupported-iterations', which RFC 9276 §3.2 says to treat as insecure (EDE 27).
import type { Name } from '../wire/name.ts';
import { RRType } from '../wire/constants.ts';
import type { Nsec3Rdata } from '../wire/rdata/dnssec.ts';
import { NSEC3_HASH_SHA1, labelToHash, type Nsec3Hasher } from './nsec3hash.ts';

/** Flags bit 7 (0x01): the span may hide unsigned delegations (RFC 5155 §3.1.2.1). */
export const NSEC3_FLAG_OPT_OUT = 0x01;

export interface Nsec3Record {
  readonly owner: Name;
  readonly nsec3: Nsec3Rdata;
}

export interface Nsec3Options {
  /** Largest iteration count accepted; above it the proof is 'unsupported-iterations' (RFC 9276). */
  readonly maxIterations: number;
  /** The response's hash budget and memo. */
  readonly hasher: Nsec3Hasher;
}

export type Nsec3ProofKind = 'nodata' | 'opt-out' | 'wildcard-nodata' | 'nxdomain' | 'wildcard-answer';

export type Nsec3Failure =
  | 'unsupported-iterations' // → insecure + EDE 27 (RFC 9276 §3.2)
  | 'unsupported-hash' // no NSEC3 with a known hash algorithm and flags (RFC 5155 §8.1, §8.2) → insecure
  | 'hash-budget-exhausted'
  | 'type-exists'
  | 'cname-exists'
  | 'delegation-nsec3' // parent-side NSEC3 at a zone cut: proves only DS absence
  | 'child-side-nsec3' // the child apex's NSEC3 cannot deny a DS
  | 'name-exists'
  | 'wildcard-exists'
  | 'wildcard-not-covered'
  | 'next-closer-not-covered'
  | 'no-closest-encloser'
  | 'closest-encloser-is-cut' // the closest encloser is a delegation or DNAME (RFC 6840 §4.1)
  | 'not-opt-out' // DS denial by covering NSEC3 needs the opt-out flag (RFC 5155 §8.6)
  | 'out-of-zone'
  | 'no-proof';

export type Nsec3Proof =
  | {
    proven: true;
    kind: Nsec3ProofKind;
    closestEncloser?: Name;
    nextCloser?: Name;
    /**
     * The NSEC3 covering the next closer name has opt-out set. For NXDOMAIN and wildcard answers
     * this means an unsigned delegation could exist there, so the result is insecure, not secure
     * (RFC 5155 §9.2); for kind 'opt-out' (DS denial) it is always true.
     */
    optOut: boolean;
    /** The NSEC3 matching the query name (kind 'nodata'): callers read its NS bit for DS proofs. */
    matched?: Nsec3Record;
  }
  | { proven: false; why: Nsec3Failure; detail: string };

type Fail = Extract<Nsec3Proof, { proven: false }>;

function fail(why: Nsec3Failure, detail: string): Fail {
  return { proven: false, why, detail };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function has(n: Nsec3Rdata, type: number): boolean {
  return n.types.includes(type);
}

/**
 * True when `hash` lies strictly between the NSEC3's owner hash and next hash. The last NSEC3 of
 * the chain points back to the first (next ≤ owner) and covers everything after it or before next.
 */
export function nsec3CoversHash(ownerHash: Uint8Array, nsec3: Nsec3Rdata, hash: Uint8Array): boolean {
  const toNext = compareBytes(ownerHash, nsec3.nextHashed);
  const afterOwner = compareBytes(ownerHash, hash) < 0;
  const beforeNext = compareBytes(hash, nsec3.nextHashed) < 0;
  return toNext < 0 ? afterOwner && beforeNext : afterOwner || beforeNext;
}

interface Usable {
  readonly rec: Nsec3Record;
  readonly ownerHash: Uint8Array;
}

/** The NSEC3 records of one zone, with their owner hashes decoded, and the hashing they need. */
class Chain {
  readonly #records: readonly Usable[];
  readonly #opts: Nsec3Options;
  /** Set once the hasher refuses: every later lookup then fails and the proof reports it. */
  exhausted: Fail | undefined;

  constructor(records: readonly Usable[], opts: Nsec3Options) {
    this.#records = records;
    this.#opts = opts;
  }

  #hashesOf(name: Name): Map<Usable, Uint8Array> | undefined {
    const out = new Map<Usable, Uint8Array>();
    for (const u of this.#records) {
      const h = this.#opts.hasher.hash(name, u.rec.nsec3.salt, u.rec.nsec3.iterations);
      if (!h.ok) {
        this.exhausted = fail(h.why, h.detail);
        return undefined;
      }
      out.set(u, h.hash);
    }
    return out;
  }

  match(name: Name): Nsec3Record | undefined {
    const hashes = this.#hashesOf(name);
    if (hashes === undefined) return undefined;
    for (const [u, h] of hashes) if (compareBytes(u.ownerHash, h) === 0) return u.rec;
    return undefined;
  }

  cover(name: Name): Nsec3Record | undefined {
    const hashes = this.#hashesOf(name);
    if (hashes === undefined) return undefined;
    for (const [u, h] of hashes) if (nsec3CoversHash(u.ownerHash, u.rec.nsec3, h)) return u.rec;
    return undefined;
  }
}

/**
 * Keeps the NSEC3 records of `zone` that RFC 5155 lets a validator use: owner directly below the
 * zone, hash algorithm 1, flags 0 or 1 (§8.2), a base32hex owner label, and a next hash of the
 * same length. Too many iterations on any of them ends the proof (RFC 9276 §3.2).
 */
function buildChain(nsec3s: readonly Nsec3Record[], zone: Name, opts: Nsec3Options): Chain | Fail {
  const usable: Usable[] = [];
  let inZone = 0;
  for (const rec of nsec3s) {
    if (rec.owner.labelCount !== zone.labelCount + 1 || !rec.owner.isSubdomainOf(zone)) continue;
    inZone++;
    const n = rec.nsec3;
    if (n.hashAlgorithm !== NSEC3_HASH_SHA1 || (n.flags & ~NSEC3_FLAG_OPT_OUT) !== 0) continue;
    const ownerHash = labelToHash(rec.owner.labels[0]);
    if (ownerHash === undefined || ownerHash.length !== n.nextHashed.length) continue;
    if (n.iterations > opts.maxIterations) {
      return fail('unsupported-iterations', `NSEC3 at ${rec.owner.toString()} uses ${n.iterations} iterations, more than ${opts.maxIterations}`);
    }
    usable.push({ rec, ownerHash });
  }
  if (usable.length === 0) {
    return inZone === 0
      ? fail('no-proof', `no NSEC3 records for ${zone.toString()}`)
      : fail('unsupported-hash', `no NSEC3 record of ${zone.toString()} has a supported hash algorithm and flags`);
  }
  return new Chain(usable, opts);
}

function isOptOut(rec: Nsec3Record): boolean {
  return (rec.nsec3.flags & NSEC3_FLAG_OPT_OUT) !== 0;
}

function isCut(n: Nsec3Rdata): boolean {
  return (has(n, RRType.NS) && !has(n, RRType.SOA)) || has(n, RRType.DNAME);
}

interface Encloser {
  readonly closestEncloser: Name;
  readonly nextCloser: Name;
  readonly nextCloserCover: Nsec3Record;
}

/**
 * Closest encloser proof (RFC 5155 §8.3): walking up from qname, the first ancestor with a
 * matching NSEC3 is the closest encloser; the name one label below it towards qname (the next
 * closer name) must be covered. A match on qname itself is 'name-exists'.
 */
function proveClosestEncloser(chain: Chain, qname: Name, zone: Name): Encloser | Fail {
  for (let labels = qname.labelCount; labels >= zone.labelCount; labels--) {
    const candidate = qname.suffix(labels);
    const m = chain.match(candidate);
    if (chain.exhausted) return chain.exhausted;
    if (m === undefined) continue;
    if (labels === qname.labelCount) return fail('name-exists', `an NSEC3 matches ${qname.toString()}`);
    if (isCut(m.nsec3)) return fail('closest-encloser-is-cut', `closest encloser ${candidate.toString()} is a zone cut or DNAME`);
    const nextCloser = qname.suffix(labels + 1);
    const cover = chain.cover(nextCloser);
    if (chain.exhausted) return chain.exhausted;
    if (cover === undefined) return fail('next-closer-not-covered', `no NSEC3 covers next closer ${nextCloser.toString()}`);
    return { closestEncloser: candidate, nextCloser, nextCloserCover: cover };
  }
  return fail('no-closest-encloser', `no NSEC3 matches any ancestor of ${qname.toString()} in ${zone.toString()}`);
}

function wildcardAt(ce: Name): Name | undefined {
  const w = ce.child('*');
  return w.ok ? w.name : undefined;
}

/** Type checks on the NSEC3 matching the name in question (RFC 5155 §8.5, §8.6, §8.7). */
function checkMatchedTypes(rec: Nsec3Record, name: Name, qtype: number): Fail | undefined {
  const n = rec.nsec3;
  if (has(n, qtype)) return fail('type-exists', `NSEC3 for ${name.toString()} lists type ${qtype}`);
  if (qtype !== RRType.CNAME && has(n, RRType.CNAME)) return fail('cname-exists', `NSEC3 for ${name.toString()} lists CNAME`);
  if (qtype === RRType.DS) {
    if (has(n, RRType.SOA) && !name.isRoot) return fail('child-side-nsec3', `NSEC3 for ${name.toString()} is the child apex's`);
  } else if (has(n, RRType.NS) && !has(n, RRType.SOA)) {
    return fail('delegation-nsec3', `NSEC3 for ${name.toString()} is from the parent side of a delegation`);
  }
  return undefined;
}

function start(nsec3s: readonly Nsec3Record[], qname: Name, zone: Name, opts: Nsec3Options): Chain | Fail {
  if (!qname.isSubdomainOf(zone)) return fail('out-of-zone', `${qname.toString()} is not in ${zone.toString()}`);
  return buildChain(nsec3s, zone, opts);
}

/** NXDOMAIN (RFC 5155 §8.4): closest encloser proof, and the wildcard at it covered. */
export function nsec3ProvesNxdomain(nsec3s: readonly Nsec3Record[], qname: Name, zone: Name, opts: Nsec3Options): Nsec3Proof {
  const chain = start(nsec3s, qname, zone, opts);
  if (!(chain instanceof Chain)) return chain;
  const ce = proveClosestEncloser(chain, qname, zone);
  if ('proven' in ce) return ce;
  const wildcard = wildcardAt(ce.closestEncloser);
  if (wildcard === undefined) return fail('no-proof', `no room for a wildcard below ${ce.closestEncloser.toString()}`);
  if (chain.match(wildcard) !== undefined) return fail('wildcard-exists', `${wildcard.toString()} exists`);
  const cover = chain.exhausted ? undefined : chain.cover(wildcard);
  if (chain.exhausted) return chain.exhausted;
  if (cover === undefined) return fail('wildcard-not-covered', `no NSEC3 covers ${wildcard.toString()}`);
  return {
    proven: true, kind: 'nxdomain', closestEncloser: ce.closestEncloser, nextCloser: ce.nextCloser,
    optOut: isOptOut(ce.nextCloserCover),
  };
}

/**
 * NODATA (RFC 5155 §8.5-§8.7): an NSEC3 matching qname without the type (an empty non-terminal's
 * NSEC3 has no types, §8.5); for DS with no match, a closest encloser proof whose next closer is
 * covered by an opt-out NSEC3 (§8.6, an insecure delegation); otherwise a closest encloser proof
 * plus an NSEC3 matching the wildcard at the closest encloser without the type (§8.7).
 */
export function nsec3ProvesNoData(nsec3s: readonly Nsec3Record[], qname: Name, qtype: number, zone: Name, opts: Nsec3Options): Nsec3Proof {
  const chain = start(nsec3s, qname, zone, opts);
  if (!(chain instanceof Chain)) return chain;
  const m = chain.match(qname);
  if (chain.exhausted) return chain.exhausted;
  if (m !== undefined) return checkMatchedTypes(m, qname, qtype) ?? { proven: true, kind: 'nodata', optOut: false, matched: m };
  const ce = proveClosestEncloser(chain, qname, zone);
  if ('proven' in ce) return ce;
  if (qtype === RRType.DS) {
    if (!isOptOut(ce.nextCloserCover)) {
      return fail('not-opt-out', `NSEC3 covering ${ce.nextCloser.toString()} does not have opt-out set`);
    }
    return { proven: true, kind: 'opt-out', closestEncloser: ce.closestEncloser, nextCloser: ce.nextCloser, optOut: true };
  }
  const wildcard = wildcardAt(ce.closestEncloser);
  const wm = wildcard === undefined ? undefined : chain.match(wildcard);
  if (chain.exhausted) return chain.exhausted;
  if (wildcard === undefined || wm === undefined) {
    // RFC 5155 erratum 3441: with no matching NSEC3 (an empty non-terminal above an unsigned
    // delegation in an opt-out span has none), an opt-out NSEC3 covering the next closer name
    // proves the NODATA, but only insecurely, whatever the type.
    if (isOptOut(ce.nextCloserCover)) {
      return { proven: true, kind: 'opt-out', closestEncloser: ce.closestEncloser, nextCloser: ce.nextCloser, optOut: true };
    }
    return fail('not-opt-out', `${qname.toString()} does not exist, no NSEC3 matches the wildcard at ${ce.closestEncloser.toString()} and the NSEC3 covering ${ce.nextCloser.toString()} does not have opt-out set`);
  }
  return checkMatchedTypes(wm, wildcard, qtype) ?? {
    proven: true, kind: 'wildcard-nodata', closestEncloser: ce.closestEncloser, nextCloser: ce.nextCloser,
    optOut: isOptOut(ce.nextCloserCover),
  };
}

/**
 * A positive answer synthesised from `wildcard` (owner rebuilt from the RRSIG labels field): the
 * next closer name — qname cut to one label below the wildcard's parent — must be covered
 * (RFC 5155 §8.8), so no closer name exists that should have answered instead.
 */
export function nsec3ProvesWildcardAnswer(nsec3s: readonly Nsec3Record[], qname: Name, wildcard: Name, zone: Name, opts: Nsec3Options): Nsec3Proof {
  if (qname.labelCount < wildcard.labelCount || !qname.isSubdomainOf(wildcard.parent())) {
    return fail('no-proof', `${qname.toString()} cannot be an expansion of ${wildcard.toString()}`);
  }
  const chain = start(nsec3s, qname, zone, opts);
  if (!(chain instanceof Chain)) return chain;
  const nextCloser = qname.suffix(wildcard.labelCount);
  const cover = chain.cover(nextCloser);
  if (chain.exhausted) return chain.exhausted;
  if (cover === undefined) return fail('next-closer-not-covered', `no NSEC3 covers next closer ${nextCloser.toString()}`);
  return { proven: true, kind: 'wildcard-answer', closestEncloser: wildcard.parent(), nextCloser, optOut: isOptOut(cover) };
}
