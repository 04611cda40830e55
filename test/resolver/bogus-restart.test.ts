// A zone served by two servers, one of which strips RRSIGs: the resolver must ask the other before
// answering SERVFAIL (Unbound's dnssec-lame restart), stay bounded when both are broken, and keep a
// one-server zone's answer (and EDE) as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import type { Message, Question, RR, RRset } from '../../src/wire/types.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { InfraCache } from '../../src/resolver/infra.ts';
import { FakeNet, reply } from './fake-hierarchy.ts';
import { NO_EXPLORATION, query } from './hierarchy.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, rrsetRecords } from './signed-fakes.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';

const ROOT = '127.53.9.1';
const ZONE = new FakeZone('example.', 7);
const A_RDATA = new Uint8Array([192, 0, 2, 1]);

/** How a server of example. serves: correct, or with the RRSIGs of the answer or of the DNSKEY RRset stripped. */
type Flavour = 'good' | 'strip-answer' | 'strip-dnskey';

function nsSet(servers: readonly string[]): { ns: RRset; glue: RR[] } {
  const names = servers.map((_, i) => N(`ns${i + 1}.example.`));
  const ns = ZONE.sign({ name: ZONE.name, type: RRType.NS, rdata: names.map((n) => n.toWire()) });
  const glue = servers.map((address, i) => ({ name: names[i], type: RRType.A, class: RRClass.IN, ttl: 3600, rdata: new Uint8Array(address.split('.').map(Number)) }));
  return { ns, glue };
}

/** An authoritative server of example. (signed with the fake signer) in the given flavour. */
function exampleServer(flavour: Flavour, servers: readonly string[]) {
  const { ns, glue } = nsSet(servers);
  return (q: Question): Message => {
    if (q.name.equals(ZONE.name) && q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.dnskeySet(), flavour !== 'strip-dnskey'), []);
    if (q.name.equals(ZONE.name) && q.type === RRType.NS) return reply(q, Rcode.NOERROR, true, rrsetRecords(ns), [], glue);
    const host = glue.find((g) => g.name.equals(q.name));
    if (host !== undefined && q.type === RRType.A) return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.sign({ name: host.name, type: RRType.A, rdata: [host.rdata] })), []);
    if (q.name.equals(N('www.example.')) && q.type === RRType.A) {
      return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.sign({ name: q.name, type: RRType.A, rdata: [A_RDATA] }), flavour !== 'strip-answer'), rrsetRecords(ns));
    }
    // Everything else at or below www.example.: NODATA with the NSEC that proves it.
    const nsec = ZONE.nsec('www.example.', 'example.', [RRType.A, RRType.RRSIG, RRType.NSEC]);
    return reply(q, Rcode.NOERROR, true, [], [...rrsetRecords(ZONE.soa()), ...rrsetRecords(nsec)]);
  };
}

interface Lab {
  readonly net: FakeNet;
  readonly resolver: Resolver;
  /** How many times (name, type) was asked of the servers of example. (the root refers every query). */
  asked(name: string, type: number): number;
}

/** Root (unsigned, above the trust anchor) delegating example. to `servers`, each with its flavour. */
function lab(servers: readonly (readonly [string, Flavour])[]): Lab {
  const addresses = servers.map(([a]) => a);
  const net = new FakeNet();
  const { ns, glue } = nsSet(addresses);
  net.serve(ROOT, { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [], rrsetRecords(ns, false), glue) });
  for (const [address, flavour] of servers) net.serve(address, { kind: 'custom', answer: exampleServer(flavour, addresses) });
  const hints = parseRootHints(`. 3600000 NS a.root.\na.root. 3600000 A ${ROOT}\n`);
  if (!hints.ok) throw new Error(hints.error);
  const validator = createValidator({ trustAnchors: [ZONE.anchor()], signatureCheck: ACCEPT_SIGNATURES });
  const clock = { now: () => FAKE_NOW_MS };
  const resolver = createResolver({ rootHints: hints.records, doIp6: false, qnameMinimisation: false }, { transport: net, clock, random: NO_EXPLORATION, validator });
  validator.attachCache(resolver.cache);
  const asked = (name: string, type: number): number => net.log.filter((l) => l.server !== `${ROOT}@53` && l.name === name && l.type === type).length;
  return { net, resolver, asked };
}

