// The value that flows back from policy, resolver and validator to the frontend (DESIGN.md).
import type { Reason } from './ede.ts';
import type { Question, RRset } from './types.ts';

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
  /** Send no response at all (response-policy DROP): the client times out, as with a lost packet. */
  readonly drop?: true;
  /** Over UDP, answer with TC=1 and empty sections so the client retries over TCP (RPZ TCP-only). */
  readonly truncate?: true;
}

/** What the frontend hands to policy and the resolver for one client question. */
export interface ClientQuery {
  readonly question: Question;
  /** Recursion desired; RD=0 is answered from cache only. */
  readonly rd: boolean;
  /** Checking disabled: return data without applying validation verdicts. */
  readonly cd: boolean;
  /** DNSSEC OK: the client wants RRSIG/NSEC/NSEC3 records. */
  readonly dnssecOk: boolean;
  /** The client set AD in its query (RFC 6840 §5.7). */
  readonly ad: boolean;
  readonly transport: 'udp' | 'tcp';
  readonly client: { readonly address: string; readonly port: number };
}

/** The port every room downstream of the frontend implements. Never rejects for expected failures. */
export type Resolve = (query: ClientQuery) => Promise<Outcome>;
