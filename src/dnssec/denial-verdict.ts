// Denial proofs turned into verdicts (RFC 4035 §5.4, RFC 5155 §8, RFC 9276 §3.2). The NSEC and
// NSEC3 RRsets handed in must already be validated (rrset-verdict.ts): this module only reads what
// they prove. NSEC is preferred when both are present (a zone uses one or the other).
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { RRType, rrTypeToString } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { nsecCodec, nsec3Codec } from '../wire/rdata/dnssec.ts';
import type { RRset } from '../wire/types.ts';
import type { ValidationBudget } from './budget.ts';
import { nsecProvesNoData, nsecProvesNxdomain, nsecProvesWildcardExpansion, type NsecProof, type NsecRecord } from './nsec.ts';
import { nsec3ProvesNoData, nsec3ProvesNxdomain, nsec3ProvesWildcardAnswer, type Nsec3Proof, type Nsec3Record } from './nsec3.ts';
import type { Nsec3Hasher } from './nsec3hash.ts';

/** RFC 9276 §3.2 and the limit BIND, Knot and PowerDNS use. */
export const DEFAULT_NSEC3_MAX_ITERATIONS = 50;

export interface DenialOptions {
  /** NSEC3 records with more iterations make the denial insecure + EDE 27. */
  readonly nsec3MaxIterations: number;
  /** One per response: bounds the NSEC3 hashes (CVE-2023-50868). */
  readonly hasher: Nsec3Hasher;
  readonly budget: ValidationBudget;
}

export type DenialVerdict =
  | { readonly security: 'secure' }
  /** Proven, but not provably secure (opt-out span, too many NSEC3 iterations): reason optional. */
  | { readonly security: 'insecure'; readonly reason?: Reason }
  | { readonly security: 'bogus'; readonly reason: Reason };

/** What a DS denial at a name says about the chain of trust. */
export type NoDsVerdict =
  /** A delegation without DS: everything below is insecure (RFC 4035 §5.2). */
  | { readonly result: 'insecure-delegation'; readonly reason?: Reason }
  /** No zone cut at that name: the parent's keys keep speaking for it. */
  | { readonly result: 'no-cut' }
  | { readonly result: 'bogus'; readonly reason: Reason };

function nsecRecords(sets: readonly RRset[]): NsecRecord[] {
  const out: NsecRecord[] = [];
  for (const s of sets) {
    if (s.type !== RRType.NSEC) continue;
    for (const r of s.rdata) {
      const d = nsecCodec.decode(r);
      if (d.ok) out.push({ owner: s.name, nsec: d.value });
    }
  }
  return out;
}

function nsec3Records(sets: readonly RRset[]): Nsec3Record[] {
  const out: Nsec3Record[] = [];
  for (const s of sets) {
    if (s.type !== RRType.NSEC3) continue;
    for (const r of s.rdata) {
      const d = nsec3Codec.decode(r);
      if (d.ok) out.push({ owner: s.name, nsec3: d.value });
    }
  }
  return out;
}

/**
 * NSEC3 records grouped by hash parameters (algorithm, iterations, salt): each group is one hash
 * chain, and a proof must come from one chain — a name "covered" in one chain says nothing in
 * another (several chains coexist while a zone changes parameters). Order of first appearance.
 */
