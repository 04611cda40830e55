// The resolution state machine: from the closest known zone cut (cache, stub or forward zone,
// primed root, hints) down referrals to an authoritative answer, chasing CNAME/DNAME links across
// zones, with QNAME minimisation and every step recorded for the validator. All I/O goes through
// the injected transport; time through the injected clock.
import { isIP } from 'node:net';
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { Rcode, RRClass, RRType } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import { groupRRsets, sameRRset } from '../wire/rrset.ts';
import type { Message, Question, RR, RRset } from '../wire/types.ts';
import { Budget } from './budget.ts';
import { MIN_ANSWER_RANK, RRsetCache, Trust, type TrustRank } from './cache.ts';
import { classifyResponse, substituteDname, type AliasLink, type AnswerShape, type Classified, type Usable } from './classify.ts';
import type { Clock, RandomSource } from './clock.ts';
import { chooseServer, type InfraCache } from './infra.ts';
import { MINIMISED_QTYPE, nextMinimisedLabelCount } from './minimise.ts';
import type { ResolverOptions, ZoneServers } from './options.ts';
import { addressText, rdataName, soaRdata } from './rdata-views.ts';
import type { SynthesisedDenial } from './aggressive-nsec.ts';
import { RebindingFilter } from './rebinding.ts';
import { capSignatures, MAX_RRSIGS_PER_RRSET } from './sig-scrub.ts';
import type { AnswerStep, Resolution } from './resolution.ts';
import { describeServer, serverKey, type ServerAddress, type UpstreamTransport } from './transport.ts';
import { zoneSideSets, ZoneSideStore } from './zone-side.ts';

export interface ResolverLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface IteratorDeps {
  readonly options: ResolverOptions;
  readonly transport: UpstreamTransport;
  readonly clock: Clock;
  readonly cache: RRsetCache;
  readonly infra: InfraCache;
  readonly random: RandomSource;
  readonly log: ResolverLogger;
  /** RFC 8198: a denial from validated NSEC records, asked after the cache misses (aggressive-nsec.ts). */
  readonly synthesiseDenial?: (question: Question) => SynthesisedDenial | undefined;
  /** Where zones' own NS sets and server addresses are kept (zone-side.ts); a private one when absent. */
  readonly zoneSide?: ZoneSideStore;
}

/** State shared by one client query and all the sub-queries it causes. */
export interface QueryContext {
  readonly budget: Budget;
  /** Sub-queries (name/type) being resolved: a second request for one is a loop. */
  readonly inProgress: Set<string>;
  /**
   * Queries sent per server address and question (`server|name|type`), across every zone cut
   * tried for it: the maxAttemptsPerServer bound and the one probe of a held server hold for the
   * whole client query, even when the delegation is fetched again from the parent.
   */
  readonly sent: Map<string, number>;
}

interface NsServer {
  readonly name: Name;
  readonly addresses: ServerAddress[];
  /** The configured addresses of a stub/forward zone: `name` is the zone, never looked up. */
  readonly fixed?: boolean;
}

/** A zone and how to reach it. */
interface ZoneCut {
  readonly zone: Name;
  readonly kind: 'iterate' | 'stub' | 'forward' | 'hints';
  /** Fixed addresses (stub, forward) and the addresses of NS names known so far. */
  readonly servers: readonly NsServer[];
  /** stub/forward-first: on failure, iterate as if this zone were not configured. */
  readonly first?: boolean;
  /** Ask over TCP from the start. */
  readonly tcp?: boolean;
  /** An NS set found in the cache (not a referral followed now): the parent can be asked again. */
  readonly cached?: boolean;
}

type ZoneReply =
  | { ok: true; classified: Usable; server: ServerAddress; message: Message }
  | { ok: false; minimisationFailed: true }
  | { ok: false; minimisationFailed: false; reasons: Reason[] };

type IterateResult =
  | { ok: true; zone: Name; server: ServerAddress; shape: AnswerShape; rank: TrustRank; steps: AnswerStep[]; zoneData?: readonly RRset[] }
  | { ok: false; reasons: Reason[]; steps: AnswerStep[] };

interface CachedShape {
  readonly shape: AnswerShape;
  readonly zone: Name;
  /** The denial came from the RFC 8198 store, not from a cache entry (AnswerStep.denialSynthesised). */
  readonly denialSynthesised?: true;
}

const ROOT_NS_QUESTION: Question = { name: Name.root, type: RRType.NS, class: RRClass.IN };

function questionText(q: Question): string {
  return `${q.name} ${q.type === RRType.A ? 'A' : `type ${q.type}`}`;
}

/** Error RCODEs that say the server does not serve the zone at all (RFC 1034 lameness). */
const ZONE_LAME_RCODES: ReadonlySet<number> = new Set([Rcode.REFUSED, Rcode.NOTAUTH]);

/**
 * The failures of one zone as EDE text: repeats of the same failure (a server asked again after a
 * lost query) are said once, with their count.
 */
export function summariseFailures(failures: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([f, n]) => (n > 1 ? `${f} (${n} times)` : f)).join(', ');
}

/** The parent-side glue store is small: it only backs up delegations whose child side fails. */
const PARENT_GLUE_SHARE = 16;

export class Iterator {
  readonly #d: IteratorDeps;
  #priming: Promise<void> | undefined;
  /**
   * Glue as the parents gave it in referrals, kept apart from the answer cache, where the child's
   * authoritative addresses replace it. When parent and child disagree and the child's addresses
   * fail, the parent's are the last resort (Unbound's parent-side addresses).
   */
  readonly #parentGlue: RRsetCache;
  /**
   * NS sets as the zones' own servers list them in the authority section of their answers. They
   * neither replace the delegation nor serve as answers (a zone's server could otherwise steer
   * later queries to names of its choosing, the promiscuous-NS pattern); they only add servers
   * to try when every server of the delegation has failed (and decorate RD=0 referrals once
   * validated, zone-side.ts).
   */
  readonly #childNs: ZoneSideStore;
  readonly #rebinding: RebindingFilter;

