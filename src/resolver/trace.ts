// What a traced resolution reports, step by step: the servers asked, the zone cuts followed, the
// trust anchor, every DS and DNSKEY set (key tags, which DS vouched for which key), every RRset's
// signatures and verdict, and the NSEC/NSEC3 records a denial rested on. `anchord explain` prints
// these; the daemon never passes a sink, so none of this runs on the query path. Events are plain
// data (names as presentation strings, times as Unix seconds) so they can be written as JSON lines.
// The builders below are only called behind `trace?.(…)`, whose arguments JavaScript does not
// evaluate when no sink is given: the extra decoding and hashing cost nothing in the daemon.
import { DigestType, Rcode, RRType, rrTypeToString } from '../wire/constants.ts';
import type { Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { Security } from '../wire/outcome.ts';
import { dnskeyCodec, nsec3Codec, nsecCodec, rrsigCodec, type DsRdata } from '../wire/rdata/dnssec.ts';
import type { Question, RRset } from '../wire/types.ts';
import type { KeyEntry } from './key-cache.ts';
import { rdataName } from './rdata-views.ts';
import type { Resolution } from './resolution.ts';
import type { ServerAddress } from './transport.ts';
import type { TrustAnchor } from '../dnssec/anchors.ts';
import type { NoDsVerdict } from '../dnssec/denial-verdict.ts';
import { isRevoked, isZoneKey, DNSKEY_FLAG_SEP } from '../dnssec/dnskey.ts';
import { dsMatchesKey } from '../dnssec/ds.ts';
import { keyTag } from '../dnssec/keytag.ts';
import { nsecCovers } from '../dnssec/nsec.ts';
import { NSEC3_FLAG_OPT_OUT, nsec3CoversHash } from '../dnssec/nsec3.ts';
import { hashToLabel, labelToHash, nsec3Hash } from '../dnssec/nsec3hash.ts';
import { sameBytes } from '../wire/rrset.ts';

/** One DS record (or anchor DS) as the operator reads it: "29791/8/SHA-256". */
export interface DsSummary {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
}

export interface KeySummary {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly flags: number;
  /** SEP bit set: the key a parent DS normally names. */
  readonly ksk: boolean;
  readonly zoneKey: boolean;
  readonly revoked: boolean;
  /** Key tag of the DS record (or the configured anchor key) whose digest matched this key. */
  readonly matchedDs?: number;
  readonly matchedAnchor?: boolean;
}

export interface SigSummary {
  readonly signer: string;
  readonly keyTag: number;
  readonly algorithm: number;
  /** Unix seconds (RFC 4034 §3.1.5 serial time, as decoded). */
  readonly inception: number;
  readonly expiration: number;
}

/** What one NSEC/NSEC3 record says about a name the proof is about. */
export interface ProofRelation {
  readonly relation: 'matches' | 'covers';
  readonly name: string;
}

export interface ProofSummary {
  readonly type: 'NSEC' | 'NSEC3';
  readonly owner: string;
  /** NSEC: the next owner name; NSEC3: the next hashed owner (base32hex). */
  readonly next: string;
  readonly types: readonly string[];
  readonly iterations?: number;
  readonly optOut?: boolean;
  /** The names (query name, its ancestors in the zone, their wildcards) this record matches or covers. */
  readonly relations: readonly ProofRelation[];
}

export type DenialWhat = 'nxdomain' | 'nodata' | 'no-ds' | 'wildcard';

export type TraceEvent =
  /** An upstream exchange; `error` instead of rcode when there was no usable answer. */
  | { readonly kind: 'query'; readonly server: string; readonly question: string; readonly rcode?: string; readonly rttMs?: number; readonly tcp?: boolean; readonly error?: string }
  /** A delegation followed: `from` referred us to `to`, served by `nameservers`. */
  | {
    readonly kind: 'referral'; readonly from: string; readonly to: string; readonly nameservers: readonly string[]; readonly server?: string;
    readonly question: string; readonly hasDs: boolean; readonly fromCache: boolean; readonly forValidation: boolean;
  }
  /** The data (or denial) a zone gave for a question. */
  | {
    readonly kind: 'response'; readonly zone: string; readonly question: string; readonly result: 'answer' | 'alias' | 'nxdomain' | 'nodata';
    readonly rrsets: readonly string[]; readonly server?: string; readonly fromCache: boolean; readonly forValidation: boolean;
  }
  /** A resolution that failed before validation (unreachable servers, limits). */
  | { readonly kind: 'failure'; readonly question: string; readonly reasons: readonly Reason[] }
  | { readonly kind: 'anchor'; readonly zone: string; readonly ds: readonly DsSummary[]; readonly keyTags: readonly number[] }
  /** The DS RRset the parent holds for `zone` (its signature is the preceding rrset event), or why there is none. */
  | {
    readonly kind: 'ds'; readonly zone: string; readonly parent: string; readonly records: readonly DsSummary[]; readonly source: 'parent';
    readonly fromCache: boolean; readonly verdict: Security; readonly reason?: Reason;
  }
  | {
    readonly kind: 'dnskey'; readonly zone: string; readonly keys: readonly KeySummary[]; readonly ds: readonly DsSummary[];
    readonly sigs: readonly SigSummary[]; readonly verdict: Security; readonly reason?: Reason;
  }
  /** One RRset judged with its zone's keys; `checked` false when the zone was not secure, so nothing was verified. */
  | {
    readonly kind: 'rrset'; readonly owner: string; readonly type: string; readonly zone: string; readonly sigs: readonly SigSummary[];
    readonly keyTag?: number; readonly wildcard?: string; readonly verdict: Security; readonly reason?: Reason; readonly checked: boolean; readonly cached: boolean;
  }
  | {
    readonly kind: 'denial'; readonly what: DenialWhat; readonly zone: string; readonly name: string; readonly type?: string;
    readonly records: readonly ProofSummary[]; readonly verdict: Security; readonly result?: 'insecure-delegation' | 'no-cut'; readonly reason?: Reason;
  }
  /** A zone's keys known without walking: remembered from earlier, under a negative anchor, or no anchor at all. */
  | { readonly kind: 'keys'; readonly zone: string; readonly source: 'cache' | 'negative-anchor' | 'no-anchor'; readonly verdict: Security; readonly reason?: Reason }
  /** The answer as the daemon would send it. */
  | { readonly kind: 'verdict'; readonly question: string; readonly rcode: string; readonly security: Security; readonly reasons: readonly Reason[] };

export type TraceSink = (event: TraceEvent) => void;

/** Above this many NSEC3 iterations the trace does not hash names to show relations (CVE-2023-50868). */
const MAX_TRACE_NSEC3_ITERATIONS = 150;
/** Ancestors of the query name examined for relations; deeper names are not worth the hashes. */
const MAX_TRACE_LABELS = 8;

const DIGEST_NAMES: ReadonlyMap<number, string> = new Map([
  [DigestType.SHA1, 'SHA-1'], [DigestType.SHA256, 'SHA-256'], [DigestType.GOST, 'GOST'], [DigestType.SHA384, 'SHA-384'],
]);

/** "SHA-256" for 2; the number for unknown digest types. */
export function digestName(type: number): string {
  return DIGEST_NAMES.get(type) ?? String(type);
}

export function summarizeDs(ds: readonly DsRdata[]): DsSummary[] {
  return ds.map((d) => ({ keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType }));
}

/** RRSIGs over `set` (undecodable ones left out: they verify nothing either). */
export function summarizeSigs(set: RRset | undefined): SigSummary[] {
  const out: SigSummary[] = [];
  for (const raw of set?.sigs ?? []) {
    const d = rrsigCodec.decode(raw);
    if (!d.ok || d.value.typeCovered !== set?.type) continue;
    out.push({ signer: d.value.signerName.toString(), keyTag: d.value.keyTag, algorithm: d.value.algorithm, inception: d.value.inception, expiration: d.value.expiration });
  }
  return out;
}

/** Every key of a DNSKEY RRset, with the DS (or anchor key) that vouches for it. */
export function summarizeKeys(zone: Name, set: RRset | undefined, ds: readonly DsRdata[], anchorKeys: readonly Uint8Array[]): KeySummary[] {
  const out: KeySummary[] = [];
  for (const raw of set?.rdata ?? []) {
    const d = dnskeyCodec.decode(raw);
    if (!d.ok) continue;
    const tag = keyTag(raw);
    const k = d.value;
    const matched = ds.find((x) => x.keyTag === tag && x.algorithm === k.algorithm && dsMatchesKey(x, zone, raw).ok);
    out.push({
      keyTag: tag, algorithm: k.algorithm, flags: k.flags, ksk: (k.flags & DNSKEY_FLAG_SEP) !== 0, zoneKey: isZoneKey(k.flags), revoked: isRevoked(k.flags),
      ...(matched !== undefined ? { matchedDs: matched.keyTag } : {}),
      ...(anchorKeys.some((a) => sameBytes(a, raw)) ? { matchedAnchor: true } : {}),
    });
  }
  return out;
}

/** The query name, its ancestors down to (not including) the zone apex, the apex, and the wildcards below each. */
function namesOfInterest(zone: Name, name: Name): Name[] {
  const out: Name[] = [];
  if (!name.isSubdomainOf(zone)) return out;
  const depth = Math.min(name.labelCount - zone.labelCount, MAX_TRACE_LABELS);
  for (let i = 0; i <= depth; i++) {
    const n = name.parent(i);
    out.push(n);
    const w = n.child('*');
    if (w.ok && !n.equals(name)) out.push(w.name);
  }
  return out;
}

function nsecSummary(set: RRset, rdata: Uint8Array, interest: readonly Name[]): ProofSummary | undefined {
  const d = nsecCodec.decode(rdata);
  if (!d.ok) return undefined;
  const relations: ProofRelation[] = [];
  for (const n of interest) {
    if (set.name.equals(n)) relations.push({ relation: 'matches', name: n.toString() });
    else if (nsecCovers(set.name, d.value, n)) relations.push({ relation: 'covers', name: n.toString() });
  }
  return { type: 'NSEC', owner: set.name.toString(), next: d.value.next.toString(), types: d.value.types.map(rrTypeToString), relations };
}

function nsec3Summary(set: RRset, rdata: Uint8Array, interest: readonly Name[]): ProofSummary | undefined {
  const d = nsec3Codec.decode(rdata);
  if (!d.ok) return undefined;
  const v = d.value;
  const relations: ProofRelation[] = [];
  const owner = set.name.labels[0] === undefined ? undefined : labelToHash(set.name.labels[0]);
  if (owner !== undefined && v.iterations <= MAX_TRACE_NSEC3_ITERATIONS) {
    for (const n of interest) {
      const h = nsec3Hash(n, v.salt, v.iterations);
      if (sameBytes(h, owner)) relations.push({ relation: 'matches', name: n.toString() });
      else if (nsec3CoversHash(owner, v, h)) relations.push({ relation: 'covers', name: n.toString() });
    }
  }
  return {
    type: 'NSEC3', owner: set.name.toString(), next: hashToLabel(v.nextHashed), types: v.types.map(rrTypeToString),
    iterations: v.iterations, optOut: (v.flags & NSEC3_FLAG_OPT_OUT) !== 0, relations,
  };
}

/** The NSEC/NSEC3 records among `sets`, each with what it says about `name` (in `zone`). */
export function summarizeProofs(zone: Name, name: Name, sets: readonly RRset[]): ProofSummary[] {
  const interest = namesOfInterest(zone, name);
  const out: ProofSummary[] = [];
  for (const s of sets) {
    for (const r of s.rdata) {
      const p = s.type === RRType.NSEC ? nsecSummary(s, r, interest) : s.type === RRType.NSEC3 ? nsec3Summary(s, r, interest) : undefined;
      if (p !== undefined) out.push(p);
    }
  }
  return out;
}

/** The configured anchor for `anchor.zone`. */
export function anchorEvent(anchor: TrustAnchor): TraceEvent {
  return { kind: 'anchor', zone: anchor.zone.toString(), ds: summarizeDs(anchor.ds), keyTags: anchor.dnskeys.map((k) => keyTag(k)) };
}

export function dnskeyEvent(
  zone: Name, set: RRset | undefined, ds: readonly DsRdata[], anchorKeys: readonly Uint8Array[], verdict: { readonly security: Security; readonly reason?: Reason },
): TraceEvent {
  return {
    kind: 'dnskey', zone: zone.toString(), keys: summarizeKeys(zone, set, ds, anchorKeys), ds: summarizeDs(ds), sigs: summarizeSigs(set),
    verdict: verdict.security, ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}),
  };
}

