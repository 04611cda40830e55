// The registry and the non-DNSSEC codecs: fallbacks, escapes, SvcParams, malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { rdataCodecFor, rdataToText, rdataFromText } from '../../src/wire/rdata/index.ts';
import { canonicalRdata, hasCanonicalNames } from '../../src/wire/canonical.ts';
import { readableSvcParams, SvcParamKey } from '../../src/wire/rdata/svcb.ts';
import { tokenizeLine } from '../../src/wire/zonefile.ts';
import { ipv6ToText, parseIPv6 } from '../../src/wire/rdata/text.ts';
import type { Token } from '../../src/wire/rdata/codec.ts';

function fields(text: string): Token[] {
  const t = tokenizeLine(text);
  assert.ok(t.ok);
  return t.entry?.tokens ?? [];
}

function fromText(type: number, text: string, origin = Name.root): Uint8Array {
  const r = rdataFromText(type, fields(text), origin);
  assert.ok(r.ok, r.ok ? '' : `${text}: ${r.error}`);
  return r.value;
}

function fromTextError(type: number, text: string): string {
  const r = rdataFromText(type, fields(text), Name.root);
  assert.equal(r.ok, false, text);
  return r.ok ? '' : r.error;
}

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('unknown types and undecodable known RDATA print as \\# len hex', () => {
  assert.equal(rdataToText(65000, hex('00ff')), '\\# 2 00FF');
  assert.equal(rdataToText(RRType.A, hex('0102')), '\\# 2 0102');
  assert.equal(rdataToText(RRType.MX, hex('000a')), '\\# 2 000A');
  assert.equal(rdataToText(RRType.TXT, new Uint8Array(0)), '\\# 0');
  assert.equal(rdataCodecFor(65000), undefined);
});

test('names: relative names take the origin; case is preserved on the wire', () => {
  assert.deepEqual(fromText(RRType.CNAME, 'Www', Name.of('Example.')), hex('03 577777 07 4578616d706c65 00'));
  assert.equal(rdataToText(RRType.MX, fromText(RRType.MX, '5 @', Name.of('e.x.'))), '5 e.x.');
  assert.match(fromTextError(RRType.NS, 'a..b.'), /empty label/);
  assert.match(fromTextError(RRType.NS, `${'a'.repeat(64)}.`), /63/);
});

test('TXT: escapes, over-long strings, several strings', () => {
  const w = fromText(RRType.TXT, '"a\\"b\\\\c" \\255\\000 x\\ y');
  assert.deepEqual(w, hex('05 61 22 62 5c 63  02 ff 00  03 78 20 79'));
  assert.equal(rdataToText(RRType.TXT, w), '"a\\"b\\\\c" "\\255\\000" "x y"');
  assert.match(fromTextError(RRType.TXT, `"${'x'.repeat(256)}"`), /255/);
  assert.match(fromTextError(RRType.TXT, '"\\256"'), /out of range/);
  assert.match(fromTextError(RRType.HINFO, '"one"'), /expected 2/);
  // UTF-8 text is taken as its octets and printed escaped.
  assert.equal(rdataToText(RRType.TXT, fromText(RRType.TXT, '"é"')), '"\\195\\169"');
});

test('AAAA text follows RFC 5952 and reads embedded IPv4', () => {
  const cases: [string, string][] = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:1:1:1:1:1:0', '2001:db8:1:1:1:1:1:0'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
  ];
  for (const [input, out] of cases) {
    const b = parseIPv6(input);
    assert.ok(b, input);
    assert.equal(ipv6ToText(b), out, input);
  }
  for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::1.2.3', 'g::']) {
    assert.equal(parseIPv6(bad), undefined, bad);
  }
  assert.match(fromTextError(RRType.A, '256.1.1.1'), /invalid address/);
});

