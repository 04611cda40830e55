// One of a parent zone's servers answers the DS question for a signed child with a CNAME (a
// wildcard expansion, as an injected reply in Unbound's ds_wildcard_cname): the resolver must blame
// that parent server (never the child's), ask the parent's other server for the DS within the
// restart bound, and answer secure; with every parent server broken, SERVFAIL naming the zone and
// the server. The other server may be known only by its IPv6 address, looked up once the IPv4 one
// is held dnssec lame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import type { Message, Question, RR, RRset } from '../../src/wire/types.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { FakeNet, reply } from './fake-hierarchy.ts';
import { NO_EXPLORATION, query } from './hierarchy.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, rrsetRecords } from './signed-fakes.ts';

const ROOT = '127.53.10.1';
const CHILD = '127.53.10.30';
const GOOD = '127.53.10.10';
const BAD = '127.53.10.20';
const BAD2 = '127.53.10.21';
/** Only ever a key of the fake network: no packet is sent. */
const GOOD_V6 = '::1';
const PARENT = new FakeZone('example.', 11);
const CHILD_ZONE = new FakeZone('sub.example.', 12);
const A_RDATA = new Uint8Array([192, 0, 2, 1]);
const IPV6_LOOPBACK = new Uint8Array(16);
IPV6_LOOPBACK[15] = 1;

/** 'wildcard-cname': DS for sub.example. answered with *.example.'s CNAME; 'apex-cname': a CNAME at sub.example. itself. */
type Flavour = 'good' | 'wildcard-cname' | 'apex-cname';

/** The parent's servers: one NS name per address; an IPv6 address is not given as glue (asked for as AAAA). */
interface ParentServer {
  readonly name: string;
  readonly address: string;
  readonly flavour: Flavour;
}

function parentNs(servers: readonly ParentServer[]): { ns: RRset; glue: RR[]; hosts: Map<string, RR> } {
  const names = [...new Set(servers.map((s) => s.name))].map((n) => N(n));
  const ns = PARENT.sign({ name: PARENT.name, type: RRType.NS, rdata: names.map((n) => n.toWire()) });
  const hosts = new Map<string, RR>();
  const glue: RR[] = [];
  for (const s of servers) {
    const v6 = s.address.includes(':');
    const rr: RR = { name: N(s.name), type: v6 ? RRType.AAAA : RRType.A, class: RRClass.IN, ttl: 3600, rdata: v6 ? IPV6_LOOPBACK : new Uint8Array(s.address.split('.').map(Number)) };
    hosts.set(`${N(s.name).key}|${rr.type}`, rr);
    if (!v6) glue.push(rr);
  }
  return { ns, glue, hosts };
}

/** A server of example. in the given flavour; the broken ones leave the DS out of their referrals. */
function parentServer(flavour: Flavour, servers: readonly ParentServer[]) {
  const { ns, glue, hosts } = parentNs(servers);
  const childNs = { name: N('sub.example.'), type: RRType.NS, class: RRClass.IN, ttl: 3600, rdata: N('ns.sub.example.').toWire() };
  const childGlue = { name: N('ns.sub.example.'), type: RRType.A, class: RRClass.IN, ttl: 3600, rdata: new Uint8Array(CHILD.split('.').map(Number)) };
  const ds = PARENT.dsSetFor(CHILD_ZONE);
  const nodata = (q: Question): Message => {
    const nsec = PARENT.nsec('tgt.example.', 'zzz.example.', [RRType.A, RRType.RRSIG, RRType.NSEC]);
    return reply(q, Rcode.NOERROR, true, [], [...rrsetRecords(PARENT.soa()), ...rrsetRecords(nsec)]);
  };
  return (q: Question): Message => {
    if (q.name.equals(PARENT.name) && q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, rrsetRecords(PARENT.dnskeySet()), []);
    if (q.name.equals(PARENT.name) && q.type === RRType.NS) return reply(q, Rcode.NOERROR, true, rrsetRecords(ns), [], glue);
    const host = hosts.get(`${q.name.key}|${q.type}`);
    if (host !== undefined) return reply(q, Rcode.NOERROR, true, rrsetRecords(PARENT.sign({ name: host.name, type: host.type, rdata: [host.rdata] })), []);
    if (q.name.equals(CHILD_ZONE.name) && q.type === RRType.DS) {
      if (flavour === 'good') return reply(q, Rcode.NOERROR, true, rrsetRecords(ds), []);
      const labels = flavour === 'wildcard-cname' ? 1 : undefined;
      const cname = PARENT.sign({ name: q.name, type: RRType.CNAME, ttl: 300, rdata: [N('tgt.example.').toWire()] }, labels !== undefined ? { labels } : {});
      // Only the alias: the resolver chases tgt.example. DS itself (a NODATA, below).
      return reply(q, Rcode.NOERROR, true, rrsetRecords(cname), []);
    }
    if (q.name.isSubdomainOf(CHILD_ZONE.name)) {
      return reply(q, Rcode.NOERROR, false, [], [childNs, ...(flavour === 'good' ? rrsetRecords(ds) : [])], [childGlue]);
    }
    return nodata(q);
  };
}

