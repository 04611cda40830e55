// The one seam between the resolver and the network. Everything above it is deterministic given a
// transport and a clock, so unit tests and the replay harness plug in scripted transports.
import type { Message, Question } from '../wire/types.ts';

export interface ServerAddress {
  readonly address: string;
  readonly port: number;
}

export interface UpstreamQueryOptions {
  /** RD bit: set only when forwarding to a recursive resolver. */
  readonly rd: boolean;
  /** CD bit: set when forwarding, so the forwarder hands us data we validate ourselves. */
  readonly cd: boolean;
  /** EDNS DO bit: we always want RRSIGs so the validator can work on the data later. */
  readonly dnssecOk: boolean;
  /** Start over TCP (a UDP answer with TC=1 is retried over TCP by the transport itself). */
  readonly tcp: boolean;
  readonly timeoutMs: number;
}

export type UpstreamFailureKind = 'timeout' | 'network' | 'malformed' | 'mismatch';

export type UpstreamResult =
  | { readonly ok: true; readonly message: Message; readonly rttMs: number; readonly tcp: boolean }
  | { readonly ok: false; readonly kind: UpstreamFailureKind; readonly detail: string };

export interface UpstreamTransport {
  /** Never rejects for network trouble: failures are values. */
  query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult>;
}

/** `127.0.0.1` at the default port, `127.0.0.1@5353` otherwise: how servers appear in EDE texts. */
export function describeServer(server: ServerAddress, defaultPort: number): string {
  return server.port === defaultPort ? server.address : `${server.address}@${server.port}`;
}

export function serverKey(server: ServerAddress): string {
  return `${server.address.toLowerCase()}@${server.port}`;
}
