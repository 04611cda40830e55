// The resolver room's public face: createResolver wires the cache, the infrastructure cache, the
// iterator and the optional validator behind the shared `Resolve` port.
import { EdeCode, reason } from '../wire/ede.ts';
import { isMetaType, Rcode, RRClass, RRType } from '../wire/constants.ts';
import type { ClientQuery, Outcome, Resolve } from '../wire/outcome.ts';
import type { Question, RRset } from '../wire/types.ts';
import { forgetBogusData, MAX_VALIDATION_RESTARTS, suspectsOf } from './bogus-restart.ts';
import { RRsetCache } from './cache.ts';
import type { Clock, RandomSource } from './clock.ts';
import { cachedBogusText, FailureCache, withCachedError } from './failure-cache.ts';
import { InfraCache } from './infra.ts';
import { verdictsKnown } from './norec.ts';
import { cachedReferral } from './referral.ts';
import { Iterator, type ResolverLogger } from './iterator.ts';
import { keysUsed, MAX_CONCURRENT_PREFETCHES, PrefetchScheduler, resolutionDue, type PrefetchResult } from './prefetch.ts';
import { resolveOptions, type ResolverOptions, type ResolverOptionsInput } from './options.ts';
import type { Resolution, TtlCap, ValidationContext, ValidationVerdict, Validator } from './resolution.ts';
import type { UpstreamTransport } from './transport.ts';
import { ZoneSideStore } from './zone-side.ts';

export type { ResolverOptions, ResolverOptionsInput, ZoneServers, CacheOptions, Limits } from './options.ts';
export type { UpstreamTransport, UpstreamResult, UpstreamQueryOptions, ServerAddress } from './transport.ts';
export type { Clock, RandomSource } from './clock.ts';
export type { Resolution, AnswerStep, Validator, ValidationVerdict, ValidationContext, TtlCap } from './resolution.ts';
export { RRsetCache, Trust } from './cache.ts';
export { FailureCache, FAILURE_TTL_SECONDS } from './failure-cache.ts';
export { parseRootHints } from './hints.ts';
export type { PrefetchResult } from './prefetch.ts';

export interface ResolverDeps {
  readonly transport: UpstreamTransport;
  readonly clock: Clock;
  readonly log?: ResolverLogger;
  /** Present only when validation is configured; absent means every answer is 'insecure'. */
  readonly validator?: Validator;
  /** For server-selection exploration; Math.random when absent. */
  readonly random?: RandomSource;
  /** Told what became of each prefetch (options.prefetch): the metrics counter. */
  readonly onPrefetch?: (result: PrefetchResult) => void;
}

export interface Resolver {
  readonly resolve: Resolve;
  /** Resolution before validation, for the validator's own lookups and for diagnostics. */
  readonly resolveQuestion: (question: Question, options?: { cacheOnly?: boolean }) => Promise<Resolution>;
  readonly cache: RRsetCache;
  /** The zones' own NS sets and server addresses (zone-side.ts), for RD=0 referrals. */
  readonly zoneSide: ZoneSideStore;
  /** Recent unreachable-authority SERVFAILs, answered again with EDE 13 (failure-cache.ts). */
  readonly failures: FailureCache;
  /** What is known of each upstream server (RTT, back-off, lameness): for diagnostics and replay. */
  readonly infra: InfraCache;
  readonly options: ResolverOptions;
  /** Resolves when the background refreshes started so far have finished (tests, shutdown). */
  prefetchIdle(): Promise<void>;
  close(): void;
}

/** The client a prefetch's validation is done for: the resolver itself (the address is never used to send). */
const PREFETCH_CLIENT = { address: '127.0.0.1', port: 0 } as const;

const quietLog: ResolverLogger = { debug: () => {}, info: () => {}, warn: () => {} };

function questionKey(q: Question): string {
  return `${q.name.key}|${q.type}|${q.class}`;
}

function failure(rcode: number, ede: number, text: string): Outcome {
  return { rcode, answer: [], authority: [], additional: [], security: 'insecure', reasons: [reason(ede, text)] };
}

/**
 * RFC 4035 §5.3.3: a validated RRset is passed on with a TTL no longer than its RRSIG's original
 * TTL and the seconds left until the RRSIG expires (the cache applies the same caps to what it keeps).
 */
export function capTtls(sets: readonly RRset[], caps: readonly TtlCap[] | undefined): readonly RRset[] {
  if (caps === undefined || caps.length === 0) return sets;
  return sets.map((s) => {
    let ttl = s.ttl;
    for (const c of caps) if (c.type === s.type && c.name.equals(s.name)) ttl = Math.min(ttl, c.ttl);
    return ttl === s.ttl ? s : { ...s, ttl };
  });
}

/** A resolution, the validator's verdict on it, and the DNSKEY/DS resolutions that verdict fetched. */
interface Judged {
  readonly res: Resolution;
  readonly verdict: ValidationVerdict;
  readonly fetched: readonly Resolution[];
}

