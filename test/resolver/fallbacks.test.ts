// Where the resolver keeps going after a server lets it down: forward-first / stub-first, truncated
// answers, recursion-lame and empty replies, parent-side glue, NS sets that turn useless, hidden
// (minimised) NXDOMAINs from broken servers, per-type lameness, and YXDOMAIN from a DNAME.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RR } from '../../src/wire/types.ts';
import { classifyResponse } from '../../src/resolver/classify.ts';
import { authoritativeAnswer, reply, zone } from './fake-hierarchy.ts';
import { answerNames, hierarchy, LAB, labZone, query, ROOT, rootZone, setup } from './hierarchy.ts';

const FWD = '127.0.7.1';
const a = (name: string, last: number, cls: number = RRClass.IN): RR => ({ name: Name.of(name), type: RRType.A, class: cls, ttl: 300, rdata: Uint8Array.of(192, 0, 2, last) });
const ns = (owner: string, target: string, cls: number = RRClass.IN): RR => ({ name: Name.of(owner), type: RRType.NS, class: cls, ttl: 300, rdata: Name.of(target).toWire() });
const fwd = (first: boolean) => ({ forwardZones: [{ zone: Name.of('lab'), addresses: [{ address: FWD, port: 53 }], first }] });

test('forward-first: a failing forwarder falls back to iteration; without it the query fails', async () => {
  for (const first of [true, false]) {
    const net = hierarchy().serve(FWD, { kind: 'rcode', rcode: Rcode.SERVFAIL });
    const { resolver } = setup(fwd(first), net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, first ? Rcode.NOERROR : Rcode.SERVFAIL, `first=${first}`);
    assert.equal(net.asked()[0], `www.lab. 1@${FWD}`);
  }
});

test('stub-first: a failing stub server falls back to iteration from the root', async () => {
  const STUB = '127.0.7.2';
  const net = hierarchy().serve(STUB, { kind: 'timeout' });
  const { resolver } = setup({ stubZones: [{ zone: Name.of('lab'), addresses: [{ address: STUB, port: 53 }], first: true }] }, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.ok(net.asked().some((q) => q.endsWith(`@${LAB}`)));
});

test('forward host names are looked up and used when the fixed address fails', async () => {
  const net = hierarchy().serve(FWD, { kind: 'rcode', rcode: Rcode.SERVFAIL });
  net.serve('192.0.2.77', { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [a(q.name.toString(), 9)], []) });
  const hostZone = zone('other.', `@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.3.1\nfwdhost A 192.0.2.77\n`);
  net.serve('127.0.3.1', { kind: 'auth', zones: [hostZone] });
  const { resolver } = setup({ forwardZones: [{ zone: Name.of('lab'), addresses: [{ address: FWD, port: 53 }], hosts: [Name.of('fwdhost.other')] }] }, net);
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.ok(net.asked().includes('www.lab. 1@192.0.2.77'));
});

test('a truncated UDP answer is asked again over TCP; TC=1 over TCP is never used', async () => {
  for (const tcpHelps of [true, false]) {
    const net = hierarchy();
    net.serve(LAB, {
      kind: 'custom',
      answer: (q, opts) => {
        const m = authoritativeAnswer([labZone], q);
        return opts.tcp && tcpHelps ? m : { ...m, flags: { ...m.flags, tc: true } };
      },
    });
    const { resolver } = setup({}, net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, tcpHelps ? Rcode.NOERROR : Rcode.SERVFAIL);
    const toLab = net.log.filter((l) => l.server.startsWith(LAB) && l.name === 'www.lab.');
    assert.deepEqual(toLab.map((l) => l.opts.tcp), [false, true]);
  }
});

test('records of another class are scrubbed: a CH NS set does not replace the IN referral', () => {
  const q: Question = { name: Name.of('www.a.lab'), type: RRType.A, class: RRClass.IN };
  const m = reply(q, Rcode.NOERROR, false, [], [ns('a.lab', 'ch.a.lab', RRClass.CH), ns('a.lab', 'ns.a.lab')], [a('ch.a.lab', 5, RRClass.CH), a('ns.a.lab', 4)]);
  const c = classifyResponse(m, { zone: Name.of('lab'), question: q, forwarding: false, maxLinks: 16 });
  assert.equal(c.kind, 'referral');
  if (c.kind !== 'referral') return;
  assert.equal(c.ns.class, RRClass.IN);
  assert.deepEqual(c.glue.map((g) => g.name.toString()), ['ns.a.lab.']);
});