test('SVCB/HTTPS: RFC 9460 value lists, escapes and ordering', () => {
  // RFC 9460 Appendix D.2, "alpn with escaped commas": f\oo,bar and h2.
  const w = fromText(RRType.SVCB, '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"');
  assert.deepEqual(w.subarray(w.length - 16), hex('0001 000c 08 665c6f6f2c626172 02 6832'));
  assert.equal(rdataToText(RRType.SVCB, w), '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"');
  // Keys are sorted on the wire whatever the text order (RFC 9460 Appendix D.2, "reordered").
  const r = fromText(RRType.SVCB, '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1');
  assert.deepEqual(r, hex(`0010 03666f6f076578616d706c65036f726700
    0000 0004 0001 0004  0001 0009 026832 05 68332d3139  0004 0004 c0000201`));
  assert.equal(rdataToText(RRType.SVCB, r), '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1');
  // Appendix D.1: AliasMode, and a port.
  assert.deepEqual(fromText(RRType.HTTPS, '0 foo.example.com.'), hex('0000 03666f6f076578616d706c6503636f6d00'));
  assert.deepEqual(fromText(RRType.SVCB, '1 . port=53'), hex('0001 00 0003 0002 0035'));
  // Unknown keys, bare and with a value.
  assert.deepEqual(fromText(RRType.SVCB, '1 . key667'), hex('0001 00 029b 0000'));
  assert.deepEqual(fromText(RRType.SVCB, '1 . key667=hello\\210qoo'), hex('0001 00 029b 0009 68656c6c6fd271 6f6f'));
  assert.equal(rdataToText(RRType.SVCB, hex('0001 00 029b 0009 68656c6c6fd271 6f6f')), '1 . key667="hello\\210qoo"');
  assert.equal(rdataToText(RRType.SVCB, fromText(RRType.SVCB, '1 . ipv6hint=2001:db8::1,::ffff:198.51.100.100')),
    '1 . ipv6hint=2001:db8::1,::ffff:198.51.100.100');

  assert.match(fromTextError(RRType.SVCB, '1 . alpn=h2 alpn=h3'), /repeated/);
  assert.match(fromTextError(RRType.SVCB, '1 . mandatory=port'), /mandatory key port missing/);
  assert.match(fromTextError(RRType.SVCB, '1 . mandatory=mandatory'), /lists itself/);
  assert.match(fromTextError(RRType.SVCB, '1 . no-default-alpn=x'), /no value/);
  assert.match(fromTextError(RRType.SVCB, '1 . port'), /missing value/);
  assert.match(fromTextError(RRType.SVCB, '1 . port=65536'), /larger/);
  assert.match(fromTextError(RRType.SVCB, '1 . bogus=1'), /unknown SvcParamKey/);
  assert.match(fromTextError(RRType.SVCB, '1 . ipv4hint=1.2.3'), /invalid address/);
  assert.match(fromTextError(RRType.SVCB, '1 . alpn=h2,,h3'), /empty/);

  const codec = rdataCodecFor(RRType.SVCB);
  assert.ok(codec);
  // Keys out of order, repeated, and values of the wrong length are malformed on the wire.
  for (const bad of ['0001 00 0003 0002 0035 0001 0003 026832', '0001 00 0003 0002 0035 0003 0002 0035',
    '0001 00 0003 0001 35', '0001 00 0002 0001 00', '0001 00 0004 0003 010203', '0001 00 0001 0000',
    '0001 00 0001 0003 036832', '0001 00 0000 0001 00', '0001 00 0003 0005 0035']) {
    const r = codec.decode(hex(bad));
    assert.equal(r.ok, false, bad);
  }
});

