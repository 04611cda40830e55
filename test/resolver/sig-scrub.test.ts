// Upstream RRSIG scrub (src/resolver/sig-scrub.ts): an RRset keeps its first MAX_RRSIGS_PER_RRSET
// RRSIGs in reply order, as Unbound's scrubber does (iter-scrub-rrsig); sets at the bound, other
// sets and RRSIGs that cover no set of the reply are untouched. End to end with really signed
// data: a valid signature among the kept ones still validates, one cut off does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { rrsigCodec } from '../../src/wire/rdata/dnssec.ts';
import type { Question, RR, RRset } from '../../src/wire/types.ts';
import { capSignatures, MAX_RRSIGS_PER_RRSET } from '../../src/resolver/sig-scrub.ts';
import { createResolver } from '../../src/resolver/index.ts';
import { createValidatorFromRecords } from '../../src/resolver/validation.ts';
import { FakeNet, reply, TestClock } from './fake-hierarchy.ts';
import { query } from './hierarchy.ts';
import { makeKey, signSet, withSigs } from '../adversarial/signer.ts';

const WWW = Name.of('www.example.');
const q: Question = { name: WWW, type: RRType.A, class: RRClass.IN };
const A: RR = { name: WWW, type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 1) };

/** A distinct, well-shaped RRSIG RDATA over `type` (the signature octets carry `n`). */
function sig(type: number, n: number): Uint8Array {
  return rrsigCodec.encode({
    typeCovered: type, algorithm: 8, labels: 2, originalTtl: 300, expiration: 2_000_000_000, inception: 1_000_000_000,
    keyTag: 12345, signerName: Name.of('example.'), signature: Uint8Array.of(n >> 8, n & 0xff),
  });
}

function sigRR(name: Name, type: number, n: number): RR {
  return { name, type: RRType.RRSIG, class: RRClass.IN, ttl: 300, rdata: sig(type, n) };
}

const sigNumbers = (rrs: readonly RR[]) => rrs.filter((r) => r.type === RRType.RRSIG).map((r) => (r.rdata[r.rdata.length - 2] << 8) | r.rdata[r.rdata.length - 1]);

test('the bound is Unbound\'s iter-scrub-rrsig default', () => {
  assert.equal(MAX_RRSIGS_PER_RRSET, 8);
});