const GOOD = '127.53.9.10';
const BAD = '127.53.9.20';
const BAD2 = '127.53.9.30';

for (const flavour of ['strip-answer', 'strip-dnskey'] as const) {
  for (const badFirst of [true, false]) {
    test(`two servers, one ${flavour}, ${badFirst ? 'broken' : 'good'} one asked first: secure`, async () => {
      const l = lab(badFirst ? [[BAD, flavour], [GOOD, 'good']] : [[GOOD, 'good'], [BAD, flavour]]);
      const o = await l.resolver.resolve(query('www.example.', RRType.A));
      assert.equal(o.rcode, Rcode.NOERROR);
      assert.equal(o.security, 'secure');
      assert.deepEqual(o.answer.map((s) => `${s.name} ${s.type}`), ['www.example. 1']);
      // The broken server was asked first only when it was listed first; one restart at most.
      assert.equal(l.net.log.find((x) => x.server !== `${ROOT}@53`)?.server, `${badFirst ? BAD : GOOD}@53`);
      assert.ok(l.asked('www.example.', RRType.A) <= 2);
      assert.equal(l.asked('www.example.', RRType.A), badFirst ? 2 : 1);
      // Later queries stay secure: the broken server is asked last for a while.
      const again = await l.resolver.resolve(query('www.example.', RRType.A));
      assert.equal(again.security, 'secure');
    });
  }
}

test('both servers strip RRSIGs: SERVFAIL with EDE 10, upstream queries bounded', async () => {
  const l = lab([[BAD, 'strip-answer'], [BAD2, 'strip-answer']]);
  const o = await l.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.security, 'bogus');
  assert.equal(o.reasons[0]?.ede, EdeCode.RRSIGS_MISSING);
  assert.ok(!o.reasons.some((r) => r.ede === EdeCode.NO_REACHABLE_AUTHORITY));
  // The first attempt, then one restart per newly blamed server: both servers, never more than 3.
  const asks = l.asked('www.example.', RRType.A);
  assert.ok(asks >= 2 && asks <= 3, `asked ${asks} times`);
  assert.deepEqual(new Set(l.net.log.filter((x) => x.name === 'www.example.' && x.type === RRType.A && x.server !== `${ROOT}@53`).map((x) => x.server)), new Set([`${BAD}@53`, `${BAD2}@53`]));
  assert.ok(l.net.log.length <= 12, `${l.net.log.length} upstream queries`);
});

test('one server stripping RRSIGs: one extra attempt, the same EDE as without restarts', async () => {
  const l = lab([[BAD, 'strip-answer']]);
  const o = await l.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.reasons[0]?.ede, EdeCode.RRSIGS_MISSING);
  assert.equal(l.asked('www.example.', RRType.A), 2);
  // The next client query: the server is already held, nobody new to blame, so no restart.
  const before = l.net.log.length;
  const again = await l.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(again.rcode, Rcode.SERVFAIL);
  assert.equal(again.reasons[0]?.ede, EdeCode.RRSIGS_MISSING);
  assert.ok(l.net.log.length - before <= 1);
});

test('CD=1: the bogus data is passed on without asking other servers', async () => {
  const l = lab([[BAD, 'strip-answer'], [GOOD, 'good']]);
  const o = await l.resolver.resolve(query('www.example.', RRType.A, { cd: true }));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.equal(l.asked('www.example.', RRType.A), 1);
});

test('infra: a dnssec-lame server is held for its zone only, and the hold ends', () => {
  let t = 0;
  const infra = new InfraCache({ now: () => t }, 1000);
  const s = { address: BAD, port: 53 };
  infra.recordDnssecLame(s, N('example.'));
  assert.equal(infra.isDnssecLame(s, N('example.')), true);
  assert.equal(infra.isDnssecLame(s, N('other.')), false);
  // Still usable: asked last, never reported unreachable.
  assert.deepEqual(infra.usability(s, N('example.'), RRType.A), { usable: true });
  t += 3_600_000;
  assert.equal(infra.isDnssecLame(s, N('example.')), false);
});
