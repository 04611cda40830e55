// The Validator behind the resolver's hook (RFC 4033-4035, 5155, 6840): for every step of a
// resolution it finds the zone that signed the data, proves that zone's keys from the closest trust
// anchor down (DS → DNSKEY, zone cut by zone cut, fetched through the resolver and remembered per
// zone in the key cache), then judges the step's RRsets and denial proofs with those keys. The
// verdicts combine worst-first (bogus > indeterminate > insecure > secure), and every Reason is
// kept, the most important first. The judging itself lives in src/dnssec/ (no I/O there).
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { Rcode, RRClass, RRType, rcodeToString, rrTypeToString } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import type { Security } from '../wire/outcome.ts';
import { dsCodec, rrsigCodec, type DsRdata } from '../wire/rdata/dnssec.ts';
import { sameRecords } from '../wire/rrset.ts';
import type { Question, RR, RRset } from '../wire/types.ts';
import { anchorsFromRecords, closestAnchor, negativeAnchorFor, type TrustAnchor } from '../dnssec/anchors.ts';
import { DEFAULT_VALIDATION_LIMITS, ValidationBudget, type ValidationLimits } from '../dnssec/budget.ts';
import {
  DEFAULT_NSEC3_MAX_ITERATIONS, proveEmptyNonTerminal, proveNoDs, proveNodata, proveNxdomain, proveWildcardAnswer, type DenialOptions,
} from '../dnssec/denial-verdict.ts';
import { validateKeySet } from '../dnssec/keyset.ts';
import { Nsec3Hasher } from '../dnssec/nsec3hash.ts';
import { decodeSigs, validateRRset } from '../dnssec/rrset-verdict.ts';
import type { SignatureCheck } from '../dnssec/signature-check.ts';
import { AggressiveNsecCache, type AggressiveNsecStats, type SynthesisedDenial } from './aggressive-nsec.ts';
import type { RRsetCache } from './cache.ts';
import { substituteDname } from './classify.ts';
import { KeyCache, type KeyEntry } from './key-cache.ts';
import type { AnswerStep, BogusOrigin, Resolution, TtlCap, ValidationContext, ValidationVerdict, Validator, ZoneDataVerdict } from './resolution.ts';
import { DEFAULT_CACHE, DEFAULT_UPSTREAM_PORT } from './options.ts';
import { rdataName } from './rdata-views.ts';
import { describeServer } from './transport.ts';
import { anchorEvent, cachedKeysEvent, denialEvent, dnskeyEvent, dsEvent, keysEvent, noDsEvent, rrsetEvent } from './trace.ts';

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
  /**
   * Replaces the crypto step of every signature check. Only the Unbound replay harness sets it (to
   * mirror Unbound's fake-sha1 test build); the daemon's config has no key for it, so production
   * always verifies with node:crypto (REAL_SIGNATURE_CHECK).
   */
  readonly signatureCheck?: SignatureCheck;
  /**
   * True (the default): a trust-anchored zone whose DNSKEY RRset cannot be fetched, or does not
   * match the anchor, is bogus. False is a WEAKENING option (Unbound's `harden-dnssec-stripped:
   * no`): such an anchor is treated as absent, so the zone and everything below it is insecure
   * instead — which is also what an attacker who strips or breaks the DNSKEY answer gets. Only the
   * anchor's own keys are affected; a DS→DNSKEY failure further down stays bogus.
   */
  readonly hardenDnssecStripped?: boolean;
  /**
   * Off (the default, RFC 6840 §5.11): one valid signature path suffices. On (Unbound's
   * `harden-algo-downgrade: yes`): every algorithm of a zone's DS set (or anchor) must sign its
   * DNSKEY RRset and every RRset the zone signs; see KeySetOptions.requireAllAlgorithms.
   */
  readonly hardenAlgoDowngrade?: boolean;
  /**
   * RFC 8198: keep the NSEC records proven secure and synthesise NXDOMAIN/NODATA from them
   * (aggressive-nsec.ts). Default true, as Unbound's aggressive-nsec since 1.15.
   */
  readonly aggressiveNsec?: boolean;
}

export interface DnssecValidator extends Validator {
  readonly anchors: readonly TrustAnchor[];
  /** The resolver's cache is created with the resolver, after the validator: hand it over here. */
  attachCache(cache: RRsetCache): void;
  /** Forgets every validated key entry (config reload, tests). */
  clearKeys(): void;
  /** RFC 8198 answers given so far, by kind; zero when aggressiveNsec is off. */
  readonly aggressiveNsecStats: Readonly<AggressiveNsecStats>;
  synthesiseDenial(question: Question, nowMs: number): SynthesisedDenial | undefined;
}

/** One verdict on one part of the answer. */
interface Part {
  readonly security: Security;
  readonly reason?: Reason;
  /** Bogus parts: where the failing data lies (see ValidationVerdict.bogusOrigin). */
  readonly origin?: BogusOrigin;
}

const RANK: Readonly<Record<Security, number>> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };
const MS_PER_SECOND = 1000;
/** When a denial's TTL is unknown (no records), how long an insecure-delegation verdict is kept. */
const DEFAULT_INSECURE_TTL = 300;
const PROOF_TYPES: ReadonlySet<number> = new Set([RRType.NSEC, RRType.NSEC3]);

