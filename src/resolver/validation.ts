// The Validator behind the resolver's hook (RFC 4033-4035, 5155, 6840): for every step of a
// resolution it finds the zone that signed the data, proves that zone's keys from the closest trust
// anchor down (DS → DNSKEY, zone cut by zone cut, fetched through the resolver and remembered per
// zone in the key cache), then judges the step's RRsets and denial proofs with those keys. The
// verdicts combine worst-first (bogus > indeterminate > insecure > secure), and every Reason is
// kept, the most important first. The judging itself lives in src/dnssec/ (no I/O there).
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { Rcode, RRClass, RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import type { Security } from '../wire/outcome.ts';
import { dsCodec, rrsigCodec, type DsRdata } from '../wire/rdata/dnssec.ts';
import type { RR, RRset } from '../wire/types.ts';
import { anchorsFromRecords, closestAnchor, negativeAnchorFor, type TrustAnchor } from '../dnssec/anchors.ts';
import { DEFAULT_VALIDATION_LIMITS, ValidationBudget, type ValidationLimits } from '../dnssec/budget.ts';
import {
  DEFAULT_NSEC3_MAX_ITERATIONS, proveNoDs, proveNodata, proveNxdomain, proveWildcardAnswer, type DenialOptions,
} from '../dnssec/denial-verdict.ts';
import { validateKeySet } from '../dnssec/keyset.ts';
import { Nsec3Hasher } from '../dnssec/nsec3hash.ts';
import { validateRRset } from '../dnssec/rrset-verdict.ts';
import type { RRsetCache } from './cache.ts';
import { substituteDname } from './classify.ts';
import { KeyCache, type KeyEntry } from './key-cache.ts';
import type { AnswerStep, Resolution, ValidationContext, ValidationVerdict, Validator } from './resolution.ts';
import { DEFAULT_CACHE } from './options.ts';
import { rdataName } from './rdata-views.ts';

export interface ValidatorConfig {
  readonly trustAnchors: readonly TrustAnchor[];
  /** Negative trust anchors (RFC 7646): at and below these names nothing is validated. */
  readonly insecureDomains?: readonly Name[];
  /** NSEC3 iterations above this make a denial insecure + EDE 27 (RFC 9276 §3.2). */
  readonly nsec3MaxIterations?: number;
  /** Seconds a bogus verdict (zone keys or RRset) is remembered. */
  readonly bogusTtl?: number;
  readonly limits?: Partial<ValidationLimits>;
  /** The resolver's cache, whose security slot keeps each RRset's verdict (attachCache sets it later). */
  readonly cache?: RRsetCache;
  readonly maxKeyEntries?: number;
}

export interface DnssecValidator extends Validator {
  readonly anchors: readonly TrustAnchor[];
  /** The resolver's cache is created with the resolver, after the validator: hand it over here. */
  attachCache(cache: RRsetCache): void;
  /** Forgets every validated key entry (config reload, tests). */
  clearKeys(): void;
}

/** One verdict on one part of the answer. */
interface Part {
  readonly security: Security;
  readonly reason?: Reason;
}

const RANK: Readonly<Record<Security, number>> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };
const MS_PER_SECOND = 1000;
/** When a denial's TTL is unknown (no records), how long an insecure-delegation verdict is kept. */
const DEFAULT_INSECURE_TTL = 300;
const PROOF_TYPES: ReadonlySet<number> = new Set([RRType.NSEC, RRType.NSEC3]);

function secure(): Part {
  return { security: 'secure' };
}

function sameRdata(a: RRset, b: RRset): boolean {
  if (a.rdata.length !== b.rdata.length) return false;
  return a.rdata.every((x) => b.rdata.some((y) => x.length === y.length && x.every((v, i) => v === y[i])));
}

/**
 * The zone whose keys must have signed `set`: the RRSIG signer (RFC 4035 §5.3.1) when it lies at or
 * below the zone the resolver asked, else that zone. Never above it: a forged RRSIG naming an
 * ancestor outside the trust anchor's reach must not turn a stripped answer from bogus into
 * insecure; and a signer below the zone asked is still checked cut by cut from the anchor.
 */
function signerZone(set: RRset | undefined, asked: Name): Name {
  for (const raw of set?.sigs ?? []) {
    const d = rrsigCodec.decode(raw);
    if (d.ok && set !== undefined && set.name.isSubdomainOf(d.value.signerName) && d.value.signerName.isSubdomainOf(asked)) return d.value.signerName;
  }
  return asked;
}