export function dsEvent(zone: Name, parent: Name, ds: readonly DsRdata[], fromCache: boolean, verdict: Security, why?: Reason): TraceEvent {
  return {
    kind: 'ds', zone: zone.toString(), parent: parent.toString(), records: summarizeDs(ds), source: 'parent', fromCache, verdict,
    ...(why !== undefined ? { reason: why } : {}),
  };
}

export interface RRsetJudgement {
  readonly security: Security;
  readonly reason?: Reason | undefined;
  readonly keyTag?: number;
  readonly wildcard?: Name;
}

/** `checked`: the set's signatures were verified (false when its zone's keys were not secure or the verdict was remembered). */
export function rrsetEvent(set: RRset, zone: Name, v: RRsetJudgement, o: { checked: boolean; cached?: boolean }): TraceEvent {
  return {
    kind: 'rrset', owner: set.name.toString(), type: rrTypeToString(set.type), zone: zone.toString(), sigs: summarizeSigs(set),
    ...(v.keyTag !== undefined ? { keyTag: v.keyTag } : {}), ...(v.wildcard !== undefined ? { wildcard: v.wildcard.toString() } : {}),
    verdict: v.security, ...(v.reason !== undefined ? { reason: v.reason } : {}), checked: o.checked, cached: o.cached ?? false,
  };
}

