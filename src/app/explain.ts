// `anchord explain`: one question resolved exactly as the daemon resolves it (the same assembly:
// resolver, validator, policy), with a trace sink attached, so an operator sees which zone cut,
// DS, DNSKEY, RRSIG or NSEC proof made the answer what it is. The delegation part is read back
// from the resolution's steps and the upstream exchanges from a wrapped transport; the chain of
// trust comes from the validator's own trace events. Then a second, untraced assembly answers the
// same question through the daemon's full path, so the verdict shown is the one a client gets.
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { Clock } from '../resolver/clock.ts';
import { resolutionEvents, type TraceEvent } from '../resolver/trace.ts';
import type { ServerAddress, UpstreamQueryOptions, UpstreamResult, UpstreamTransport } from '../resolver/transport.ts';
import { createUdpTcpTransport } from '../resolver/udp-tcp-transport.ts';
import type { ValidationContext } from '../resolver/resolution.ts';
import { Rcode, rcodeToString, rrTypeToString } from '../wire/constants.ts';
import type { ClientQuery, Outcome } from '../wire/outcome.ts';
import type { Question } from '../wire/types.ts';
import { assembleDaemon } from './assemble.ts';

export interface ExplainOptions {
  readonly logger: Logger;
  /** Default: the system clock (tests pin it to the lab's signature window). */
  readonly clock?: Clock;
  /** Checking disabled: the verdict is still traced, but bogus data is answered as the daemon would with CD=1. */
  readonly cd?: boolean;
  /** Default: a UDP/TCP transport honouring the config's allowLoopbackUpstreams. */
  readonly transport?: UpstreamTransport;
}

export interface Explanation {
  readonly question: Question;
  readonly cd: boolean;
  /** The port upstream servers are asked on (config.upstreamPort): printed only when a server differs. */
  readonly upstreamPort: number;
  /** In logical order: delegation, then the chain of trust, then the verdict. */
  readonly events: readonly TraceEvent[];
  /** What the daemon would answer. */
  readonly outcome: Outcome;
  /** Index in `events` of the step that decided a failure; undefined when nothing failed. */
  readonly failingStep?: number;
  /** SERVFAIL or bogus: the answer cannot be trusted (exit code 1). */
  readonly failed: boolean;
}

export type ExplainResult = { ok: true; explanation: Explanation } | { ok: false; error: string };

/** The loopback client the daemon's ACL allows by default. */
const EXPLAIN_CLIENT = { address: '127.0.0.1', port: 0 } as const;
/** Round-trip times to a tenth of a millisecond: finer is noise. */
const RTT_DECIMALS = 10;

function questionText(q: Question): string {
  return `${q.name.toString()} ${rrTypeToString(q.type)}`;
}

/** Reports every upstream exchange to `emit`; changes nothing about the exchange itself. */
export function tracingTransport(inner: UpstreamTransport, emit: (e: TraceEvent) => void): UpstreamTransport {
  return {
    async query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
      const r = await inner.query(server, question, opts);
      const base = { kind: 'query' as const, server: `${server.address}@${server.port}`, question: questionText(question) };
      emit(r.ok ? { ...base, rcode: rcodeToString(r.message.rcode), rttMs: Math.round(r.rttMs * RTT_DECIMALS) / RTT_DECIMALS, tcp: r.tcp } : { ...base, error: `${r.kind}: ${r.detail}` });
      return r;
    },
  };
}

/**
 * The step that decided a failure: the first bogus verdict in the chain, else (the resolution
 * itself failed) the failure event, else the first upstream query that got no usable answer.
 */
export function findFailingStep(events: readonly TraceEvent[], outcome: Outcome): number | undefined {
  const bogus = events.findIndex((e) => (e.kind === 'dnskey' || e.kind === 'rrset' || e.kind === 'ds' || e.kind === 'denial' || e.kind === 'keys') && e.verdict === 'bogus');
  if (bogus >= 0) return bogus;
  if (outcome.rcode !== Rcode.SERVFAIL && outcome.security !== 'bogus') return undefined;
  const failure = events.findIndex((e) => e.kind === 'failure');
  if (failure >= 0) return failure;
  const query = events.findIndex((e) => e.kind === 'query' && (e.error !== undefined || (e.rcode !== 'NOERROR' && e.rcode !== 'NXDOMAIN')));
  return query >= 0 ? query : undefined;
}

/** Resolves `question` with tracing, over a fresh assembly of `config` (empty caches: every step is walked). */
export async function explain(config: Config, question: Question, o: ExplainOptions): Promise<ExplainResult> {
  const events: TraceEvent[] = [];
  // Upstream exchanges of the main resolution are held back until its delegation steps are known,
  // so the trace reads top-down: the zone cuts, then any server that failed on the way.
  let held: TraceEvent[] | undefined = [];
  const emit = (e: TraceEvent): void => {
    if (held !== undefined && e.kind === 'query') held.push(e);
    else events.push(e);
  };
  const inner = o.transport ?? createUdpTcpTransport({ allowLoopbackUpstreams: config.allowLoopbackUpstreams });
  const assemble = (transport: UpstreamTransport) =>
    assembleDaemon(config, { logger: o.logger, transport, defaultMetrics: false, ...(o.clock !== undefined ? { clock: o.clock } : {}) });
  const clock = o.clock ?? { now: () => Date.now() };
  const cd = o.cd ?? false;
  const query: ClientQuery = { question, rd: true, cd, dnssecOk: true, ad: false, transport: 'udp', client: EXPLAIN_CLIENT };

  const traced = await assemble(tracingTransport(inner, emit));
  if (!traced.ok) return { ok: false, error: traced.error };
  try {
    const res = await traced.resolver.resolveQuestion(question);
    const delegation = resolutionEvents(res, false);
    events.push(...delegation.filter((e) => e.kind !== 'failure'), ...held, ...delegation.filter((e) => e.kind === 'failure'));
    held = undefined;
    // As the resolver's toOutcome: failed resolutions are not validated.
    if (traced.anchors.enabled && res.rcode !== Rcode.SERVFAIL && res.rcode !== Rcode.REFUSED) {
      const context: ValidationContext = {
        query,
        fetch: async (q) => {
          const sub = await traced.resolver.resolveQuestion(q);
          if (!sub.fromCache) events.push(...resolutionEvents(sub, true));
          return sub;
        },
        now: () => clock.now(),
        trace: emit,
      };
      await traced.anchors.validator.validateResolution(res, context);
    }
  } finally {
    traced.close();
  }

  // The answer a client gets, from a second cold assembly through the daemon's whole path (policy
  // included): asking the traced one again would answer from its cache, with cache-only EDEs.
  const plain = await assemble(inner);
  if (!plain.ok) return { ok: false, error: plain.error };
  let outcome: Outcome;
  try {
    outcome = await plain.resolve(query);
  } finally {
    plain.close();
  }
  events.push({ kind: 'verdict', question: questionText(question), rcode: rcodeToString(outcome.rcode), security: outcome.security, reasons: outcome.reasons });
  const failingStep = findFailingStep(events, outcome);
  return {
    ok: true,
    explanation: {
      question, cd, upstreamPort: config.upstreamPort, events, outcome, failed: outcome.rcode === Rcode.SERVFAIL || outcome.security === 'bogus',
      ...(failingStep !== undefined ? { failingStep } : {}),
    },
  };
}
