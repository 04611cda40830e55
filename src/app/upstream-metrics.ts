// Counts upstream traffic for the metrics without touching the transport: a decorator around any
// UpstreamTransport. It also tells each client query how many upstream queries it caused itself,
// through AsyncLocalStorage (the transport is called deep inside the resolver, which has no reason
// to carry a metrics handle): zero means the cache answered.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Metrics } from '../metrics/registry.ts';
import type { UpstreamTransport } from '../resolver/transport.ts';

export type UpstreamCounters = Pick<Metrics, 'countUpstreamQuery' | 'countUpstreamTimeout' | 'countUpstreamTcpFallback' | 'observeUpstreamRtt'>;

interface QueryScope {
  upstream: number;
}

const scope = new AsyncLocalStorage<QueryScope>();
const MS_PER_SECOND = 1000;

/** Runs `work` as one client query; `upstream` is the number of upstream queries it sent. */
export async function countUpstream<T>(work: () => Promise<T>): Promise<{ value: T; upstream: number }> {
  const s: QueryScope = { upstream: 0 };
  const value = await scope.run(s, work);
  return { value, upstream: s.upstream };
}

export function observeTransport(inner: UpstreamTransport, counters: UpstreamCounters): UpstreamTransport {
  return {
    async query(server, question, opts) {
      const s = scope.getStore();
      if (s !== undefined) s.upstream++;
      const r = await inner.query(server, question, opts);
      // A TCP answer to a query that started over UDP is the transport's TC=1 retry (RFC 7766):
      // two queries on the wire, one fallback.
      const fellBack = r.ok && r.tcp && !opts.tcp;
      if (fellBack) {
        counters.countUpstreamQuery('udp');
        counters.countUpstreamTcpFallback();
        if (s !== undefined) s.upstream++;
      }
      counters.countUpstreamQuery(opts.tcp || fellBack ? 'tcp' : 'udp');
      if (r.ok) counters.observeUpstreamRtt(r.rttMs / MS_PER_SECOND);
      else if (r.kind === 'timeout') counters.countUpstreamTimeout();
      return r;
    },
  };
}
