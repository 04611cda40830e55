// The outermost Resolve of the daemon: what the metrics and the operator's log need per client
// query, kept out of the rooms that do the work. One warn line per SERVFAIL with every EDE reason
// (src/log/servfail.ts); response time by whether the cache answered (no upstream query of its
// own); resolutions in flight; the resolver cache's hit/miss counters carried into Prometheus.
import { performance } from 'node:perf_hooks';
import { Rcode } from '../wire/constants.ts';
import type { Resolve } from '../wire/outcome.ts';
import type { Logger } from '../log/logger.ts';
import { logServfail } from '../log/servfail.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { CacheStats } from '../resolver/cache.ts';
import { countUpstream } from './upstream-metrics.ts';

export type ResolveCounters = Pick<Metrics, 'resolutionStarted' | 'resolutionFinished' | 'observeResponseDuration' | 'countCacheHit' | 'countCacheMiss'>;

const MS_PER_SECOND = 1000;

export interface ObserveOptions {
  readonly metrics: ResolveCounters;
  readonly logger: Logger;
  /** The resolver cache's running lookup counters. */
  readonly cacheStats: Readonly<CacheStats>;
}

export function observeResolve(next: Resolve, o: ObserveOptions): Resolve {
  // What has been carried into the metrics so far; the cache counts lookups itself (several per
  // client query), so the deltas are moved over after each query rather than guessed per query.
  let hits = o.cacheStats.hits;
  let misses = o.cacheStats.misses;
  const syncCacheCounters = () => {
    for (; hits < o.cacheStats.hits; hits++) o.metrics.countCacheHit();
    for (; misses < o.cacheStats.misses; misses++) o.metrics.countCacheMiss();
  };

  return async (query) => {
    const started = performance.now();
    o.metrics.resolutionStarted();
    try {
      const { value: outcome, upstream } = await countUpstream(() => next(query));
      o.metrics.observeResponseDuration((performance.now() - started) / MS_PER_SECOND, upstream === 0);
      if (outcome.rcode === Rcode.SERVFAIL) {
        logServfail(o.logger, {
          qname: query.question.name,
          qtype: query.question.type,
          reasons: outcome.reasons,
          ...(outcome.security === 'bogus' ? { step: 'validate' } : {}),
        });
      }
      return outcome;
    } finally {
      o.metrics.resolutionFinished();
      syncCacheCounters();
    }
  };
}