function byParameters(records: readonly Nsec3Record[]): Nsec3Record[][] {
  const groups = new Map<string, Nsec3Record[]>();
  for (const r of records) {
    const n = r.nsec3;
    const key = `${n.hashAlgorithm}/${n.iterations}/${Buffer.from(n.salt).toString('hex')}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  return [...groups.values()];
}

/** The first chain whose records prove it; otherwise the first chain's failure. */
function proveWithOneChain(records: readonly Nsec3Record[], prove: (chain: readonly Nsec3Record[]) => Nsec3Proof): Nsec3Proof {
  let first: Nsec3Proof | undefined;
  for (const chain of byParameters(records)) {
    const p = prove(chain);
    if (p.proven) return p;
    first ??= p;
  }
  return first ?? prove(records);
}

/*
 * Which info-code a failed denial gets. RFC 8914 §4.13 defines 12 "NSEC Missing" as: validation was
 * attempted, "the requested data was missing and a covering NSEC or NSEC3 was not provided". So 12
 * is for a negative answer (NXDOMAIN, NODATA, no DS) that carries no NSEC or NSEC3 record at all
 * (`missingDenial`), as Unbound reports it. When denial records are there but do not prove the claim
 * (no record covers the name, the wildcard or the next closer name; no closest encloser; the type
 * bit is set), the answer is 6 "DNSSEC Bogus": the records exist and contradict or fall short. A
 * wildcard-expanded positive answer without its proof is 6 too: the requested data is not missing,
 * its expansion is unproven. The EXTRA-TEXT always names the proof that is missing.
 */
function failed(what: string, why: string, detail: string, opts: DenialOptions): DenialVerdict {
  if (why === 'unsupported-iterations') {
    return { security: 'insecure', reason: reason(EdeCode.UNSUPPORTED_NSEC3_ITERATIONS_VALUE, `${what}: ${detail}; treated as insecure (RFC 9276)`) };
  }
  if (why === 'unsupported-hash') return { security: 'insecure', reason: reason(EdeCode.OTHER, `${what}: ${detail}; treated as insecure (RFC 5155 §8.1)`) };
  if (why === 'hash-budget-exhausted') return { security: 'bogus', reason: opts.budget.nsec3Reason(what) };
  return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `${what}: ${detail}`) };
}

function fromNsec(p: NsecProof, what: string, opts: DenialOptions): DenialVerdict {
  return p.proven ? { security: 'secure' } : failed(what, p.why, p.detail, opts);
}

/** Opt-out means an unsigned delegation could hide there: proven, but only insecure (RFC 5155 §9.2). */
function fromNsec3(p: Nsec3Proof, what: string, opts: DenialOptions): DenialVerdict {
  if (!p.proven) return failed(what, p.why, p.detail, opts);
  return p.optOut ? { security: 'insecure' } : { security: 'secure' };
}

/**
 * An NSEC chain stays inside its zone: the owner is in the zone and the next name is too (the last
 * NSEC points back at the apex, RFC 4034 §4.1.1). An NSEC reaching outside would "prove" the absence
 * of names in another zone; it is malformed and makes the denial bogus (EDE 6).
 */
function overreach(nsec: readonly NsecRecord[], zone: Name, what: string): DenialVerdict | undefined {
  const bad = nsec.find((r) => !r.owner.isSubdomainOf(zone) || !r.nsec.next.isSubdomainOf(zone));
  if (bad === undefined) return undefined;
  return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `${what}: NSEC at ${bad.owner.toString()} reaches outside ${zone.toString()} (next ${bad.nsec.next.toString()})`) };
}

/** The negative answer carries no NSEC or NSEC3 record at all: EDE 12 (RFC 8914 §4.13). */
function missingDenial(what: string, zone: Name): DenialVerdict {
  return { security: 'bogus', reason: reason(EdeCode.NSEC_MISSING, `${what}: no NSEC or NSEC3 records from ${zone.toString()}`) };
}

/** NXDOMAIN for `qname` in `zone` (the signer of the denial). */
export function proveNxdomain(zone: Name, qname: Name, proofs: readonly RRset[], opts: DenialOptions): DenialVerdict {
  const what = `NXDOMAIN for ${qname.toString()} in ${zone.toString()}`;
  const nsec = nsecRecords(proofs);
  if (nsec.length > 0) return overreach(nsec, zone, what) ?? fromNsec(nsecProvesNxdomain(nsec, qname, zone), what, opts);
  const nsec3 = nsec3Records(proofs);
  if (nsec3.length > 0) return fromNsec3(proveWithOneChain(nsec3, (c) => nsec3ProvesNxdomain(c, qname, zone, { maxIterations: opts.nsec3MaxIterations, hasher: opts.hasher })), what, opts);
  return missingDenial(what, zone);
}

/** NODATA for (qname, qtype) in `zone`, empty non-terminals and wildcard NODATA included. */
export function proveNodata(zone: Name, qname: Name, qtype: number, proofs: readonly RRset[], opts: DenialOptions): DenialVerdict {
  const what = `NODATA for ${qname.toString()} ${rrTypeToString(qtype)} in ${zone.toString()}`;
  const nsec = nsecRecords(proofs);
  if (nsec.length > 0) return overreach(nsec, zone, what) ?? fromNsec(nsecProvesNoData(nsec, qname, qtype), what, opts);
  const nsec3 = nsec3Records(proofs);
  if (nsec3.length > 0) {
    const p = proveWithOneChain(nsec3, (c) => nsec3ProvesNoData(c, qname, qtype, zone, { maxIterations: opts.nsec3MaxIterations, hasher: opts.hasher }));
    // A DS denial by opt-out is a proven insecure delegation: as a NODATA answer, not secure either.
    return fromNsec3(p, what, opts);
  }
  return missingDenial(what, zone);
}

/**
 * Whether the NSEC proofs (already validated, of `zone`) show `qname` to be an empty non-terminal:
 * an NSEC covers it and its next name lies below it (RFC 4035 §3.1.3.2). Such a name exists, so an
 * NXDOMAIN for it is wrong, and it holds no records at all (no DS, no NS: it is no zone cut).
 * NSEC only: an NSEC3 chain shows an empty non-terminal by a matching hash, which a server that
 * answers NXDOMAIN for the name would not send.
 */
export function proveEmptyNonTerminal(zone: Name, qname: Name, proofs: readonly RRset[]): boolean {
  const nsec = nsecRecords(proofs);
  if (nsec.length === 0 || !qname.isSubdomainOf(zone) || overreach(nsec, zone, '') !== undefined) return false;
  const p = nsecProvesNoData(nsec, qname, RRType.DS); // the type plays no part in an empty non-terminal proof
  return p.proven && p.kind === 'empty-non-terminal';
}

/** A positive answer expanded from `wildcard`: qname itself must be proven absent (RFC 4035 §5.3.4, RFC 5155 §8.8). */
export function proveWildcardAnswer(zone: Name, qname: Name, wildcard: Name, proofs: readonly RRset[], opts: DenialOptions): DenialVerdict {
  const what = `wildcard answer for ${qname.toString()} from ${wildcard.toString()}`;
  const nsec = nsecRecords(proofs);
  if (nsec.length > 0) return overreach(nsec, zone, what) ?? fromNsec(nsecProvesWildcardExpansion(nsec, qname, wildcard), what, opts);
  const nsec3 = nsec3Records(proofs);
  if (nsec3.length > 0) {
    return fromNsec3(proveWithOneChain(nsec3, (c) => nsec3ProvesWildcardAnswer(c, qname, wildcard, zone, { maxIterations: opts.nsec3MaxIterations, hasher: opts.hasher })), what, opts);
  }
  // A positive answer: the data is there, its expansion unproven (6, not 12; see `failed`).
  return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `${what}: no NSEC or NSEC3 records from ${zone.toString()} deny ${qname.toString()}`) };
}

/**
 * What a NODATA answer to "`name` DS" from `parent` proves: a delegation without DS (the matching
 * NSEC/NSEC3 has NS, or an opt-out NSEC3 covers the next closer name), no zone cut at all (no NS
 * bit, or an empty non-terminal), or nothing (bogus).
 */
export function proveNoDs(parent: Name, name: Name, proofs: readonly RRset[], opts: DenialOptions): NoDsVerdict {
  const what = `no DS for ${name.toString()} in ${parent.toString()}`;
  const nsec = nsecRecords(proofs);
  if (nsec.length > 0) {
    const p = nsecProvesNoData(nsec, name, RRType.DS);
    // An NSEC proof that falls short is always EDE 6 (see `failed`: only NSEC3 has other outcomes).
    if (!p.proven) return { result: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `${what}: ${p.detail}`) };
    if (p.matched !== undefined && p.matched.nsec.types.includes(RRType.NS)) return { result: 'insecure-delegation' };
    return { result: 'no-cut' };
  }
  const nsec3 = nsec3Records(proofs);
  if (nsec3.length > 0) {
    const p = proveWithOneChain(nsec3, (c) => nsec3ProvesNoData(c, name, RRType.DS, parent, { maxIterations: opts.nsec3MaxIterations, hasher: opts.hasher }));
    if (!p.proven) {
      const v = failed(what, p.why, p.detail, opts);
      // Too many iterations: we cannot tell, so the delegation is treated as insecure (RFC 9276 §3.2).
      if (v.security === 'insecure') return { result: 'insecure-delegation', ...(v.reason !== undefined ? { reason: v.reason } : {}) };
      return { result: 'bogus', reason: v.security === 'bogus' ? v.reason : reason(EdeCode.DNSSEC_BOGUS, what) };
    }
    if (p.kind === 'opt-out') return { result: 'insecure-delegation' };
    if (p.matched !== undefined && p.matched.nsec3.types.includes(RRType.NS)) return { result: 'insecure-delegation' };
    return { result: 'no-cut' };
  }
  return { result: 'bogus', reason: reason(EdeCode.NSEC_MISSING, `${what}: no NSEC or NSEC3 records`) };
}
