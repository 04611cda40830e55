import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findOptions,
  makeCookieOption,
  makeEdeOption,
  makeNsidOption,
  makePaddingOption,
  makeTcpKeepaliveOption,
  padMessage,
  paddingLengthFor,
  readCookieOption,
  readEdeOption,
  readEdes,
  readNsidOption,
  readTcpKeepaliveOption,
  RESPONSE_PADDING_BLOCK,
  withOption,
} from '../../src/wire/edns.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import { EdnsOptionCode, RRClass, RRType, Rcode } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import { NO_FLAGS } from '../../src/wire/types.ts';
import type { Edns, Message } from '../../src/wire/types.ts';

const edns: Edns = { udpSize: 1232, version: 0, dnssecOk: false, zFlags: 0, options: [] };

test('EDE: info-code then UTF-8 EXTRA-TEXT, no NUL', () => {
  const o = makeEdeOption({ ede: EdeCode.SIGNATURE_EXPIRED, text: 'sig über example.' });
  assert.equal(o.code, EdnsOptionCode.EDE);
  assert.deepEqual([...o.data.subarray(0, 2)], [0, 7]);
  assert.deepEqual(Buffer.from(o.data.subarray(2)), Buffer.from('sig über example.', 'utf8'));
  assert.deepEqual(readEdeOption(o), { ede: EdeCode.SIGNATURE_EXPIRED, text: 'sig über example.' });
});

test('EDE: empty text, trailing NUL tolerated, too short and wrong code rejected', () => {
  assert.deepEqual(readEdeOption(makeEdeOption({ ede: EdeCode.BLOCKED, text: '' })), { ede: EdeCode.BLOCKED, text: '' });
  assert.deepEqual(readEdeOption({ code: EdnsOptionCode.EDE, data: Uint8Array.of(0, 18, 0x6e, 0x6f, 0) }), { ede: EdeCode.PROHIBITED, text: 'no' });
  assert.equal(readEdeOption({ code: EdnsOptionCode.EDE, data: Uint8Array.of(0) }), undefined);
  assert.equal(readEdeOption({ code: EdnsOptionCode.PADDING, data: Uint8Array.of(0, 1) }), undefined);
});

test('EDE: several options survive a message round trip in order', () => {
  const e: Edns = { ...edns, options: [makeEdeOption({ ede: 6, text: 'a' }), makeNsidOption('x'), makeEdeOption({ ede: 9, text: 'b' })] };
  const msg: Message = {
    id: 1, opcode: 0, flags: { ...NO_FLAGS, qr: true }, rcode: Rcode.SERVFAIL,
    question: [{ name: Name.of('example'), type: RRType.A, class: RRClass.IN }], answer: [], authority: [], additional: [], edns: e,
  };
  const r = decodeMessage(encodeMessage(msg));
  assert.ok(r.ok);
  assert.deepEqual(readEdes(r.message.edns), [{ ede: 6, text: 'a' }, { ede: 9, text: 'b' }]);
  assert.equal(findOptions(r.message.edns, EdnsOptionCode.EDE).length, 2);
  assert.deepEqual(findOptions(undefined, EdnsOptionCode.EDE), []);
});

test('cookie: client-only and client+server forms; illegal lengths', () => {
  const client = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const server = new Uint8Array(16).fill(9);
  const c1 = makeCookieOption({ client });
  assert.equal(c1.data.length, 8);
  assert.deepEqual(readCookieOption(c1), { client });
  const c2 = makeCookieOption({ client, server });
  assert.equal(c2.data.length, 24);
  assert.deepEqual(readCookieOption(c2), { client, server });
  for (const n of [0, 7, 9, 15, 41]) {
    assert.equal(readCookieOption({ code: EdnsOptionCode.COOKIE, data: new Uint8Array(n) }), undefined, `length ${n}`);
  }
  assert.ok(readCookieOption({ code: EdnsOptionCode.COOKIE, data: new Uint8Array(40) }));
  assert.throws(() => makeCookieOption({ client: new Uint8Array(7) }), RangeError);
  assert.throws(() => makeCookieOption({ client, server: new Uint8Array(33) }), RangeError);
});

test('tcp-keepalive: empty client form, 100 ms units in the server form', () => {
  assert.deepEqual(readTcpKeepaliveOption(makeTcpKeepaliveOption()), {});
  const o = makeTcpKeepaliveOption(30_000);
  assert.deepEqual([...o.data], [0x01, 0x2c]);
  assert.deepEqual(readTcpKeepaliveOption(o), { timeoutMs: 30_000 });
  assert.equal(readTcpKeepaliveOption({ code: EdnsOptionCode.TCP_KEEPALIVE, data: new Uint8Array(1) }), undefined);
});

test('NSID: empty request and text answer', () => {
  assert.equal(readNsidOption(makeNsidOption())?.length, 0);
  assert.equal(new TextDecoder().decode(readNsidOption(makeNsidOption('ns1'))), 'ns1');
  assert.equal(readNsidOption(makePaddingOption(1)), undefined);
});

test('padding: length arithmetic includes the 4-octet option header', () => {
  assert.equal(paddingLengthFor(100, 128), 24);
  assert.equal(paddingLengthFor(124, 128), 0);
  assert.equal(paddingLengthFor(125, 128), 127);
  assert.equal(paddingLengthFor(400, 468, 450), 46);
  assert.equal(paddingLengthFor(460, 468, 450), 0);
});

test('padMessage pads a response to a multiple of 468 and replaces old padding', () => {
  const msg: Message = {
    id: 7, opcode: 0, flags: { ...NO_FLAGS, qr: true }, rcode: 0,
    question: [{ name: Name.of('www.example'), type: RRType.A, class: RRClass.IN }],
    answer: [{ name: Name.of('www.example'), type: RRType.A, class: RRClass.IN, ttl: 60, rdata: Uint8Array.of(1, 2, 3, 4) }],
    authority: [], additional: [],
    edns: withOption(edns, makePaddingOption(300)),
  };
  const padded = padMessage(msg, RESPONSE_PADDING_BLOCK);
  const bytes = encodeMessage(padded);
  assert.equal(bytes.length % RESPONSE_PADDING_BLOCK, 0);
  assert.equal(findOptions(padded.edns, EdnsOptionCode.PADDING).length, 1);
  const noEdns: Message = { ...msg, edns: undefined };
  assert.equal(padMessage(noEdns), noEdns);
});
