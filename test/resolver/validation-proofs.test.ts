// Validator behaviour for the answer shapes of Unbound's val_* scenarios, on hand-made zones whose
// signature crypto is faked (signed-fakes.ts): which zone's keys judge a denial, what a DS query
// answered with a CNAME or an NXDOMAIN for an empty non-terminal says about zone cuts, the RCODE
// and TTL caps the verdict carries, and the EXTRA-TEXT of a signature that does not verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { soaCodec } from '../../src/wire/rdata/basic.ts';
import type { RRset } from '../../src/wire/types.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { capTtls } from '../../src/resolver/index.ts';
import type { Resolution, ValidationContext } from '../../src/resolver/resolution.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, q, resolution, step, TableFetch, unsigned } from './signed-fakes.ts';

const A_RDATA = new Uint8Array([192, 0, 2, 1]);
const example = new FakeZone('example.com', 1);

function setup(anchors: FakeZone[] = [example]) {
  const validator = createValidator({ trustAnchors: anchors.map((z) => z.anchor()), signatureCheck: ACCEPT_SIGNATURES });
  const table = new TableFetch();
  for (const z of anchors) table.set(z.name.toString(), RRType.DNSKEY, answer(z, z.name.toString(), RRType.DNSKEY, [z.dnskeySet()]));
  const context: ValidationContext = {
    query: { question: q('example.com', RRType.A), rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 } },
    fetch: (qq) => table.fetch(qq),
    now: () => FAKE_NOW_MS,
  };
  return { validator, table, context };
}

function answer(zone: FakeZone, name: string, type: number, sets: RRset[]): Resolution {
  return resolution(q(name, type), Rcode.NOERROR, [step('answer', zone.name.toString(), q(name, type), sets)]);
}

function aSet(zone: FakeZone, name: string, opts: { broken?: boolean; originalTtl?: number; expiresIn?: number } = {}): RRset {
  return zone.sign({ name: N(name), type: RRType.A, rdata: [A_RDATA] }, opts);
}

