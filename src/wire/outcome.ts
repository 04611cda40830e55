// The value that flows back from policy, resolver and validator to the frontend (DESIGN.md).
import type { Reason } from './ede.ts';
import type { RRset } from './types.ts';

export type Security = 'secure' | 'insecure' | 'bogus' | 'indeterminate';

export interface Outcome {
  readonly rcode: number;
  readonly answer: readonly RRset[];
  readonly authority: readonly RRset[];
  readonly additional: readonly RRset[];
  /** Decides the AD bit. */
  readonly security: Security;
  /** Every EDE to attach, most important first. */
  readonly reasons: readonly Reason[];
  /** Set when the answer came from an authoritative-only / policy source that must not carry AD. */
  readonly synthesized?: boolean;
}
