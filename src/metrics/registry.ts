// The daemon's Prometheus metrics on a registry of their own (not prom-client's global one, so two
// instances in one test process never collide). Other rooms never import this: the server reports
// through ServerObserver, and the CLI adapts resolver/validator/policy events onto these methods.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServerObserver, Transport } from '../server/observer.ts';
import type { Security } from '../wire/outcome.ts';
import { boundedLabel, edeLabel, qtypeLabel, rcodeLabel } from './labels.ts';

export const METRIC_PREFIX = 'anchord_';

export type SentinelKind = 'is_ta' | 'not_ta';
/** RFC 8509 §3: whether the sentinel turned the answer into SERVFAIL or let it through. */
export type SentinelResult = 'servfail' | 'answered';
export type PolicyAction = 'nxdomain' | 'nodata' | 'refused' | 'drop' | 'passthru' | 'local_data' | 'tcp_only';
export type CacheLabel = 'hit' | 'miss';
/** What an RFC 8198 synthesis produced. */
export type AggressiveNsecResult = 'nxdomain' | 'nodata';
const aggressiveNsecResults: readonly AggressiveNsecResult[] = ['nxdomain', 'nodata'];
/** What became of a background refresh of an almost-expired answer (the resolver's PrefetchResult). */
export type PrefetchLabel = 'refreshed' | 'failed' | 'skipped';

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
}

export interface MetricsOptions {
  /** Configured policy zone names; any other zone is counted as "other". */
  readonly policyZones?: readonly string[];
  /** process_* and nodejs_* metrics (default true). */
  readonly defaultMetrics?: boolean;
}

const securityResults: readonly Security[] = ['secure', 'insecure', 'bogus', 'indeterminate'];
const transports: readonly Transport[] = ['udp', 'tcp'];
const prefetchResults: readonly PrefetchLabel[] = ['refreshed', 'failed', 'skipped'];

