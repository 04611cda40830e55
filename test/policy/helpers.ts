// Shared fixtures for the policy tests: a query builder and a fake downstream Resolve that records calls.
import { RRClass, RRType, Rcode } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome, Resolve, Security } from '../../src/wire/outcome.ts';

export interface QueryOptions {
  type?: number;
  cls?: number;
  cd?: boolean;
  transport?: 'udp' | 'tcp';
  address?: string;
  /** Recursion desired; true unless given. */
  rd?: boolean;
}

export function query(name: string, o: QueryOptions = {}): ClientQuery {
  return {
    question: { name: Name.of(name), type: o.type ?? RRType.A, class: o.cls ?? RRClass.IN },
    rd: o.rd ?? true,
    cd: o.cd ?? false,
    dnssecOk: false,
    ad: false,
    transport: o.transport ?? 'udp',
    client: { address: o.address ?? '127.0.0.1', port: 5353 },
  };
}

export const A_RDATA = Uint8Array.of(192, 0, 2, 53);

/** A downstream answer with one A record, labelled with `security`. */
export function upstreamAnswer(q: ClientQuery, security: Security): Outcome {
  return {
    rcode: Rcode.NOERROR,
    answer: [{ name: q.question.name, type: q.question.type, class: RRClass.IN, ttl: 60, rdata: [A_RDATA], sigs: [] }],
    authority: [],
    additional: [],
    security,
    reasons: [],
  };
}

export interface FakeNext {
  readonly resolve: Resolve;
  readonly calls: ClientQuery[];
}

export function fakeNext(security: Security = 'secure'): FakeNext {
  const calls: ClientQuery[] = [];
  return {
    calls,
    resolve: async (q) => {
      calls.push(q);
      return upstreamAnswer(q, security);
    },
  };
}
