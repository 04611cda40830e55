import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { decodeMessage, encodeMessage, encodeWithLimit } from '../../src/wire/message.ts';
import { findOptions, makeEdeOption, readCookieOption, readEdeOption, readNsidOption } from '../../src/wire/edns.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import { EdnsOptionCode, Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import { NO_FLAGS } from '../../src/wire/types.ts';
import type { Message, RR } from '../../src/wire/types.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wire');

interface ManifestCase {
  name: string;
  upstream: string;
  response: boolean;
}
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { cases: ManifestCase[] };

function fixture(file: string): Uint8Array {
  return new Uint8Array(Buffer.from(readFileSync(join(FIXTURES, file), 'utf8').trim(), 'hex'));
}

function decodeOk(bytes: Uint8Array): Message {
  const r = decodeMessage(bytes);
  if (!r.ok) assert.fail(`decode failed: ${r.error}`);
  return r.message;
}

function allFixtureFiles(): string[] {
  const files: string[] = [];
  for (const c of manifest.cases) {
    files.push(`${c.name}.query.hex`);
    if (c.response) files.push(`${c.name}.response.hex`);
  }
  return files;
}

function rr(name: string, type: number, rdata: Uint8Array | number[], ttl = 300): RR {
  return { name: Name.of(name), type, class: RRClass.IN, ttl, rdata: rdata instanceof Uint8Array ? rdata : Uint8Array.from(rdata) };
}

function baseMessage(over: Partial<Message> = {}): Message {
  return {
    id: 0x1234,
    opcode: 0,
    flags: { ...NO_FLAGS, qr: true, rd: true, ra: true },
    rcode: Rcode.NOERROR,
    question: [{ name: Name.of('www.example'), type: RRType.A, class: RRClass.IN }],
    answer: [],
    authority: [],
    additional: [],
    ...over,
  };
}

