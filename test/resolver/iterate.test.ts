import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { addressText } from '../../src/resolver/rdata-views.ts';
import { answerNames, LAB, OTHER, query, REFUSER, MIXED_GOOD, ROOT, setup, SILENT, SUB } from './hierarchy.ts';

test('follows referrals with glue from the primed root to the answer', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['www.lab. 1']);
  assert.equal(addressText(RRType.A, o.answer[0].rdata[0]), '192.0.2.1');
  assert.equal(o.security, 'insecure');
  // Priming first (RFC 8109), then the root (minimised), then lab.'s server from the glue.
  assert.deepEqual(net.asked(), [`. 2@${ROOT}`, `lab. 1@${ROOT}`, `www.lab. 1@${LAB}`]);
});

test('priming off uses the hints as they are', async () => {
  const { net, resolver } = setup({ priming: false });
  await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(net.asked()[0], `lab. 1@${ROOT}`);
});

test('resolves an out-of-bailiwick NS name with a sub-query', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['host.sub.lab. 1']);
  const asked = net.asked();
  assert.ok(asked.includes(`ns2.other. 1@${OTHER}`), asked.join(', '));
  assert.equal(asked.at(-1), `host.sub.lab. 1@${SUB}`);
});

test('nested NS lookups (NS name inside a zone whose NS is out of bailiwick)', async () => {
  const { resolver } = setup();
  const o = await resolver.resolve(query('x.deep.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['x.deep.lab. 1']);
});

test('chases a CNAME into another zone', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('alias.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['alias.lab. 5', 'www.other. 1']);
  assert.ok(net.asked().includes(`www.other. 1@${OTHER}`));
});

test('a DNAME synthesizes the CNAME and the target is resolved', async () => {
  const { resolver } = setup();
  const o = await resolver.resolve(query('www.dn.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['dn.lab. 39', 'www.dn.lab. 5', 'www.other. 1']);
  // The synthesized CNAME points where the DNAME rule says.
  assert.ok(o.answer[1].rdata[0].length > 0);
  const r = await resolver.resolveQuestion({ name: Name.of('www.dn.lab'), type: RRType.A, class: 1 });
  const alias = r.steps.find((s) => s.kind === 'alias');
  assert.equal(alias?.synthesized.length, 1);
});

test('a CNAME loop across zones is SERVFAIL with EDE 0 naming the name', async () => {
  const { resolver } = setup();
  const o = await resolver.resolve(query('loop1.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.deepEqual(o.reasons, [{ ede: EdeCode.OTHER, text: 'CNAME loop at loop1.lab.' }]);
  assert.deepEqual(o.answer, []);
});

test('NXDOMAIN and NODATA carry the SOA', async () => {
  const { resolver } = setup();
  const nx = await resolver.resolve(query('nope.lab', RRType.A));
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(nx.authority.map((s) => `${s.name} ${s.type}`), ['lab. 6']);
  const nodata = await resolver.resolve(query('www.lab', RRType.AAAA));
  assert.equal(nodata.rcode, Rcode.NOERROR);
  assert.deepEqual(nodata.answer, []);
  assert.deepEqual(nodata.authority.map((s) => `${s.name} ${s.type}`), ['lab. 6']);
});

test('negative answers are cached (RFC 2308) with min(SOA TTL, MINIMUM), and NXDOMAIN covers names below (RFC 8020)', async () => {
  const { net, resolver, clock } = setup();
  await resolver.resolve(query('nope.lab', RRType.A));
  await resolver.resolve(query('www.lab', RRType.AAAA));
  const before = net.log.length;
  const nx = await resolver.resolve(query('nope.lab', RRType.TXT));
  const below = await resolver.resolve(query('a.b.nope.lab', RRType.A));
  const nodata = await resolver.resolve(query('www.lab', RRType.AAAA));
  assert.equal(net.log.length, before, 'no upstream query for cached denials');
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.equal(below.rcode, Rcode.NXDOMAIN);
  assert.equal(nodata.rcode, Rcode.NOERROR);
  // SOA MINIMUM is 300 < SOA TTL 3600: the denial lives 300 s.
  assert.equal(nx.authority[0].ttl, 300);
  clock.advance(301);
  await resolver.resolve(query('nope.lab', RRType.A));
  assert.ok(net.log.length > before, 'expired denial is asked again');
});

test('a cache hit sends nothing and its TTL counts down', async () => {
  const { net, resolver, clock } = setup();
  const first = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(first.answer[0].ttl, 300);
  const n = net.log.length;
  clock.advance(100);
  const second = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(net.log.length, n);
  assert.equal(second.answer[0].ttl, 200);
  clock.advance(201);
  await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(net.log.length, n + 1, 'expired: asked again (the lab NS set is still cached)');
});

test('QNAME minimisation: servers above the zone only see one more label (RFC 9156)', async () => {
  const { net, resolver } = setup();
  await resolver.resolve(query('host.sub.lab', RRType.TXT));
  const root = net.log.filter((l) => l.server.startsWith(ROOT));
  const lab = net.log.filter((l) => l.server.startsWith(LAB));
  assert.deepEqual(root.map((l) => `${l.name} ${l.type}`), ['. 2', 'lab. 1', 'other. 1']);
  assert.deepEqual(lab.map((l) => `${l.name} ${l.type}`), ['sub.lab. 1']);
  assert.ok(net.log.some((l) => l.name === 'host.sub.lab.' && l.type === RRType.TXT && l.server.startsWith(SUB)));
});

test('without QNAME minimisation the root sees the full name', async () => {
  const { net, resolver } = setup({ qnameMinimisation: false });
  await resolver.resolve(query('host.sub.lab', RRType.TXT));
  assert.ok(net.log.some((l) => l.server.startsWith(ROOT) && l.name === 'host.sub.lab.'));
});

test('relaxed minimisation: a server that refuses the minimised name gets the full one', async () => {
  const { net, resolver } = setup();
  const real = net.servers.get(LAB);
  assert.ok(real !== undefined && real.kind === 'auth');
  const { authoritativeAnswer, reply } = await import('./fake-hierarchy.ts');
  net.serve(LAB, {
    kind: 'custom',
    answer: (q) => (q.name.equals(Name.of('sub.lab')) && q.type === RRType.A ? reply(q, Rcode.REFUSED, false, [], []) : authoritativeAnswer(real.zones, q)),
  });
  const o = await resolver.resolve(query('host.sub.lab', RRType.TXT));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.ok(net.log.some((l) => l.server.startsWith(LAB) && l.name === 'host.sub.lab.'));
});

test('a lame server (REFUSED) is skipped for the next one', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('www.mixed.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  const asked = net.asked();
  assert.deepEqual(asked.slice(-2), [`www.mixed.lab. 1@${REFUSER}`, `www.mixed.lab. 1@${MIXED_GOOD}`]);
  // Remembered as lame: the next query goes straight to the good server.
  const n = net.log.length;
  await resolver.resolve(query('www.mixed.lab', RRType.TXT));
  assert.deepEqual(net.asked().slice(n), [`www.mixed.lab. 16@${MIXED_GOOD}`]);
});

test('every server lame or dead: SERVFAIL + EDE 22 naming the zone and each server', async () => {
  const { resolver } = setup();
  const o = await resolver.resolve(query('lame.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  // The refusing server is not asked again; the silent one gets its retransmissions.
  assert.deepEqual(o.reasons, [{ ede: EdeCode.NO_REACHABLE_AUTHORITY, text: `no reachable authority for lame.lab.: ${REFUSER} refused, ${SILENT} timed out (5 times)` }]);
});

test('network errors add EDE 23', async () => {
  const { net, resolver } = setup();
  const inner = net.query.bind(net);
  net.query = async (server, q, opts) => (server.address === LAB ? { ok: false, kind: 'network', detail: 'EHOSTUNREACH' } : inner(server, q, opts));
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.deepEqual(o.reasons.map((r) => r.ede), [EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.NETWORK_ERROR]);
  assert.match(o.reasons[1].text, /EHOSTUNREACH/);
});

test('identical in-flight queries are coalesced into one resolution', async () => {
  const { net, resolver } = setup();
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => resolver.resolve(query('alias.lab', RRType.A))));
  for (const o of [a, b, c]) assert.deepEqual(answerNames(o), ['alias.lab. 5', 'www.other. 1']);
  const forAlias = net.log.filter((l) => l.name === 'alias.lab.');
  assert.equal(forAlias.length, 1);
});

test('RD=0 is answered from cache only: REFUSED + EDE 20 on a miss', async () => {
  const { net, resolver } = setup();
  const miss = await resolver.resolve(query('www.lab', RRType.A, { rd: false }));
  assert.equal(miss.rcode, Rcode.REFUSED);
  assert.equal(miss.reasons[0].ede, EdeCode.NOT_AUTHORITATIVE);
  assert.equal(net.log.length, 0);
  await resolver.resolve(query('www.lab', RRType.A));
  const hit = await resolver.resolve(query('www.lab', RRType.A, { rd: false }));
  assert.equal(hit.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(hit), ['www.lab. 1']);
});

test('stub zones replace hints and priming', async () => {
  const { net, resolver } = setup({ stubZones: [{ zone: Name.of('lab'), addresses: [{ address: LAB, port: 53 }] }] });
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(net.asked(), [`www.lab. 1@${LAB}`]);
});

test('forwarding sends RD=1, CD=1, DO=1 and accepts the non-AA answer', async () => {
  const FWD = '127.0.7.1';
  const { net, resolver } = setup({ forwardZones: [{ zone: Name.root, addresses: [{ address: FWD, port: 5353 }] }] });
  const { reply } = await import('./fake-hierarchy.ts');
  net.serve(FWD, {
    kind: 'custom',
    answer: (q) => reply(q, Rcode.NOERROR, false, [{ name: q.name, type: RRType.A, class: 1, ttl: 60, rdata: Uint8Array.of(192, 0, 2, 9) }], []),
  });
  const o = await resolver.resolve(query('anything.example', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(net.asked(), [`anything.example. 1@${FWD}@5353`]);
  assert.deepEqual(net.log[0].opts.rd && net.log[0].opts.cd && net.log[0].opts.dnssecOk, true);
});

test('resolution keeps per-step zones, referrals and negative proofs for the validator', async () => {
  const { resolver } = setup();
  const r = await resolver.resolveQuestion({ name: Name.of('nope.sub.lab'), type: RRType.A, class: 1 });
  assert.equal(r.rcode, Rcode.NXDOMAIN);
  const kinds = r.steps.map((s) => `${s.kind}:${s.zone}${s.child ? '>' + s.child : ''}`);
  assert.deepEqual(kinds.filter((k) => k.startsWith('referral')), ['referral:.>lab.', 'referral:lab.>sub.lab.']);
  const last = r.steps.at(-1);
  assert.equal(last?.kind, 'nxdomain');
  assert.equal(last?.zone.toString(), 'sub.lab.');
  assert.deepEqual(last?.authority.map((s) => s.type), [RRType.SOA]);
});