/** Worst verdict wins; reasons of the worse verdicts come first, duplicates once. */
export function combineParts(parts: readonly Part[]): ValidationVerdict {
  let security: Security = 'secure';
  for (const p of parts) if (RANK[p.security] > RANK[security]) security = p.security;
  if (parts.length === 0) security = 'insecure';
  const ordered = [...parts].sort((a, b) => RANK[b.security] - RANK[a.security]);
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  for (const p of ordered) {
    if (p.reason === undefined) continue;
    const k = `${p.reason.ede}|${p.reason.text}`;
    if (seen.has(k)) continue;
    seen.add(k);
    reasons.push(p.reason);
  }
  return { security, reasons };
}

/** Everything one validateResolution call shares: clock, budget, hasher, the fetch port. */
interface Run {
  readonly context: ValidationContext;
  readonly nowMs: number;
  readonly now: number;
  readonly budget: ValidationBudget;
  readonly denial: DenialOptions;
}

export function createValidator(config: ValidatorConfig): DnssecValidator {
  const anchors = config.trustAnchors;
  const insecureDomains = config.insecureDomains ?? [];
  const limits: ValidationLimits = { ...DEFAULT_VALIDATION_LIMITS, ...config.limits };
  const maxIterations = config.nsec3MaxIterations ?? DEFAULT_NSEC3_MAX_ITERATIONS;
  const bogusTtl = config.bogusTtl ?? DEFAULT_CACHE.bogusTtl;
  const keyCache = new KeyCache(config.maxKeyEntries);
  let cache = config.cache;

  const bogusEntry = (zone: Name, r: Reason, run: Run): KeyEntry => ({ security: 'bogus', zone, reason: r, expiresAt: run.nowMs + bogusTtl * MS_PER_SECOND });

  /** Validates every set with `keys`; the first bogus one decides. */
  const validateAll = (sets: readonly RRset[], keys: Extract<KeyEntry, { security: 'secure' }>, run: Run): { ok: true; ttl: number } | { ok: false; reason: Reason } => {
    let ttl = Number.MAX_SAFE_INTEGER;
    for (const s of sets) {
      const v = validateRRset(s, keys, run.now, run.budget);
      if (v.security === 'bogus') return { ok: false, reason: v.reason };
      ttl = Math.min(ttl, v.ttl);
    }
    return { ok: true, ttl };
  };

  /** The DNSKEY RRset of `zone` judged against `ds` (and configured keys at an anchor). */
  const keysOf = async (zone: Name, ds: readonly DsRdata[], dnskeys: readonly Uint8Array[], ttlCap: number, run: Run): Promise<KeyEntry> => {
    const res = await run.context.fetch({ name: zone, type: RRType.DNSKEY, class: RRClass.IN });
    if (res.rcode !== Rcode.NOERROR) {
      const why = res.reasons.map((r) => r.text).join('; ');
      return bogusEntry(zone, reason(EdeCode.DNSKEY_MISSING, `DNSKEY lookup for ${zone.toString()} failed (rcode ${res.rcode}${why ? `: ${why}` : ''})`), run);
    }
    const set = res.answer.find((s) => s.type === RRType.DNSKEY && s.name.equals(zone));
    const v = validateKeySet(zone, set, { ds, dnskeys }, run.now, run.budget);
    switch (v.security) {
      case 'secure':
        return { security: 'secure', zone, keys: v.keys, expiresAt: run.nowMs + Math.min(v.ttl, ttlCap) * MS_PER_SECOND };
      case 'insecure':
        return { security: 'insecure', zone, reason: v.reason, expiresAt: run.nowMs + Math.min(ttlCap, set?.ttl ?? DEFAULT_INSECURE_TTL) * MS_PER_SECOND };
      case 'bogus':
        return bogusEntry(zone, v.reason, run);
    }
  };

  /**
   * One step down the chain: is `name` (below the secure zone `parent`) a zone cut, and if so what
   * are its keys? Asks for `name` DS, which the parent answers (RFC 4035 §3.1.4.1).
   */
  const descend = async (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, run: Run): Promise<KeyEntry | 'no-cut'> => {
    const res = await run.context.fetch({ name, type: RRType.DS, class: RRClass.IN });
    const n = name.toString();
    if (res.rcode === Rcode.NOERROR) {
      const dsSet = res.answer.find((s) => s.type === RRType.DS && s.name.equals(name));
      if (dsSet !== undefined) {
        const v = validateAll([dsSet], parent, run);
        if (!v.ok) return bogusEntry(name, v.reason, run);
        const ds: DsRdata[] = [];
        for (const r of dsSet.rdata) {
          const d = dsCodec.decode(r);
          if (d.ok) ds.push(d.value);
        }
        return keysOf(name, ds, [], v.ttl, run);
      }
      if (res.answer.length > 0) {
        return bogusEntry(name, reason(EdeCode.DNSSEC_BOGUS, `DS query for ${n} was answered with an alias, not a DS or its denial`), run);
      }
      const step = res.steps.find((s) => s.kind === 'nodata');
      const authority = step?.authority ?? res.authority;
      const proofs = authority.filter((s) => PROOF_TYPES.has(s.type));
      const v = validateAll(proofs, parent, run);
      if (!v.ok) return bogusEntry(name, v.reason, run);
      const p = proveNoDs(parent.zone, name, proofs, run.denial);
      const ttl = proofs.length > 0 ? v.ttl : DEFAULT_INSECURE_TTL;
      switch (p.result) {
        case 'no-cut': return 'no-cut';
        case 'insecure-delegation':
          return { security: 'insecure', zone: name, ...(p.reason !== undefined ? { reason: p.reason } : {}), expiresAt: run.nowMs + ttl * MS_PER_SECOND };
        case 'bogus': return bogusEntry(name, p.reason, run);
      }
    }
    const why = res.reasons.map((r) => r.text).join('; ');
    if (res.rcode === Rcode.NXDOMAIN) {
      return bogusEntry(name, reason(EdeCode.DNSSEC_BOGUS, `DS query for ${n} says the name does not exist, yet data is signed by it`), run);
    }
    return bogusEntry(name, reason(EdeCode.DNSSEC_INDETERMINATE, `DS lookup for ${n} failed (rcode ${res.rcode}${why ? `: ${why}` : ''})`), run);
  };

  /** The validated keys for `zone`: walks from the closest trust anchor down, cut by cut. */
  const keysFor = async (zone: Name, run: Run): Promise<KeyEntry> => {
    const anchor = closestAnchor(anchors, zone);
    const nta = negativeAnchorFor(insecureDomains, zone);
    if (nta !== undefined && (anchor === undefined || nta.labelCount >= anchor.zone.labelCount)) {
      return {
        security: 'insecure', zone,
        reason: reason(EdeCode.NEGATIVE_TRUST_ANCHOR, `${zone.toString()} is under the negative trust anchor ${nta.toString()}: not validated`),
        expiresAt: run.nowMs,
      };
    }
    if (anchor === undefined) return { security: 'insecure', zone, expiresAt: run.nowMs };
    let cur = keyCache.get(anchor.zone, run.nowMs);
    if (cur === undefined) {
      cur = await keysOf(anchor.zone, anchor.ds, anchor.dnskeys, Number.MAX_SAFE_INTEGER, run);
      keyCache.set(anchor.zone, cur);
    }
    for (let labels = anchor.zone.labelCount + 1; labels <= zone.labelCount; labels++) {
      if (cur.security !== 'secure') return cur;
      const name = zone.suffix(labels);
      const cached = keyCache.get(name, run.nowMs);
      if (cached !== undefined) {
        cur = cached;
        continue;
      }
      const next = await descend(cur, name, run);
      if (next !== 'no-cut') cur = next;
      keyCache.set(name, cur);
    }
    return cur;
  };

  const fromEntry = (e: KeyEntry): Part | undefined => {
    if (e.security === 'secure') return undefined;
    return e.reason !== undefined ? { security: e.security, reason: e.reason } : { security: e.security };
  };

  const remember = (set: RRset, part: Part, ttl: number | undefined): void => {
    if (cache === undefined) return;
    const cap = part.security === 'bogus' ? bogusTtl : ttl;
    cache.setSecurity(set.name, set.type, set.class, part.security, part.reason, cap);
  };

  /** One answer or alias RRset; a wildcard expansion also needs its denial proof from the step. */
  const positive = async (set: RRset, step: AnswerStep, run: Run): Promise<Part> => {
    const known = cache?.peekRRset(set.name, set.type, set.class);
    if (known !== undefined && known.security !== undefined && known.security !== 'indeterminate' && sameRdata(known.rrset, set)) {
      return known.reason !== undefined ? { security: known.security, reason: known.reason } : { security: known.security };
    }
    const zone = signerZone(set, step.zone);
    const keys = await keysFor(zone, run);
    const fromKeys = fromEntry(keys);
    if (fromKeys !== undefined || keys.security !== 'secure') {
      const part = fromKeys ?? { security: 'insecure' as const };
      remember(set, part, undefined);
      return part;
    }
    const v = validateRRset(set, keys, run.now, run.budget);
    if (v.security === 'bogus') {
      const part: Part = { security: 'bogus', reason: v.reason };
      remember(set, part, undefined);
      return part;
    }
    let part: Part = secure();
    if (v.wildcard !== undefined) {
      const proofs = step.authority.filter((s) => PROOF_TYPES.has(s.type));
      const pv = validateAll(proofs, keys, run);
      if (!pv.ok) part = { security: 'bogus', reason: pv.reason };
      else {
        const d = proveWildcardAnswer(keys.zone, set.name, v.wildcard, proofs, run.denial);
        part = d.security === 'secure' ? secure() : d.reason !== undefined ? { security: d.security, reason: d.reason } : { security: d.security };
      }
    }
    remember(set, part, v.ttl);
    return part;
  };

  /** A CNAME we synthesized from a DNAME is as good as the DNAME when RFC 6672 §2.2's rule holds. */
  const synthesized = (cname: RRset, step: AnswerStep): Part => {
    const dname = step.answer.find((s) => s.type === RRType.DNAME);
    const target = cname.rdata[0] === undefined ? undefined : rdataName(RRType.CNAME, cname.rdata[0]);
    const dnameTarget = dname?.rdata[0] === undefined ? undefined : rdataName(RRType.DNAME, dname.rdata[0]);
    if (dname === undefined || target === undefined || dnameTarget === undefined || !cname.name.isSubdomainOf(dname.name)) {
      return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `unsigned CNAME at ${cname.name.toString()} without a DNAME above it`) };
    }
    const expected = substituteDname(cname.name, dname.name, dnameTarget);
    if (expected === undefined || !expected.equals(target)) {
      return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `CNAME at ${cname.name.toString()} does not follow from DNAME ${dname.name.toString()}`) };
    }
    return secure();
  };

  /** NXDOMAIN or NODATA: the SOA and proofs must validate, and the proofs must prove it. */
  const negative = async (step: AnswerStep, run: Run): Promise<Part> => {
    const zone = signerZone(step.authority.find((s) => s.sigs.length > 0), step.zone);
    const keys = await keysFor(zone, run);
    const fromKeys = fromEntry(keys);
    if (fromKeys !== undefined || keys.security !== 'secure') return fromKeys ?? { security: 'insecure' };
    const v = validateAll(step.authority, keys, run);
    if (!v.ok) return { security: 'bogus', reason: v.reason };
    const proofs = step.authority.filter((s) => PROOF_TYPES.has(s.type));
    const q = step.question;
    const d = step.kind === 'nxdomain'
      ? proveNxdomain(keys.zone, q.name, proofs, run.denial)
      : proveNodata(keys.zone, q.name, q.type, proofs, run.denial);
    const part: Part = d.security === 'secure' ? secure() : d.reason !== undefined ? { security: d.security, reason: d.reason } : { security: d.security };
    if (cache !== undefined) {
      cache.setSecurity(q.name, step.kind === 'nxdomain' ? undefined : q.type, q.class, part.security, part.reason, part.security === 'bogus' ? bogusTtl : v.ttl);
    }
    return part;
  };

  const validateStep = async (step: AnswerStep, run: Run): Promise<Part[]> => {
    switch (step.kind) {
      case 'referral':
        // Referrals only lead the way; the chain of trust is proven by keysFor on its own terms.
        return [];
      case 'answer':
      case 'alias': {
        const parts: Part[] = [];
        for (const set of step.answer) parts.push(await positive(set, step, run));
        for (const c of step.synthesized) parts.push(synthesized(c, step));
        return parts;
      }
      case 'nxdomain':
      case 'nodata':
        return [await negative(step, run)];
    }
  };

  return {
    anchors,
    attachCache(c: RRsetCache) {
      cache = c;
    },
    clearKeys() {
      keyCache.clear();
    },
    async validateResolution(resolution: Resolution, context: ValidationContext): Promise<ValidationVerdict> {
      const nowMs = context.now();
      const budget = new ValidationBudget(limits);
      const run: Run = {
        context, nowMs, now: Math.floor(nowMs / MS_PER_SECOND), budget,
        denial: { nsec3MaxIterations: maxIterations, hasher: new Nsec3Hasher(limits.maxNsec3HashesPerResponse), budget },
      };
      const parts: Part[] = [];
      for (const step of resolution.steps) parts.push(...(await validateStep(step, run)));
      return combineParts(parts);
    },
  };
}

export type ValidatorFromRecords = { ok: true; validator: DnssecValidator } | { ok: false; error: string };

/** A validator from the resolver options' shape: trust anchors as records (DS/DNSKEY), NTAs as names. */
export function createValidatorFromRecords(
  trustAnchors: readonly RR[], rest: Omit<ValidatorConfig, 'trustAnchors'> = {},
): ValidatorFromRecords {
  const a = anchorsFromRecords(trustAnchors);
  if (!a.ok) return a;
  return { ok: true, validator: createValidator({ ...rest, trustAnchors: a.anchors }) };
}

