// The resolver room's public face: createResolver wires the cache, the infrastructure cache, the
// iterator and the optional validator behind the shared `Resolve` port.
import { EdeCode, reason } from '../wire/ede.ts';
import { isMetaType, Rcode, RRClass, RRType } from '../wire/constants.ts';
import type { ClientQuery, Outcome, Resolve } from '../wire/outcome.ts';
import type { Question, RRset } from '../wire/types.ts';
import { RRsetCache } from './cache.ts';
import type { Clock, RandomSource } from './clock.ts';
import { cachedBogusText, FailureCache, withCachedError } from './failure-cache.ts';
import { InfraCache } from './infra.ts';
import { Iterator, type ResolverLogger } from './iterator.ts';
import { resolveOptions, type ResolverOptions, type ResolverOptionsInput } from './options.ts';
import type { Resolution, TtlCap, ValidationContext, Validator } from './resolution.ts';
import type { UpstreamTransport } from './transport.ts';

export type { ResolverOptions, ResolverOptionsInput, ZoneServers, CacheOptions, Limits } from './options.ts';
export type { UpstreamTransport, UpstreamResult, UpstreamQueryOptions, ServerAddress } from './transport.ts';
export type { Clock, RandomSource } from './clock.ts';
export type { Resolution, AnswerStep, Validator, ValidationVerdict, ValidationContext, TtlCap } from './resolution.ts';
export { RRsetCache, Trust } from './cache.ts';
export { FailureCache, FAILURE_TTL_SECONDS } from './failure-cache.ts';
export { parseRootHints } from './hints.ts';

export interface ResolverDeps {
  readonly transport: UpstreamTransport;
  readonly clock: Clock;
  readonly log?: ResolverLogger;
  /** Present only when validation is configured; absent means every answer is 'insecure'. */
  readonly validator?: Validator;
  /** For server-selection exploration; Math.random when absent. */
  readonly random?: RandomSource;
}

export interface Resolver {
  readonly resolve: Resolve;
  /** Resolution before validation, for the validator's own lookups and for diagnostics. */
  readonly resolveQuestion: (question: Question, options?: { cacheOnly?: boolean }) => Promise<Resolution>;
  readonly cache: RRsetCache;
  /** Recent unreachable-authority SERVFAILs, answered again with EDE 13 (failure-cache.ts). */
  readonly failures: FailureCache;
  readonly options: ResolverOptions;
  close(): void;
}

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

export function createResolver(input: ResolverOptionsInput, deps: ResolverDeps): Resolver {
  const options = resolveOptions(input);
  const cache = new RRsetCache(options.cache, deps.clock);
  const failures = new FailureCache(deps.clock);
  const infra = new InfraCache(deps.clock, options.limits.upstreamTimeoutMs);
  const iterator = new Iterator({
    options, transport: deps.transport, clock: deps.clock, cache, infra, random: deps.random ?? Math.random, log: deps.log ?? quietLog,
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

  const toOutcome = async (res: Resolution, query: ClientQuery): Promise<Outcome> => {
    const base: Outcome = { rcode: res.rcode, answer: res.answer, authority: res.authority, additional: [], security: 'insecure', reasons: res.reasons };
    const validator = deps.validator;
    if (validator === undefined || res.rcode === Rcode.SERVFAIL || res.rcode === Rcode.REFUSED) return base;
    // Upstream queries the validator's DNSKEY/DS fetches cost: none means the verdict came from cache.
    let fetchedUpstream = 0;
    const fetch = async (q: Question): Promise<Resolution> => {
      const r = await resolveQuestion(q);
      fetchedUpstream += r.upstreamQueries;
      return r;
    };
    const context: ValidationContext = { query, fetch, now: () => deps.clock.now() };
    const verdict = await validator.validateResolution(res, context);
    const reasons = [...verdict.reasons, ...res.reasons];
    const answer = capTtls(res.answer, verdict.ttlCaps);
    const authority = capTtls(res.authority, verdict.ttlCaps);
    if (verdict.security === 'bogus' && !query.cd) {
      // A bogus answer judged without asking anyone (answer and keys all from cache, whose bogus
      // verdicts live cache.bogusTtl seconds) is a cached error: EDE 13 after the original reason.
      const cached = res.fromCache && res.upstreamQueries === 0 && fetchedUpstream === 0;
      return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'bogus', reasons: cached ? withCachedError(reasons, cachedBogusText(query.question)) : reasons };
    }
    return { ...base, rcode: verdict.rcode ?? res.rcode, answer, authority, security: verdict.security, reasons };
  };

  const resolve: Resolve = async (query) => {
    const q = query.question;
    if (closed) return failure(Rcode.SERVFAIL, EdeCode.NOT_READY, 'resolver is shutting down');
    if (q.class !== RRClass.IN) return failure(Rcode.REFUSED, EdeCode.NOT_SUPPORTED, 'only class IN is resolved');
    if (isMetaType(q.type) && q.type !== RRType.ANY) return failure(Rcode.NOTIMP, EdeCode.NOT_SUPPORTED, `query type ${q.type} is not resolved`);
    const remembered = failures.lookup(q);
    if (remembered !== undefined) return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'insecure', reasons: remembered.reasons };
    // RD=0: answer from cache only; a miss is REFUSED + EDE 20 (as Unbound does), never an empty NOERROR.
    const res = await resolveQuestion(q, { cacheOnly: !query.rd });
    if (res.rcode === Rcode.SERVFAIL) failures.remember(q, res.reasons);
    return toOutcome(res, query);
  };

  return {
    resolve,
    resolveQuestion,
    cache,
    failures,
    options,
    close() {
      closed = true;
      inFlight.clear();
      cache.clear();
      failures.clear();
    },
  };
}
