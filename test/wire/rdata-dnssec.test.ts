// DNSSEC RDATA codecs against the examples printed in RFC 4034 and RFC 5155 Appendix A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import type { RdataCodec, Token } from '../../src/wire/rdata/codec.ts';
import {
  dnskeyCodec, rrsigCodec, dsCodec, nsecCodec, nsec3Codec, nsec3paramCodec, cdsCodec, cdnskeyCodec,
  encodeTypeBitmap, decodeTypeBitmap, rrsigSignedData,
} from '../../src/wire/rdata/dnssec.ts';

function tokens(text: string): Token[] {
  return text.trim().split(/\s+/).map((t) => ({ text: t, quoted: false }));
}

function parse<T>(codec: RdataCodec<T>, text: string, origin = Name.root): T {
  const r = codec.fromText(tokens(text), origin);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function roundTrip<T>(codec: RdataCodec<T>, v: T): Uint8Array {
  const wire = codec.encode(v);
  const back = codec.decode(wire);
  assert.ok(back.ok, back.ok ? '' : back.error);
  assert.deepEqual(codec.encode(back.value), wire);
  const again = codec.fromText(tokens(codec.toText(back.value)), Name.root);
  assert.ok(again.ok, again.ok ? '' : again.error);
  assert.deepEqual(codec.encode(again.value), wire);
  return wire;
}

const RFC4034_DNSKEY = `256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3
  Cbl+BBZH4b/0PY1kxkmvHjcZc8no kfzj31GajIQKY+5CptLr3buXA10h WqTkF7H6RfoRqXQeogmMHfpftf6z
  Mv1LyBUgia7za6ZEzOJBOztyvhjL 742iU/TpPSEDhm2SNKLijfUppn1U aNvv4w==`;

test('RFC 4034 §2.3 DNSKEY example', () => {
  const v = parse(dnskeyCodec, RFC4034_DNSKEY);
  assert.equal(v.flags, 256);
  assert.equal(v.protocol, 3);
  assert.equal(v.algorithm, 5);
  assert.equal(Buffer.from(v.publicKey).toString('base64'), RFC4034_DNSKEY.split(/\s+/).slice(3).join(''));
  const wire = roundTrip(dnskeyCodec, v);
  assert.deepEqual([...wire.subarray(0, 4)], [0x01, 0x00, 0x03, 0x05]);
  assert.equal(dnskeyCodec.toText(v).split(' ').length, 4);
});

test('RFC 4034 §3.3 RRSIG example, times in YYYYMMDDHHmmSS', () => {
  const text = `A 5 3 86400 20030322173103 20030220173103 2642 example.com.
    oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr PYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6o
    B9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t GNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkG
    J5D6fwFm8nN+6pBzeDQfsS3Ap3o=`;
  const v = parse(rrsigCodec, text);
  assert.equal(v.typeCovered, RRType.A);
  assert.equal(v.algorithm, 5);
  assert.equal(v.labels, 3);
  assert.equal(v.originalTtl, 86400);
  assert.equal(v.expiration, Date.UTC(2003, 2, 22, 17, 31, 3) / 1000);
  assert.equal(v.inception, Date.UTC(2003, 1, 20, 17, 31, 3) / 1000);
  assert.equal(v.keyTag, 2642);
  assert.ok(v.signerName.equals(Name.of('example.com.')));
  const wire = roundTrip(rrsigCodec, v);
  // Fixed part: times checked independently with `date -u -d @0x3E7C9DD7`.
  assert.deepEqual(wire.subarray(0, 18), hex('0001 05 03 00015180 3E7C9DD7 3E5510D7 0A52'));
  assert.match(rrsigCodec.toText(v), /^A 5 3 86400 20030322173103 20030220173103 2642 example\.com\. oJB1/);
});

test('RRSIG accepts plain seconds for times', () => {
  const v = parse(rrsigCodec, 'A 8 2 300 1700000000 1600000000 1 Example.COM. AAAA');
  assert.equal(v.expiration, 1700000000);
  assert.equal(v.inception, 1600000000);
});

test('rrsigSignedData is the RDATA without the signature and with the signer name lower-cased', () => {
  const v = parse(rrsigCodec, 'A 8 2 300 1700000000 1600000000 1 Example.COM. AAAA');
  const signed = rrsigSignedData(v);
  const wire = rrsigCodec.encode(v);
  assert.equal(signed.length, wire.length - 3);
  assert.deepEqual(signed.subarray(0, 18), wire.subarray(0, 18));
  assert.deepEqual(signed.subarray(18), Name.of('example.com.').toWire());
  // Case is preserved in the RDATA itself.
  assert.deepEqual(wire.subarray(18, wire.length - 3), Name.of('Example.COM.').toWire());
});

test('RFC 4034 §4.3 NSEC example matches the RFC wire bytes', () => {
  const v = parse(nsecCodec, 'host.example.com. A MX RRSIG NSEC TYPE1234');
  assert.deepEqual(v.types, [1, 15, 46, 47, 1234]);
  const wire = roundTrip(nsecCodec, v);
  const expected = hex(`04686f7374076578616d706c6503636f6d00
    0006400100000003 041b000000000000 0000000000000000 0000000000000000 0000000020`);
  assert.deepEqual(wire, expected);
  assert.equal(nsecCodec.toText(v), 'host.example.com. A MX RRSIG NSEC TYPE1234');
});

test('RFC 4034 §5.4 DS example', () => {
  const v = parse(dsCodec, '60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118');
  assert.equal(v.keyTag, 60485);
  assert.equal(v.digestType, 1);
  assert.equal(v.digest.length, 20);
  roundTrip(dsCodec, v);
  assert.equal(dsCodec.toText(v), '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118');
  assert.equal(cdsCodec.type, RRType.CDS);
  assert.equal(cdnskeyCodec.type, RRType.CDNSKEY);
});

test('RFC 5155 Appendix A NSEC3 and NSEC3PARAM records', () => {
  const a = parse(nsec3Codec, '1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG');
  assert.equal(a.hashAlgorithm, 1);
  assert.equal(a.flags, 1);
  assert.equal(a.iterations, 12);
  assert.deepEqual(a.salt, hex('aabbccdd'));
  assert.equal(a.nextHashed.length, 20);
  assert.deepEqual(a.types, [RRType.NS, RRType.SOA, RRType.MX, RRType.RRSIG, RRType.DNSKEY, RRType.NSEC3PARAM]);
  roundTrip(nsec3Codec, a);
  assert.equal(nsec3Codec.toText(a), '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM');

  const b = parse(nsec3Codec, '1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG');
  assert.equal(nsec3Codec.toText(b), '1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG');

  // An NSEC3 with no types (empty non-terminal) and no salt.
  const c = parse(nsec3Codec, '1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s');
  assert.deepEqual(c.types, []);
  assert.equal(c.salt.length, 0);
  assert.equal(nsec3Codec.toText(c), '1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S');
  roundTrip(nsec3Codec, c);

  const p = parse(nsec3paramCodec, '1 0 12 aabbccdd');
  assert.deepEqual(nsec3paramCodec.encode(p), hex('01 00 000c 04 aabbccdd'));
  assert.equal(nsec3paramCodec.toText(p), '1 0 12 AABBCCDD');
  roundTrip(nsec3paramCodec, p);
});

test('type bitmap encode/decode', () => {
  assert.deepEqual(encodeTypeBitmap([]), new Uint8Array(0));
  const b = encodeTypeBitmap([RRType.CAA, RRType.A, RRType.A, 65535]);
  assert.deepEqual(b, hex('0001 40  0101 40  ff20' + '00'.repeat(31) + '01'));
  const d = decodeTypeBitmap(b);
  assert.ok(d.ok);
  assert.deepEqual(d.value, [RRType.A, RRType.CAA, 65535]);
});

test('malformed DNSSEC RDATA is rejected, never thrown', () => {
  const bad: [RdataCodec<unknown>, string, RegExp][] = [
    [dnskeyCodec as RdataCodec<unknown>, '0101', /too short/],
    [dsCodec as RdataCodec<unknown>, '00', /too short/],
    [rrsigCodec as RdataCodec<unknown>, '000108020000012c', /too short/],
    // Signer name runs past the end.
    [rrsigCodec as RdataCodec<unknown>, '0001080200000e10000000010000000100010365', /past the end/],
    [nsecCodec as RdataCodec<unknown>, '00 0102 40', /past the end/],
    // Windows out of order.
    [nsecCodec as RdataCodec<unknown>, '00 0101 01 0001 40', /out of order/],
    [nsecCodec as RdataCodec<unknown>, '00 0001 40 0001 40', /out of order/],
    [nsecCodec as RdataCodec<unknown>, '00 0000', /bad window length/],
    [nsecCodec as RdataCodec<unknown>, '00 0021' + '00'.repeat(32) + '01', /bad window length/],
    [nsecCodec as RdataCodec<unknown>, '00 000240 00', /trailing zero/],
    [nsecCodec as RdataCodec<unknown>, '00 00', /truncated/],
    // Compression pointer inside RDATA.
    [nsecCodec as RdataCodec<unknown>, 'c00c 000140', /compression pointer/],
    [nsec3Codec as RdataCodec<unknown>, '01 00 0000 00 05 0102', /too short/],
    [nsec3Codec as RdataCodec<unknown>, '01 00 0000 00 00', /empty next hashed/],
    [nsec3paramCodec as RdataCodec<unknown>, '01 00 0000 00 ff', /trailing/],
  ];
  for (const [codec, h, re] of bad) {
    const r = codec.decode(hex(h));
    assert.equal(r.ok, false, `${codec.type} ${h}`);
    if (!r.ok) assert.match(r.error, re);
  }
});

test('malformed DNSSEC presentation is rejected', () => {
  assert.equal(rrsigCodec.fromText(tokens('A 8 2 300 20031301000000 1600000000 1 a. AAAA'), Name.root).ok, false);
  assert.equal(rrsigCodec.fromText(tokens('BOGUS 8 2 300 1 1 1 a. AAAA'), Name.root).ok, false);
  assert.equal(dsCodec.fromText(tokens('1 8 2 ABC'), Name.root).ok, false);
  assert.equal(dnskeyCodec.fromText(tokens('257 3 8 AAA'), Name.root).ok, false);
  assert.equal(nsec3Codec.fromText(tokens('1 0 0 - 0'), Name.root).ok, false);
  assert.equal(nsec3paramCodec.fromText(tokens('1 0 0 - extra'), Name.root).ok, false);
  assert.equal(nsecCodec.fromText(tokens('a. A NOTATYPE'), Name.root).ok, false);
});
