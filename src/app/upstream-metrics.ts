// Counts upstream traffic for the metrics without touching the transport: a decorator around any
// UpstreamTransport. It also tells each client query how many upstream queries it caused (zero
// means the cache answered), without AsyncLocalStorage: in Node 20 that turns on promise hooks for
// every promise in the process, a measured ~7 % of a cached answer's CPU. The count comes from the
// resolver's own bookkeeping instead (Resolution.upstreamQueries, plus the validator's DNSKEY/DS
// fetches), picked up where the resolver hands every resolution of a client query to the validator.
import type { Metrics } from '../metrics/registry.ts';
import type { UpstreamTransport } from '../resolver/transport.ts';
import type { SynthesisedDenial } from '../resolver/aggressive-nsec.ts';
import type { Resolution, Validator } from '../resolver/resolution.ts';
import type { ClientQuery } from '../wire/outcome.ts';
import type { Question } from '../wire/types.ts';

export type UpstreamCounters = Pick<Metrics, 'countUpstreamQuery' | 'countUpstreamTimeout' | 'countUpstreamTcpFallback' | 'observeUpstreamRtt'>;

const MS_PER_SECOND = 1000;

/**
 * Upstream queries per client query. Two sources: the exact count the validator hook reports for a
 * query (`attribute`), and, for resolutions that never reach the validator (an iterator SERVFAIL or
 * REFUSED), the process-wide count sent while the query was in flight — exact when queries do not
 * overlap, and never zero when this query did send something.
 */
export class UpstreamTally {
  #sent = 0;
  readonly #perQuery = new WeakMap<ClientQuery, number>();

  /** Upstream queries sent by the whole process so far (TC=1 retries count twice). */
  get sent(): number {
    return this.#sent;
  }

  countSent(n: number): void {
    this.#sent += n;
  }

  /** Adds `n` upstream queries to the client query (several resolutions may serve one query). */
  attribute(query: ClientQuery, n: number): void {
    this.#perQuery.set(query, (this.#perQuery.get(query) ?? 0) + n);
  }

  /** The client query's count, forgotten once read; `sentBefore` is `sent` when it started. */
  take(query: ClientQuery, sentBefore: number): number {
    const own = this.#perQuery.get(query);
    if (own === undefined) return this.#sent - sentBefore;
    this.#perQuery.delete(query);
    return own;
  }
}

export function observeTransport(inner: UpstreamTransport, counters: UpstreamCounters, tally?: UpstreamTally): UpstreamTransport {
  return {
    async query(server, question, opts) {
      tally?.countSent(1);
      const r = await inner.query(server, question, opts);
      // A TCP answer to a query that started over UDP is the transport's TC=1 retry (RFC 7766):
      // two queries on the wire, one fallback.
      const fellBack = r.ok && r.tcp && !opts.tcp;
      if (fellBack) {
        counters.countUpstreamQuery('udp');
        counters.countUpstreamTcpFallback();
        tally?.countSent(1);
      }
      counters.countUpstreamQuery(opts.tcp || fellBack ? 'tcp' : 'udp');
      if (r.ok) counters.observeUpstreamRtt(r.rttMs / MS_PER_SECOND);
      else if (r.kind === 'timeout') counters.countUpstreamTimeout();
      return r;
    },
  };
}

/**
 * Wraps the validator the resolver is given: every resolution of a client query passes through it
 * with the query at hand, so its upstream count (and that of the DNSKEY/DS fetches made to judge
 * it) is credited to that query in `tally`. Each RFC 8198 denial it synthesises is reported to
 * `onSynthesised`.
 */
export function observeValidator(inner: Validator, tally: UpstreamTally, onSynthesised?: (kind: SynthesisedDenial['kind']) => void): Validator {
  const synthesise = inner.synthesiseDenial?.bind(inner);
  return {
    async validateResolution(resolution, context) {
      let fetched = 0;
      const fetch = async (q: Question): Promise<Resolution> => {
        const r = await context.fetch(q);
        fetched += r.upstreamQueries;
        return r;
      };
      try {
        return await inner.validateResolution(resolution, { ...context, fetch });
      } finally {
        tally.attribute(context.query, resolution.upstreamQueries + fetched);
      }
    },
    ...(synthesise !== undefined
      ? {
        synthesiseDenial(question: Question, nowMs: number) {
          const d = synthesise(question, nowMs);
          if (d !== undefined) onSynthesised?.(d.kind);
          return d;
        },
      }
      : {}),
  };
}