  constructor(deps: IteratorDeps) {
    this.#d = deps;
    this.#rebinding = new RebindingFilter(deps.options.privateAddresses, deps.options.privateDomains);
    const c = deps.options.cache;
    this.#parentGlue = new RRsetCache({ ...c, maxBytes: Math.max(1, Math.floor(c.maxBytes / PARENT_GLUE_SHARE)) }, deps.clock);
    this.#childNs = deps.zoneSide ?? new ZoneSideStore(c, deps.clock);
  }

  newContext(): QueryContext {
    return { budget: new Budget(this.#d.options.limits, this.#d.clock), inProgress: new Set(), sent: new Map() };
  }

  // ---- the CNAME/DNAME chain and the cache --------------------------------------------------

  /**
   * Resolves a question to its final answer; `cacheOnly` never sends a query (RD=0). `refresh`
   * (a prefetch) asks anew for every name of the chain instead of reading its answer from cache;
   * the delegations on the way still come from cache, as for any query.
   */
  async resolveName(question: Question, ctx: QueryContext, cacheOnly: boolean, refresh = false): Promise<Resolution> {
    const limits = this.#d.options.limits;
    const answer: RRset[] = [];
    const steps: AnswerStep[] = [];
    const seen = new Set<string>([question.name.key]);
    let links = 0;
    // Wildcard-expansion proofs of the positive answers on the way (AnswerShape.proofs).
    const proofs: RRset[] = [];
    let allFromCache = true;
    let name = question.name;
    const startQueries = ctx.budget.upstreamQueries;
    const done = (rcode: number, authority: readonly RRset[], reasons: readonly Reason[] = []): Resolution => ({
      question, rcode, answer: rcode === Rcode.SERVFAIL ? [] : answer, authority: rcode === Rcode.SERVFAIL ? [] : authority,
      steps, reasons, fromCache: allFromCache, upstreamQueries: ctx.budget.upstreamQueries - startQueries,
    });

    for (;;) {
      const q: Question = { name, type: question.type, class: question.class };
      let shape: AnswerShape;
      let zone: Name;
      let server: ServerAddress | undefined;
      let zoneData: readonly RRset[] | undefined;
      const cached = refresh ? undefined : this.#fromCache(q);
      if (cached !== undefined) {
        ({ shape, zone } = cached);
      } else if (cacheOnly) {
        if (answer.length === 0) return done(Rcode.REFUSED, [], [reason(EdeCode.NOT_AUTHORITATIVE, `${q.name} is not in the cache and recursion was not desired`)]);
        return done(Rcode.NOERROR, []); // the part of the chain we have, as Unbound does
      } else {
        allFromCache = false;
        const it = await this.#iterate(q, ctx);
        steps.push(...it.steps);
        if (!it.ok) return done(Rcode.SERVFAIL, [], it.reasons);
        ({ zone, server, zoneData } = it);
        shape = this.#withCacheTtls(it.shape);
        this.#store(q, shape, zone, it.rank);
      }
      const fromCache = server === undefined;
      const base = {
        zone, fromCache, ...(server !== undefined ? { server } : {}), ...(zoneData !== undefined && zoneData.length > 0 ? { zoneData } : {}),
        ...(cached?.denialSynthesised === true ? { denialSynthesised: true } : {}),
      };
      const shapeProofs = shape.proofs ?? [];
      proofs.push(...shapeProofs);
      for (const link of shape.links) {
        links++;
        if (links > limits.maxCnameChain) {
          return done(Rcode.SERVFAIL, [], [reason(EdeCode.OTHER, `CNAME chain longer than ${limits.maxCnameChain} links at ${link.from}`)]);
        }
        // A DNAME met again further down the chain is the same RRset: RFC 2181 §5 (an RRset is
        // one unit) — the answer carries it once, each synthesized CNAME after it.
        if (!answer.some((s) => sameRRset(s, link.set))) answer.push(link.set);
        if (link.synthesized !== undefined) answer.push(link.synthesized);
        steps.push({
          ...base, kind: 'alias', question: { name: link.from, type: q.type, class: q.class }, answer: [link.set], authority: shapeProofs,
          synthesized: link.synthesized !== undefined ? [link.synthesized] : [],
        });
        if (seen.has(link.to.key)) return done(Rcode.SERVFAIL, [], [reason(EdeCode.OTHER, `CNAME loop at ${link.to}`)]);
        seen.add(link.to.key);
      }
      const end = shape.end;
      const endQuestion: Question = { name: end.name, type: q.type, class: q.class };
      switch (end.kind) {
        case 'data':
          answer.push(...end.rrsets);
          steps.push({ ...base, kind: 'answer', question: endQuestion, answer: end.rrsets, authority: shapeProofs, synthesized: [] });
          return done(Rcode.NOERROR, proofs);
        case 'nxdomain':
          steps.push({ ...base, kind: 'nxdomain', question: endQuestion, answer: [], authority: end.authority, synthesized: [] });
          return done(Rcode.NXDOMAIN, [...end.authority, ...proofs]);
        case 'nodata':
          steps.push({ ...base, kind: 'nodata', question: endQuestion, answer: [], authority: end.authority, synthesized: [] });
          return done(Rcode.NOERROR, [...end.authority, ...proofs]);
        case 'yxdomain':
          // RFC 6672 §2.2: the DNAME is the answer, its substitution is not possible.
          answer.push(end.dname);
          steps.push({ ...base, kind: 'alias', question: endQuestion, answer: [end.dname], authority: [], synthesized: [] });
          return done(Rcode.YXDOMAIN, []);
        case 'continue':
          name = end.name;
          break;
      }
    }
  }

  /** What the cache says about `q`, in the same shape as an upstream answer. */
  #fromCache(q: Question): CachedShape | undefined {
    if (q.type === RRType.ANY) return undefined; // ANY is never assembled from cached sets
    const cache = this.#d.cache;
    const pos = cache.getRRset(q.name, q.type, q.class, MIN_ANSWER_RANK);
    if (pos !== undefined) return { zone: pos.zone, shape: { links: [], end: { kind: 'data', name: q.name, rrsets: [pos.rrset] } } };
    // Not for DS: the DS lives on the parent side of a cut (RFC 4035 §2.4), which a CNAME cached
    // from the child side says nothing about; the parent is asked (as Unbound's cache does).
    if (q.type !== RRType.CNAME && q.type !== RRType.DS) {
      const c = cache.getRRset(q.name, RRType.CNAME, q.class, MIN_ANSWER_RANK);
      const to = c?.rrset.rdata[0] !== undefined ? rdataName(RRType.CNAME, c.rrset.rdata[0]) : undefined;
      if (c !== undefined && to !== undefined) {
        return { zone: c.zone, shape: { links: [{ from: q.name, to, set: c.rrset }], end: { kind: 'continue', name: to } } };
      }
    }
    // QTYPE=DNAME included: a DNAME strictly above the name redirects it like any other type
    // (RFC 6672 §2.2); only a DNAME at the name itself is the data, looked up above.
    {
      for (let owner = q.name.parent(); ; owner = owner.parent()) {
        const d = cache.getRRset(owner, RRType.DNAME, q.class, MIN_ANSWER_RANK);
        const target = d?.rrset.rdata[0] !== undefined ? rdataName(RRType.DNAME, d.rrset.rdata[0]) : undefined;
        if (d !== undefined && target !== undefined) {
          const to = substituteDname(q.name, owner, target);
          if (to === undefined) return undefined;
          const synthesized: RRset = { name: q.name, type: RRType.CNAME, class: q.class, ttl: d.rrset.ttl, rdata: [to.toWire()], sigs: [] };
          const link: AliasLink = { from: q.name, to, set: d.rrset, synthesized };
          // QTYPE=CNAME: the synthesized CNAME is the answer, as in classify's walkAnswer.
          const end: AnswerShape['end'] = q.type === RRType.CNAME ? { kind: 'data', name: q.name, rrsets: [] } : { kind: 'continue', name: to };
          return { zone: d.zone, shape: { links: [link], end } };
        }
        if (owner.isRoot || q.name.isRoot) break;
      }
    }
    const neg = cache.getNegative(q.name, q.type, q.class);
    if (neg !== undefined) return { zone: neg.zone, shape: { links: [], end: { kind: neg.kind, name: q.name, authority: neg.authority } } };
    const synth = this.#d.synthesiseDenial?.(q);
    if (synth !== undefined) return { zone: synth.zone, shape: { links: [], end: { kind: synth.kind, name: q.name, authority: synth.authority } }, denialSynthesised: true };
    return undefined;
  }

  /** RFC 2308 §5: the SOA of a denial is passed on with the negative TTL, not its own. */
  #withCacheTtls(shape: AnswerShape): AnswerShape {
    const end = shape.end;
    if (end.kind === 'data') {
      // Fresh data goes out with the TTL it is cached with (cache.minTtl/maxTtl applied).
      const rrsets = end.rrsets.map((s) => ({ ...s, ttl: this.#d.cache.positiveTtl(s.ttl) }));
      return { ...shape, end: { ...end, rrsets } };
    }
    if (end.kind !== 'nxdomain' && end.kind !== 'nodata') return shape;
    const soa = end.authority.find((s) => s.type === RRType.SOA);
    const rd = soa?.rdata[0] !== undefined ? soaRdata(soa.rdata[0]) : undefined;
    if (soa === undefined || rd === undefined) return shape;
    const ttl = this.#d.cache.negativeTtl(soa.ttl, rd.minimum);
    return { ...shape, end: { ...end, authority: end.authority.map((s) => (s.ttl > ttl ? { ...s, ttl } : s)) } };
  }

  /** Caches an answer: alias sets, final data, and RFC 2308 denials (only with an SOA). */
  #store(q: Question, shape: AnswerShape, zone: Name, rank: TrustRank): void {
    const cache = this.#d.cache;
    for (const l of shape.links) cache.putRRset(l.set, zone, rank);
    const end = shape.end;
    if (end.kind === 'yxdomain') cache.putRRset(end.dname, zone, rank);
    if (end.kind === 'data') {
      if (q.type !== RRType.ANY) for (const s of end.rrsets) cache.putRRset(s, zone, rank);
    } else if (end.kind === 'nxdomain' || end.kind === 'nodata') {
      this.#storeNegative(end.kind, end.name, q, end.authority, zone, rank === Trust.AUTH_ANSWER ? Trust.AUTH_AUTHORITY : rank);
    }
  }

  #storeNegative(kind: 'nxdomain' | 'nodata', name: Name, q: Question, authority: readonly RRset[], zone: Name, rank: TrustRank): void {
    const soa = authority.find((s) => s.type === RRType.SOA);
    const rd = soa?.rdata[0] !== undefined ? soaRdata(soa.rdata[0]) : undefined;
    if (soa === undefined || rd === undefined) return; // RFC 2308 §5: no SOA, no negative caching
    const ttl = this.#d.cache.negativeTtl(soa.ttl, rd.minimum);
    this.#d.cache.putNegative(kind, name, q.type, q.class, authority, zone, rank, ttl);
  }

  // ---- iteration: zone cuts and referrals ---------------------------------------------------

  async #iterate(question: Question, ctx: QueryContext): Promise<IterateResult> {
    const opts = this.#d.options;
    const steps: AnswerStep[] = [];
    /** Configured zones given up on after they failed (stub/forward-first), as `kind|zone`. */
    const bypassed = new Set<string>();
    let cut = await this.#findCut(question, ctx, bypassed);
    let minimise = opts.qnameMinimisation && cut.kind !== 'forward';
    let known = cut.zone;
    let minimiseCount = 0;
    let referrals = 0;
    const qname = question.name;
    for (;;) {
      let ask = question;
      let minimised = false;
      if (minimise) {
        const labels = nextMinimisedLabelCount(qname.labelCount, known.labelCount, minimiseCount);
        if (labels < qname.labelCount) {
          ask = { name: qname.suffix(labels), type: MINIMISED_QTYPE, class: question.class };
          minimised = true;
        }
      }
      const reply = await this.#queryZone(cut, ask, ctx, minimised);
      if (!reply.ok) {
        if (reply.minimisationFailed) {
          // RFC 9156 relaxed mode: a server that errs on the minimised name gets the full one.
          this.#d.log.debug(`minimised query ${questionText(ask)} failed at ${cut.zone}; retrying with the full name`);
          minimise = false;
          continue;
        }
        const fixedFirst = cut.first === true && (cut.kind === 'forward' || cut.kind === 'stub');
        if (fixedFirst || cut.cached === true) {
          // forward-first / stub-first: the configured servers failed; iterate without them. A
          // cached NS set that turned useless (the child's own NS set may name servers that do
          // not work): ask the parent for the delegation again.
          this.#d.log.debug(`${cut.kind} servers for ${cut.zone} failed; resolving from above`);
          bypassed.add(`${cut.kind}|${cut.zone.key}`);
          cut = await this.#findCut(question, ctx, bypassed);
          minimise = opts.qnameMinimisation && cut.kind !== 'forward';
          known = cut.zone;
          minimiseCount = 0;
          continue;
        }
        return { ok: false, reasons: reply.reasons, steps };
      }
      const c = reply.classified;
      if (c.kind === 'referral') {
        referrals++;
        const r = ctx.budget.checkReferralDepth(referrals, qname.toString());
        if (r !== undefined) return { ok: false, reasons: [r], steps };
        this.#storeReferral(c, cut.zone);
        steps.push({
          kind: 'referral', zone: cut.zone, child: c.child, question: ask, answer: [],
          authority: [c.ns, ...(c.ds !== undefined ? [c.ds] : []), ...c.proofs], synthesized: [], server: reply.server, fromCache: false,
        });
        if (question.type === RRType.DS && c.child.equals(qname)) {
          // The parent holds the DS: a referral to the name itself carries the DS or its denial.
          const end = c.ds !== undefined
            ? { kind: 'data' as const, name: qname, rrsets: [c.ds] }
            : { kind: 'nodata' as const, name: qname, authority: c.proofs };
          return { ok: true, zone: cut.zone, server: reply.server, shape: { links: [], end }, rank: Trust.AUTH_AUTHORITY, steps };
        }
        cut = this.#cutFromReferral(c);
        known = c.child;
        continue;
      }
      // Only what one of the zone's delegated servers itself says (not a stub's or forwarder's view,
      // nor a recursive server's fallback answer) is taken as the zone's own NS set.
      const zoneData = cut.kind === 'iterate' && (c.authoritative || !reply.message.flags.ra) ? this.#storeChildNs(reply.message, cut.zone, c.authoritative) : [];
      const shape = c.answer;
      if (minimised) {
        if (shape.links.length === 0 && shape.end.kind === 'nxdomain' && !c.authoritative) {
          // A non-authoritative NXDOMAIN for a hidden name: the broken-server pattern of NXDOMAIN on
          // empty non-terminals (RFC 9156 §2.3). Not trusted below; ask the full name instead.
          this.#d.log.debug(`non-authoritative NXDOMAIN for minimised ${ask.name} at ${cut.zone}; asking the full name`);
          minimise = false;
          continue;
        }
        if (shape.links.length === 0 && shape.end.kind === 'nxdomain') {
          // RFC 8020: nothing exists below a name that does not exist.
          this.#storeNegative('nxdomain', ask.name, ask, shape.end.authority, cut.zone, c.authoritative ? Trust.AUTH_AUTHORITY : Trust.ANSWER);
          const end = { kind: 'nxdomain' as const, name: ask.name, authority: shape.end.authority };
          return { ok: true, zone: cut.zone, server: reply.server, shape: { links: [], end }, rank: Trust.AUTH_AUTHORITY, steps };
        }
        known = ask.name; // no zone cut at this label: reveal one more
        minimiseCount++;
        continue;
      }
      return { ok: true, zone: cut.zone, server: reply.server, shape, rank: c.authoritative ? Trust.AUTH_ANSWER : Trust.ANSWER, steps, zoneData };
    }
  }

