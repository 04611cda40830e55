// An RD=0 referral prefers the zone's own NS set and its servers' addresses, as the zone's server
// sent them signed beside an answer, once the validator proved them secure with the zone's keys
// (RFC 2181 §5.4.1: the child's NS set ranks above the parent's delegation); then it carries AD.
// Anything not proven secure leaves the parent's delegation and glue, without AD. None of it is
// ever used to resolve (the iterator keeps asking the delegation's servers at the glue's
// addresses), and an RD=0 query never sends anything upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import type { RRset } from '../../src/wire/types.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { FakeNet, reply } from './fake-hierarchy.ts';
import { NO_EXPLORATION, query } from './hierarchy.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, unsigned, rrsetRecords } from './signed-fakes.ts';

const ROOT = '127.53.20.1';
/** ns.example.'s address as the parent's glue gives it (the one every query goes to). */
const GLUE = '127.53.20.10';
/** ns.example.'s address as the zone itself lists it, signed: only ever shown in RD=0 referrals. */
const OWN = '127.53.20.99';
const ZONE = new FakeZone('example.', 21);

function ip(address: string): Uint8Array {
  return new Uint8Array(address.split('.').map(Number));
}

/** How the zone's server presents its own NS set beside its answers. */
type Flavour = 'signed' | 'broken' | 'unsigned' | 'none';

interface Lab {
  readonly net: FakeNet;
  readonly resolver: Resolver;
}

/**
 * Root (unsigned, above the anchor) delegates example. to ns.example. only; the zone's own NS set
 * adds ns.elsewhere.test. Its server also slips in a signed address for the out-of-zone name.
 */
function lab(flavour: Flavour, anchored = true, counter = { verifications: 0 }): Lab {
  const net = new FakeNet();
  const parentNs = unsigned('example.', RRType.NS, [N('ns.example.').toWire()]);
  const glue = unsigned('ns.example.', RRType.A, [ip(GLUE)]);
  net.serve(ROOT, { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [], rrsetRecords(parentNs), rrsetRecords(glue)) });
  const ownNsData = { name: N('example.'), type: RRType.NS, rdata: [N('ns.example.').toWire(), N('ns.elsewhere.test.').toWire()] };
  const ownNs = flavour === 'unsigned' ? unsigned('example.', RRType.NS, ownNsData.rdata) : ZONE.sign(ownNsData, { broken: flavour === 'broken' });
  const ownA = ZONE.sign({ name: N('ns.example.'), type: RRType.A, rdata: [ip(OWN)] });
  // Out of the zone: whatever its RRSIG says, the zone's keys cannot vouch for it.
  const foreignA = ZONE.sign({ name: N('ns.elsewhere.test.'), type: RRType.A, rdata: [ip('127.53.20.66')] });
  const extras = flavour === 'none' ? { authority: [], additional: [] } : { authority: rrsetRecords(ownNs), additional: [...rrsetRecords(ownA), ...rrsetRecords(foreignA)] };
  net.serve(GLUE, {
    kind: 'custom',
    answer: (q) => {
      if (q.name.equals(ZONE.name) && q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.dnskeySet()), []);
      if (q.type === RRType.A && q.name.isSubdomainOf(ZONE.name)) {
        return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.sign({ name: q.name, type: RRType.A, rdata: [ip('192.0.2.1')] })), extras.authority, extras.additional);
      }
      return undefined;
    },
  });
  const hints = parseRootHints(`. 3600000 NS a.root.\na.root. 3600000 A ${ROOT}\n`);
  if (!hints.ok) throw new Error(hints.error);
  const other = new FakeZone('other.', 22);
  const validator = createValidator({ trustAnchors: [anchored ? ZONE.anchor() : other.anchor()], signatureCheck: {
    supports: ACCEPT_SIGNATURES.supports,
    verify: (...args) => {
      counter.verifications++;
      return ACCEPT_SIGNATURES.verify(...args);
    },
  } });
  const resolver = createResolver({ rootHints: hints.records, doIp6: false, qnameMinimisation: false }, { transport: net, clock: { now: () => FAKE_NOW_MS }, random: NO_EXPLORATION, validator });
  validator.attachCache(resolver.cache);
  return { net, resolver };
}

function rdataText(set: RRset): string[] {
  return set.rdata.map((r) => (set.type === RRType.A ? [...r].join('.') : '')).filter((x) => x !== '');
}

