import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType, RRClass } from '../../src/wire/constants.ts';
import { rrToText, rrsetToText } from '../../src/wire/print.ts';

test('rrToText prints dig-style tab-separated lines', () => {
  const rr = { name: Name.of('www.example.'), type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 1) };
  assert.equal(rrToText(rr), 'www.example.\t300\tIN\tA\t192.0.2.1');
  assert.equal(rrToText({ ...rr, type: 4321, class: 7 }), 'www.example.\t300\tCLASS7\tTYPE4321\t\\# 4 C0000201');
  assert.equal(rrToText({ ...rr, name: Name.root, type: RRType.TXT, rdata: Uint8Array.of(1, 0x22) }), '.\t300\tIN\tTXT\t"\\""');
});

test('rrsetToText prints the records and then the covering RRSIGs', () => {
  const sig = Uint8Array.from([
    0, 1, 13, 2, 0, 0, 0, 60, 0x65, 0x53, 0xf1, 0x00, 0x65, 0x2c, 0x64, 0x00, 0x12, 0x34,
    ...Name.of('example.').toWire(), 1, 2, 3,
  ]);
  // Times: `date -u -d @$((0x6553f100)) +%Y%m%d%H%M%S` gives 20231114221320.
  const text = rrsetToText({
    name: Name.of('a.example.'), type: RRType.A, class: RRClass.IN, ttl: 60,
    rdata: [Uint8Array.of(192, 0, 2, 1), Uint8Array.of(192, 0, 2, 2)], sigs: [sig],
  });
  assert.equal(text, [
    'a.example.\t60\tIN\tA\t192.0.2.1',
    'a.example.\t60\tIN\tA\t192.0.2.2',
    'a.example.\t60\tIN\tRRSIG\tA 13 2 60 20231114221320 20231015221320 4660 example. AQID',
  ].join('\n'));
});