function secure(): Part {
  return { security: 'secure' };
}

/**
 * An RRset without RRSIGs whose key walk failed: the missing signatures, not only the chain, may be
 * the server's fault (a stripped answer sends the walk looking for a cut that is not there).
 */
function withUnsignedStep(part: Part | undefined, set: RRset, step: AnswerStep): Part | undefined {
  if (part?.origin?.kind !== 'keys' || set.sigs.length > 0) return part;
  return { ...part, origin: { ...part.origin, unsigned: step } };
}

/** A denial proof's verdict as a Part; a bogus one points at the step whose records failed. */
function fromDenial(d: { readonly security: Security; readonly reason?: Reason }, step: AnswerStep): Part {
  if (d.security === 'secure') return secure();
  const origin: BogusOrigin | undefined = d.security === 'bogus' ? { kind: 'data', step } : undefined;
  return { security: d.security, ...(d.reason !== undefined ? { reason: d.reason } : {}), ...(origin !== undefined ? { origin } : {}) };
}

/** The same denial records (SOA, NSEC/NSEC3) as were judged before, in any order. */
function sameAuthority(a: readonly RRset[], b: readonly RRset[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.type === x.type && y.name.equals(x.name) && sameRecords(x.rdata, y.rdata)));
}

/**
 * The zone whose keys must have signed `set`: the RRSIG signer (RFC 4035 §5.3.1) when it lies at or
 * below the zone the resolver asked, else that zone. Never above it: a forged RRSIG naming an
 * ancestor outside the trust anchor's reach must not turn a stripped answer from bogus into
 * insecure; and a signer below the zone asked is still checked cut by cut from the anchor.
 */
function signerZone(set: RRset | undefined, asked: Name, unsignedAt: Name = asked): Name {
  for (const raw of set?.sigs ?? []) {
    const d = rrsigCodec.decode(raw);
    if (d.ok && set !== undefined && set.name.isSubdomainOf(d.value.signerName) && d.value.signerName.isSubdomainOf(asked)) return d.value.signerName;
  }
  // No usable signer: the zone may still lie below the zone asked (a forwarder is asked as "." for
  // everything), so the DS walk from the anchor down to `unsignedAt` finds the real cut; each cut
  // on the way is proven by its parent's keys, so this cannot downgrade a secure zone.
  return unsignedAt.isSubdomainOf(asked) ? unsignedAt : asked;
}

/** An RRSIG of `set` names `zone` as its signer: the data claims `zone` is a zone apex. */
function signedBy(set: RRset | undefined, zone: Name): boolean {
  return set !== undefined && decodeSigs(set).some((sig) => sig.signerName.equals(zone));
}

/**
 * The deepest name whose keys can speak for (name, type) when nothing names the signer: the name
 * itself, except for DS, which the parent side of a cut holds (RFC 4035 §2.4).
 */
function dataOwnerZone(name: Name, type: number): Name {
  return type === RRType.DS && !name.isRoot ? name.parent() : name;
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
  /** Referral steps seen in this run (the resolution's and its fetches'), by child zone. */
  readonly referrals: Map<string, AnswerStep>;
  /** NSEC/NSEC3 sets from the authority of every step seen in this run. */
  readonly proofs: RRset[];
  /** TTL ceilings of the RRsets verified in this run (RFC 4035 §5.3.3). */
  readonly caps: TtlCap[];
  /** Steps of this run (the resolution's and its fetches') that came with their zone's own data. */
  readonly zoneSteps: AnswerStep[];
  /** Set when the proofs turn the resolution's RCODE into another (see ValidationVerdict.rcode). */
  rcode?: number;
}

/** "failed: no reachable authority for …" or "failed (SERVFAIL)": why a DNSKEY/DS fetch gave nothing. */
function fetchFailure(res: Resolution): string {
  const why = res.reasons.map((r) => r.text).join('; ');
  return why !== '' ? `failed: ${why}` : `failed (${rcodeToString(res.rcode)})`;
}

/** Remembers the referrals and proofs of `res` for the DS decisions of this run, and its zone data. */
function learnReferrals(res: Resolution, run: Run): void {
  for (const step of res.steps) {
    if (step.kind === 'referral' && step.child !== undefined) run.referrals.set(step.child.key, step);
    for (const s of step.authority) if (PROOF_TYPES.has(s.type)) run.proofs.push(s);
    if (step.zoneData !== undefined && step.zoneData.length > 0) run.zoneSteps.push(step);
  }
}

