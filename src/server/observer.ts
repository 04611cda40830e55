// What the frontend reports about each query, for metrics. The metrics room implements this; the
// server only calls it, so the server depends on no metrics library.

export type Transport = 'udp' | 'tcp';

export interface ServerObserver {
  /** A query we will answer (its header and question decoded); qtype undefined when it had no single question. */
  onQuery(transport: Transport, qtype: number | undefined): void;
  /** The response sent for it: full RCODE, the EDE info-codes attached, and whether the cache answered (when known). */
  onResponse(rcode: number, edeCodes: readonly number[], cacheHit?: boolean): void;
}

export const noopObserver: ServerObserver = {
  onQuery: () => {},
  onResponse: () => {},
};