export function denialEvent(
  what: DenialWhat, zone: Name, name: Name, type: number | undefined, proofs: readonly RRset[],
  v: { readonly security: Security; readonly reason?: Reason; readonly result?: 'insecure-delegation' | 'no-cut' },
): TraceEvent {
  return {
    kind: 'denial', what, zone: zone.toString(), name: name.toString(), ...(type !== undefined ? { type: rrTypeToString(type) } : {}),
    records: summarizeProofs(zone, name, proofs), verdict: v.security, ...(v.result !== undefined ? { result: v.result } : {}),
    ...(v.reason !== undefined ? { reason: v.reason } : {}),
  };
}

export function keysEvent(zone: Name, source: 'cache' | 'negative-anchor' | 'no-anchor', security: Security, why?: Reason): TraceEvent {
  return { kind: 'keys', zone: zone.toString(), source, verdict: security, ...(why !== undefined ? { reason: why } : {}) };
}

/** A DS denial from `parent`: an insecure delegation, no cut at all, or a broken proof. */
export function noDsEvent(parent: Name, name: Name, proofs: readonly RRset[], p: NoDsVerdict): TraceEvent {
  const v = p.result === 'bogus'
    ? { security: 'bogus' as const, reason: p.reason }
    : p.result === 'insecure-delegation'
      ? { security: 'insecure' as const, result: p.result, ...(p.reason !== undefined ? { reason: p.reason } : {}) }
      : { security: 'secure' as const, result: p.result };
  return denialEvent('no-ds', parent, name, RRType.DS, proofs, v);
}