export function createValidator(config: ValidatorConfig): DnssecValidator {
  const anchors = config.trustAnchors;
  const insecureDomains = config.insecureDomains ?? [];
  const limits: ValidationLimits = { ...DEFAULT_VALIDATION_LIMITS, ...config.limits };
  const maxIterations = config.nsec3MaxIterations ?? DEFAULT_NSEC3_MAX_ITERATIONS;
  const bogusTtl = config.bogusTtl ?? DEFAULT_CACHE.bogusTtl;
  const keyCache = new KeyCache(config.maxKeyEntries);
  const check = config.signatureCheck;
  const hardenStripped = config.hardenDnssecStripped ?? true;
  const keySetOptions = { requireAllAlgorithms: config.hardenAlgoDowngrade ?? false };
  let cache = config.cache;
  // Lives and dies with this validator: anchors and NTAs are fixed for it, so a reload that changes
  // them starts from an empty store, and nothing proven under the old anchors is reused.
  const aggressive = config.aggressiveNsec === false ? undefined : new AggressiveNsecCache({ insecureDomains });
  const noStats: AggressiveNsecStats = { nxdomain: 0, nodata: 0 };

  /**
   * RFC 8198: the NSEC (and apex SOA) sets of `zone` that this run just proved secure are kept for
   * later synthesis, each for no longer than its RRSIG allows (the caps validateAll recorded).
   */
  const keepProofs = (zone: Name, sets: readonly RRset[], run: Run): void => {
    if (aggressive === undefined) return;
    for (const s of sets) {
      if (s.type !== RRType.NSEC && s.type !== RRType.SOA) continue;
      let ttl: number | undefined;
      for (const c of run.caps) if (c.type === s.type && c.name.equals(s.name)) ttl = Math.min(ttl ?? c.ttl, c.ttl);
      if (ttl === undefined) continue; // not verified in this run: never kept
      if (s.type === RRType.NSEC) aggressive.addNsec(zone, s, ttl, run.nowMs);
      else aggressive.addSoa(zone, s, ttl, run.nowMs);
    }
  };

  const bogusEntry = (zone: Name, r: Reason, run: Run): KeyEntry => ({ security: 'bogus', zone, reason: r, expiresAt: run.nowMs + bogusTtl * MS_PER_SECOND });

  /** Validates every set with `keys`; the first bogus one decides. */
  const validateAll = (sets: readonly RRset[], keys: Extract<KeyEntry, { security: 'secure' }>, run: Run): { ok: true; ttl: number } | { ok: false; reason: Reason } => {
    let ttl = Number.MAX_SAFE_INTEGER;
    for (const s of sets) {
      const v = validateRRset(s, keys, run.now, run.budget, check);
      run.context.trace?.(rrsetEvent(s, keys.zone, v, { checked: true }));
      if (v.security === 'bogus') return { ok: false, reason: v.reason };
      if (v.wildcard !== undefined && PROOF_TYPES.has(s.type)) {
        // A wildcard-synthesized NSEC/NSEC3 has an owner the zone never had: as a proof it could
        // deny anything (CVE-2017-15105), so it proves nothing and the answer is bogus.
        return { ok: false, reason: reason(EdeCode.DNSSEC_BOGUS, `${rrTypeToString(s.type)} at ${s.name.toString()} is expanded from the wildcard ${v.wildcard.toString()}: not a proof`) };
      }
      ttl = Math.min(ttl, v.ttl);
      run.caps.push({ name: s.name, type: s.type, ttl: v.ttl });
    }
    return { ok: true, ttl };
  };

  /** The DNSKEY RRset of `zone` judged against `ds` (and configured keys at an anchor). */
  const keysOf = async (zone: Name, ds: readonly DsRdata[], dnskeys: readonly Uint8Array[], ttlCap: number, run: Run): Promise<KeyEntry> => {
    const res = await run.context.fetch({ name: zone, type: RRType.DNSKEY, class: RRClass.IN });
    learnReferrals(res, run);
    if (res.rcode !== Rcode.NOERROR) {
      const failed = bogusEntry(zone, reason(EdeCode.DNSKEY_MISSING, `DNSKEY lookup for ${zone.toString()} ${fetchFailure(res)}`), run);
      run.context.trace?.(dnskeyEvent(zone, undefined, ds, dnskeys, failed));
      return failed;
    }
    const set = res.answer.find((s) => s.type === RRType.DNSKEY && s.name.equals(zone));
    const v = validateKeySet(zone, set, { ds, dnskeys }, run.now, run.budget, check, keySetOptions);
    run.context.trace?.(dnskeyEvent(zone, set, ds, dnskeys, v));
    switch (v.security) {
      case 'secure':
        return {
          security: 'secure', zone, keys: v.keys, expiresAt: run.nowMs + Math.min(v.ttl, ttlCap) * MS_PER_SECOND,
          ...(v.requiredAlgorithms !== undefined ? { requiredAlgorithms: v.requiredAlgorithms } : {}),
        };
      case 'insecure':
        return { security: 'insecure', zone, reason: v.reason, expiresAt: run.nowMs + Math.min(ttlCap, set?.ttl ?? DEFAULT_INSECURE_TTL) * MS_PER_SECOND };
      case 'bogus':
        return bogusEntry(zone, v.reason, run);
    }
  };

  /** A DS RRset for `name`, judged with the parent's keys, then the child's keys judged by it. */
  const keysFromDs = async (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, dsSet: RRset, fromCache: boolean, run: Run): Promise<KeyEntry> => {
    const v = validateAll([dsSet], parent, run);
    if (!v.ok) return bogusEntry(name, v.reason, run);
    // The cached copy of this very DS set is proven too: an RD=0 referral to the zone may say so (AD).
    const held = cache?.peekRRset(name, RRType.DS, RRClass.IN);
    if (held !== undefined && held.security === undefined && sameRecords(held.rrset.rdata, dsSet.rdata)) cache?.setSecurity(name, RRType.DS, RRClass.IN, 'secure', undefined, v.ttl);
    const ds: DsRdata[] = [];
    for (const r of dsSet.rdata) {
      const d = dsCodec.decode(r);
      if (d.ok) ds.push(d.value);
    }
    run.context.trace?.(dsEvent(name, parent.zone, ds, fromCache, 'secure'));
    return keysOf(name, ds, [], v.ttl, run);
  };

  /**
   * The parent's referral to `name` already carried the DS RRset or its signed denial (RFC 4035
   * §3.1.4: a signed zone's referral does): judge that instead of asking for DS again, as Unbound
   * does. Undefined when the referral proves nothing either way (then the DS query decides).
   */
  const fromReferral = async (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, run: Run): Promise<KeyEntry | undefined> => {
    const step = run.referrals.get(name.key);
    if (step === undefined || !step.zone.equals(parent.zone)) return fromSeenProofs(parent, name, run);
    const dsSet = step.authority.find((s) => s.type === RRType.DS && s.name.equals(name));
    if (dsSet !== undefined) return keysFromDs(parent, name, dsSet, step.fromCache, run);
    const proofs = step.authority.filter((s) => PROOF_TYPES.has(s.type));
    if (proofs.length === 0) return undefined;
    const v = validateAll(proofs, parent, run);
    if (!v.ok) return bogusEntry(name, v.reason, run);
    keepProofs(parent.zone, proofs, run);
    const p = proveNoDs(parent.zone, name, proofs, run.denial);
    if (p.result !== 'insecure-delegation') return undefined;
    run.context.trace?.(noDsEvent(parent.zone, name, proofs, p));
    return { security: 'insecure', zone: name, ...(p.reason !== undefined ? { reason: p.reason } : {}), expiresAt: run.nowMs + v.ttl * MS_PER_SECOND };
  };

  /**
   * Signed NSEC/NSEC3 of `parent` that came with other answers of this run (an alias answer from
   * the parent often carries the proof that the zone it points into has no DS) may already prove
   * `name` an insecure delegation. Only a conclusive, validated proof is used; anything else
   * leaves the decision to the DS query.
   */
  const fromSeenProofs = (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, run: Run): KeyEntry | undefined => {
    const signedByParent = (set: RRset): boolean => set.name.isSubdomainOf(parent.zone) && decodeSigs(set).some((sig) => sig.signerName.equals(parent.zone));
    const proofs = run.proofs.filter(signedByParent);
    if (proofs.length === 0) return undefined;
    const p = proveNoDs(parent.zone, name, proofs, run.denial);
    if (p.result !== 'insecure-delegation') return undefined;
    const v = validateAll(proofs, parent, run);
    if (!v.ok) return undefined;
    keepProofs(parent.zone, proofs, run);
    run.context.trace?.(noDsEvent(parent.zone, name, proofs, p));
    return { security: 'insecure', zone: name, ...(p.reason !== undefined ? { reason: p.reason } : {}), expiresAt: run.nowMs + v.ttl * MS_PER_SECOND };
  };

  /**
   * A DS answer that proves nothing about `name`: bogus, and the text names the server that sent it
   * (the bogus-restart machinery blames the parent's servers that answered this DS question). An
   * alias cached from it is dropped, so a retry asks again instead of reading it back.
   */
  const badDsAnswer = (name: Name, res: Resolution, ede: number, what: string, run: Run): KeyEntry => {
    const step = res.steps.find((s) => s.question.name.equals(name) && s.question.type === RRType.DS);
    const from = step?.server !== undefined
      ? ` from ${describeServer(step.server, DEFAULT_UPSTREAM_PORT)} (a server of ${step.zone.toString()})`
      : step?.fromCache === true ? ' (cached)' : '';
    cache?.setSecurity(name, RRType.CNAME, RRClass.IN, 'bogus', undefined, 0);
    return bogusEntry(name, reason(ede, `DS query for ${name.toString()}${from} ${what}`), run);
  };

  /**
   * A CNAME at `name` answering its DS question. A CNAME owner holds no other data (RFC 2181 §10.1),
   * NS included, so a signed CNAME that really exists at `name` in the parent zone shows `name` is
   * no cut (a name in between, as in a.example.com CNAME with sub.a.example.com delegated). It is
   * never proof when it is expanded from a wildcard (then `name` itself does not exist, nothing
   * below it either, and the answer lacks even the denial a wildcard answer needs, RFC 4035
   * §5.3.4), nor when `name` is the zone the data's RRSIG names as signer: a zone apex is never an
   * alias, so the parent server contradicts the child, and its DS answer is the bogus one.
   */
  const cnameForDs = (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, alias: RRset, res: Resolution, apex: boolean, run: Run): KeyEntry | 'no-cut' => {
    const v = validateRRset(alias, parent, run.now, run.budget, check);
    run.context.trace?.(rrsetEvent(alias, parent.zone, v, { checked: true }));
    if (v.security === 'bogus') return badDsAnswer(name, res, v.reason.ede, `was answered with a CNAME that does not verify: ${v.reason.text}`, run);
    if (v.wildcard !== undefined) {
      return badDsAnswer(name, res, EdeCode.DNSSEC_BOGUS, `was answered with a CNAME expanded from the wildcard ${v.wildcard.toString()}, not a DS or its denial: no proof that ${name.toString()} is not a zone cut`, run);
    }
    if (apex) {
      return badDsAnswer(name, res, EdeCode.DNSSEC_BOGUS, `was answered with a CNAME, yet ${name.toString()} signs data as a zone: a zone apex is never an alias`, run);
    }
    run.caps.push({ name: alias.name, type: alias.type, ttl: v.ttl });
    return 'no-cut';
  };

  /**
   * One step down the chain: is `name` (below the secure zone `parent`) a zone cut, and if so what
   * are its keys? Asks for `name` DS, which the parent answers (RFC 4035 §3.1.4.1).
   */
  const descend = async (parent: Extract<KeyEntry, { security: 'secure' }>, name: Name, apex: boolean, run: Run): Promise<KeyEntry | 'no-cut'> => {
    const hinted = await fromReferral(parent, name, run);
    if (hinted !== undefined) return hinted;
    const res = await run.context.fetch({ name, type: RRType.DS, class: RRClass.IN });
    learnReferrals(res, run);
    const n = name.toString();
    if (res.rcode === Rcode.NOERROR) {
      const dsSet = res.answer.find((s) => s.type === RRType.DS && s.name.equals(name));
      if (dsSet !== undefined) return keysFromDs(parent, name, dsSet, res.fromCache, run);
      const alias = res.answer.find((s) => s.type === RRType.CNAME && s.name.equals(name));
      if (alias !== undefined && res.answer[0] === alias) return cnameForDs(parent, name, alias, res, apex, run);
      if (res.answer.length > 0) {
        // A DNAME above `name` (and the CNAME synthesised from it): every name below the DNAME's
        // owner is redirected (RFC 6672 §2.3), so none can be a cut; the parent answers a cut's DS
        // with DS or its denial (RFC 4035 §3.1.4.1), never with an alias.
        return badDsAnswer(name, res, EdeCode.DNSSEC_BOGUS, `was answered with ${rrTypeToString(res.answer[0]?.type ?? RRType.CNAME)} ${res.answer[0]?.name.toString() ?? n}, not a DS or its denial`, run);
      }
      const step = res.steps.find((s) => s.kind === 'nodata');
      const authority = step?.authority ?? res.authority;
      const proofs = authority.filter((s) => PROOF_TYPES.has(s.type));
      const v = validateAll(proofs, parent, run);
      if (!v.ok) return bogusEntry(name, v.reason, run);
      keepProofs(parent.zone, proofs, run);
      const p = proveNoDs(parent.zone, name, proofs, run.denial);
      run.context.trace?.(noDsEvent(parent.zone, name, proofs, p));
      const ttl = proofs.length > 0 ? v.ttl : DEFAULT_INSECURE_TTL;
      switch (p.result) {
        case 'no-cut': return 'no-cut';
        case 'insecure-delegation':
          return { security: 'insecure', zone: name, ...(p.reason !== undefined ? { reason: p.reason } : {}), expiresAt: run.nowMs + ttl * MS_PER_SECOND };
        case 'bogus': return bogusEntry(name, p.reason, run);
      }
    }
    if (res.rcode === Rcode.NXDOMAIN) {
      // Some servers answer NXDOMAIN for an empty non-terminal. When the parent's own signed NSEC
      // shows names below `name`, the name exists and holds nothing, DS and NS included: no cut.
      const step = res.steps.find((s) => s.kind === 'nxdomain');
      const proofs = (step?.authority ?? res.authority).filter((s) => PROOF_TYPES.has(s.type));
      if (proofs.length > 0 && proveEmptyNonTerminal(parent.zone, name, proofs)) {
        const v = validateAll(proofs, parent, run);
        if (!v.ok) return bogusEntry(name, v.reason, run);
        forgetFalseNxdomain(name);
        return 'no-cut';
      }
      return bogusEntry(name, reason(EdeCode.DNSSEC_BOGUS, `DS query for ${n} says the name does not exist, yet data is signed by it`), run);
    }
    // The fetch failed upstream (servers unreachable or failing): a network-level failure of the
    // chain of trust, reported as Unbound does (RFC 8914 §4.24).
    return bogusEntry(name, reason(EdeCode.NETWORK_ERROR, `DS lookup for ${n} ${fetchFailure(res)}`), run);
  };

  /**
   * hardenDnssecStripped off: the anchor's keys could not be proven, so the anchor is treated as
   * absent (insecure), for no longer than a bogus verdict would be kept; the reason stays attached
   * so the answer says why it is not validated.
   */
  const anchorGivenUp = (failed: Extract<KeyEntry, { security: 'bogus' }>): KeyEntry => ({
    security: 'insecure', zone: failed.zone, expiresAt: failed.expiresAt,
    reason: reason(failed.reason.ede, `${failed.reason.text}; trust anchor for ${failed.zone.toString()} treated as insecure (hardenDnssecStripped is off)`),
  });

  /**
   * The validated keys for `zone`: walks from the closest trust anchor down, cut by cut. `signed`:
   * an RRSIG names `zone` as its signer, so `zone` claims to be a zone apex (see cnameForDs).
   */
  const keysFor = async (zone: Name, run: Run, signed = false): Promise<KeyEntry> => {
    const anchor = closestAnchor(anchors, zone);
    const nta = negativeAnchorFor(insecureDomains, zone);
    if (nta !== undefined && (anchor === undefined || nta.labelCount >= anchor.zone.labelCount)) {
      run.context.trace?.(keysEvent(zone, 'negative-anchor', 'insecure'));
      return {
        security: 'insecure', zone,
        reason: reason(EdeCode.NEGATIVE_TRUST_ANCHOR, `${zone.toString()} is under the negative trust anchor ${nta.toString()}: not validated`),
        expiresAt: run.nowMs,
      };
    }
    if (anchor === undefined) run.context.trace?.(keysEvent(zone, 'no-anchor', 'insecure'));
    if (anchor === undefined) return { security: 'insecure', zone, expiresAt: run.nowMs };
    let cur = keyCache.get(anchor.zone, run.nowMs);
    if (cur === undefined) {
      run.context.trace?.(anchorEvent(anchor));
      cur = await keysOf(anchor.zone, anchor.ds, anchor.dnskeys, Number.MAX_SAFE_INTEGER, run);
      if (cur.security === 'bogus' && !hardenStripped) cur = anchorGivenUp(cur);
      keyCache.set(anchor.zone, cur);
    } else run.context.trace?.(cachedKeysEvent(anchor.zone, cur));
    for (let labels = anchor.zone.labelCount + 1; labels <= zone.labelCount; labels++) {
      if (cur.security !== 'secure') return cur;
      const name = zone.suffix(labels);
      const cached = keyCache.get(name, run.nowMs);
      if (cached !== undefined) {
        if (cached.zone.equals(name)) run.context.trace?.(cachedKeysEvent(name, cached));
        cur = cached;
        continue;
      }
      const next = await descend(cur, name, signed && labels === zone.labelCount, run);
      if (next !== 'no-cut') cur = next;
      keyCache.set(name, cur);
    }
    return cur;
  };

  /**
   * The cache keeps an NXDOMAIN as "nothing below exists" (RFC 8020); one that signed proofs show to
   * be an empty non-terminal would hide the names below it, so its entry is expired at once.
   */
  const forgetFalseNxdomain = (name: Name): void => {
    cache?.setSecurity(name, undefined, RRClass.IN, 'bogus', reason(EdeCode.DNSSEC_BOGUS, `NXDOMAIN for ${name.toString()}, an empty non-terminal`), 0);
  };

  /**
   * Below the secure zone of `cur` down to `target`: the first cut that proofs already in hand (the
   * key cache, this run's referrals and signed proofs) show, without asking anyone. A name without
   * such a proof is taken as no cut, so the ancestor's keys judge: that can only make a stripped
   * answer bogus, never a forged one secure or insecure.
   */
  const provenCutBelow = async (start: Extract<KeyEntry, { security: 'secure' }>, target: Name, run: Run): Promise<KeyEntry> => {
    let cur: KeyEntry = start;
    for (let labels = start.zone.labelCount + 1; labels <= target.labelCount && cur.security === 'secure'; labels++) {
      const name = target.suffix(labels);
      const cached = keyCache.get(name, run.nowMs);
      const next: KeyEntry | undefined = cached ?? (cur.security === 'secure' ? await fromReferral(cur, name, run) : undefined);
      if (next === undefined) continue;
      if (cached === undefined) keyCache.set(name, next);
      cur = next;
    }
    return cur;
  };

  const fromEntry = (e: KeyEntry): Part | undefined => {
    if (e.security === 'secure') return undefined;
    if (e.security === 'bogus') return { security: 'bogus', reason: e.reason, origin: { kind: 'keys', zone: e.zone } };
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
    if (known !== undefined && known.security !== undefined && known.security !== 'indeterminate' && sameRecords(known.rrset.rdata, set.rdata)) {
      run.context.trace?.(rrsetEvent(set, known.zone, { security: known.security, reason: known.reason }, { checked: false, cached: true }));
      return known.reason !== undefined ? { security: known.security, reason: known.reason } : { security: known.security };
    }
    if (set.type === RRType.RRSIG) {
      // RRSIGs are not signed themselves (RFC 4035 §2.2): an answer to QTYPE=RRSIG cannot be validated.
      return { security: 'insecure' };
    }
    const zone = signerZone(set, step.zone, dataOwnerZone(set.name, set.type));
    const keys = await keysFor(zone, run, signedBy(set, zone));
    const fromKeys = withUnsignedStep(fromEntry(keys), set, step);
    if (fromKeys !== undefined || keys.security !== 'secure') {
      const part = fromKeys ?? { security: 'insecure' as const };
      run.context.trace?.(rrsetEvent(set, zone, part, { checked: false }));
      remember(set, part, undefined);
      return part;
    }
    const v = validateRRset(set, keys, run.now, run.budget, check);
    run.context.trace?.(rrsetEvent(set, keys.zone, v, { checked: true }));
    if (v.security === 'bogus') {
      const part: Part = { security: 'bogus', reason: v.reason, origin: { kind: 'data', step } };
      remember(set, part, undefined);
      return part;
    }
    run.caps.push({ name: set.name, type: set.type, ttl: v.ttl });
    let part: Part = secure();
    if (v.wildcard !== undefined && set.type === RRType.DNAME) {
      // RFC 4592 §4.4: a DNAME at a wildcard owner does not synthesize DNAMEs; a signature that
      // says it was expanded from one is bogus (Unbound's val_dnamewc).
      part = { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `DNAME at ${set.name.toString()} is expanded from the wildcard ${v.wildcard.toString()}`), origin: { kind: 'data', step } };
    } else if (v.wildcard !== undefined) {
      const proofs = step.authority.filter((s) => PROOF_TYPES.has(s.type));
      const pv = validateAll(proofs, keys, run);
      if (!pv.ok) part = { security: 'bogus', reason: pv.reason, origin: { kind: 'data', step } };
      else {
        const d = proveWildcardAnswer(keys.zone, set.name, v.wildcard, proofs, run.denial);
        run.context.trace?.(denialEvent('wildcard', keys.zone, set.name, set.type, proofs, d));
        part = fromDenial(d, step);
        if (part.security === 'secure') keepProofs(keys.zone, proofs, run);
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
      return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `unsigned CNAME at ${cname.name.toString()} without a DNAME above it`), origin: { kind: 'data', step } };
    }
    const expected = substituteDname(cname.name, dname.name, dnameTarget);
    if (expected === undefined || !expected.equals(target)) {
      return { security: 'bogus', reason: reason(EdeCode.DNSSEC_BOGUS, `CNAME at ${cname.name.toString()} does not follow from DNAME ${dname.name.toString()}`), origin: { kind: 'data', step } };
    }
    return secure();
  };

  /** NXDOMAIN or NODATA: the SOA and proofs must validate, and the proofs must prove it. */
  const negative = async (step: AnswerStep, run: Run): Promise<Part> => {
    const known = cache?.peekNegative(step.question.name, step.kind === 'nxdomain' ? undefined : step.question.type, step.question.class);
    if (known !== undefined && known.security !== undefined && known.security !== 'indeterminate' && sameAuthority(known.authority, step.authority)) {
      // The same proof was judged already: verifying its signatures again per query would make every
      // cached NXDOMAIN cost as much as a fresh one.
      return known.reason !== undefined ? { security: known.security, reason: known.reason } : { security: known.security };
    }
    // The signer of the NSEC/NSEC3 proof names the zone; without one, the signer of the SOA; an
    // unsigned denial's zone is at its SOA's owner, the apex.
    const signedProof = step.authority.find((s) => PROOF_TYPES.has(s.type) && s.sigs.length > 0);
    // Without an SOA, or with one above the trust anchor closest to the name (a forwarder's answer
    // is asked as "."), the name itself is where the walk from its anchor ends: a stripped denial
    // under an anchor must meet that anchor's keys, never an unanchored zone's "insecure".
    const owner = dataOwnerZone(step.question.name, step.question.type);
    const soaOwner = step.authority.find((s) => s.type === RRType.SOA)?.name;
    const ownerAnchor = closestAnchor(anchors, owner);
    const apex = soaOwner !== undefined && (ownerAnchor === undefined || soaOwner.isSubdomainOf(ownerAnchor.zone)) ? soaOwner : owner;
    const signedSet = signedProof ?? step.authority.find((s) => s.sigs.length > 0);
    const zone = signerZone(signedSet, step.zone, apex);
    let keys = await keysFor(zone, run, signedBy(signedSet, zone));
    // A signed SOA without any proof: a co-hosted child can answer for a name in an insecure
    // delegation with its parent's SOA. Signed proofs already seen (the referral, or the alias answer
    // that led here, as Unbound's negative cache has them) may show such a cut below the SOA's zone.
    if (signedProof === undefined && keys.security === 'secure') keys = await provenCutBelow(keys, dataOwnerZone(step.question.name, step.question.type), run);
    const fromKeys = fromEntry(keys);
    if (fromKeys !== undefined || keys.security !== 'secure') {
      // The zone's data is not (or no longer) provably secure: nothing of it may be synthesised.
      aggressive?.forgetZone(keys.zone);
      return fromKeys ?? { security: 'insecure' };
    }
    const v = validateAll(step.authority, keys, run);
    if (!v.ok) {
      // A held denial that no longer verifies (a synthesised one included) spoils the zone's store;
      // a server's fresh bad answer does not, or any forger could empty it.
      if (step.fromCache) aggressive?.forgetZone(keys.zone);
      return { security: 'bogus', reason: v.reason, origin: { kind: 'data', step } };
    }
    const proofs = step.authority.filter((s) => PROOF_TYPES.has(s.type));
    const q = step.question;
    // An NXDOMAIN whose own NSEC proves the name an empty non-terminal is a NODATA in disguise
    // (names exist below it, RFC 8020 §2): judged and answered as one (NOERROR), as Unbound does.
    const entNx = step.kind === 'nxdomain' && proveEmptyNonTerminal(keys.zone, q.name, proofs);
    if (entNx) {
      run.rcode = Rcode.NOERROR;
      forgetFalseNxdomain(q.name);
    }
    const d = step.kind === 'nxdomain' && !entNx
      ? proveNxdomain(keys.zone, q.name, proofs, run.denial)
      : proveNodata(keys.zone, q.name, q.type, proofs, run.denial);
    run.context.trace?.(denialEvent(step.kind === 'nxdomain' ? 'nxdomain' : 'nodata', keys.zone, q.name, step.kind === 'nxdomain' ? undefined : q.type, proofs, d));
    const part = fromDenial(d, step);
    if (part.security === 'secure') keepProofs(keys.zone, step.authority, run);
    else if (step.fromCache) aggressive?.forgetZone(keys.zone);
    if (cache !== undefined) {
      cache.setSecurity(q.name, step.kind === 'nxdomain' ? undefined : q.type, q.class, part.security, part.reason, part.security === 'bogus' ? bogusTtl : v.ttl);
    }
    return part;
  };

  /**
   * The zone data that came with this run's answers (the zone's NS set and in-zone server addresses,
   * zone-side.ts), judged with keys already proven for exactly that zone: never a fetch of its own,
   * and only after the answer is judged, so it cannot spend the answer's validation budget. Data
   * without the zone's own RRSIG gets no verdict (it may lie below a cut, or be unsigned).
   */
  const judgeZoneData = (run: Run): ZoneDataVerdict[] => {
    // Most runs (every cache hit among them) bring no zone data: nothing to set up.
    if (run.zoneSteps.length === 0) return [];
    const out: ZoneDataVerdict[] = [];
    const seen = new Set<RRset>();
    for (const step of run.zoneSteps) {
      if (negativeAnchorFor(insecureDomains, step.zone) !== undefined) continue;
      const keys = keyCache.get(step.zone, run.nowMs);
      if (keys?.security !== 'secure' || !keys.zone.equals(step.zone)) continue;
      for (const set of step.zoneData ?? []) {
        if (seen.has(set)) continue;
        seen.add(set);
        if (!set.name.isSubdomainOf(keys.zone) || !signedBy(set, keys.zone)) continue;
        const v = validateRRset(set, keys, run.now, run.budget, check);
        run.context.trace?.(rrsetEvent(set, keys.zone, v, { checked: true }));
        if (v.security === 'bogus') out.push({ set, security: 'bogus', reason: v.reason, ttl: bogusTtl });
        // A wildcard-expanded NS set or address is no server list the zone really holds.
        else if (v.wildcard === undefined) out.push({ set, security: 'secure', ttl: v.ttl });
      }
    }
    return out;
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
    forgetBogusKeys(zone: Name) {
      keyCache.forgetBogus(zone);
    },
    synthesiseDenial(question: Question, nowMs: number): SynthesisedDenial | undefined {
      const synth = aggressive?.lookup(question, nowMs);
      // Only while the keys that proved those NSECs are still held as secure: the denial then
      // validates without any fetch (an RD=0 snoop answer relies on that), and a zone whose keys
      // have expired is asked again rather than answered from proofs older than its keys.
      if (synth === undefined || keyCache.get(synth.zone, nowMs)?.security !== 'secure') return undefined;
      return synth;
    },
    get aggressiveNsecStats(): Readonly<AggressiveNsecStats> {
      return aggressive?.stats ?? noStats;
    },
    async validateResolution(resolution: Resolution, context: ValidationContext): Promise<ValidationVerdict> {
      const nowMs = context.now();
      const budget = new ValidationBudget(limits);
      const run: Run = {
        context, nowMs, now: Math.floor(nowMs / MS_PER_SECOND), budget,
        denial: { nsec3MaxIterations: maxIterations, hasher: new Nsec3Hasher(limits.maxNsec3HashesPerResponse), budget },
        referrals: new Map(),
        proofs: [],
        caps: [],
        zoneSteps: [],
      };
      learnReferrals(resolution, run);
      const parts: Part[] = [];
      for (const step of resolution.steps) parts.push(...(await validateStep(step, run)));
      let verdict = combineParts(parts);
      const origin = verdict.security === 'bogus' ? parts.find((p) => p.security === 'bogus' && p.origin !== undefined)?.origin : undefined;
      if (resolution.rcode === Rcode.YXDOMAIN && verdict.security === 'secure') {
        // RFC 6672 §2.2: the DNAME is proven, but the YXDOMAIN RCODE is no signed data and the
        // reply holds no answer: it is passed on without AD (Unbound does not validate it at all;
        // we still check the DNAME, so a forged one is bogus).
        verdict = { ...verdict, security: 'insecure' };
      }
      const zoneData = judgeZoneData(run);
      return {
        ...verdict,
        ...(zoneData.length > 0 ? { zoneData } : {}),
        ...(run.caps.length > 0 ? { ttlCaps: run.caps } : {}),
        ...(run.rcode !== undefined && verdict.security !== 'bogus' ? { rcode: run.rcode } : {}),
        ...(origin !== undefined ? { bogusOrigin: origin } : {}),
      };
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

