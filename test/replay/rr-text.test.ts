import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { rrsigCodec } from '../../src/wire/rdata/dnssec.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { parseRrText } from './rr-text.ts';

const HEAD = 'www.example.com. 3600 IN RRSIG NSEC 8 3 3600 20070926135752 20070829135752 2854 example.com.';

function signatureOf(text: string): Uint8Array {
  const r = parseRrText(text, Name.root, 3600);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.rr.type, RRType.RRSIG);
  const v = rrsigCodec.decode(r.rr.rdata);
  assert.ok(v.ok);
  return v.value.signature;
}

test('an RRSIG without its signature field is read with an empty signature, as testbound does', () => {
  assert.equal(parseZone(HEAD).ok, false, 'the daemon\'s parser stays strict');
  assert.deepEqual(signatureOf(HEAD), new Uint8Array(0));
  assert.deepEqual(signatureOf(`${HEAD} ;{id = 2854}`), new Uint8Array(0));
});

test('base64 without its padding is decoded (sldns does), the rest of the RDATA unchanged', () => {
  assert.equal(parseZone(`${HEAD} AQID`).ok, true);
  assert.deepEqual(signatureOf(`${HEAD} AQIDBA`), new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(signatureOf(`${HEAD} AQIDBA==`), new Uint8Array([1, 2, 3, 4]));
  const strict = parseRrText(`${HEAD} AQIDBA==`, Name.root, 3600);
  const lenient = parseRrText(`${HEAD} AQIDBA`, Name.root, 3600);
  assert.ok(strict.ok && lenient.ok);
  assert.deepEqual(lenient.rr.rdata, strict.rr.rdata);
});

test('other malformed records still fail', () => {
  assert.equal(parseRrText(`${HEAD} not*base64`, Name.root, 3600).ok, false);
  assert.equal(parseRrText('www.example.com. 3600 IN A 1.2.3', Name.root, 3600).ok, false);
  assert.equal(parseRrText('www.example.com. 3600 IN RRSIG NSEC 8 3', Name.root, 3600).ok, false);
});