/** A zone's keys taken from the validated-key cache instead of a fresh walk. */
export function cachedKeysEvent(name: Name, e: KeyEntry): TraceEvent {
  return keysEvent(name, 'cache', e.security, e.security === 'secure' ? undefined : e.reason);
}

function questionText(q: Question): string {
  return `${q.name.toString()} ${rrTypeToString(q.type)}`;
}

function serverText(s: ServerAddress | undefined): { server?: string } {
  return s === undefined ? {} : { server: `${s.address}@${s.port}` };
}

/**
 * The delegation part of a resolution, read back from its steps: every referral (zone cut, name
 * servers, whether a DS came with it) and where the final data or denial came from. Derived after
 * the fact so the iterator needs no hooks; `forValidation` marks the validator's own DS/DNSKEY lookups.
 */
export function resolutionEvents(res: Resolution, forValidation: boolean): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const step of res.steps) {
    if (step.kind === 'referral') {
      const ns = step.authority.find((s) => s.type === RRType.NS);
      const nameservers = (ns?.rdata ?? []).flatMap((r) => {
        const n = rdataName(RRType.NS, r);
        return n === undefined ? [] : [n.toString()];
      });
      out.push({
        kind: 'referral', from: step.zone.toString(), to: (step.child ?? step.zone).toString(), nameservers, ...serverText(step.server),
        question: questionText(step.question), hasDs: step.authority.some((s) => s.type === RRType.DS), fromCache: step.fromCache, forValidation,
      });
      continue;
    }
    const sets = [...step.answer, ...step.authority].map((s) => `${s.name.toString()} ${rrTypeToString(s.type)}`);
    out.push({
      kind: 'response', zone: step.zone.toString(), question: questionText(step.question), result: step.kind, rrsets: sets,
      ...serverText(step.server), fromCache: step.fromCache, forValidation,
    });
  }
  if (res.rcode === Rcode.SERVFAIL && res.reasons.length > 0) out.push({ kind: 'failure', question: questionText(res.question), reasons: res.reasons });
  return out;
}