/** Upstream queries neither the resolution nor the validator's fetches cost: the verdict came from cache. */
function judgedFromCache(j: Judged): boolean {
  return j.res.fromCache && j.res.upstreamQueries === 0 && j.fetched.every((r) => r.upstreamQueries === 0);
}

export function createResolver(input: ResolverOptionsInput, deps: ResolverDeps): Resolver {
  const options = resolveOptions(input);
  const cache = new RRsetCache(options.cache, deps.clock);
  const failures = new FailureCache(deps.clock);
  const infra = new InfraCache(deps.clock, options.limits.upstreamTimeoutMs);
  const validator = deps.validator;
  const zoneSide = new ZoneSideStore(options.cache, deps.clock);
  const synthesiseDenial = validator?.synthesiseDenial === undefined ? undefined : (q: Question) => validator.synthesiseDenial?.(q, deps.clock.now());
  const iterator = new Iterator({
    options, transport: deps.transport, clock: deps.clock, cache, infra, random: deps.random ?? Math.random, log: deps.log ?? quietLog, zoneSide,
    ...(synthesiseDenial !== undefined ? { synthesiseDenial } : {}),
  });
  /** Identical questions in flight share one resolution. */
  const inFlight = new Map<string, Promise<Resolution>>();
  let closed = false;

  const resolveQuestion = (question: Question, o?: { cacheOnly?: boolean }): Promise<Resolution> => {
    if (o?.cacheOnly === true) return iterator.resolveName(question, iterator.newContext(), true);
    const k = questionKey(question);
    const pending = inFlight.get(k);
    if (pending !== undefined) return pending;
    const p = iterator.resolveName(question, iterator.newContext(), false).finally(() => inFlight.delete(k));
    inFlight.set(k, p);
    return p;
  };

  /** One validation of `res`, with the DNSKEY/DS resolutions it fetched. */
  const judge = async (validator: Validator, res: Resolution, query: ClientQuery): Promise<Judged> => {
    const fetched: Resolution[] = [];
    const fetch = async (q: Question): Promise<Resolution> => {
      // RD=0 never causes an upstream query, not even for the keys that judge a cached answer.
      const r = await resolveQuestion(q, { cacheOnly: !query.rd });
      fetched.push(r);
      return r;
    };
    const context: ValidationContext = { query, fetch, now: () => deps.clock.now() };
    const verdict = await validator.validateResolution(res, context);
    // The zone's own NS set and server addresses that came with the answer: their verdicts decide
    // whether an RD=0 referral may carry them (zone-side.ts).
    if (verdict.zoneData !== undefined) zoneSide.record(verdict.zoneData);
    return { res, verdict, fetched };
  };

  /**
   * A bogus verdict from data some server just sent: that server may be the zone's only broken one.
   * Hold it as dnssec lame (asked last), forget what it taught us, and ask again, at most
   * MAX_VALIDATION_RESTARTS times. Stops when nobody new is to blame: the suspects were already
   * held, so the iterator chose them for want of others (a zone with one server gets one retry).
   */
  const restartBogus = async (validator: Validator, first: Judged, query: ClientQuery): Promise<Judged> => {
    let cur = first;
    for (let restarts = 0; restarts < MAX_VALIDATION_RESTARTS && cur.verdict.security === 'bogus'; restarts++) {
      const origin = cur.verdict.bogusOrigin;
      if (origin === undefined || judgedFromCache(cur)) return cur;
      const suspects = suspectsOf(origin, [cur.res, ...cur.fetched]).filter((s) => !infra.isDnssecLame(s.server, s.zone));
      if (suspects.length === 0) return cur;
      for (const s of suspects) infra.recordDnssecLame(s.server, s.zone);
      forgetBogusData(origin, cur.res, cache, validator);
      const again = await resolveQuestion(query.question);
      if (again.rcode === Rcode.SERVFAIL || again.rcode === Rcode.REFUSED) return cur;
      cur = await judge(validator, again, query);
    }
    return cur;
  };

  const toOutcome = async (res: Resolution, query: ClientQuery): Promise<Outcome> => {
    const base: Outcome = { rcode: res.rcode, answer: res.answer, authority: res.authority, additional: [], security: 'insecure', reasons: res.reasons };
    if (validator === undefined || res.rcode === Rcode.SERVFAIL || res.rcode === Rcode.REFUSED) return base;
    const first = await judge(validator, res, query);
    // CD=1 gets the bogus data as it is: no other server's answer is needed for that.
    // RD=0 never asks other servers either: it is answered from what the cache holds.
    const final = first.verdict.security === 'bogus' && !query.cd && query.rd ? await restartBogus(validator, first, query) : first;
    if (final.verdict.security === 'bogus' && !query.cd) {
      // Still bogus after the restarts: the first failure is the one reported (the later ones may
      // only say the broken servers were held back).
      const reasons = [...first.verdict.reasons, ...res.reasons];
      // A bogus answer judged without asking anyone (answer and keys all from cache, whose bogus
      // verdicts live cache.bogusTtl seconds) is a cached error: EDE 13 after the original reason.
      return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'bogus', reasons: judgedFromCache(first) ? withCachedError(reasons, cachedBogusText(query.question)) : reasons };
    }
    const { verdict, res: used } = final;
    const reasons = [...verdict.reasons, ...used.reasons];
    const answer = capTtls(used.answer, verdict.ttlCaps);
    const authority = capTtls(used.authority, verdict.ttlCaps);
    return { rcode: verdict.rcode ?? used.rcode, answer, authority, additional: [], security: verdict.security, reasons };
  };

  const prefetches = new PrefetchScheduler({
    maxConcurrent: MAX_CONCURRENT_PREFETCHES,
    now: () => deps.clock.now(),
    ...(deps.onPrefetch !== undefined ? { onResult: deps.onPrefetch } : {}),
  });

  /**
   * One prefetch: the question resolved anew (its chain not read from cache) and validated like a
   * client's with CD=0. Whatever goes wrong stays here: an unreachable zone stores nothing, and an
   * answer that fails validation is replaced by the entries the client was served, so a failing
   * refresh never takes a good answer away before its time.
   */
  const refresh = async (q: Question, served: Resolution): Promise<'refreshed' | 'failed'> => {
    if (closed) return 'failed';
    const before = cache.snapshot(keysUsed(served, cache));
    const fresh = await iterator.resolveName(q, iterator.newContext(), false, true);
    if (closed) return 'failed';
    if (fresh.rcode === Rcode.SERVFAIL || fresh.rcode === Rcode.REFUSED) return 'failed';
    const query: ClientQuery = { question: q, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: PREFETCH_CLIENT };
    const outcome = await toOutcome(fresh, query);
    if (outcome.security === 'bogus' || outcome.rcode === Rcode.SERVFAIL) {
      cache.restore(before);
      return 'failed';
    }
    return 'refreshed';
  };

  const resolve: Resolve = async (query) => {
    const q = query.question;
    if (closed) return failure(Rcode.SERVFAIL, EdeCode.NOT_READY, 'resolver is shutting down');
    if (q.class !== RRClass.IN) return failure(Rcode.REFUSED, EdeCode.NOT_SUPPORTED, 'only class IN is resolved');
    if (isMetaType(q.type) && q.type !== RRType.ANY) return failure(Rcode.NOTIMP, EdeCode.NOT_SUPPORTED, `query type ${q.type} is not resolved`);
    // A remembered failure is cached data like any other: RD=0 queries get it too (Unbound serves
    // its cached SERVFAIL, EDE included, to allow_snoop clients the same way).
    const remembered = failures.lookup(q, query.cd);
    if (remembered !== undefined) {
      return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: remembered.kind === 'bogus' ? 'bogus' : 'insecure', reasons: remembered.reasons };
    }
    // RD=0 (the policy layer lets it through only for allowSnoop clients): from cache only. A miss
    // is a referral to the closest cached delegation (RFC 1034 §4.3.2); with no delegation cached
    // at all, REFUSED + EDE 20. Never an empty NOERROR, never an upstream query.
    const res = await resolveQuestion(q, { cacheOnly: !query.rd });
    if (!query.rd && res.rcode === Rcode.REFUSED) return cachedReferral(cache, q, query.cd, zoneSide) ?? failure(res.rcode, EdeCode.NOT_AUTHORITATIVE, `${q.name.toString()} is not in the cache, nor any delegation above it, and recursion was not desired`);
    if (!query.rd && deps.validator !== undefined && res.rcode !== Rcode.SERVFAIL && !verdictsKnown(cache, res)) {
      return failure(Rcode.REFUSED, EdeCode.NOT_AUTHORITATIVE, `the cached answer for ${q.name.toString()} has not been validated, and recursion was not desired`);
    }
    if (res.rcode === Rcode.SERVFAIL) failures.remember(q, res.reasons);
    const outcome = await toOutcome(res, query);
    // Served from cache in the entry's last tenth: refresh it behind the answer. RD=0 is a cache
    // look-up that must not cause upstream traffic; a bogus answer is not a popular one to keep.
    if (options.prefetch && query.rd && outcome.security !== 'bogus' && resolutionDue(res, cache)) {
      prefetches.start(questionKey(q), () => refresh(q, res));
    }
    // Only resolutions are remembered: an RD=0 look into the cache never prolongs a failure.
    if (query.rd && outcome.security === 'bogus' && outcome.rcode === Rcode.SERVFAIL) failures.rememberBogus(q, outcome.reasons);
    return outcome;
  };

  return {
    resolve,
    resolveQuestion,
    cache,
    zoneSide,
    failures,
    infra,
    options,
    prefetchIdle: () => prefetches.idle(),
    close() {
      closed = true;
      inFlight.clear();
      cache.clear();
      zoneSide.clear();
      failures.clear();
    },
  };
}