  #storeReferral(c: Extract<Classified, { kind: 'referral' }>, parent: Name): void {
    const cache = this.#d.cache;
    cache.putRRset(c.ns, parent, Trust.AUTHORITY);
    for (const g of c.glue) {
      cache.putRRset(g, parent, Trust.ADDITIONAL);
      this.#parentGlue.putRRset(g, parent, Trust.ADDITIONAL);
    }
    if (c.ds !== undefined) cache.putRRset(c.ds, parent, Trust.AUTH_AUTHORITY);
  }

  /**
   * Records the zone's own NS set as its servers list it beside an answer (the child may name
   * servers the parent does not know), with its in-zone servers' addresses; returns those stored
   * now, for the validator to judge. A non-authoritative answer's copy ranks below an authoritative one's.
   */
  #storeChildNs(message: Message, zone: Name, authoritative: boolean): RRset[] {
    return this.#childNs.put(zoneSideSets(message, zone), zone, authoritative ? Trust.AUTH_AUTHORITY : Trust.AUTHORITY);
  }

  #familyAllowed(address: string): boolean {
    const f = isIP(address);
    return (f === 4 && this.#d.options.doIp4) || (f === 6 && this.#d.options.doIp6);
  }

  /** Addresses of `name` from `extra` (glue of this response) and the cache (any rank). */
  #knownAddresses(name: Name, extra: readonly RRset[]): ServerAddress[] {
    const out: ServerAddress[] = [];
    const seen = new Set<string>();
    const add = (set: RRset | undefined) => {
      if (set === undefined) return;
      for (const r of set.rdata) {
        const a = addressText(set.type, r);
        if (a === undefined || !this.#familyAllowed(a) || seen.has(a)) continue;
        seen.add(a);
        out.push({ address: a, port: this.#d.options.upstreamPort });
      }
    };
    for (const type of [RRType.A, RRType.AAAA]) {
      for (const g of extra) if (g.type === type && g.name.equals(name)) add(g);
      add(this.#d.cache.getRRset(name, type, RRClass.IN)?.rrset);
    }
    return out;
  }

  #nsServers(ns: RRset, glue: readonly RRset[]): NsServer[] {
    const out: NsServer[] = [];
    for (const r of ns.rdata) {
      const name = rdataName(RRType.NS, r);
      if (name !== undefined) out.push({ name, addresses: this.#knownAddresses(name, glue) });
    }
    return out;
  }

  #cutFromReferral(c: Extract<Classified, { kind: 'referral' }>): ZoneCut {
    return { zone: c.child, kind: 'iterate', servers: this.#nsServers(c.ns, c.glue) };
  }

  #fixedCut(z: ZoneServers, kind: 'stub' | 'forward'): ZoneCut {
    const hosts = (z.hosts ?? []).map((name) => ({ name, addresses: this.#knownAddresses(name, []) }));
    return { zone: z.zone, kind, servers: [{ name: z.zone, addresses: [...z.addresses], fixed: true }, ...hosts], first: z.first === true, tcp: z.tcp === true };
  }

  #hintsCut(): ZoneCut {
    const hints = this.#d.options.rootHints;
    const ns = groupRRsets(hints.filter((r: RR) => r.type === RRType.NS && r.name.isRoot))[0];
    const glue = groupRRsets(hints.filter((r: RR) => r.type === RRType.A || r.type === RRType.AAAA));
    return { zone: Name.root, kind: 'hints', servers: ns === undefined ? [] : this.#nsServers(ns, glue) };
  }

  /** The deepest zone we know how to reach for `question` (DS lives in the parent zone). */
  async #findCut(question: Question, ctx: QueryContext, bypassed: ReadonlySet<string> = new Set()): Promise<ZoneCut> {
    const opts = this.#d.options;
    const start = question.type === RRType.DS && !question.name.isRoot ? question.name.parent() : question.name;
    for (let n = start; ; n = n.parent()) {
      const fwd = opts.forwardZones.find((z) => z.zone.equals(n));
      if (fwd !== undefined && !bypassed.has(`forward|${n.key}`)) return this.#fixedCut(fwd, 'forward');
      const stub = opts.stubZones.find((z) => z.zone.equals(n));
      if (stub !== undefined && !bypassed.has(`stub|${n.key}`)) return this.#fixedCut(stub, 'stub');
      const ns = bypassed.has(`iterate|${n.key}`) ? undefined : this.#d.cache.getRRset(n, RRType.NS, RRClass.IN);
      if (ns !== undefined && !n.isRoot) {
        const servers = this.#nsServers(ns.rrset, []);
        // Every NS name inside the zone and no address known: only the parent can tell us (its
        // referral carries the glue), so start there instead of looping on ourselves.
        const selfReferential = servers.every((s) => s.addresses.length === 0 && s.name.isSubdomainOf(n));
        if (!selfReferential) return { zone: n, kind: 'iterate', servers, cached: true };
      }
      if (n.isRoot) break;
    }
    return this.#rootCut(ctx);
  }

  async #rootCut(ctx: QueryContext): Promise<ZoneCut> {
    let ns = this.#d.cache.getRRset(Name.root, RRType.NS, RRClass.IN);
    if (ns === undefined && this.#d.options.priming) {
      // One priming exchange serves every query that needs it meanwhile.
      this.#priming ??= this.#prime(ctx).finally(() => {
        this.#priming = undefined;
      });
      await this.#priming;
      ns = this.#d.cache.getRRset(Name.root, RRType.NS, RRClass.IN);
    }
    if (ns !== undefined) {
      const servers = this.#nsServers(ns.rrset, []);
      // Without any root server address we could not even look one up: fall back to the hints.
      if (servers.some((s) => s.addresses.length > 0)) return { zone: Name.root, kind: 'iterate', servers };
    }
    return this.#hintsCut();
  }

  /** RFC 8109: ask a hint server for ". NS" and cache the answer and its addresses. */
  async #prime(ctx: QueryContext): Promise<void> {
    const reply = await this.#queryZone(this.#hintsCut(), ROOT_NS_QUESTION, ctx, false);
    if (!reply.ok || reply.classified.kind !== 'answer') {
      this.#d.log.warn('priming the root failed; using the root hints as they are');
      return;
    }
    const end = reply.classified.answer.end;
    if (end.kind !== 'data' || !reply.classified.authoritative) {
      this.#d.log.warn('priming answer held no authoritative root NS set; using the root hints as they are');
      return;
    }
    const ns = end.rrsets[0];
    this.#d.cache.putRRset(ns, Name.root, Trust.AUTH_ANSWER);
    const targets = new Set<string>();
    for (const r of ns.rdata) {
      const n = rdataName(RRType.NS, r);
      if (n !== undefined) targets.add(n.key);
    }
    for (const s of groupRRsets(reply.message.additional)) {
      if ((s.type === RRType.A || s.type === RRType.AAAA) && targets.has(s.name.key)) this.#d.cache.putRRset(s, Name.root, Trust.ADDITIONAL);
    }
  }

  // ---- asking the servers of one zone -------------------------------------------------------

  /**
   * Asks the servers of `cut` until one gives a usable answer or referral. NS names without an
   * address are looked up only when every known address has failed, one at a time, at most
   * maxNsNamesPerDelegation of them (NXNSAttack). When every server has been asked once, those
   * whose query was lost (timeout, garbled reply) are asked again, each at most
   * maxAttemptsPerServer times in all (Unbound's outbound-msg-retry): one dropped UDP packet to a
   * zone's only server must not fail the query. The infra cache still rules a server out once it
   * has lost enough queries in a row, and the query's budget and deadline bound it all.
   */
  async #queryZone(cut: ZoneCut, ask: Question, ctx: QueryContext, minimised: boolean): Promise<ZoneReply> {
    const d = this.#d;
    const opts = d.options;
    const forwarding = cut.kind === 'forward';
    const maxAttempts = opts.limits.maxAttemptsPerServer;
    const sentKey = (a: ServerAddress) => `${serverKey(a)}|${ask.name.key}|${ask.type}`;
    const attempts = {
      has: (a: ServerAddress) => ctx.sent.has(sentKey(a)),
      get: (a: ServerAddress) => ctx.sent.get(sentKey(a)) ?? 0,
      add: (a: ServerAddress) => ctx.sent.set(sentKey(a), (ctx.sent.get(sentKey(a)) ?? 0) + 1),
    };
    /** Addresses whose last query got no usable reply at all (lost or garbled): asking again may help. */
    const retryable = new Set<string>();
    /** Second phase: every address has had its first query; lost ones may be asked again. */
    let retrying = false;
    let missingFamiliesQueued = false;
    /** One query to an address held only for lost queries, when nothing else is left (is it back?). */
    let probed = false;
    let probe: ServerAddress | undefined;
    /** Addresses asked during this call (the first phase asks each once). */
    const askedHere = new Set<string>();
    const failures: string[] = [];
    const networkErrors: string[] = [];
    const addresses: ServerAddress[] = [];
    const known = new Set<string>();
    const addAddresses = (list: readonly ServerAddress[]) => {
      for (const a of list) {
        const k = serverKey(a);
        if (!known.has(k) && this.#familyAllowed(a.address)) {
          known.add(k);
          addresses.push(a);
        }
      }
    };
    for (const s of cut.servers) addAddresses(s.addresses);
    const lookups: { name: Name; type: number }[] = [];
    for (const s of cut.servers) {
      if (s.addresses.length > 0 || s.fixed === true) continue;
      if (opts.doIp4) lookups.push({ name: s.name, type: RRType.A });
      if (opts.doIp6) lookups.push({ name: s.name, type: RRType.AAAA });
    }
    const namesLookedUp = new Set<string>();
    const describe = (s: ServerAddress) => describeServer(s, opts.upstreamPort);
    /** The best suspicious reply so far (recursion-lame, empty), used when nothing better comes. */
    let fallback: ZoneReply | undefined;
    const fail = (extra?: Reason): ZoneReply => {
      if (extra !== undefined) return { ok: false, minimisationFailed: false, reasons: [extra] };
      if (fallback !== undefined) return fallback;
      const detail = failures.length > 0 ? summariseFailures(failures) : 'no usable server address';
      const reasons = [reason(EdeCode.NO_REACHABLE_AUTHORITY, `no reachable authority for ${cut.zone}: ${detail}`)];
      if (networkErrors.length > 0) reasons.push(reason(EdeCode.NETWORK_ERROR, `network error reaching ${cut.zone}: ${networkErrors.join(', ')}`));
      return { ok: false, minimisationFailed: false, reasons };
    };
    /**
     * A limit or the deadline that ends the retransmissions is not the news: every server was
     * asked and lost queries, and that is what the client hears (EDE 22 naming them).
     */
    const cutShort = (limit: Reason): Reason | undefined => (retrying && failures.length > 0 ? undefined : limit);
    /**
     * NS names known by one address family only (glue for IPv4 alone, say): their other family may
     * reach a server that works, as Unbound looks up such missing targets. Queued once per call.
     */
    const queueMissingFamilies = (): boolean => {
      if (missingFamiliesQueued || cut.kind !== 'iterate') return false;
      missingFamiliesQueued = true;
      const before = lookups.length;
      for (const s of [...cut.servers, ...this.#childSideServers(cut.zone)]) {
        if (s.fixed === true || s.addresses.length === 0) continue;
        if (opts.doIp4 && !s.addresses.some((a) => isIP(a.address) === 4)) lookups.push({ name: s.name, type: RRType.A });
        if (opts.doIp6 && !s.addresses.some((a) => isIP(a.address) === 6)) lookups.push({ name: s.name, type: RRType.AAAA });
      }
      return lookups.length > before;
    };
    const noted = new Set<string>();
    let parentSideTried = false;
    let childSideTried = false;
    if (cut.kind === 'forward' || cut.kind === 'stub') {
      // Configured host names are resolved before the zone is used, so every configured server
      // is known from the start (as Unbound resolves forward-host / stub-host).
      for (;;) {
        const more = await this.#lookupNextNs(lookups, namesLookedUp, ctx, failures);
        if (more === undefined) break;
        addAddresses(more);
      }
    }

    for (;;) {
      if (ctx.budget.failure !== undefined) return fail(cutShort(ctx.budget.failure));
      const fresh: ServerAddress[] = [];
      const again: ServerAddress[] = [];
      for (const a of addresses) {
        const k = serverKey(a);
        // Asked in this call: only a lost query is sent again, in the second phase. A server that
        // answered in an earlier call (the same question met again further down a CNAME chain) is
        // asked afresh; lost queries count toward maxAttemptsPerServer across the client query.
        const sent = attempts.get(a);
        if (sent >= maxAttempts) continue;
        const here = askedHere.has(k);
        if (here && !(retrying && retryable.has(k))) continue;
        const u = d.infra.usability(a, cut.zone, ask.type);
        if (u.usable) (here ? again : fresh).push(a);
        else if (!here && !noted.has(k)) {
          noted.add(k);
          failures.push(`${describe(a)} ${u.why}`);
        }
      }
      // A server not asked yet comes before a retransmission to one that already lost a query.
      const candidates = fresh.length > 0 ? fresh : again;
      // Servers whose data for this zone recently failed validation are asked last (dnssec lame).
      const trusted = candidates.filter((a) => !d.infra.isDnssecLame(a, cut.zone));
      if (trusted.length === 0 && candidates.length > 0) {
        const more = await this.#lookupNextNs(lookups, namesLookedUp, ctx, failures);
        if (more !== undefined) {
          addAddresses(more);
          continue;
        }
        // Every known address is dnssec lame: the other family of the zone's NS names may be a
        // server that answers correctly (Unbound fetches such targets when its choice is blacklisted).
        if (queueMissingFamilies()) continue;
      }
      let server = chooseServer(trusted.length > 0 ? trusted : candidates, d.infra, d.random);
      if (server === undefined && probe !== undefined) {
        server = probe;
        probe = undefined;
      }
      if (server === undefined) {
        const more = await this.#lookupNextNs(lookups, namesLookedUp, ctx, failures);
        if (more !== undefined) {
          addAddresses(more);
          continue;
        }
        if (!childSideTried && cut.kind === 'iterate') {
          // Next: servers only the zone itself names (its own NS set, seen in its answers).
          childSideTried = true;
          const before = addresses.length + lookups.length;
          const listed = new Set(cut.servers.map((s) => s.name.key));
          for (const s of this.#childSideServers(cut.zone)) {
            if (listed.has(s.name.key)) continue;
            addAddresses(s.addresses);
            if (s.addresses.length > 0) continue;
            if (opts.doIp4) lookups.push({ name: s.name, type: RRType.A });
            if (opts.doIp6) lookups.push({ name: s.name, type: RRType.AAAA });
          }
          if (addresses.length + lookups.length > before) continue;
        }
        if (!parentSideTried && cut.kind === 'iterate') {
          // Last resort: the addresses the parent gave as glue, where the child's differ.
          parentSideTried = true;
          const before = addresses.length;
          for (const s of [...cut.servers, ...this.#childSideServers(cut.zone)]) addAddresses(this.#parentSideAddresses(s.name));
          if (addresses.length > before) continue;
        }
        if (!retrying && retryable.size > 0 && maxAttempts > 1) {
          retrying = true;
          continue;
        }
        if (queueMissingFamilies()) continue;
        if (!probed) {
          // Every address is held unreachable or lame: rather than fail for the whole hold, one
          // held only for lost queries is asked once, so a server that came back is noticed (as
          // Unbound and Knot re-probe timed-out servers). Its loss counts like any other.
          probed = true;
          const held = addresses.filter((a) => {
            if (attempts.has(a)) return false;
            const u = d.infra.usability(a, cut.zone, ask.type);
            return !u.usable && u.probe;
          });
          probe = chooseServer(held, d.infra, d.random);
          if (probe !== undefined) continue;
        }
        return fail(ctx.budget.failure);
      }
      const serverId = serverKey(server);
      attempts.add(server);
      askedHere.add(serverId);
      retryable.delete(serverId);
      const spent = ctx.budget.takeUpstreamQuery(ask.name.toString());
      if (spent !== undefined) return fail(cutShort(spent));
      const levelMs = d.infra.timeoutFor(server, ask.type);
      const timeoutMs = Math.max(1, Math.min(levelMs, ctx.budget.remainingMs()));
      d.log.debug(`asking ${describe(server)} (${cut.zone}) ${questionText(ask)}`);
      let r = await d.transport.query(server, ask, { rd: forwarding, cd: forwarding, dnssecOk: true, tcp: cut.tcp === true, timeoutMs });
      if (r.ok && r.message.flags.tc && !r.tcp) {
        // The transport normally retries a truncated UDP answer over TCP itself; one that hands
        // back TC=1 gets the retry here, so a truncated answer is never taken as complete.
        const again = ctx.budget.takeUpstreamQuery(ask.name.toString());
        if (again !== undefined) return fail(again);
        r = await d.transport.query(server, ask, { rd: forwarding, cd: forwarding, dnssecOk: true, tcp: true, timeoutMs });
      }
      if (r.ok && r.message.flags.tc) {
        // RFC 2181 §9: a truncated answer is incomplete; its data must not be used or cached.
        failures.push(`${describe(server)} sent a truncated answer over TCP`);
        continue;
      }
      if (!r.ok) {
        if (r.kind === 'timeout') {
          d.infra.recordTimeout(server, ask.type, levelMs, timeoutMs);
          failures.push(`${describe(server)} timed out`);
          retryable.add(serverId);
        } else if (r.kind === 'network') {
          d.infra.recordUnreachable(server);
          failures.push(`${describe(server)} unreachable`);
          networkErrors.push(`${describe(server)}: ${r.detail}`);
        } else {
          failures.push(`${describe(server)} sent ${r.kind === 'malformed' ? 'a malformed' : 'a mismatched'} answer`);
          retryable.add(serverId);
        }
        continue;
      }
      d.infra.recordRtt(server, r.rttMs, ask.type);
      // DNS-rebinding protection first: nothing below sees, uses or caches a private address.
      const scrubbed = this.#rebinding.scrub(r.message);
      if (scrubbed.removed > 0) d.log.debug(`removed ${scrubbed.removed} private-address record(s) from ${describe(server)}'s reply for ${questionText(ask)}`);
      // Then the signatures: an RRset keeps its first MAX_RRSIGS_PER_RRSET RRSIGs (KeyTrap junk is
      // neither cached nor relayed).
      const capped = capSignatures(scrubbed.message);
      if (capped.removed > 0) d.log.debug(`removed ${capped.removed} RRSIG(s) past ${MAX_RRSIGS_PER_RRSET} per RRset from ${describe(server)}'s reply for ${questionText(ask)}`);
      const message = capped.message;
      const c = classifyResponse(message, { zone: cut.zone, question: ask, forwarding, maxLinks: opts.limits.maxCnameChain + 1 });
      if (c.kind === 'lame' && minimised && c.fallback !== undefined && c.why === 'empty answer') {
        // An empty reply to a hidden (minimised) query is the usual empty non-terminal.
        return { ok: true, classified: c.fallback, server, message };
      }
      if (c.kind === 'lame') {
        if (minimised && (c.rcode !== undefined || c.why.startsWith('non-authoritative'))) return { ok: false, minimisationFailed: true };
        if (c.fallback !== undefined) {
          // Usable as a last resort; not held as lameness, so the next query tries again.
          fallback ??= { ok: true, classified: c.fallback, server, message };
          failures.push(`${describe(server)} ${c.why}`);
          continue;
        }
        // REFUSED/NOTAUTH: the server does not serve the zone at all. Other lameness (an upward
        // referral, a bad answer) is held for the query-type class only. An error RCODE such as
        // SERVFAIL or YXDOMAIN is about this query alone, so the next query asks again.
        if (c.rcode !== undefined && ZONE_LAME_RCODES.has(c.rcode)) d.infra.recordLame(server, cut.zone, undefined, c.why);
        else if (c.rcode === undefined) d.infra.recordLame(server, cut.zone, ask.type, c.why);
        failures.push(`${describe(server)} ${c.why}`);
        continue;
      }
      if (c.dropped > 0) d.log.debug(`dropped ${c.dropped} out-of-bailiwick record(s) from ${describe(server)} for ${cut.zone}`);
      return { ok: true, classified: c, server, message };
    }
  }

  /** The servers of the zone's own NS set, with the addresses known for them. */
  #childSideServers(zone: Name): NsServer[] {
    const ns = this.#childNs.ns(zone, Trust.AUTH_AUTHORITY)?.rrset;
    return ns === undefined ? [] : this.#nsServers(ns, []);
  }

  #parentSideAddresses(name: Name): ServerAddress[] {
    const out: ServerAddress[] = [];
    for (const type of [RRType.A, RRType.AAAA]) {
      const set = this.#parentGlue.getRRset(name, type, RRClass.IN)?.rrset;
      for (const r of set?.rdata ?? []) {
        const a = addressText(type, r);
        if (a !== undefined && this.#familyAllowed(a)) out.push({ address: a, port: this.#d.options.upstreamPort });
      }
    }
    return out;
  }

  /** Looks up the next NS name's addresses; undefined when there is nothing left to try. */
  async #lookupNextNs(lookups: { name: Name; type: number }[], namesLookedUp: Set<string>, ctx: QueryContext, failures: string[]): Promise<ServerAddress[] | undefined> {
    const limit = this.#d.options.limits.maxNsNamesPerDelegation;
    for (;;) {
      const next = lookups.shift();
      if (next === undefined) return undefined;
      if (!namesLookedUp.has(next.name.key)) {
        if (namesLookedUp.size >= limit) {
          failures.push(`NS names beyond the first ${limit} not looked up`);
          lookups.length = 0;
          return undefined;
        }
        namesLookedUp.add(next.name.key);
      }
      const found = await this.#resolveAddresses(next.name, next.type, ctx);
      if (found.length > 0) return found;
      if (ctx.budget.failure !== undefined) return undefined;
      failures.push(`${next.name} has no ${next.type === RRType.A ? 'IPv4' : 'IPv6'} address`);
    }
  }

  /** A sub-query for a name server's addresses. */
  async #resolveAddresses(name: Name, type: number, ctx: QueryContext): Promise<ServerAddress[]> {
    const key = `${name.key}/${type}`;
    if (ctx.inProgress.has(key)) return [];
    const entered = ctx.budget.enterSubquery(name.toString());
    if (entered !== undefined) return [];
    ctx.inProgress.add(key);
    let res: Resolution;
    try {
      res = await this.resolveName({ name, type, class: RRClass.IN }, ctx, false);
    } finally {
      ctx.inProgress.delete(key);
      ctx.budget.leaveSubquery();
    }
    const out: ServerAddress[] = [];
    for (const set of res.answer) {
      if (set.type !== type) continue;
      for (const r of set.rdata) {
        const a = addressText(type, r);
        if (a !== undefined && this.#familyAllowed(a)) out.push({ address: a, port: this.#d.options.upstreamPort });
      }
    }
    return out;
  }
}
