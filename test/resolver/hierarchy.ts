// The fake hierarchy most resolver tests share: a root, "lab." and "other.", a zone delegated to
// an out-of-bailiwick name server, aliases, a DNAME, a CNAME loop, and lame delegations.
import { Rcode } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome } from '../../src/wire/outcome.ts';
import { RRClass } from '../../src/wire/constants.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver, type Resolver, type ResolverOptionsInput } from '../../src/resolver/index.ts';
import { FakeNet, TestClock, zone } from './fake-hierarchy.ts';

export const ROOT = '127.0.1.1';
export const LAB = '127.0.2.1';
export const OTHER = '127.0.3.1';
export const SUB = '127.0.4.1';
export const MIXED_GOOD = '127.0.5.1';
export const DEEP = '127.0.6.1';
export const REFUSER = '127.0.9.1';
export const SILENT = '127.0.9.2';

const SOA = 'SOA ns hostmaster 1 3600 600 86400 300';

export const rootZone = zone('.', `
. ${SOA.replace('ns hostmaster', 'a.root. hostmaster.root.')}
. NS a.root.
a.root. A ${ROOT}
lab. NS ns1.lab.
ns1.lab. A ${LAB}
other. NS ns.other.
ns.other. A ${OTHER}
`);

export const labZone = zone('lab.', `
@ ${SOA}
@ NS ns1
ns1 A ${LAB}
www 300 A 192.0.2.1
alias CNAME www.other.
chain CNAME alias
loop1 CNAME loop2.other.
dn DNAME other.
sub NS ns2.other.
deep NS ns.sub.lab.
lame NS ns1.lame
lame NS ns2.lame
ns1.lame A ${REFUSER}
ns2.lame A ${SILENT}
mixed NS ns1.mixed
mixed NS ns2.mixed
ns1.mixed A ${REFUSER}
ns2.mixed A ${MIXED_GOOD}
`);

export const otherZone = zone('other.', `
@ ${SOA}
@ NS ns
ns A ${OTHER}
ns2 A ${SUB}
www A 192.0.2.2
loop2 CNAME loop1.lab.
`);

export const subZone = zone('sub.lab.', `
@ ${SOA}
@ NS ns2.other.
host A 192.0.2.3
ns A ${DEEP}
`);

export const mixedZone = zone('mixed.lab.', `
@ ${SOA}
@ NS ns1
@ NS ns2
www A 192.0.2.5
`);

export const deepZone = zone('deep.lab.', `
@ ${SOA}
@ NS ns.sub.lab.
x A 192.0.2.6
`);

export function hierarchy(): FakeNet {
  return new FakeNet()
    .serve(ROOT, { kind: 'auth', zones: [rootZone] })
    .serve(LAB, { kind: 'auth', zones: [labZone] })
    .serve(OTHER, { kind: 'auth', zones: [otherZone] })
    .serve(SUB, { kind: 'auth', zones: [subZone] })
    .serve(MIXED_GOOD, { kind: 'auth', zones: [mixedZone] })
    .serve(DEEP, { kind: 'auth', zones: [deepZone] })
    .serve(REFUSER, { kind: 'rcode', rcode: Rcode.REFUSED })
    .serve(SILENT, { kind: 'timeout' });
}

export const HINTS = (() => {
  const r = parseRootHints(`. 3600000 NS a.root.\na.root. 3600000 A ${ROOT}\n`);
  if (!r.ok) throw new Error(r.error);
  return r.records;
})();

export interface Setup {
  readonly net: FakeNet;
  readonly clock: TestClock;
  readonly resolver: Resolver;
}

/** No exploration (random never below the 5% rate): server choice is deterministic. */
export const NO_EXPLORATION = () => 0.99;

export function setup(options: ResolverOptionsInput = {}, net: FakeNet = hierarchy()): Setup {
  const clock = new TestClock();
  const resolver = createResolver({ rootHints: HINTS, doIp6: false, ...options }, { transport: net, clock, random: NO_EXPLORATION });
  return { net, clock, resolver };
}

export function query(name: string, type: number, more: Partial<ClientQuery> = {}): ClientQuery {
  return {
    question: { name: Name.of(name), type, class: RRClass.IN },
    rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 5353 },
    ...more,
  };
}

/** "name type ttl" of every answer RRset, for compact assertions. */
export function answerNames(o: Outcome): string[] {
  return o.answer.map((s) => `${s.name} ${s.type}`);
}
