// The validator over the embedded lab: real UDP/TCP to 127.53.x.y, the lab trust anchor, the clock
// pinned to lab.json's pinnedTime. For every case in lab.json: rcode, security (→ AD) and the
// first EDE code. Sentinel names go through the RFC 8509 rule (src/policy/sentinel.ts) on top, as
// the daemon's policy layer does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode, rcodeToString, RRClass, RRType, rrTypeFromString } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome } from '../../src/wire/outcome.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createUdpTcpTransport } from '../../src/resolver/udp-tcp-transport.ts';
import { createValidatorFromRecords, type DnssecValidator } from '../../src/resolver/validation.ts';
import { anchorKeyTags } from '../../src/dnssec/anchors.ts';
import { applySentinel } from '../../src/policy/sentinel.ts';

interface LabCase {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly ad: boolean;
  readonly ede: number | null;
}

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string; cases: LabCase[] };
const PINNED = Date.parse(labJson.pinnedTime);
const UPSTREAM_TIMEOUT_MS = 300;

class PinnedClock {
  t = PINNED;
  now(): number {
    return this.t;
  }
}

let lab: LabHandle;
let resolver: Resolver;
let validator: DnssecValidator;
let clock: PinnedClock;

before(async () => {
  lab = await startLab({ port: 0 });
  const hints = parseRootHints(readFileSync(join(DEFAULT_ZONES_DIR, 'root.hints'), 'utf8'));
  assert.ok(hints.ok);
  const ta = parseZone(readFileSync(join(DEFAULT_ZONES_DIR, 'trust-anchor'), 'utf8'));
  assert.ok(ta.ok);
  const v = createValidatorFromRecords(ta.records);
  assert.ok(v.ok);
  validator = v.validator;
  clock = new PinnedClock();
  resolver = createResolver(
    {
      rootHints: hints.records, trustAnchors: ta.records, upstreamPort: lab.port, allowLoopbackUpstreams: true, doIp6: false,
      limits: { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS },
    },
    { transport: createUdpTcpTransport({ allowLoopbackUpstreams: true }), clock, validator, random: () => 0.99 },
  );
  validator.attachCache(resolver.cache);
});

after(async () => {
  resolver.close();
  await lab.close();
});

function query(name: string, type: number, more: Partial<ClientQuery> = {}): ClientQuery {
  return {
    question: { name: Name.of(name), type, class: RRClass.IN },
    rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 5353 }, ...more,
  };
}

async function ask(q: ClientQuery): Promise<Outcome> {
  const o = await resolver.resolve(q);
  const tags = validator.anchors.flatMap((a) => (a.zone.isRoot ? anchorKeyTags(a) : []));
  return applySentinel(q, o, () => tags).outcome;
}

function describe(o: Outcome): string {
  return JSON.stringify({ rcode: rcodeToString(o.rcode), security: o.security, reasons: o.reasons });
}

// Wildcard expansions (foo.wild.secure.lab. A, a.b.wild.secure.lab. TXT, foo.wild.test. A) are
// validated with the NSEC/NSEC3 the lab sends in the authority section of the positive answer
// (RFC 4035 §3.1.3.3): the resolver carries those proofs in the answer step (AnswerShape.proofs).
for (const c of labJson.cases) {
  test(`validation: ${c.qname} ${c.qtype} → ${c.rcode} AD=${c.ad ? 1 : 0} EDE ${c.ede ?? '-'}`, async () => {
    const type = rrTypeFromString(c.qtype);
    assert.ok(type !== undefined);
    const o = await ask(query(c.qname, type));
    assert.equal(rcodeToString(o.rcode), c.rcode, describe(o));
    assert.equal(o.security === 'secure', c.ad, describe(o));
    if (c.ede !== null) assert.equal(o.reasons[0]?.ede, c.ede, describe(o));
    else if (c.rcode !== 'SERVFAIL') assert.equal(o.reasons.length, 0, describe(o));
  });
}

test('validation: CD=1 on a bogus name returns the data, not secure', async () => {
  const o = await resolver.resolve(query('www.changed.test', RRType.A, { cd: true }));
  assert.equal(o.rcode, Rcode.NOERROR, describe(o));
  assert.notEqual(o.security, 'secure');
  assert.ok(o.answer.some((s) => s.type === RRType.A));
});

test('validation: a bogus answer asked again is SERVFAIL again, served from cache', async () => {
  await resolver.resolve(query('www.expired.test', RRType.A));
  lab.clearQueryLog();
  const o = await resolver.resolve(query('www.expired.test', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0]?.ede, 7, describe(o));
  assert.equal(lab.queryLog.length, 0, 'the broken zone is not re-fetched within bogusTtl');
});
