// A DS question answered with an alias (RFC 4035 §3.1.4.1: the parent answers a cut's DS with the
// DS RRset or its signed denial). A signed CNAME that really exists between the anchor and the
// signer shows no cut there (val_ds_cnamesub, validation-proofs.test.ts); a CNAME expanded from a
// wildcard, one at the very name that signs the data, or a DNAME's synthesised CNAME proves
// nothing: the DS answer is bogus, blamed on the parent's server that sent it, and the child's
// data is never judged with the parent's keys (Unbound's ds_wildcard_cname).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import type { RRset } from '../../src/wire/types.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { suspectsOf } from '../../src/resolver/bogus-restart.ts';
import type { AnswerStep, Resolution, ValidationContext } from '../../src/resolver/resolution.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, q, resolution, step, TableFetch, unsigned } from './signed-fakes.ts';

const A_RDATA = new Uint8Array([192, 0, 2, 1]);
const PARENT_SERVER = { address: '192.0.2.53', port: 53 };
const CHILD_SERVER = { address: '192.0.2.77', port: 53 };
const example = new FakeZone('example.com', 1);
const sub = new FakeZone('sub.example.com', 2);

function at(s: AnswerStep, server: typeof PARENT_SERVER): AnswerStep {
  return { ...s, server };
}

function setup() {
  const validator = createValidator({ trustAnchors: [example.anchor()], signatureCheck: ACCEPT_SIGNATURES });
  const table = new TableFetch();
  const dnskey = q('example.com', RRType.DNSKEY);
  table.set('example.com', RRType.DNSKEY, resolution(dnskey, Rcode.NOERROR, [step('answer', 'example.com', dnskey, [example.dnskeySet()])]));
  const sq = q('sub.example.com', RRType.DNSKEY);
  table.set('sub.example.com', RRType.DNSKEY, resolution(sq, Rcode.NOERROR, [step('answer', 'sub.example.com', sq, [sub.dnskeySet()])]));
  const context: ValidationContext = {
    query: { question: q('www.sub.example.com', RRType.A), rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 } },
    fetch: (qq) => table.fetch(qq),
    now: () => FAKE_NOW_MS,
  };
  return { validator, table, context };
}

/** "www.sub.example.com A" signed by sub.example.com, as the child's server sent it. */
function childData(): Resolution {
  const qq = q('www.sub.example.com', RRType.A);
  return resolution(qq, Rcode.NOERROR, [at(step('answer', 'sub.example.com', qq, [sub.sign({ name: N('www.sub.example.com'), type: RRType.A, rdata: [A_RDATA] })]), CHILD_SERVER)]);
}

/** The parent server's reply to "sub.example.com DS": `answer` in an alias step, then the target's NODATA. */
function dsByAlias(answer: RRset[], synthesized: RRset[] = []): Resolution {
  const dq = q('sub.example.com', RRType.DS);
  const tq = q('tgt.example.com', RRType.DS);
  const nodata = step('nodata', 'example.com', tq, [], [example.soa(), example.nsec('tgt.example.com', 'tgz.example.com', [RRType.A, RRType.RRSIG, RRType.NSEC])]);
  return resolution(dq, Rcode.NOERROR, [at({ ...step('alias', 'example.com', dq, answer), synthesized }, PARENT_SERVER), nodata]);
}

const wildcardCname = (): RRset => example.sign({ name: N('sub.example.com'), type: RRType.CNAME, rdata: [N('tgt.example.com').toWire()] }, { labels: 2 });

test('ds alias: a wildcard-expanded CNAME answering DS is a bogus DS answer, not "no cut" (ds_wildcard_cname)', async () => {
  const h = setup();
  const ds = dsByAlias([wildcardCname()]);
  h.table.set('sub.example.com', RRType.DS, ds);
  const data = childData();
  const v = await h.validator.validateResolution(data, h.context);
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  const text = v.reasons[0]?.text ?? '';
  // Names the zone, the server, and what was wrong; the child's data was not judged with the parent's keys.
  assert.match(text, /^DS query for sub\.example\.com\. from 192\.0\.2\.53 \(a server of example\.com\.\) was answered with a CNAME expanded from the wildcard \*\.example\.com\./);
  assert.doesNotMatch(text, /no RRSIG by example\.com/);
  assert.ok(!h.table.asked.includes(`sub.example.com. ${RRType.DNSKEY}`), h.table.asked.join());
  // The failure is the chain at sub.example.com, and the server to blame is the parent's, not the child's.
  assert.equal(v.bogusOrigin?.kind, 'keys');
  assert.ok(v.bogusOrigin?.kind === 'keys' && v.bogusOrigin.zone.equals(N('sub.example.com')));
  const suspects = v.bogusOrigin === undefined ? [] : suspectsOf(v.bogusOrigin, [data, ds]);
  assert.deepEqual(suspects.map((s) => `${s.server.address} ${s.zone.toString()}`), ['192.0.2.53 example.com.']);
});