/** The child's own server: its keys and www.sub.example. A, signed by sub.example. */
function childServer(q: Question): Message {
  if (q.name.equals(CHILD_ZONE.name) && q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, rrsetRecords(CHILD_ZONE.dnskeySet()), []);
  if (q.name.equals(N('www.sub.example.')) && q.type === RRType.A) {
    return reply(q, Rcode.NOERROR, true, rrsetRecords(CHILD_ZONE.sign({ name: q.name, type: RRType.A, rdata: [A_RDATA] })), []);
  }
  const nsec = CHILD_ZONE.nsec('www.sub.example.', 'sub.example.', [RRType.A, RRType.RRSIG, RRType.NSEC]);
  return reply(q, Rcode.NOERROR, true, [], [...rrsetRecords(CHILD_ZONE.soa()), ...rrsetRecords(nsec)]);
}

interface Lab {
  readonly net: FakeNet;
  readonly resolver: Resolver;
  /** The servers "name type" was asked of, in order. */
  askedOf(name: string, type: number): string[];
}

/** Root (unsigned, above the trust anchor at example.) delegating example. to `servers`. */
function lab(servers: readonly ParentServer[], doIp6 = false): Lab {
  const net = new FakeNet();
  const { ns, glue } = parentNs(servers);
  net.serve(ROOT, { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [], rrsetRecords(ns, false), glue) });
  for (const s of servers) net.serve(s.address, { kind: 'custom', answer: parentServer(s.flavour, servers) });
  net.serve(CHILD, { kind: 'custom', answer: childServer });
  const hints = parseRootHints(`. 3600000 NS a.root.\na.root. 3600000 A ${ROOT}\n`);
  if (!hints.ok) throw new Error(hints.error);
  const validator = createValidator({ trustAnchors: [PARENT.anchor()], signatureCheck: ACCEPT_SIGNATURES });
  const clock = { now: () => FAKE_NOW_MS };
  const resolver = createResolver({ rootHints: hints.records, doIp6, qnameMinimisation: false }, { transport: net, clock, random: NO_EXPLORATION, validator });
  validator.attachCache(resolver.cache);
  const askedOf = (name: string, type: number): string[] => net.log.filter((l) => l.name === name && l.type === type).map((l) => l.server.replace(/@53$/, ''));
  return { net, resolver, askedOf };
}

for (const flavour of ['wildcard-cname', 'apex-cname'] as const) {
  test(`ds alias restart: one parent server answers DS with a ${flavour}: the other parent server is asked, secure`, async () => {
    const l = lab([{ name: 'ns1.example.', address: BAD, flavour }, { name: 'ns2.example.', address: GOOD, flavour: 'good' }]);
    const o = await l.resolver.resolve(query('www.sub.example.', RRType.A));
    assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
    assert.equal(o.security, 'secure');
    assert.deepEqual(o.answer.map((s) => `${s.name} ${s.type}`), ['www.sub.example. 1']);
    // The broken parent server gave the first DS answer; the restart asked the other one.
    assert.deepEqual(l.askedOf('sub.example.', RRType.DS), [BAD, GOOD]);
    // Blame lies with the parent's server, never with the child's.
    assert.equal(l.resolver.infra.isDnssecLame({ address: BAD, port: 53 }, N('example.')), true);
    assert.equal(l.resolver.infra.isDnssecLame({ address: CHILD, port: 53 }, N('sub.example.')), false);
    assert.equal(l.resolver.infra.isDnssecLame({ address: GOOD, port: 53 }, N('example.')), false);
    // The alias the broken server sent is not kept: the name's DS is asked again, not read back.
    assert.equal(l.resolver.cache.peekRRset(N('sub.example.'), RRType.CNAME, RRClass.IN), undefined);
    assert.ok(l.net.log.length <= 16, `${l.net.log.length} upstream queries`);
  });
}

test('ds alias restart: the other parent server known only by its AAAA is looked up once the IPv4 one is dnssec lame', async () => {
  const l = lab([{ name: 'ns.example.', address: BAD, flavour: 'wildcard-cname' }, { name: 'ns.example.', address: GOOD_V6, flavour: 'good' }], true);
  const o = await l.resolver.resolve(query('www.sub.example.', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
  assert.equal(o.security, 'secure');
  assert.deepEqual(l.askedOf('sub.example.', RRType.DS), [BAD, GOOD_V6]);
  assert.deepEqual(l.askedOf('ns.example.', RRType.AAAA), [BAD]);
});

test('ds alias restart: every parent server answers DS with a CNAME: SERVFAIL naming zone and server, bounded', async () => {
  const l = lab([{ name: 'ns1.example.', address: BAD, flavour: 'wildcard-cname' }, { name: 'ns2.example.', address: BAD2, flavour: 'wildcard-cname' }]);
  const o = await l.resolver.resolve(query('www.sub.example.', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.security, 'bogus');
  assert.equal(o.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(o.reasons[0]?.text ?? '', /^DS query for sub\.example\. from 127\.53\.10\.2[01] \(a server of example\.\) was answered with a CNAME expanded from the wildcard \*\.example\./);
  // The first attempt and one restart per newly blamed server, never more.
  const ds = l.askedOf('sub.example.', RRType.DS);
  assert.ok(ds.length >= 2 && ds.length <= 3, ds.join());
  assert.deepEqual(new Set(ds), new Set([BAD, BAD2]));
  assert.equal(l.resolver.infra.isDnssecLame({ address: CHILD, port: 53 }, N('sub.example.')), false);
  assert.ok(l.net.log.length <= 20, `${l.net.log.length} upstream queries`);
});
