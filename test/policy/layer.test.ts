import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRClass, RRType, Rcode } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { cnameCodec, soaCodec, txtCodec } from '../../src/wire/rdata/basic.ts';
import type { Outcome } from '../../src/wire/outcome.ts';
import { createPolicyLayer } from '../../src/policy/layer.ts';
import type { PolicyConfig, PolicyHit, PolicyHooks } from '../../src/policy/layer.ts';
import type { SentinelHit } from '../../src/policy/sentinel.ts';
import { fakeNext, query } from './helpers.ts';
import { memoryFiles, ZONE_ONE, ZONE_TWO } from './zones.ts';

const BLOCKED = { ede: EdeCode.BLOCKED, text: 'blocked by test' };
const FILTERED = { ede: EdeCode.FILTERED, text: 'filtered by zone two' };

const CONFIG: PolicyConfig = {
  sentinel: true,
  policy: [
    { file: 'one.rpz', ede: 'blocked', text: 'blocked by test' },
    { file: 'two.rpz', ede: 'filtered', text: 'filtered by zone two' },
  ],
  allow: ['127.0.0.0/8', '::1/128'],
};

async function setup(config: PolicyConfig = CONFIG, files: Record<string, string> = { 'one.rpz': ZONE_ONE, 'two.rpz': ZONE_TWO }, extra: Partial<PolicyHooks> = {}) {
  const next = fakeNext('secure');
  const hits: PolicyHit[] = [];
  const sentinel: SentinelHit[] = [];
  const refused: string[] = [];
  const r = await createPolicyLayer(config, next.resolve, {
    trustAnchorKeyTags: () => [20326],
    readText: memoryFiles(files),
    onPolicyHit: (h) => hits.push(h),
    onSentinel: (h) => sentinel.push(h),
    onRefused: (a) => refused.push(a),
    ...extra,
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { layer: r.layer, next, hits, sentinel, refused, files };
}

function assertPolicyAnswer(o: Outcome) {
  assert.equal(o.security, 'insecure');
  assert.equal(o.synthesized, true);
}

function assertSoa(o: Outcome, apex: string, ttl: number) {
  assert.equal(o.authority.length, 1);
  const soa = o.authority[0];
  assert.equal(soa.name.key, apex);
  assert.equal(soa.type, RRType.SOA);
  assert.equal(soa.ttl, ttl);
  assert.ok(soaCodec.decode(soa.rdata[0]).ok);
}

test('NXDOMAIN: rcode, EDE, SOA of the policy zone, no downstream call', async () => {
  const { layer, next, hits } = await setup();
  const o = await layer.resolve(query('nx.example.'));
  assert.equal(o.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(o.answer, []);
  assert.deepEqual(o.reasons, [BLOCKED]);
  assertSoa(o, 'rpz1.test.', 60);
  assertPolicyAnswer(o);
  assert.equal(next.calls.length, 0);
  assert.deepEqual(hits, [{ zone: 'rpz1.test.', trigger: 'nx.example.', action: 'nxdomain' }]);
});

test('NODATA: NOERROR, empty answer, EDE, SOA', async () => {
  const { layer, next } = await setup();
  const o = await layer.resolve(query('nodata.example.', { type: RRType.AAAA }));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(o.answer, []);
  assert.deepEqual(o.reasons, [BLOCKED]);
  assertSoa(o, 'rpz1.test.', 60);
  assertPolicyAnswer(o);
  assert.equal(next.calls.length, 0);
});

test('PASSTHRU (and the legacy CNAME-to-self form) resolve normally', async () => {
  const { layer, next } = await setup();
  for (const name of ['pass.example.', 'legacy.example.']) {
    const o = await layer.resolve(query(name));
    assert.equal(o.rcode, Rcode.NOERROR, name);
    assert.equal(o.security, 'secure', name);
    assert.deepEqual(o.reasons, [], name);
  }
  assert.equal(next.calls.length, 2);
});

test('DROP: the outcome says send nothing; no downstream call', async () => {
  const { layer, next } = await setup();
  const o = await layer.resolve(query('drop.example.'));
  assert.equal(o.drop, true);
  assert.deepEqual(o.answer, []);
  assert.equal(next.calls.length, 0);
});

test('TCP-only: truncated over UDP, resolved over TCP', async () => {
  const { layer, next } = await setup();
  const udp = await layer.resolve(query('tcp.example.', { transport: 'udp' }));
  assert.equal(udp.truncate, true);
  assert.equal(udp.rcode, Rcode.NOERROR);
  assert.deepEqual(udp.answer, []);
  assert.equal(next.calls.length, 0);
  const tcp = await layer.resolve(query('tcp.example.', { transport: 'tcp' }));
  assert.equal(tcp.truncate, undefined);
  assert.equal(tcp.security, 'secure');
  assert.equal(next.calls.length, 1);
});

test('local data: the asked type at the query name, ANY gives all, other types NODATA with SOA', async () => {
  const { layer, next } = await setup();
  const a = await layer.resolve(query('Local.Example.', { type: RRType.A }));
  assert.equal(a.rcode, Rcode.NOERROR);
  assert.equal(a.answer.length, 1);
  assert.equal(a.answer[0].name.toString(), 'Local.Example.');
  assert.equal(a.answer[0].type, RRType.A);
  assert.equal(a.answer[0].class, RRClass.IN);
  assert.deepEqual(a.answer[0].rdata, [Uint8Array.of(192, 0, 2, 1), Uint8Array.of(192, 0, 2, 2)]);
  assert.equal(a.answer[0].ttl, 300);
  assert.deepEqual(a.reasons, [BLOCKED]);
  assertPolicyAnswer(a);

  const txt = await layer.resolve(query('local.example.', { type: RRType.TXT }));
  const decoded = txtCodec.decode(txt.answer[0].rdata[0]);
  assert.ok(decoded.ok);
  assert.equal(new TextDecoder().decode(decoded.value.strings[0]), 'hello');

  const any = await layer.resolve(query('local.example.', { type: RRType.ANY }));
  assert.deepEqual(any.answer.map((s) => s.type), [RRType.A, RRType.TXT]);

  const aaaa = await layer.resolve(query('local.example.', { type: RRType.AAAA }));
  assert.equal(aaaa.rcode, Rcode.NOERROR);
  assert.deepEqual(aaaa.answer, []);
  assertSoa(aaaa, 'rpz1.test.', 60);
  assert.equal(next.calls.length, 0);
});

test('rewrite: a CNAME to another name is answered for every type; wildcard CNAME targets take the query name', async () => {
  const { layer, next } = await setup();
  for (const type of [RRType.A, RRType.MX, RRType.CNAME]) {
    const o = await layer.resolve(query('rewrite.example.', { type }));
    assert.equal(o.rcode, Rcode.NOERROR);
    assert.equal(o.answer.length, 1);
    assert.equal(o.answer[0].type, RRType.CNAME);
    const t = cnameCodec.decode(o.answer[0].rdata[0]);
    assert.ok(t.ok);
    assert.equal(t.value.name.key, 'target.example.net.');
  }
  const g = await layer.resolve(query('www.garden.example.'));
  const t = cnameCodec.decode(g.answer[0].rdata[0]);
  assert.ok(t.ok);
  assert.equal(t.value.name.key, 'www.garden.example.walled.example.net.');
  assert.equal(g.answer[0].name.key, 'www.garden.example.');
  assert.equal(next.calls.length, 0);
});

test('wildcard versus exact: exact wins, closest wildcard wins, the base name is not matched', async () => {
  const { layer, next } = await setup();
  assert.equal((await layer.resolve(query('a.wild.example.'))).rcode, Rcode.NXDOMAIN);
  const exact = await layer.resolve(query('exact.wild.example.'));
  assert.deepEqual(exact.answer[0].rdata, [Uint8Array.of(192, 0, 2, 9)]);
  const deep = await layer.resolve(query('x.deep.wild.example.'));
  assert.equal(deep.rcode, Rcode.NOERROR);
  assert.deepEqual(deep.answer, []);
  assert.equal(next.calls.length, 0);
  const base = await layer.resolve(query('wild.example.'));
  assert.equal(base.security, 'secure');
  assert.equal(next.calls.length, 1);
});

test('zone order: the first zone decides; passthru in zone one shields from zone two', async () => {
  const { layer, next } = await setup();
  const nx = await layer.resolve(query('nx.example.'));
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(nx.reasons, [BLOCKED]);

  const other = await layer.resolve(query('other.example.'));
  assert.equal(other.rcode, Rcode.NOERROR);
  assert.deepEqual(other.reasons, [FILTERED]);
  assertSoa(other, 'rpz2.test.', 30);

  const blocked = await layer.resolve(query('x.blockall.example.'));
  assert.equal(blocked.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(blocked.reasons, [FILTERED]);
  assert.equal(next.calls.length, 0);

  await layer.resolve(query('ok.blockall.example.'));
  await layer.resolve(query('pass.example.'));
  assert.deepEqual(next.calls.map((q) => q.question.name.key), ['ok.blockall.example.', 'pass.example.']);
});

test('unlisted names and non-IN classes go downstream untouched', async () => {
  const { layer, next, hits } = await setup();
  const o = await layer.resolve(query('www.example.'));
  assert.equal(o.security, 'secure');
  const ch = await layer.resolve(query('nx.example.', { cls: RRClass.CH }));
  assert.equal(ch.rcode, Rcode.NOERROR);
  assert.equal(next.calls.length, 2);
  assert.deepEqual(hits, []);
});

test('access control inside the layer: REFUSED + EDE 18 before anything else', async () => {
  const { layer, next, refused } = await setup();
  const o = await layer.resolve(query('www.example.', { address: '192.0.2.55' }));
  assert.equal(o.rcode, Rcode.REFUSED);
  assert.equal(o.reasons[0].ede, EdeCode.PROHIBITED);
  assert.match(o.reasons[0].text, /192\.0\.2\.55/);
  assert.equal(next.calls.length, 0);
  assert.deepEqual(refused, ['192.0.2.55']);
  assert.equal(layer.isAllowed('::ffff:127.0.0.1'), true);
  assert.equal(layer.isAllowed('::1'), true);
  assert.equal(layer.isAllowed('2001:db8::1'), false);
  assert.equal(layer.refuse('2001:db8::1').rcode, Rcode.REFUSED);
});

test('sentinel runs on the downstream answer, and can be switched off', async () => {
  const on = await setup();
  const fail = await on.layer.resolve(query('root-key-sentinel-is-ta-11111.example.'));
  assert.equal(fail.rcode, Rcode.SERVFAIL);
  assert.equal(on.next.calls.length, 1);
  assert.deepEqual(on.sentinel, [{ kind: 'is_ta', keyTag: 11111, result: 'servfail' }]);
  const ok = await on.layer.resolve(query('root-key-sentinel-is-ta-20326.example.'));
  assert.equal(ok.rcode, Rcode.NOERROR);

  const off = await setup({ ...CONFIG, sentinel: false });
  const pass = await off.layer.resolve(query('root-key-sentinel-is-ta-11111.example.'));
  assert.equal(pass.rcode, Rcode.NOERROR);
  assert.deepEqual(off.sentinel, []);
});

test('reload: a broken zone keeps the old policy and reports file:line; a fixed one is swapped in', async () => {
  const files: Record<string, string> = { 'one.rpz': ZONE_ONE, 'two.rpz': ZONE_TWO };
  const { layer } = await setup(CONFIG, files);
  files['two.rpz'] = ZONE_TWO + 'broken.example 300 A not-an-address\n';
  const bad = await layer.reload();
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.equal(bad.error.kind, 'zone');
    assert.match(bad.error.message, /^two\.rpz:7: /);
    if (bad.error.kind === 'zone') assert.deepEqual([bad.error.zone.fileName, bad.error.zone.line], ['two.rpz', 7]);
  }
  // Old version still answers.
  assert.equal((await layer.resolve(query('other.example.'))).reasons[0].ede, EdeCode.FILTERED);

  files['two.rpz'] = ZONE_TWO.replace('other.example 300 CNAME *.', 'other.example 300 CNAME .');
  const good = await layer.reload();
  assert.deepEqual(good, { ok: true, warnings: [] });
  assert.equal((await layer.resolve(query('other.example.'))).rcode, Rcode.NXDOMAIN);
});

test('reload with a new config: zones, allow list and sentinel switch together; a bad allow list is rejected', async () => {
  const { layer, next } = await setup();
  const r = await layer.reload({ sentinel: false, policy: [{ file: 'two.rpz', ede: 'censored', text: 'c' }], allow: ['10.0.0.0/8'] });
  assert.ok(r.ok);
  assert.deepEqual(layer.describe(), { zones: [{ apex: 'rpz2.test.', file: 'two.rpz', rules: 4 }], allow: ['10.0.0.0/8'], allowSnoop: [], sentinel: false });
  assert.equal(layer.isAllowed('127.0.0.1'), false);
  const o = await layer.resolve(query('nx.example.', { address: '10.1.1.1' }));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.equal(o.answer[0].type, RRType.A);
  assert.deepEqual(o.reasons, [{ ede: EdeCode.CENSORED, text: 'c' }]);
  assert.equal(next.calls.length, 0);

  const bad = await layer.reload({ sentinel: true, policy: [], allow: ['10.0.0.0/99'] });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.kind, 'allow');
  assert.equal(layer.isAllowed('10.1.1.1'), true);
});

test('createPolicyLayer fails with the file named when a zone is missing', async () => {
  const next = fakeNext();
  const r = await createPolicyLayer(CONFIG, next.resolve, { trustAnchorKeyTags: () => [], readText: memoryFiles({ 'one.rpz': ZONE_ONE }) });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /^two\.rpz: cannot read: ENOENT/);
});

test('a policy name used as a sentinel name: policy answers first', async () => {
  const zone = '$ORIGIN p.\n$TTL 60\n@ SOA a. b. 1 2 3 4 5\nroot-key-sentinel-is-ta-20326.example CNAME .\n';
  const { layer, next } = await setup({ ...CONFIG, policy: [{ file: 'p.rpz', ede: 'blocked', text: 't' }] }, { 'p.rpz': zone });
  assert.equal((await layer.resolve(query('root-key-sentinel-is-ta-20326.example.'))).rcode, Rcode.NXDOMAIN);
  assert.equal(next.calls.length, 0);
});

test('RD=0 from a plainly allowed client: REFUSED + EDE 20 naming it, and the cache is never asked', async () => {
  const { layer, next } = await setup();
  const o = await layer.resolve(query('www.example.', { rd: false }));
  assert.equal(o.rcode, Rcode.REFUSED);
  assert.deepEqual(o.reasons.map((r) => r.ede), [EdeCode.NOT_AUTHORITATIVE]);
  assert.match(o.reasons[0].text, /127\.0\.0\.1/);
  assert.equal(o.security, 'indeterminate');
  assert.equal(next.calls.length, 0);
  // RD=1 from the same client goes through.
  assert.equal((await layer.resolve(query('www.example.'))).rcode, Rcode.NOERROR);
  assert.equal(next.calls.length, 1);
});

test('RD=0 from an allowSnoop client reaches the resolver with RD=0; allowSnoop alone admits a client', async () => {
  const { layer, next } = await setup({ ...CONFIG, allowSnoop: ['127.0.0.2/32', '192.0.2.0/24'] });
  const o = await layer.resolve(query('www.example.', { rd: false, address: '127.0.0.2' }));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.equal(next.calls.length, 1);
  assert.equal(next.calls[0].rd, false);
  // 192.0.2.9 is not in `allow`, but allowSnoop allows more, never less.
  assert.equal(layer.isAllowed('192.0.2.9'), true);
  assert.equal((await layer.resolve(query('www.example.', { rd: false, address: '192.0.2.9' }))).rcode, Rcode.NOERROR);
  // 127.0.0.1 is only in `allow`.
  assert.equal((await layer.resolve(query('www.example.', { rd: false, address: '127.0.0.1' }))).rcode, Rcode.REFUSED);
  assert.deepEqual(layer.describe().allowSnoop, ['127.0.0.2/32', '192.0.2.0/24']);
});

test('RD=0 still gets local policy answers (RPZ is local data, RFC 1034 §4.3.1)', async () => {
  const { layer, next } = await setup();
  const o = await layer.resolve(query('nx.example.', { rd: false }));
  assert.equal(o.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(o.reasons.map((r) => r.ede), [EdeCode.BLOCKED]);
  assert.equal(next.calls.length, 0);
});

test('a bad allowSnoop prefix rejects the config, naming the key', async () => {
  const next = fakeNext();
  const r = await createPolicyLayer({ ...CONFIG, allowSnoop: ['10.0.0.0/40'] }, next.resolve, { trustAnchorKeyTags: () => [], readText: memoryFiles({ 'one.rpz': ZONE_ONE, 'two.rpz': ZONE_TWO }) });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.kind, 'allowSnoop');
    assert.match(r.error.message, /^allowSnoop: /);
  }
});

test('reload switches allowSnoop with the rest of the policy', async () => {
  const { layer, next } = await setup();
  assert.equal((await layer.resolve(query('www.example.', { rd: false }))).rcode, Rcode.REFUSED);
  const r = await layer.reload({ ...CONFIG, allowSnoop: ['127.0.0.1/32'] });
  assert.ok(r.ok);
  assert.equal((await layer.resolve(query('www.example.', { rd: false }))).rcode, Rcode.NOERROR);
  assert.equal(next.calls.length, 1);
  const bad = await layer.reload({ ...CONFIG, allowSnoop: ['not-an-address'] });
  assert.equal(bad.ok, false);
  assert.equal((await layer.resolve(query('www.example.', { rd: false }))).rcode, Rcode.NOERROR, 'a bad list keeps the running one');
});