test('an upward referral is lame even with AA; a forwarder\'s empty reply with an upward NS too', () => {
  const q: Question = { name: Name.of('a.lab'), type: RRType.AAAA, class: RRClass.IN };
  const up = reply(q, Rcode.NOERROR, true, [], [ns('.', 'a.root-servers.net')]);
  assert.deepEqual(classifyResponse(up, { zone: Name.of('a.lab'), question: q, forwarding: false, maxLinks: 16 }), { kind: 'lame', why: 'upward referral' });
  const viaFwd = classifyResponse(reply(q, Rcode.NOERROR, false, [], [ns('lab', 'ns.lab')]), { zone: Name.of('a.lab'), question: q, forwarding: true, maxLinks: 16 });
  assert.equal(viaFwd.kind, 'lame');
});

test('partly malformed RDATA: the well-formed records still answer', () => {
  const q: Question = { name: Name.of('www.lab'), type: RRType.A, class: RRClass.IN };
  const bad: RR = { ...a('www.lab', 1), rdata: Uint8Array.of(3, 4, 5) };
  const c = classifyResponse(reply(q, Rcode.NOERROR, true, [a('www.lab', 1), bad], []), { zone: Name.of('lab'), question: q, forwarding: false, maxLinks: 16 });
  assert.equal(c.kind, 'answer');
  if (c.kind !== 'answer' || c.answer.end.kind !== 'data') return assert.fail('expected data');
  assert.equal(c.answer.end.rrsets[0].rdata.length, 1);
  assert.equal(c.dropped, 1);
});

test('lameness is held per query-type class: AAAA-lame does not stop A; SERVFAIL is not held', async () => {
  const net = hierarchy();
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => {
      if (q.type === RRType.AAAA && q.name.equals(Name.of('www.lab'))) return reply(q, Rcode.NOERROR, true, [], [ns('.', 'a.root.')]);
      if (q.type === RRType.TXT) return reply(q, Rcode.SERVFAIL, false, [], []);
      return authoritativeAnswer([labZone], q);
    },
  });
  const { resolver } = setup({ qnameMinimisation: false }, net);
  assert.equal((await resolver.resolve(query('www.lab', RRType.AAAA))).rcode, Rcode.SERVFAIL);
  assert.equal((await resolver.resolve(query('www.lab', RRType.A))).rcode, Rcode.NOERROR);
  // A fresh resolver: TXT shares the "other" lameness class with the AAAA above.
  const fresh = setup({ qnameMinimisation: false }, net).resolver;
  await fresh.resolve(query('www.lab', RRType.TXT));
  const n = net.log.length;
  await fresh.resolve(query('x.lab', RRType.TXT));
  assert.ok(net.asked().slice(n).includes(`x.lab. 16@${LAB}`), 'asked again after SERVFAIL');
});

test('recursion-lame and empty replies are used only when no server does better', async () => {
  const SECOND = '127.0.5.9';
  const twoServers = zone('.', `. SOA a.root. h.root. 1 3600 600 86400 300\n. NS a.root.\na.root. A ${ROOT}\nlab. NS ns1.lab.\nlab. NS ns2.lab.\nns1.lab. A ${LAB}\nns2.lab. A ${SECOND}\n`);
  for (const kind of ['reclame', 'empty'] as const) {
    const net = hierarchy().serve(ROOT, { kind: 'auth', zones: [twoServers] });
    const bad = (q: Question) => {
      if (kind === 'empty') return reply(q, Rcode.NOERROR, true, [], []);
      const m = authoritativeAnswer([labZone], q);
      return { ...m, flags: { ...m.flags, aa: false, ra: true } };
    };
    net.serve(LAB, { kind: 'custom', answer: bad });
    net.serve(SECOND, { kind: 'custom', answer: (q) => (q.name.equals(Name.of('www.lab')) ? bad(q) : authoritativeAnswer([labZone], q)) });
    const { resolver } = setup({ qnameMinimisation: false }, net);
    const o = await resolver.resolve(query('www.lab', RRType.A));
    assert.equal(o.rcode, Rcode.NOERROR, kind);
    assert.equal(o.answer.length, kind === 'reclame' ? 1 : 0, kind);
    assert.equal(net.log.filter((l) => l.name === 'www.lab.' && l.server !== `${ROOT}@53`).length, 2, `${kind}: both servers asked`);
  }
});