test('ds alias: the real DS from another server of the parent makes the same data secure', async () => {
  const h = setup();
  const dq = q('sub.example.com', RRType.DS);
  h.table.set('sub.example.com', RRType.DS, resolution(dq, Rcode.NOERROR, [step('answer', 'example.com', dq, [example.dsSetFor(sub)])]));
  const v = await h.validator.validateResolution(childData(), h.context);
  assert.equal(v.security, 'secure', JSON.stringify(v.reasons));
});

test('ds alias: a wildcard CNAME at a name between the anchor and the signer is no proof of "no cut" either', async () => {
  const deep = new FakeZone('sub.a.example.com', 3);
  const h = setup();
  const aq = q('a.example.com', RRType.DS);
  const cname = example.sign({ name: N('a.example.com'), type: RRType.CNAME, rdata: [N('tgt.example.com').toWire()] }, { labels: 2 });
  h.table.set('a.example.com', RRType.DS, resolution(aq, Rcode.NOERROR, [at(step('alias', 'example.com', aq, [cname]), PARENT_SERVER)]));
  const dq = q('sub.a.example.com', RRType.DS);
  h.table.set('sub.a.example.com', RRType.DS, resolution(dq, Rcode.NOERROR, [step('answer', 'example.com', dq, [example.dsSetFor(deep)])]));
  const wq = q('www.sub.a.example.com', RRType.A);
  const data = resolution(wq, Rcode.NOERROR, [step('answer', 'sub.a.example.com', wq, [deep.sign({ name: wq.name, type: RRType.A, rdata: [A_RDATA] })])]);
  const v = await h.validator.validateResolution(data, h.context);
  assert.equal(v.security, 'bogus');
  assert.match(v.reasons[0]?.text ?? '', /^DS query for a\.example\.com\. .*wildcard \*\.example\.com\./);
});

test('ds alias: a real CNAME at the very name that signs the data contradicts it: bogus (a zone apex is never an alias)', async () => {
  const h = setup();
  const cname = example.sign({ name: N('sub.example.com'), type: RRType.CNAME, rdata: [N('tgt.example.com').toWire()] });
  h.table.set('sub.example.com', RRType.DS, dsByAlias([cname]));
  const v = await h.validator.validateResolution(childData(), h.context);
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(v.reasons[0]?.text ?? '', /^DS query for sub\.example\.com\. from 192\.0\.2\.53 .*a zone apex is never an alias/);
});

test('ds alias: a DNAME and its synthesised CNAME, or an unsigned CNAME, answering DS are bogus DS answers', async () => {
  const dname = example.sign({ name: N('example.com'), type: RRType.DNAME, rdata: [N('example.net').toWire()] });
  const synthesized = unsigned('sub.example.com', RRType.CNAME, [N('sub.example.net').toWire()]);
  const h = setup();
  h.table.set('sub.example.com', RRType.DS, dsByAlias([dname], [synthesized]));
  const v = await h.validator.validateResolution(childData(), h.context);
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(v.reasons[0]?.text ?? '', /^DS query for sub\.example\.com\. from 192\.0\.2\.53 \(a server of example\.com\.\) was answered with DNAME example\.com\., not a DS or its denial/);

  const u = setup();
  u.table.set('sub.example.com', RRType.DS, dsByAlias([unsigned('sub.example.com', RRType.CNAME, [N('tgt.example.com').toWire()])]));
  const w = await u.validator.validateResolution(childData(), u.context);
  assert.equal(w.security, 'bogus');
  assert.match(w.reasons[0]?.text ?? '', /^DS query for sub\.example\.com\. from 192\.0\.2\.53 .*was answered with a CNAME that does not verify/);
});
