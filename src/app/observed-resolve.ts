// The outermost Resolve of the daemon: what the metrics and the operator's log need per client
// query, kept out of the rooms that do the work. A rate-limited warn line per SERVFAIL with every
// EDE reason (src/log/servfail.ts); response time by whether the cache answered (no upstream query
// of its own); resolutions in flight; the resolver cache's hit/miss counters carried into Prometheus.
import { performance } from 'node:perf_hooks';
import { Rcode } from '../wire/constants.ts';
import type { Resolve } from '../wire/outcome.ts';
import type { ServfailReport } from '../log/servfail.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { CacheStats } from '../resolver/cache.ts';
import type { UpstreamTally } from './upstream-metrics.ts';

export type ResolveCounters = Pick<Metrics, 'resolutionStarted' | 'resolutionFinished' | 'observeResponseDuration' | 'countCacheHit' | 'countCacheMiss'>;

const MS_PER_SECOND = 1000;

export interface ObserveMetrics {
  readonly counters: ResolveCounters;
  /** The resolver cache's running lookup counters. */
  readonly cacheStats: Readonly<Pick<CacheStats, 'hits' | 'misses'>>;
  /** Upstream queries per client query (fed by observeTransport and observeValidator). */
  readonly tally: UpstreamTally;
}

export interface ObserveOptions {
  /** Absent when metrics are disabled: then nothing is timed or counted per query. */
  readonly metrics?: ObserveMetrics;
  /** Writes the SERVFAIL line (createServfailLog: rate-limited). */
  readonly logServfail: (report: ServfailReport) => void;
}

export function observeResolve(next: Resolve, o: ObserveOptions): Resolve {
  const report = (query: Parameters<Resolve>[0], outcome: Awaited<ReturnType<Resolve>>) => {
    if (outcome.rcode !== Rcode.SERVFAIL) return;
    o.logServfail({
      qname: query.question.name,
      qtype: query.question.type,
      reasons: outcome.reasons,
      ...(outcome.security === 'bogus' ? { step: 'validate' } : {}),
    });
  };
  const m = o.metrics;
  if (m === undefined) {
    return async (query) => {
      const outcome = await next(query);
      report(query, outcome);
      return outcome;
    };
  }

  // What has been carried into the metrics so far; the cache counts lookups itself (several per
  // client query), so the deltas are moved over after each query rather than guessed per query.
  let hits = m.cacheStats.hits;
  let misses = m.cacheStats.misses;
  const syncCacheCounters = () => {
    for (; hits < m.cacheStats.hits; hits++) m.counters.countCacheHit();
    for (; misses < m.cacheStats.misses; misses++) m.counters.countCacheMiss();
  };

  return async (query) => {
    const started = performance.now();
    const sentBefore = m.tally.sent;
    m.counters.resolutionStarted();
    try {
      const outcome = await next(query);
      const upstream = m.tally.take(query, sentBefore);
      m.counters.observeResponseDuration((performance.now() - started) / MS_PER_SECOND, upstream === 0);
      report(query, outcome);
      return outcome;
    } finally {
      m.counters.resolutionFinished();
      syncCacheCounters();
    }
  };
}