// Seconds; DNS answers span sub-millisecond cache hits to multi-second iterations.
const durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const rttBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics implements ServerObserver {
  readonly registry = new Registry();
  readonly #policyZones: ReadonlySet<string>;
  #cacheStats: () => CacheStats = () => ({ entries: 0, bytes: 0 });

  readonly #queries: Counter<'transport' | 'qtype'>;
  readonly #responses: Counter<'rcode'>;
  readonly #edeSent: Counter<'code'>;
  readonly #validation: Counter<'result'>;
  readonly #sentinel: Counter<'kind' | 'result'>;
  readonly #policyHits: Counter<'zone' | 'action'>;
  readonly #cacheHits: Counter;
  readonly #aggressiveNsec: Counter<'result'>;
  readonly #cacheMisses: Counter;
  readonly #prefetches: Counter<'result'>;
  readonly #upstreamQueries: Counter<'transport'>;
  readonly #upstreamTimeouts: Counter;
  readonly #upstreamTcpFallbacks: Counter;
  readonly #upstreamRtt: Histogram;
  readonly #responseDuration: Histogram<'cache'>;
  readonly #tcpOpen: Gauge;
  readonly #inFlight: Gauge;

  constructor(options: MetricsOptions = {}) {
    this.#policyZones = new Set(options.policyZones ?? []);
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });

    this.#queries = new Counter({ name: `${p}queries_total`, help: 'Client queries received, by transport and query type.', labelNames: ['transport', 'qtype'], registers });
    this.#responses = new Counter({ name: `${p}responses_total`, help: 'Responses sent to clients, by RCODE.', labelNames: ['rcode'], registers });
    this.#edeSent = new Counter({ name: `${p}ede_sent_total`, help: 'Extended DNS Error options sent (RFC 8914), by info-code.', labelNames: ['code'], registers });
    this.#validation = new Counter({ name: `${p}validation_total`, help: 'DNSSEC validation verdicts.', labelNames: ['result'], registers });
    this.#sentinel = new Counter({ name: `${p}sentinel_total`, help: 'RFC 8509 key sentinel queries, by kind and result.', labelNames: ['kind', 'result'], registers });
    this.#policyHits = new Counter({ name: `${p}policy_hits_total`, help: 'Response-policy matches, by policy zone and action.', labelNames: ['zone', 'action'], registers });
    this.#cacheHits = new Counter({ name: `${p}cache_hits_total`, help: 'Cache lookups that found an entry.', registers });
    this.#cacheMisses = new Counter({ name: `${p}cache_misses_total`, help: 'Cache lookups that found nothing.', registers });
    this.#aggressiveNsec = new Counter({
      name: `${p}aggressive_nsec_total`,
      help: 'Denials synthesised from validated NSEC records without an upstream query (RFC 8198), by result; the validator\'s own DS lookups included.',
      labelNames: ['result'], registers,
    });
    this.#prefetches = new Counter({ name: `${p}prefetch_total`, help: 'Background refreshes of cached answers served in the last 10% of their TTL, by result (skipped: too many running).', labelNames: ['result'], registers });
    this.#upstreamQueries = new Counter({ name: `${p}upstream_queries_total`, help: 'Queries sent to authoritative servers, by transport.', labelNames: ['transport'], registers });
    this.#upstreamTimeouts = new Counter({ name: `${p}upstream_timeouts_total`, help: 'Upstream queries that got no answer in time.', registers });
    this.#upstreamTcpFallbacks = new Counter({ name: `${p}upstream_tcp_fallbacks_total`, help: 'Upstream UDP answers that were truncated and retried over TCP.', registers });
    this.#upstreamRtt = new Histogram({ name: `${p}upstream_rtt_seconds`, help: 'Round-trip time of answered upstream queries.', buckets: rttBuckets, registers });
    this.#responseDuration = new Histogram({ name: `${p}response_duration_seconds`, help: 'Time from query received to response sent, by whether the cache answered.', labelNames: ['cache'], buckets: durationBuckets, registers });
    this.#tcpOpen = new Gauge({ name: `${p}tcp_connections_open`, help: 'Client TCP connections currently open.', registers });
    this.#inFlight = new Gauge({ name: `${p}resolutions_in_flight`, help: 'Resolutions started and not yet finished.', registers });

    // Read at scrape time, so the cache never has to push updates.
    const stats = () => this.#cacheStats();
    new Gauge({ name: `${p}cache_entries`, help: 'Entries currently in the cache.', registers, collect() { this.set(stats().entries); } });
    new Gauge({ name: `${p}cache_bytes`, help: 'Approximate bytes held by the cache.', registers, collect() { this.set(stats().bytes); } });

    // Series that exist from the start, so rate() and absent() work before the first event.
    for (const result of securityResults) this.#validation.inc({ result }, 0);
    for (const transport of transports) this.#upstreamQueries.inc({ transport }, 0);
    for (const result of aggressiveNsecResults) this.#aggressiveNsec.inc({ result }, 0);
    for (const result of prefetchResults) this.#prefetches.inc({ result }, 0);
  }

  /** Where the cache gauges read from at scrape time. */
  setCacheStatsSource(source: () => CacheStats): void {
    this.#cacheStats = source;
  }

  // ServerObserver
  onQuery(transport: Transport, qtype: number | undefined): void {
    this.#queries.inc({ transport, qtype: qtypeLabel(qtype) });
  }

  onResponse(rcode: number, edeCodes: readonly number[], _cacheHit?: boolean): void {
    this.#responses.inc({ rcode: rcodeLabel(rcode) });
    for (const code of edeCodes) this.#edeSent.inc({ code: edeLabel(code) });
  }

  observeResponseDuration(seconds: number, cacheHit: boolean): void {
    const cache: CacheLabel = cacheHit ? 'hit' : 'miss';
    this.#responseDuration.observe({ cache }, seconds);
  }

  countValidation(result: Security): void {
    this.#validation.inc({ result });
  }

  countSentinel(kind: SentinelKind, result: SentinelResult): void {
    this.#sentinel.inc({ kind, result });
  }

  countPolicyHit(zone: string, action: PolicyAction): void {
    this.#policyHits.inc({ zone: boundedLabel(zone, this.#policyZones), action });
  }

  countCacheHit(): void {
    this.#cacheHits.inc();
  }

  countCacheMiss(): void {
    this.#cacheMisses.inc();
  }

  countAggressiveNsec(result: AggressiveNsecResult): void {
    this.#aggressiveNsec.inc({ result });
  }

  countPrefetch(result: PrefetchLabel): void {
    this.#prefetches.inc({ result });
  }

  countUpstreamQuery(transport: Transport): void {
    this.#upstreamQueries.inc({ transport });
  }

  countUpstreamTimeout(): void {
    this.#upstreamTimeouts.inc();
  }

  countUpstreamTcpFallback(): void {
    this.#upstreamTcpFallbacks.inc();
  }

  observeUpstreamRtt(seconds: number): void {
    this.#upstreamRtt.observe(seconds);
  }

  tcpConnectionOpened(): void {
    this.#tcpOpen.inc();
  }

  tcpConnectionClosed(): void {
    this.#tcpOpen.dec();
  }

  resolutionStarted(): void {
    this.#inFlight.inc();
  }

  resolutionFinished(): void {
    this.#inFlight.dec();
  }

  /** The Content-Type of `exposition()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