test('RFC 9460 §2.2 malformed SVCB/HTTPS RDATA: printed in RFC 3597 form, canonical as sent, hints still readable', () => {
  const codec = rdataCodecFor(RRType.HTTPS);
  assert.ok(codec);
  const repeated = hex('0001 00 0001 0003 026832 0001 0003 026833'); // alpn twice
  const cutShort = hex('0001 00 0001 0004 0268'); // alpn claims 4 octets, 2 follow
  for (const bad of [repeated, cutShort]) {
    assert.equal(codec.decode(bad).ok, false);
    // No names that RFC 4034 §6.2 lower-cases: the canonical form is the RDATA as sent.
    assert.deepEqual(canonicalRdata(RRType.HTTPS, bad), bad);
  }
  // dig +unknownformat prints the same uppercase-hex form (dig 9.18 rejects the whole message instead).
  assert.equal(rdataToText(RRType.HTTPS, repeated), '\\# 17 0001000001000302683200010003026833');
  assert.equal(rdataToText(RRType.HTTPS, cutShort), '\\# 9 000100000100040268');
  // The generic form reads back to the same bytes; a zone file still may not hold it for a known type.
  assert.match(fromTextError(RRType.HTTPS, rdataToText(RRType.HTTPS, repeated)), /not valid for this type/);
  assert.deepEqual(fromText(65280, rdataToText(RRType.HTTPS, repeated)), repeated);

  // A lenient reader (what a filter of hint addresses needs) keeps repeated and unordered keys and
  // stops at the first parameter cut short.
  assert.deepEqual(readableSvcParams(repeated).map((p) => [p.key, hexOf(p.value)]), [[1, '026832'], [1, '026833']]);
  assert.deepEqual(readableSvcParams(cutShort), []);
  const hintThenCut = hex('0001 00 0004 0004 0a000001 0001 0004 0268');
  assert.deepEqual(readableSvcParams(hintThenCut).map((p) => [p.key, hexOf(p.value)]), [[SvcParamKey.IPV4HINT, '0a000001']]);
  const unordered = hex('0001 00 0004 0004 c0000201 0001 0003 026832 0004 0004 0a000001');
  assert.equal(codec.decode(unordered).ok, false);
  assert.deepEqual(readableSvcParams(unordered).map((p) => p.key), [SvcParamKey.IPV4HINT, SvcParamKey.ALPN, SvcParamKey.IPV4HINT]);
  assert.deepEqual(readableSvcParams(hex('0001')), []);
});

test('CAA, NAPTR, SRV, SOA round trips and errors', () => {
  const caa = fromText(RRType.CAA, `0 issue "${'a'.repeat(300)}"`);
  assert.equal(caa.length, 2 + 5 + 300);
  assert.match(fromTextError(RRType.CAA, '0 is-sue "x"'), /invalid tag/);
  assert.equal(rdataToText(RRType.CAA, hex('00 00')), '\\# 2 0000');
  assert.equal(rdataToText(RRType.NAPTR, fromText(RRType.NAPTR, '1 2 "" "" "" .')), '1 2 "" "" "" .');
  assert.match(fromTextError(RRType.SRV, '1 2 65536 a.'), /larger than 65535/);
  assert.equal(rdataToText(RRType.SOA, fromText(RRType.SOA, 'a. b. 4294967295 1w 1d 1h 1m')),
    'a. b. 4294967295 604800 86400 3600 60');
  assert.match(fromTextError(RRType.SOA, 'a. b. 1 2 3 4'), /expected 7/);
});

test('malformed RDATA of every codec is rejected without throwing', () => {
  const cases: [number, string][] = [
    [RRType.A, '010203'], [RRType.A, '0102030405'], [RRType.AAAA, '00'], [RRType.NS, ''], [RRType.NS, '0361'],
    [RRType.NS, '00 00'], [RRType.CNAME, '40' + '61'.repeat(64) + '00'], [RRType.PTR, 'c00c'],
    [RRType.SOA, '00 00 00000001'], [RRType.MX, '00'], [RRType.MX, '000a 00 01'], [RRType.TXT, '05 6162'],
    [RRType.HINFO, '0161'], [RRType.HINFO, '0161 0162 0163'], [RRType.RP, '00'], [RRType.AFSDB, '0001'],
    [RRType.SRV, '0001 0002 0003'], [RRType.NAPTR, '0001 0002 01 53'], [RRType.CAA, '00 00 61'],
    [RRType.SSHFP, '01'], [RRType.TLSA, '0301'], [RRType.SMIMEA, '03'], [RRType.ZONEMD, '0000000001'],
    [RRType.SVCB, '0001'], [RRType.HTTPS, '0001 00 0001'],
  ];
  // A name that runs to 256 octets.
  cases.push([RRType.NS, ('3f' + '61'.repeat(63)).repeat(4) + '00']);
  for (const [type, h] of cases) {
    const codec = rdataCodecFor(type);
    assert.ok(codec, String(type));
    const r = codec.decode(hex(h));
    assert.equal(r.ok, false, `${type} ${h}`);
    assert.ok(rdataToText(type, hex(h)).startsWith('\\# '), `${type} ${h}`);
  }
});

test("every codec's canonicalLowercase flag agrees with canonical.ts", () => {
  for (let type = 1; type < 300; type++) {
    const codec = rdataCodecFor(type);
    if (codec) assert.equal(codec.canonicalLowercase, hasCanonicalNames(type), String(type));
  }
});