test('40 RRSIGs on one RRset are cut to the bound, the first ones in reply order kept', () => {
  const answer = [A, ...Array.from({ length: 40 }, (_, i) => sigRR(WWW, RRType.A, i + 1))];
  const r = capSignatures(reply(q, Rcode.NOERROR, true, answer, []));
  assert.equal(r.removed, 40 - MAX_RRSIGS_PER_RRSET);
  assert.deepEqual(sigNumbers(r.message.answer), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(r.message.answer[0], A, 'the data record stays, first');
});

test('a set at the bound is untouched, and the message returned as it was', () => {
  const answer = [A, ...Array.from({ length: MAX_RRSIGS_PER_RRSET }, (_, i) => sigRR(WWW, RRType.A, i + 1))];
  const m = reply(q, Rcode.NOERROR, true, answer, []);
  const r = capSignatures(m);
  assert.equal(r.removed, 0);
  assert.equal(r.message, m);
});

test('the bound is per RRset: sets of other types or owners keep their own RRSIGs', () => {
  const ns: RR = { name: Name.of('example.'), type: RRType.NS, class: RRClass.IN, ttl: 300, rdata: Name.of('ns.example.').toWire() };
  const txt: RR = { name: WWW, type: RRType.TXT, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(1, 0x78) };
  const answer = [A, txt, ...Array.from({ length: 10 }, (_, i) => sigRR(WWW, RRType.A, i + 1)), ...Array.from({ length: 6 }, (_, i) => sigRR(WWW, RRType.TXT, 100 + i))];
  const authority = [ns, ...Array.from({ length: 8 }, (_, i) => sigRR(ns.name, RRType.NS, 200 + i))];
  const r = capSignatures(reply(q, Rcode.NOERROR, true, answer, authority));
  assert.equal(r.removed, 2);
  assert.deepEqual(sigNumbers(r.message.answer), [1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 104, 105]);
  assert.equal(sigNumbers(r.message.authority).length, 8);
});

test('RRSIGs of one set are counted across sections, answer first', () => {
  const answer = [A, ...Array.from({ length: 6 }, (_, i) => sigRR(WWW, RRType.A, i + 1))];
  const additional = Array.from({ length: 4 }, (_, i) => sigRR(WWW, RRType.A, 50 + i));
  const r = capSignatures(reply(q, Rcode.NOERROR, true, answer, [], additional));
  assert.equal(r.removed, 2);
  assert.equal(sigNumbers(r.message.answer).length, 6);
  assert.deepEqual(sigNumbers(r.message.additional), [50, 51]);
});

test('byte-identical repeats are not counted; RRSIGs covering no set of the reply (QTYPE=RRSIG) stay', () => {
  const repeats = Array.from({ length: 20 }, () => sigRR(WWW, RRType.A, 1));
  const answer = [A, ...repeats, ...Array.from({ length: 7 }, (_, i) => sigRR(WWW, RRType.A, i + 2))];
  const r = capSignatures(reply(q, Rcode.NOERROR, true, answer, []));
  assert.equal(r.removed, 0);
  const orphans = Array.from({ length: 30 }, (_, i) => sigRR(WWW, RRType.MX, i + 1));
  const o = capSignatures(reply({ ...q, type: RRType.RRSIG }, Rcode.NOERROR, true, orphans, []));
  assert.equal(o.removed, 0);
  assert.equal(o.message.answer.length, 30);
});

// ---- end to end: resolver + validator with a really signed zone --------------------------------

const ZONE = Name.of('sigs.');
const SERVER = '127.0.7.9';
const TTL = 300;
/** TestClock starts at 1000 s: signatures valid from 500 s to 10^6 s. */
const WINDOW = { inception: 500, expiration: 1_000_000 };

/** `www.sigs. A` answered with 40 RRSIGs: junk by a key tag the zone does not have, and the valid one at `validAt`. */
function world(validAt: number) {
  const key = makeKey();
  const keys: Pick<RRset, 'name' | 'type' | 'class' | 'ttl' | 'rdata'> = { name: ZONE, type: RRType.DNSKEY, class: RRClass.IN, ttl: TTL, rdata: [key.rdata] };
  const net = new FakeNet().serve(SERVER, {
    kind: 'custom',
    answer: (question: Question) => {
      if (question.type === RRType.DNSKEY) return reply(question, Rcode.NOERROR, true, withSigs(keys, [signSet(keys, key, { signer: ZONE, ...WINDOW })]), []);
      const data = { name: question.name, type: RRType.A, class: RRClass.IN, ttl: TTL, rdata: [Uint8Array.of(192, 0, 2, 7)] };
      const valid = rrsigCodec.decode(signSet(data, key, { signer: ZONE, ...WINDOW }));
      assert.ok(valid.ok);
      const junk = (i: number) => rrsigCodec.encode({ ...valid.value, keyTag: (key.tag + 1 + i) & 0xffff, signature: valid.value.signature.map((b, j) => (b + i + j) & 0xff) });
      const sigs = Array.from({ length: 40 }, (_, i) => (i === validAt ? rrsigCodec.encode(valid.value) : junk(i)));
      return reply(question, Rcode.NOERROR, true, withSigs(data, sigs), []);
    },
  });
  const anchors: RR[] = [{ name: ZONE, type: RRType.DNSKEY, class: RRClass.IN, ttl: TTL, rdata: key.rdata }];
  const v = createValidatorFromRecords(anchors, {});
  assert.ok(v.ok, v.ok ? '' : v.error);
  const resolver = createResolver(
    { stubZones: [{ zone: ZONE, addresses: [{ address: SERVER, port: 53 }] }], trustAnchors: anchors, doIp6: false },
    { transport: net, clock: new TestClock(), validator: v.validator, random: () => 0.99 },
  );
  v.validator.attachCache(resolver.cache);
  return resolver;
}

test('the valid RRSIG among the kept ones: secure, and only the bound\'s worth of RRSIGs is cached and answered', async () => {
  const resolver = world(MAX_RRSIGS_PER_RRSET - 1);
  const o = await resolver.resolve(query('www.sigs.', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
  assert.equal(o.security, 'secure');
  assert.equal(o.answer[0]?.sigs.length, MAX_RRSIGS_PER_RRSET);
  assert.equal(resolver.cache.getRRset(Name.of('www.sigs.'), RRType.A, RRClass.IN)?.rrset.sigs.length, MAX_RRSIGS_PER_RRSET);
});

test('the valid RRSIG past the bound is cut with the rest: the answer does not validate', async () => {
  const resolver = world(MAX_RRSIGS_PER_RRSET);
  const o = await resolver.resolve(query('www.sigs.', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.equal(o.security, 'bogus');
});
