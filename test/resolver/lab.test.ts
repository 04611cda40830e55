// Integration over the embedded lab: the real UDP/TCP transport iterating the lab hierarchy on
// 127.53.x.y from its root hints. No validator is configured here, so only what iteration
// decides is checked (rcode, answer data, EDE 22 for the lame and dead delegations); the AD bit
// and the bogus cases belong to the validation tests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, rcodeToString, RRType, rrTypeFromString } from '../../src/wire/constants.ts';
import type { RRset } from '../../src/wire/types.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createUdpTcpTransport } from '../../src/resolver/udp-tcp-transport.ts';
import { addressText, rdataName } from '../../src/resolver/rdata-views.ts';
import { query, NO_EXPLORATION } from './hierarchy.ts';
import { TestClock } from './fake-hierarchy.ts';

interface LabCase {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly ede: number | null;
  readonly answer?: readonly string[] | null;
}

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { cases: LabCase[] };
const UPSTREAM_TIMEOUT_MS = 300;

let lab: LabHandle;
let resolver: Resolver;

before(async () => {
  lab = await startLab({ port: 0 });
  const hints = parseRootHints(readFileSync(join(DEFAULT_ZONES_DIR, 'root.hints'), 'utf8'));
  assert.ok(hints.ok);
  resolver = createResolver(
    { rootHints: hints.records, upstreamPort: lab.port, allowLoopbackUpstreams: true, doIp6: false, limits: { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS } },
    { transport: createUdpTcpTransport({ allowLoopbackUpstreams: true }), clock: new TestClock(), random: NO_EXPLORATION },
  );
});

after(async () => {
  resolver.close();
  await lab.close();
});

/** Presentation of the answer data we can render: addresses and alias targets. */
function render(sets: readonly RRset[]): string[] | undefined {
  const out: string[] = [];
  for (const s of sets) {
    for (const r of s.rdata) {
      const text = s.type === RRType.A || s.type === RRType.AAAA ? addressText(s.type, r) : s.type === RRType.CNAME || s.type === RRType.DNAME ? rdataName(s.type, r)?.toString() : undefined;
      if (text === undefined) return undefined;
      out.push(text);
    }
  }
  return out;
}

// Cases whose outcome iteration alone decides: no validation verdict, no sentinel, no EDE.
const iterationCases = labJson.cases.filter((c) => c.ede === null && c.rcode !== 'SERVFAIL' && !c.qname.startsWith('root-key-sentinel'));

for (const c of iterationCases) {
  test(`lab: ${c.qname} ${c.qtype} → ${c.rcode}`, async () => {
    const type = rrTypeFromString(c.qtype);
    assert.ok(type !== undefined);
    const o = await resolver.resolve(query(c.qname, type));
    assert.equal(rcodeToString(o.rcode), c.rcode, JSON.stringify(o.reasons));
    if (c.answer !== null && c.answer !== undefined) {
      const got = render(o.answer);
      if (got !== undefined && c.answer.every((x) => !x.startsWith('"'))) assert.deepEqual(got, c.answer);
      if (c.answer.length === 0) assert.equal(o.answer.length, 0);
    }
  });
}

test('lab: a lame delegation is SERVFAIL + EDE 22 naming the server', async () => {
  const o = await resolver.resolve(query('www.lame.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0].ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(o.reasons[0].text, /^no reachable authority for lame\.lab\.: 127\.53\.1\.50 refused/);
});

test('lab: a dead delegation is SERVFAIL + EDE 22 (timed out)', async () => {
  const o = await resolver.resolve(query('www.dead.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0].ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.match(o.reasons[0].text, /127\.53\.1\.51 timed out/);
});

test('lab: QNAME minimisation — the root servers never see the full name', async () => {
  lab.clearQueryLog();
  resolver.cache.clear();
  await resolver.resolve(query('www.alg13.lab', RRType.AAAA));
  const atRoot = lab.queryLog.filter((l) => l.address === '127.53.0.1' || l.address === '127.53.0.2');
  assert.ok(atRoot.length > 0);
  for (const l of atRoot) assert.ok(!/alg13/i.test(l.qname), `root saw ${l.qname}`);
  assert.ok(lab.queryLog.some((l) => /^www\.alg13\.lab\.?$/i.test(l.qname) && l.qtype === RRType.AAAA && l.dnssecOk));
});