test('parent-side glue is the last resort when the child\'s address for its server fails', async () => {
  const CHILD_ADDR = '127.0.8.8';
  const net = hierarchy().serve(CHILD_ADDR, { kind: 'rcode', rcode: Rcode.SERVFAIL });
  // The zone itself says its server lives elsewhere (a stale address): only the parent's glue works.
  net.serve(LAB, { kind: 'custom', answer: (q) => (q.name.equals(Name.of('ns1.lab')) && q.type === RRType.A ? reply(q, Rcode.NOERROR, true, [a('ns1.lab', 0)].map((r) => ({ ...r, rdata: Uint8Array.of(127, 0, 8, 8) })), []) : authoritativeAnswer([labZone], q)) });
  const { resolver } = setup({ qnameMinimisation: false }, net);
  await resolver.resolve(query('ns1.lab', RRType.A)); // the child's address replaces the glue in the cache
  resolver.cache.removeBelow(Name.of('www.lab'));
  const n = net.log.length;
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  // Straight from the failing child address to the parent's glue, without asking the root again.
  assert.deepEqual(net.asked().slice(n), ['www.lab. 1@127.0.8.8', `www.lab. 1@${LAB}`]);
});

test('a cached NS set that turned useless sends the query back to the parent', async () => {
  const net = hierarchy();
  net.serve(LAB, { kind: 'custom', answer: (q) => (q.name.equals(Name.of('lab')) && q.type === RRType.NS ? reply(q, Rcode.NOERROR, true, [ns('lab', 'ns-crap.')], []) : authoritativeAnswer([labZone], q)) });
  const { resolver } = setup({ qnameMinimisation: false }, net);
  await resolver.resolve(query('lab', RRType.NS)); // caches the child's useless NS set at a high rank
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['www.lab. 1']);
});

test('a non-authoritative NXDOMAIN for a minimised name is not trusted: the full name is asked', async () => {
  const net = hierarchy();
  const ent = zone('lab.', `@ SOA ns1 h 1 3600 600 86400 300\n@ NS ns1\nns1 A ${LAB}\nwww.ent A 192.0.2.40\n`);
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => (q.name.equals(Name.of('ent.lab')) ? reply(q, Rcode.NXDOMAIN, false, [], ent.records.filter((r) => r.type === RRType.SOA)) : authoritativeAnswer([ent], q)),
  });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('www.ent.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['www.ent.lab. 1']);
});

test('YXDOMAIN with the DNAME that overflows the name is passed on', async () => {
  const long = Array.from({ length: 4 }, () => 'x'.repeat(60)).join('.') + '.';
  const net = hierarchy();
  const dname: RR = { name: Name.of('dn.lab'), type: RRType.DNAME, class: RRClass.IN, ttl: 300, rdata: Name.of(long).toWire() };
  net.serve(LAB, { kind: 'custom', answer: (q) => (q.name.isSubdomainOf(Name.of('dn.lab')) && !q.name.equals(Name.of('dn.lab')) ? reply(q, Rcode.YXDOMAIN, true, [dname], []) : authoritativeAnswer([labZone], q)) });
  const { resolver } = setup({ qnameMinimisation: false }, net);
  const o = await resolver.resolve(query('toolongprefix.dn.lab', RRType.A));
  assert.equal(o.rcode, Rcode.YXDOMAIN);
  assert.deepEqual(answerNames(o), [`dn.lab. ${RRType.DNAME}`]);
  // Any other YXDOMAIN is an error reply.
  const net2 = hierarchy();
  net2.serve(LAB, { kind: 'custom', answer: (q) => (q.name.equals(Name.of('www.lab')) ? reply(q, Rcode.YXDOMAIN, true, [], []) : authoritativeAnswer([labZone], q)) });
  const o2 = await setup({ qnameMinimisation: false }, net2).resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o2.rcode, Rcode.SERVFAIL);
  void rootZone;
});
