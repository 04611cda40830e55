// verdictsKnown: an RD=0 answer from cache is given only when every part of it already carries
// the validator's verdict, judged on the very cache entry the answer was built from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { RRset } from '../../src/wire/types.ts';
import { RRsetCache, Trust } from '../../src/resolver/cache.ts';
import { verdictsKnown } from '../../src/resolver/norec.ts';
import { DEFAULT_CACHE } from '../../src/resolver/options.ts';
import type { Resolution } from '../../src/resolver/resolution.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver } from '../../src/resolver/index.ts';
import type { Validator } from '../../src/resolver/resolution.ts';
import type { UpstreamTransport } from '../../src/resolver/transport.ts';
import { TestClock } from './fake-hierarchy.ts';

const lab = Name.of('lab');
const soa: RRset = { name: lab, type: RRType.SOA, class: 1, ttl: 300, rdata: [new Uint8Array(22)], sigs: [] };

function nxdomainFromCache(asked: string): Resolution {
  const question = { name: Name.of(asked), type: RRType.A, class: 1 };
  return {
    question, rcode: Rcode.NXDOMAIN, answer: [], authority: [soa], reasons: [], fromCache: true, upstreamQueries: 0,
    steps: [{ kind: 'nxdomain', zone: lab, question, answer: [], authority: [soa], synthesized: [], fromCache: true }],
  };
}

test('norec: an NXDOMAIN served from a validated denial at an ancestor (RFC 8020) counts as judged', () => {
  const cache = new RRsetCache(DEFAULT_CACHE, new TestClock());
  cache.putNegative('nxdomain', Name.of('gone.lab'), RRType.A, 1, [soa], lab, Trust.AUTH_AUTHORITY, 300);
  const res = nxdomainFromCache('a.b.gone.lab');
  assert.equal(verdictsKnown(cache, res), false, 'not validated yet');
  cache.setSecurity(Name.of('gone.lab'), undefined, 1, 'secure');
  assert.equal(verdictsKnown(cache, nxdomainFromCache('gone.lab')), true, 'at the name itself');
  assert.equal(verdictsKnown(cache, res), true, 'below it: the same cached denial answers');
});

test('norec: an RD=0 denial from the RFC 8198 store is synthesised once per query, and answered', async () => {
  const hints = parseRootHints('. 3600000 NS a.root.\na.root. 3600000 A 127.0.1.1\n');
  if (!hints.ok) throw new Error(hints.error);
  let synthesised = 0;
  const validator: Validator = {
    validateResolution: () => Promise.resolve({ security: 'secure', reasons: [] }),
    synthesiseDenial: () => {
      synthesised++;
      return { kind: 'nxdomain', zone: lab, authority: [soa] };
    },
  };
  const sent: unknown[] = [];
  const transport: UpstreamTransport = { query: (...args) => { sent.push(args); return Promise.resolve({ ok: false, kind: 'network', detail: 'unused' }); } };
  const resolver = createResolver({ rootHints: hints.records }, { transport, clock: new TestClock(), validator });
  const out = await resolver.resolve({
    question: { name: Name.of('gone.lab'), type: RRType.A, class: 1 }, rd: false, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 },
  });
  assert.equal(out.rcode, Rcode.NXDOMAIN, JSON.stringify(out.reasons));
  assert.equal(synthesised, 1, 'the check that it is judged reads the step, not the store again (metrics count each synthesis)');
  assert.equal(sent.length, 0);
  resolver.close();
});