test('proofs: a DS query answered with a CNAME signed by the parent means no cut there (val_ds_cnamesub)', async () => {
  const sub = new FakeZone('sub.a.example.com', 2);
  const h = setup();
  const cname = example.sign({ name: N('a.example.com'), type: RRType.CNAME, rdata: [N('zzz.example.net').toWire()] });
  h.table.set('a.example.com', RRType.DS, resolution(q('a.example.com', RRType.DS), Rcode.NOERROR, [step('alias', 'example.com', q('a.example.com', RRType.DS), [cname])]));
  h.table.set('sub.a.example.com', RRType.DS, answer(example, 'sub.a.example.com', RRType.DS, [example.dsSetFor(sub)]));
  h.table.set('sub.a.example.com', RRType.DNSKEY, answer(sub, 'sub.a.example.com', RRType.DNSKEY, [sub.dnskeySet()]));
  const v = await h.validator.validateResolution(answer(sub, 'www.sub.a.example.com', RRType.A, [aSet(sub, 'www.sub.a.example.com')]), h.context);
  assert.equal(v.security, 'secure', JSON.stringify(v.reasons));

  // The same CNAME with a signature that fails: the chain is bogus, not silently cut-less.
  const forged = setup();
  const bad = example.sign({ name: N('a.example.com'), type: RRType.CNAME, rdata: [N('zzz.example.net').toWire()] }, { broken: true });
  forged.table.set('a.example.com', RRType.DS, resolution(q('a.example.com', RRType.DS), Rcode.NOERROR, [step('alias', 'example.com', q('a.example.com', RRType.DS), [bad])]));
  const b = await forged.validator.validateResolution(answer(sub, 'www.sub.a.example.com', RRType.A, [aSet(sub, 'www.sub.a.example.com')]), forged.context);
  assert.equal(b.security, 'bogus');
  assert.equal(b.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
});

test('proofs: an NXDOMAIN to a DS query whose NSEC shows an empty non-terminal is no cut (val_ans_nx)', async () => {
  const sub = new FakeZone('sub.ent.example.com', 3);
  const ent = example.nsec('example.com', 'sub.ent.example.com', [RRType.SOA, RRType.NS, RRType.RRSIG, RRType.NSEC, RRType.DNSKEY]);
  const build = (proofs: RRset[]) => {
    const h = setup();
    h.table.set('ent.example.com', RRType.DS, resolution(q('ent.example.com', RRType.DS), Rcode.NXDOMAIN, [step('nxdomain', 'example.com', q('ent.example.com', RRType.DS), [], [example.soa(), ...proofs])]));
    h.table.set('sub.ent.example.com', RRType.DS, answer(example, 'sub.ent.example.com', RRType.DS, [example.dsSetFor(sub)]));
    h.table.set('sub.ent.example.com', RRType.DNSKEY, answer(sub, 'sub.ent.example.com', RRType.DNSKEY, [sub.dnskeySet()]));
    return h;
  };
  const data = answer(sub, 'www.sub.ent.example.com', RRType.A, [aSet(sub, 'www.sub.ent.example.com')]);
  const h = build([ent]);
  assert.equal((await h.validator.validateResolution(data, h.context)).security, 'secure');
  // Without that proof an NXDOMAIN above signed data is a contradiction: bogus.
  const bare = build([]);
  const v = await bare.validator.validateResolution(data, bare.context);
  assert.equal(v.security, 'bogus');
  assert.match(v.reasons[0]?.text ?? '', /says the name does not exist/);
});

test('proofs: an NXDOMAIN answer proven an empty non-terminal is a secure NODATA with RCODE NOERROR (val_nodata_entnx)', async () => {
  const h = setup();
  const qq = q('ent.example.com', RRType.A);
  const nsec = example.nsec('example.com', 'a.ent.example.com', [RRType.SOA, RRType.NS, RRType.RRSIG, RRType.NSEC, RRType.DNSKEY]);
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NXDOMAIN, [step('nxdomain', 'example.com', qq, [], [example.soa(), nsec])]), h.context);
  assert.equal(v.security, 'secure', JSON.stringify(v.reasons));
  assert.equal(v.rcode, Rcode.NOERROR);
  // A real NXDOMAIN proof keeps the server's RCODE (no override).
  const nx = q('b.example.com', RRType.A);
  const cover = example.nsec('a.example.com', 'c.example.com', [RRType.A, RRType.RRSIG, RRType.NSEC]);
  const wild = example.nsec('example.com', 'a.example.com', [RRType.SOA, RRType.NS, RRType.RRSIG, RRType.NSEC, RRType.DNSKEY]);
  const r = await h.validator.validateResolution(resolution(nx, Rcode.NXDOMAIN, [step('nxdomain', 'example.com', nx, [], [example.soa(), cover, wild])]), h.context);
  assert.equal(r.security, 'secure', JSON.stringify(r.reasons));
  assert.equal(r.rcode, undefined);
});

test('proofs: a failed DS lookup is EDE 23 Network Error, as Unbound reports it (val_failure_dnskey)', async () => {
  const sub = new FakeZone('sub.example.com', 4);
  const h = setup();
  const v = await h.validator.validateResolution(answer(sub, 'www.sub.example.com', RRType.A, [aSet(sub, 'www.sub.example.com')]), h.context);
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.NETWORK_ERROR);
  assert.match(v.reasons[0]?.text ?? '', /^DS lookup for sub\.example\.com\. failed/);
});