async function warmAndRefer(l: Lab): Promise<{ referral: Awaited<ReturnType<Resolver['resolve']>>; sentByRd0: number }> {
  const first = await l.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(first.rcode, Rcode.NOERROR, JSON.stringify(first.reasons));
  const sent = l.net.log.length;
  const referral = await l.resolver.resolve(query('never-asked.example.', RRType.A, { rd: false }));
  return { referral, sentByRd0: l.net.log.length - sent };
}

test('zone-side referral: the zone\'s own signed NS set and in-zone address, proven with the answer, are referred with AD', async () => {
  const l = lab('signed');
  const { referral: r, sentByRd0 } = await warmAndRefer(l);
  assert.equal(sentByRd0, 0, 'RD=0 sent nothing upstream');
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.equal(r.security, 'secure');
  assert.deepEqual(r.answer, []);
  assert.equal(r.authority.length, 1);
  const ns = r.authority[0];
  assert.equal(ns.type, RRType.NS);
  assert.equal(ns.rdata.length, 2, 'the child\'s NS set, not the parent\'s one-server delegation');
  assert.equal(ns.sigs.length, 1, 'with its RRSIG');
  // Only the address the zone's keys proved; never the out-of-zone one, nor the unvalidated glue.
  assert.deepEqual(r.additional.map((s) => `${s.name} ${rdataText(s).join(',')} ${s.sigs.length}`), [`ns.example. ${OWN} 1`]);
});

test('zone-side referral: the zone\'s own data is never used to resolve; queries still go to the delegation\'s glue address', async () => {
  const l = lab('signed');
  await warmAndRefer(l);
  const o = await l.resolver.resolve(query('mail.example.', RRType.A));
  assert.equal(o.security, 'secure');
  const servers = l.net.log.map((x) => x.server.replace(/@53$/, ''));
  assert.ok(!servers.includes(OWN), servers.join(', '));
  assert.ok(!servers.includes('127.53.20.66'), servers.join(', '));
  assert.equal(l.net.log.filter((x) => x.name === 'mail.example.').at(-1)?.server.replace(/@53$/, ''), GLUE);
  // The answer cache holds the glue, never the zone's additional-section address.
  const cached = l.resolver.cache.peekRRset(N('ns.example.'), RRType.A, RRClass.IN);
  assert.deepEqual(cached === undefined ? [] : rdataText(cached.rrset), [GLUE]);
  assert.equal(l.resolver.cache.peekRRset(N('ns.elsewhere.test.'), RRType.A, RRClass.IN), undefined);
});

for (const [flavour, why] of [
  ['broken', 'its RRSIG does not verify'],
  ['unsigned', 'it carries no RRSIG'],
  ['none', 'the zone never sent it'],
] as const) {
  test(`zone-side referral: when the zone's own NS set is not proven (${why}), the parent's delegation is referred without AD`, async () => {
    const l = lab(flavour);
    const first = await l.resolver.resolve(query('www.example.', RRType.A));
    // The zone-side data never changes the answer's own verdict.
    assert.equal(first.security, 'secure', JSON.stringify(first.reasons));
    const sent = l.net.log.length;
    const r = await l.resolver.resolve(query('never-asked.example.', RRType.A, { rd: false }));
    assert.equal(l.net.log.length, sent);
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.security, 'insecure');
    assert.equal(r.authority[0]?.rdata.length, 1, 'the parent\'s delegation');
    // The server's address the zone's keys did prove still ranks above the parent's glue.
    assert.deepEqual(r.additional.map((s) => rdataText(s).join(',')), [flavour === 'none' ? GLUE : OWN]);
  });
}

test('zone-side referral: a zone under no trust anchor never has its own data proven, so the delegation is referred without AD', async () => {
  const l = lab('signed', false);
  const { referral: r, sentByRd0 } = await warmAndRefer(l);
  assert.equal(sentByRd0, 0);
  assert.equal(r.security, 'insecure');
  assert.equal(r.authority[0]?.rdata.length, 1);
  assert.deepEqual(r.additional.map((s) => rdataText(s).join(',')), [GLUE]);
});

test('zone-side referral: the zone\'s own data, proven once, is not verified again each time a server repeats it', async () => {
  const counter = { verifications: 0 };
  const l = lab('signed', true, counter);
  await warmAndRefer(l);
  const before = counter.verifications;
  const o = await l.resolver.resolve(query('mail.example.', RRType.A));
  assert.equal(o.security, 'secure');
  assert.equal(counter.verifications - before, 1, 'only the new answer\'s own signature');
  const r = await l.resolver.resolve(query('never-asked.example.', RRType.A, { rd: false }));
  assert.equal(r.security, 'secure', 'the verdict survived the repeat');
});
