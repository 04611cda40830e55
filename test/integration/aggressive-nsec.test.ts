// RFC 8198 over the embedded lab (real UDP to 127.53.x.y, real signatures, the lab trust anchor):
// after one NXDOMAIN from secure.lab, other names its NSECs cover are denied without a query to
// anyone, with AD, the NSECs and the SOA; a type missing from a held NSEC is NODATA the same way.
// With aggressiveNsec off every denial is asked for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery, Outcome } from '../../src/wire/outcome.ts';
import type { Question } from '../../src/wire/types.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import type { ServerAddress, UpstreamQueryOptions, UpstreamResult, UpstreamTransport } from '../../src/resolver/transport.ts';
import { createUdpTcpTransport } from '../../src/resolver/udp-tcp-transport.ts';
import { createValidatorFromRecords } from '../../src/resolver/validation.ts';

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string };
const PINNED = Date.parse(labJson.pinnedTime);

/** Counts the questions sent upstream, by "name type". */
class CountingTransport implements UpstreamTransport {
  readonly sent: string[] = [];
  readonly #inner = createUdpTcpTransport({ allowLoopbackUpstreams: true });
  query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    this.sent.push(`${question.name.toString()} ${question.type}`);
    return this.#inner.query(server, question, opts);
  }
}

let lab: LabHandle;

before(async () => {
  lab = await startLab({ port: 0 });
});

after(async () => {
  await lab.close();
});

function makeResolver(aggressiveNsec: boolean): { resolver: Resolver; transport: CountingTransport } {
  const hints = parseRootHints(readFileSync(join(DEFAULT_ZONES_DIR, 'root.hints'), 'utf8'));
  assert.ok(hints.ok);
  const ta = parseZone(readFileSync(join(DEFAULT_ZONES_DIR, 'trust-anchor'), 'utf8'));
  assert.ok(ta.ok);
  const v = createValidatorFromRecords(ta.records, { aggressiveNsec });
  assert.ok(v.ok);
  const transport = new CountingTransport();
  const resolver = createResolver(
    { rootHints: hints.records, trustAnchors: ta.records, upstreamPort: lab.port, allowLoopbackUpstreams: true, doIp6: false, limits: { upstreamTimeoutMs: 300 } },
    { transport, clock: { now: () => PINNED }, validator: v.validator, random: () => 0.99 },
  );
  v.validator.attachCache(resolver.cache);
  return { resolver, transport };
}

function query(name: string, type: number): ClientQuery {
  return {
    question: { name: Name.of(name), type, class: RRClass.IN },
    rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 5353 },
  };
}

function authorityOwners(o: Outcome): string[] {
  return o.authority.map((s) => `${s.name.toString()} ${s.type}`).sort();
}

test('aggressive nsec: names covered by held NSECs are denied from cache, secure, with NSECs and SOA', async () => {
  const { resolver, transport } = makeResolver(true);
  try {
    const first = await resolver.resolve(query('nx.secure.lab', RRType.A));
    assert.equal(first.rcode, Rcode.NXDOMAIN);
    assert.equal(first.security, 'secure');

    // nz.secure.lab falls in the same NSEC span (ns1 → old) and *.secure.lab in the apex's.
    const before = transport.sent.length;
    const nz = await resolver.resolve(query('nz.secure.lab', RRType.TXT));
    assert.equal(nz.rcode, Rcode.NXDOMAIN);
    assert.equal(nz.security, 'secure', JSON.stringify(nz.reasons));
    assert.deepEqual(authorityOwners(nz), [`ns1.secure.lab. ${RRType.NSEC}`, `secure.lab. ${RRType.NSEC}`, `secure.lab. ${RRType.SOA}`]);
    assert.ok(nz.authority.every((s) => s.sigs.length > 0), 'the RRSIGs go with them');

    // ns1.secure.lab's own NSEC lists A only: NODATA for TXT, again without a query.
    const nodata = await resolver.resolve(query('ns1.secure.lab', RRType.TXT));
    assert.equal(nodata.rcode, Rcode.NOERROR);
    assert.equal(nodata.answer.length, 0);
    assert.equal(nodata.security, 'secure');
    assert.deepEqual(authorityOwners(nodata), [`ns1.secure.lab. ${RRType.NSEC}`, `secure.lab. ${RRType.SOA}`]);
    assert.deepEqual(transport.sent.slice(before), [], 'nothing was asked upstream');

    // A type the NSEC lists is data: it is asked for, and found.
    const a = await resolver.resolve(query('ns1.secure.lab', RRType.A));
    assert.equal(a.rcode, Rcode.NOERROR);
    assert.ok(a.answer.length > 0);
  } finally {
    resolver.close();
  }
});

test('aggressive nsec: with aggressiveNsec off the second name is asked upstream', async () => {
  const { resolver, transport } = makeResolver(false);
  try {
    assert.equal((await resolver.resolve(query('nx.secure.lab', RRType.A))).rcode, Rcode.NXDOMAIN);
    const before = transport.sent.length;
    const nz = await resolver.resolve(query('nz.secure.lab', RRType.TXT));
    assert.equal(nz.rcode, Rcode.NXDOMAIN);
    assert.equal(nz.security, 'secure');
    assert.ok(transport.sent.slice(before).includes('nz.secure.lab. 16'), transport.sent.slice(before).join(', '));
  } finally {
    resolver.close();
  }
});