/** Index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay).indexOf(Buffer.from(needle));
}

// ---------------------------------------------------------------------------------------------
// Bytes made by real implementations (dig, NSD, Unbound); see scripts/capture-wire-fixtures.ts.

test('fixtures: every dig query and NSD/Unbound response re-encodes byte-exact', () => {
  const files = allFixtureFiles();
  assert.ok(files.length >= 30, 'manifest lists the captured cases');
  for (const f of files) {
    const bytes = fixture(f);
    const msg = decodeOk(bytes);
    assert.deepEqual(Buffer.from(encodeMessage(msg)), Buffer.from(bytes), f);
  }
});

test('fixtures: uncompressed encoding equals dns-packet decoding + re-encoding (independent decoder)', () => {
  for (const f of allFixtureFiles()) {
    const bytes = fixture(f);
    const ours = encodeMessage(decodeOk(bytes), { compress: false });
    const theirs = dnsPacket.encode(dnsPacket.decode(Buffer.from(bytes)));
    assert.deepEqual(Buffer.from(ours), theirs, f);
  }
});

test('fixtures: dns-packet agrees on header, names, types and TTLs', () => {
  for (const f of allFixtureFiles()) {
    const bytes = fixture(f);
    const ours = decodeOk(bytes);
    const theirs = dnsPacket.decode(Buffer.from(bytes));
    assert.equal(ours.id, theirs.id, f);
    assert.equal(ours.question.length, theirs.questions?.length ?? 0, f);
    ours.question.forEach((q, i) => assert.equal(q.name.toString(), (theirs.questions?.[i].name ?? '') + '.', f));
    const theirAnswers = theirs.answers ?? [];
    assert.equal(ours.answer.length, theirAnswers.length, f);
    ours.answer.forEach((a, i) => {
      const t = theirAnswers[i];
      assert.equal(a.name.toString(), t.name + '.', f);
      assert.equal('ttl' in t ? t.ttl : undefined, a.ttl, f);
    });
    const theirAdditional = (theirs.additionals ?? []).filter((a) => a.type !== 'OPT');
    assert.equal(ours.additional.length, theirAdditional.length, f);
    assert.equal(ours.edns !== undefined, (theirs.additionals ?? []).some((a) => a.type === 'OPT'), f);
  }
});

test('fixture: dig cookie option is 8 client octets', () => {
  const q = decodeOk(fixture('cookie.query.hex'));
  const opts = findOptions(q.edns, EdnsOptionCode.COOKIE);
  assert.equal(opts.length, 1);
  const c = readCookieOption(opts[0]);
  assert.ok(c);
  assert.equal(c.client.length, 8);
  assert.equal(c.server, undefined);
});

test('fixture: NSID request from dig and NSID answer from NSD', () => {
  const q = decodeOk(fixture('soa-nsid.query.hex'));
  const [req] = findOptions(q.edns, EdnsOptionCode.NSID);
  assert.equal(readNsidOption(req)?.length, 0);
  const r = decodeOk(fixture('soa-nsid.response.hex'));
  const [ans] = findOptions(r.edns, EdnsOptionCode.NSID);
  assert.equal(new TextDecoder().decode(readNsidOption(ans)), 'anchord-nsd');
});

test('fixture: dig padding option pads the query to 128 octets', () => {
  const bytes = fixture('padding.query.hex');
  assert.equal(bytes.length, 128);
  const q = decodeOk(bytes);
  assert.equal(findOptions(q.edns, EdnsOptionCode.PADDING).length, 1);
});

test('fixture: unknown EDNS option kept as bytes', () => {
  const q = decodeOk(fixture('unknown-option.query.hex'));
  const [o] = findOptions(q.edns, 65001);
  assert.deepEqual(Buffer.from(o.data), Buffer.from('deadbeef', 'hex'));
});

test('fixture: no OPT record → edns undefined', () => {
  assert.equal(decodeOk(fixture('noedns.query.hex')).edns, undefined);
  assert.equal(decodeOk(fixture('noedns.response.hex')).edns, undefined);
});

test('fixture: EDNS version 1 query gets BADVERS (extended RCODE 16) from NSD', () => {
  const q = decodeOk(fixture('badvers.query.hex'));
  assert.equal(q.edns?.version, 1);
  const bytes = fixture('badvers.response.hex');
  assert.equal(bytes[3] & 0xf, 0, 'header RCODE bits are 0');
  const r = decodeOk(bytes);
  assert.equal(r.rcode, Rcode.BADVERS);
  assert.equal(r.edns?.version, 0);
});

test('fixture: truncated DNSKEY response carries TC', () => {
  const r = decodeOk(fixture('tc.response.hex'));
  assert.equal(r.flags.tc, true);
  assert.equal(r.flags.qr, true);
  assert.equal(r.answer.length, 0);
  assert.equal(r.edns?.dnssecOk, true);
});

test('fixture: dig query with every header flag a query can carry', () => {
  const q = decodeOk(fixture('all-flags.query.hex'));
  assert.deepEqual(q.flags, { qr: false, aa: true, tc: true, rd: true, ra: true, z: true, ad: true, cd: true });
});

test('fixture: Unbound sets AD and RA on a validated answer', () => {
  const r = decodeOk(fixture('via-unbound-secure.response.hex'));
  assert.equal(r.flags.ad, true);
  assert.equal(r.flags.ra, true);
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.ok(r.answer.some((a) => a.type === RRType.RRSIG));
});

test('fixture: Unbound SERVFAIL carries an Extended DNS Error', () => {
  const r = decodeOk(fixture('via-unbound-expired.response.hex'));
  assert.equal(r.rcode, Rcode.SERVFAIL);
  const edes = findOptions(r.edns, EdnsOptionCode.EDE).map(readEdeOption);
  assert.equal(edes.length, 1);
  assert.equal(edes[0]?.ede, EdeCode.DNSKEY_MISSING);
  assert.match(edes[0]?.text ?? '', /signature expired/);
});

test('fixture: question case is preserved and answers point at it', () => {
  const bytes = fixture('mixed-case.response.hex');
  const r = decodeOk(bytes);
  assert.equal(r.question[0].name.toString(), 'WwW.WiRe.TeSt.');
  assert.equal(r.answer[0].name.toString(), 'WwW.WiRe.TeSt.');
  // The answer owner is a pointer into the question (offset 12).
  assert.ok(indexOf(bytes, Uint8Array.of(0xc0, 0x0c)) > 0);
});

test('fixture: compressed MX RDATA is stored uncompressed; RRSIGs group with their set', () => {
  const r = decodeOk(fixture('mx-dnssec.response.hex'));
  const mx = r.answer.filter((a) => a.type === RRType.MX);
  assert.equal(mx.length, 2);
  const names = mx.map((m) => Buffer.from(m.rdata.subarray(2)));
  assert.ok(names.some((n) => n.equals(Buffer.from(Name.of('mail.wire.test').toWire()))));
  const sets = groupRRsets(r.answer);
  assert.equal(sets.length, 1);
  assert.equal(sets[0].type, RRType.MX);
  assert.equal(sets[0].sigs.length, 1);
});

// ---------------------------------------------------------------------------------------------
// Encoder behaviour

test('encode/decode round trip keeps every field', () => {
  const msg = baseMessage({
    id: 0xbeef,
    opcode: 4,
    flags: { qr: true, aa: true, tc: false, rd: true, ra: false, z: true, ad: true, cd: true },
    rcode: Rcode.BADCOOKIE,
    answer: [rr('www.example', RRType.A, [192, 0, 2, 1], 0xffffffff)],
    authority: [rr('example', RRType.NS, Name.of('ns.Example').toWire())],
    additional: [rr('ns.example', RRType.A, [192, 0, 2, 53])],
    edns: { udpSize: 1232, version: 0, dnssecOk: true, zFlags: 0x1234, options: [makeEdeOption({ ede: EdeCode.BLOCKED, text: 'nope' }), { code: 65000, data: Uint8Array.of(1, 2, 3) }] },
  });
  const back = decodeOk(encodeMessage(msg));
  assert.equal(back.id, msg.id);
  assert.equal(back.opcode, 4);
  assert.deepEqual(back.flags, msg.flags);
  assert.equal(back.rcode, Rcode.BADCOOKIE);
  assert.deepEqual(back.edns, msg.edns);
  assert.equal(back.answer[0].ttl, 0xffffffff);
  assert.deepEqual(back.authority[0].rdata, msg.authority[0].rdata);
  assert.equal(back.additional.length, 1);
});

test('RDATA its type codec rejects is framed by RDLENGTH alone: kept byte-exact; RDLENGTH past the end is malformed', () => {
  // RFC 9460 §2.2 malformed HTTPS (alpn twice): the message codec carries it opaquely (RFC 3597).
  const bad = Uint8Array.from(Buffer.from('0001000001000302683200010003026833', 'hex'));
  const msg = baseMessage({
    question: [{ name: Name.of('www.example'), type: RRType.HTTPS, class: RRClass.IN }],
    answer: [rr('www.example', RRType.HTTPS, bad)],
  });
  const wire = encodeMessage(msg);
  const back = decodeOk(wire);
  assert.deepEqual(back.answer[0].rdata, bad);
  assert.deepEqual(encodeMessage(back), wire);
  const cut = decodeMessage(wire.subarray(0, wire.length - 1));
  assert.equal(cut.ok, false);
  if (!cut.ok) assert.match(cut.error, /RDLENGTH 17 runs past the end of the message/);
});

test('extended RCODE is split between header and OPT TTL', () => {
  const bytes = encodeMessage(baseMessage({ rcode: Rcode.BADVERS, edns: { udpSize: 1232, version: 0, dnssecOk: false, zFlags: 0, options: [] } }));
  assert.equal(bytes[3] & 0xf, 0);
  // OPT is the last record: root(1) type(2) class(2) then TTL's first octet = extended RCODE.
  const optStart = bytes.length - 11;
  assert.equal(bytes[optStart], 0);
  assert.equal((bytes[optStart + 1] << 8) | bytes[optStart + 2], RRType.OPT);
  assert.equal(bytes[optStart + 5], 1);
  assert.throws(() => encodeMessage(baseMessage({ rcode: Rcode.BADVERS })), RangeError);
});

test('owner names compress into the question; RFC 1035 RDATA names compress', () => {
  const msg = baseMessage({
    answer: [rr('www.example', RRType.CNAME, Name.of('web.example').toWire())],
    authority: [rr('example', RRType.MX, [0, 10, ...Name.of('mail.example').toWire()])],
  });
  const bytes = encodeMessage(msg);
  const back = decodeOk(bytes);
  assert.deepEqual(back.answer[0].rdata, msg.answer[0].rdata);
  assert.deepEqual(back.authority[0].rdata, msg.authority[0].rdata);
  // Answer owner is exactly a pointer to the question name at offset 12.
  const q = Name.of('www.example').toWire();
  assert.deepEqual([...bytes.subarray(12 + q.length + 4, 12 + q.length + 6)], [0xc0, 0x0c]);
  // "example" is written once in full; everything else points to it.
  assert.equal(Buffer.from(bytes).toString('latin1').split('example').length - 1, 1);
  assert.ok(bytes.length < encodeMessage(msg, { compress: false }).length);
});

test('compression never changes the case of the name written', () => {
  const msg = baseMessage({
    question: [{ name: Name.of('WwW.ExAmple'), type: RRType.A, class: RRClass.IN }],
    answer: [rr('www.example', RRType.A, [192, 0, 2, 1]), rr('WwW.ExAmple', RRType.A, [192, 0, 2, 2])],
  });
  const bytes = encodeMessage(msg);
  const back = decodeOk(bytes);
  assert.equal(back.question[0].name.toString(), 'WwW.ExAmple.');
  assert.equal(back.answer[0].name.toString(), 'www.example.');
  assert.equal(back.answer[1].name.toString(), 'WwW.ExAmple.');
});

test('RRSIG signer, NSEC next name and SRV target are never compressed', () => {
  const signer = Name.of('example').toWire();
  const rrsig = Uint8Array.from([0, RRType.A, 13, 2, 0, 0, 1, 44, 0, 0, 0, 1, 0, 0, 0, 0, 0x12, 0x34, ...signer, 9, 9, 9, 9]);
  const nsec = Uint8Array.from([...Name.of('zzz.example').toWire(), 0, 1, 0x40]);
  const srv = Uint8Array.from([0, 1, 0, 2, 0x13, 0xc4, ...Name.of('www.example').toWire()]);
  const msg = baseMessage({
    answer: [rr('www.example', RRType.RRSIG, rrsig), rr('www.example', RRType.NSEC, nsec), rr('_x._tcp.example', RRType.SRV, srv)],
  });
  const bytes = encodeMessage(msg);
  assert.ok(indexOf(bytes, rrsig) > 0, 'RRSIG RDATA verbatim');
  assert.ok(indexOf(bytes, nsec) > 0, 'NSEC RDATA verbatim');
  assert.ok(indexOf(bytes, srv) > 0, 'SRV RDATA verbatim');
});

test('compress:false writes no pointers', () => {
  const msg = baseMessage({ answer: [rr('www.example', RRType.A, [1, 2, 3, 4]), rr('www.example', RRType.A, [1, 2, 3, 5])] });
  const bytes = encodeMessage(msg, { compress: false });
  const wire = Name.of('www.example').toWire().length;
  assert.equal(bytes.length, 12 + wire + 4 + 2 * (wire + 10 + 4));
});

test('pointers only target offsets below 0x4000 in a large message', () => {
  const big = new Uint8Array(250).fill(0x61);
  big[0] = 249;
  const answer: RR[] = [];
  for (let i = 0; i < 80; i++) answer.push(rr(`r${i}.example`, RRType.TXT, big));
  answer.push(rr('late.example', RRType.CNAME, Name.of('tail.late.example').toWire()));
  answer.push(rr('tail.late.example', RRType.A, [1, 1, 1, 1]));
  const msg = baseMessage({ answer });
  const bytes = encodeMessage(msg);
  assert.ok(bytes.length > 0x4000);
  const back = decodeOk(bytes);
  assert.deepEqual(back.answer.map((a) => a.name.toString()), answer.map((a) => a.name.toString()));
  assert.deepEqual(back.answer.at(-2)?.rdata, answer.at(-2)?.rdata);
  assert.deepEqual(Buffer.from(encodeMessage(back)), Buffer.from(bytes));
});

// ---------------------------------------------------------------------------------------------
// encodeWithLimit

function bigResponse(edns: Message['edns']): Message {
  const answer: RR[] = [];
  for (let i = 0; i < 40; i++) answer.push(rr('www.example', RRType.AAAA, new Uint8Array(16).fill(i)));
  return baseMessage({ answer, ...(edns ? { edns } : {}) });
}

test('encodeWithLimit: 512 without EDNS truncates to header + question with TC', () => {
  const msg = bigResponse(undefined);
  assert.ok(encodeMessage(msg).length > 512);
  const { bytes, truncated } = encodeWithLimit(msg, 512);
  assert.equal(truncated, true);
  assert.ok(bytes.length <= 512);
  const back = decodeOk(bytes);
  assert.equal(back.flags.tc, true);
  assert.deepEqual(back.question.map((q) => q.name.toString()), ['www.example.']);
  assert.equal(back.answer.length + back.authority.length + back.additional.length, 0);
  assert.equal(back.edns, undefined);
});

test('encodeWithLimit: client EDNS size keeps OPT and EDE in the truncated form', () => {
  const ede = makeEdeOption({ ede: EdeCode.STALE_ANSWER, text: 'served stale' });
  const msg = bigResponse({ udpSize: 1232, version: 0, dnssecOk: true, zFlags: 0, options: [ede] });
  const full = encodeMessage(msg);
  assert.equal(encodeWithLimit(msg, full.length).truncated, false, 'exact fit is not truncated');
  const { bytes, truncated } = encodeWithLimit(msg, full.length - 1);
  assert.equal(truncated, true);
  const back = decodeOk(bytes);
  assert.equal(back.flags.tc, true);
  assert.equal(back.answer.length, 0);
  assert.deepEqual(back.edns, msg.edns);
  assert.deepEqual(readEdeOption(findOptions(back.edns, EdnsOptionCode.EDE)[0]), { ede: EdeCode.STALE_ANSWER, text: 'served stale' });
});

test('encodeWithLimit: a small message is returned whole', () => {
  const msg = baseMessage({ answer: [rr('www.example', RRType.A, [1, 2, 3, 4])] });
  const r = encodeWithLimit(msg, 512);
  assert.equal(r.truncated, false);
  assert.deepEqual(r.bytes, encodeMessage(msg));
});

// ---------------------------------------------------------------------------------------------
// Hostile input: each must be rejected with ok:false, never thrown.

const HEADER_QD1 = [0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
function header(qd: number, an: number, ns: number, ar: number): number[] {
  return [0xab, 0xcd, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar];
}
const QTAIL = [0, 1, 0, 1];
const wwwExample = [...Name.of('www.example').toWire()];

function assertRejected(bytes: number[] | Uint8Array, pattern: RegExp): void {
  const r = decodeMessage(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  assert.equal(r.ok, false, `accepted: ${pattern}`);
  if (r.ok) return;
  assert.match(r.error, pattern);
  assert.doesNotMatch(r.error, /internal decoder error/);
  if ((bytes as ArrayLike<number>).length >= 12) {
    assert.equal(r.header?.id, 0xabcd);
    assert.equal(r.header?.flags.rd, true);
  }
}

test('hostile: pointer to itself (loop)', () => {
  assertRejected([...HEADER_QD1, 0xc0, 12, ...QTAIL], /does not point backwards/);
});

test('hostile: two pointers pointing at each other', () => {
  // Question at 12: "a" + pointer to 20; the answer owner at 20 points back to 12: 12 → 20 → 12.
  assertRejected([...header(1, 1, 0, 0), 1, 0x61, 0xc0, 20, ...QTAIL, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], /question 0: compression pointer at 14 does not point backwards/);
  // A pure cycle inside one name: "a" at 12, pointer at 14 to 12 (≥ segment start) is rejected.
  assertRejected([...HEADER_QD1, 1, 0x61, 0xc0, 12, ...QTAIL], /does not point backwards/);
});

test('hostile: forward pointer', () => {
  assertRejected([...HEADER_QD1, 0xc0, 20, ...QTAIL, 0, 0, 0, 0], /does not point backwards/);
});

test('hostile: label types 0x40 and 0x80', () => {
  assertRejected([...HEADER_QD1, 0x41, 0x61, 0, ...QTAIL], /label type 0x41/);
  assertRejected([...HEADER_QD1, 0x81, 0x61, 0, ...QTAIL], /label type 0x81/);
});

test('hostile: name longer than 255 octets (in place and through pointers)', () => {
  const label = [63, ...new Array(63).fill(0x61)];
  assertRejected([...HEADER_QD1, ...label, ...label, ...label, ...label, 0, ...QTAIL], /longer than 255/);
  // 3×64 + 1 = 193 octets in the question; the answer owner adds 64 more and points at it.
  const answer = [...label, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0];
  assertRejected([...header(1, 1, 0, 0), ...label, ...label, ...label, 0, ...QTAIL, ...answer], /longer than 255/);
});

test('hostile: truncated RDATA and RDLENGTH past the end', () => {
  const mxTooShort = [...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, 0xc0, 12, 0, RRType.MX, 0, 1, 0, 0, 0, 60, 0, 2, 0, 10];
  assertRejected(mxTooShort, /character-string|runs past|shorter|past RDLENGTH/);
  const pastEnd = [...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 8, 1, 2, 3, 4];
  assertRejected(pastEnd, /RDLENGTH 8 runs past/);
  const fixedCut = [...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, 0xc0, 12, 0, 1, 0, 1, 0, 0];
  assertRejected(fixedCut, /fixed fields run past/);
});

test('hostile: structured RDATA with trailing octets or a name past RDLENGTH', () => {
  // CNAME whose RDLENGTH covers the name plus one stray octet.
  const extra = [...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, 0xc0, 12, 0, RRType.CNAME, 0, 1, 0, 0, 0, 60, 0, 3, 0xc0, 12, 7];
  assertRejected(extra, /octets after its last field/);
  // CNAME whose RDLENGTH (1) is shorter than the 2-octet pointer.
  const short = [...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, 0xc0, 12, 0, RRType.CNAME, 0, 1, 0, 0, 0, 60, 0, 1, 0xc0, 12];
  assertRejected(short, /runs past RDLENGTH/);
});

const OPT = [0, 0, RRType.OPT, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];

test('hostile: two OPT records', () => {
  assertRejected([...header(1, 0, 0, 2), ...wwwExample, ...QTAIL, ...OPT, ...OPT], /more than one OPT/);
});

test('hostile: OPT with a non-root owner, or outside the additional section', () => {
  assertRejected([...header(1, 0, 0, 1), ...wwwExample, ...QTAIL, 0xc0, 12, ...OPT.slice(1)], /owner is not the root/);
  assertRejected([...header(1, 1, 0, 0), ...wwwExample, ...QTAIL, ...OPT], /outside the additional/);
});

test('hostile: EDNS option longer than the OPT RDATA', () => {
  const opt = [0, 0, RRType.OPT, 0x04, 0xd0, 0, 0, 0, 0, 0, 6, 0, 15, 0, 9, 0, 1];
  assertRejected([...header(1, 0, 0, 1), ...wwwExample, ...QTAIL, ...opt], /EDNS option 15/);
});

test('hostile: section counts larger than the data', () => {
  assertRejected([...header(1, 3, 0, 0), ...wwwExample, ...QTAIL], /counts exceed/);
  assertRejected([...header(1, 1, 0, 0), ...wwwExample, ...QTAIL], /answer record 0: name at 29 runs past/);
  assertRejected([...header(1, 0, 0, 0).slice(0, 4), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], /counts exceed/);
  // Counts just within the cheap bound but records missing.
  assertRejected([...header(2, 0, 0, 0), ...wwwExample, ...QTAIL, 0, 0, 0], /question 1/);
});

test('hostile: shorter than a header has no header to echo', () => {
  const r = decodeMessage(Uint8Array.of(1, 2, 3));
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.header, undefined);
});

test('decoding a Node Buffer copies: records do not alias the datagram', () => {
  const buf = Buffer.from(fixture('mx-dnssec.response.hex'));
  const msg = decodeOk(buf);
  const before = msg.answer.map((a) => Buffer.from(a.rdata));
  const owner = msg.answer[0].name.toString();
  buf.fill(0x41);
  assert.deepEqual(msg.answer.map((a) => Buffer.from(a.rdata)), before);
  assert.equal(msg.answer[0].name.toString(), owner);
});

test('trailing octets after the last record are tolerated', () => {
  const base = encodeMessage(baseMessage({ answer: [rr('www.example', RRType.A, [1, 2, 3, 4])] }));
  const padded = new Uint8Array(base.length + 7);
  padded.set(base);
  const msg = decodeOk(padded);
  assert.deepEqual(encodeMessage(msg), base);
});

// ---------------------------------------------------------------------------------------------
// Fuzz: mutated real packets never make the decoder throw, and whatever decodes re-encodes stably.

/** xorshift32: deterministic, so a failure is reproducible from the seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  let b = Uint8Array.from(src);
  const edits = 1 + (rand() % 4);
  for (let e = 0; e < edits; e++) {
    const op = rand() % 6;
    const pos = b.length === 0 ? 0 : rand() % b.length;
    if (op === 0) b[pos] = rand() & 0xff;
    else if (op === 1) b[pos] ^= 1 << (rand() % 8);
    else if (op === 2) b = b.slice(0, pos);
    else if (op === 3) b[pos] = 0xc0 | (rand() % 4); // plant a compression pointer
    else if (op === 4) {
      const n = Uint8Array.from({ length: 1 + (rand() % 8) }, () => rand() & 0xff);
      const out = new Uint8Array(b.length + n.length);
      out.set(b.subarray(0, pos));
      out.set(n, pos);
      out.set(b.subarray(pos), pos + n.length);
      b = out;
    } else if (pos + 1 < b.length) b[pos + 1] = rand() & 0xff; // count/length fields often sit in pairs
  }
  return b;
}

test('fuzz: 20000 mutated packets never throw; decoded ones re-encode stably', () => {
  const seeds = allFixtureFiles().map(fixture);
  const rand = prng(0x5eed1234);
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    const input = mutate(seeds[i % seeds.length], rand);
    const r = decodeMessage(input);
    if (!r.ok) {
      assert.doesNotMatch(r.error, /internal decoder error/, `input ${Buffer.from(input).toString('hex')}`);
      continue;
    }
    accepted++;
    const once = encodeMessage(r.message);
    const again = decodeMessage(once);
    assert.ok(again.ok, `re-decode failed for ${Buffer.from(input).toString('hex')}`);
    assert.deepEqual(encodeMessage(again.message), once);
  }
  assert.ok(accepted > 1000, `enough mutants decode to exercise the encoder (${accepted})`);
});