test('proofs: a NODATA with a signed SOA and no NSEC is insecure below a cut already proven insecure (val_cnametoinsecure)', async () => {
  const qq = q('www.example.com', RRType.AAAA);
  const target = q('unsafe.example.com', RRType.AAAA);
  const cname = example.sign({ name: N('www.example.com'), type: RRType.CNAME, rdata: [N('unsafe.example.com').toWire()] });
  const insecureCut = example.nsec('unsafe.example.com', 'v.example.com', [RRType.NS, RRType.RRSIG, RRType.NSEC]);
  const h = setup();
  const steps = [step('alias', '.', qq, [cname], [insecureCut]), step('nodata', '.', target, [], [example.soa()])];
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, steps), h.context);
  assert.equal(v.security, 'insecure', JSON.stringify(v.reasons));

  // The same NODATA with no cut proven: the SOA's zone judges, so the missing NSEC is caught, and
  // nobody is asked about cuts below it.
  const s = setup();
  const stripped = await s.validator.validateResolution(resolution(target, Rcode.NOERROR, [step('nodata', '.', target, [], [example.soa()])]), s.context);
  assert.equal(stripped.security, 'bogus');
  assert.equal(stripped.reasons[0]?.ede, EdeCode.NSEC_MISSING);
  assert.ok(!s.table.asked.some((x) => x.startsWith('unsafe.')), s.table.asked.join());
});

test('proofs: an unsigned NODATA for DS at an anchor is judged by the parent side (val_ds_afterprime)', async () => {
  const h = setup();
  const qq = q('example.com', RRType.DS);
  const comSoa = unsigned('com', RRType.SOA, [soaCodec.encode({ mname: N('a.invalid'), rname: N('b.invalid'), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 900 })]);
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('nodata', 'com', qq, [], [comSoa])]), h.context);
  assert.deepEqual(v, { security: 'insecure', reasons: [] });
  assert.deepEqual(h.table.asked, []);
});

test('proofs: YXDOMAIN from a proven DNAME has no AD; a forged DNAME is still bogus (val_dnametoolong)', async () => {
  const h = setup();
  const qq = q('www.example.com', RRType.A);
  const dname = (broken: boolean) => example.sign({ name: N('example.com'), type: RRType.DNAME, rdata: [N('long.example.net').toWire()] }, { broken });
  const good = await h.validator.validateResolution(resolution(qq, Rcode.YXDOMAIN, [step('alias', 'example.com', qq, [dname(false)])]), h.context);
  assert.deepEqual(good, { security: 'insecure', reasons: [], ttlCaps: [{ name: N('example.com'), type: RRType.DNAME, ttl: 3600 }] });
  const bad = await h.validator.validateResolution(resolution(qq, Rcode.YXDOMAIN, [step('alias', 'example.com', qq, [dname(true)])]), h.context);
  assert.equal(bad.security, 'bogus');
});

test('proofs: the verdict caps each RRset TTL by the RRSIG original TTL and expiry; capTtls applies it (RFC 4035 §5.3.3)', async () => {
  const h = setup();
  const short = await h.validator.validateResolution(answer(example, 'www.example.com', RRType.A, [aSet(example, 'www.example.com', { originalTtl: 300 })]), h.context);
  assert.equal(short.security, 'secure');
  assert.deepEqual(short.ttlCaps?.find((c) => c.type === RRType.A), { name: N('www.example.com'), type: RRType.A, ttl: 300 });
  const expiring = await h.validator.validateResolution(answer(example, 'www.example.com', RRType.A, [aSet(example, 'www.example.com', { expiresIn: 120 })]), h.context);
  assert.equal(expiring.ttlCaps?.find((c) => c.type === RRType.A)?.ttl, 120);

  const sets = [unsigned('www.example.com', RRType.A, [A_RDATA], 3600), unsigned('www.example.com', RRType.AAAA, [new Uint8Array(16)], 3600)];
  const capped = capTtls(sets, [{ name: N('WWW.example.com'), type: RRType.A, ttl: 300 }]);
  assert.deepEqual(capped.map((s) => s.ttl), [300, 3600]);
  assert.equal(capTtls(sets, undefined), sets);
});

test('proofs: a signature that does not verify is named once: RRset, signer, key tag, algorithm', async () => {
  const h = setup();
  const v = await h.validator.validateResolution(answer(example, 'www.example.com', RRType.A, [aSet(example, 'www.example.com', { broken: true })]), h.context);
  assert.equal(v.security, 'bogus');
  assert.deepEqual(v.reasons, [{ ede: EdeCode.DNSSEC_BOGUS, text: `RRSIG for www.example.com. A by example.com. key ${example.tag} alg 13 does not verify` }]);
});
