import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrontend, type QueryContext } from '../../src/server/frontend.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { ServerObserver } from '../../src/server/observer.ts';
import { EdnsOptionCode, Opcode, Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { findOptions, makeTcpKeepaliveOption, readEdes, readTcpKeepaliveOption } from '../../src/wire/edns.ts';
import type { Message } from '../../src/wire/types.ts';
import { decode, query, type QuerySpec } from './dns-client.ts';
import { FakeZone, aRdata, fakeRdata, rrset, txtRdata } from './fake-zone.ts';

const udp: QueryContext = { transport: 'udp', client: { address: '127.0.0.1', port: 5353 } };
const tcp: QueryContext = { transport: 'tcp', client: { address: '127.0.0.1', port: 5353 }, keepaliveMs: 10_000 };

const A_SIG = fakeRdata(RRType.A, 40);
function zone(): FakeZone {
  return new FakeZone([
    rrset('www.example.', RRType.A, [aRdata('192.0.2.1')], [A_SIG]),
    rrset('example.', RRType.NSEC, [fakeRdata(RRType.NSEC, 12)], [fakeRdata(RRType.NSEC, 40)]),
    rrset('example.', RRType.NSEC3, [fakeRdata(RRType.NSEC3, 12)]),
    rrset('big.example.', RRType.TXT, [txtRdata(10, 200)]),
    rrset('mid.example.', RRType.TXT, [txtRdata(3, 200)]),
  ]);
}

async function ask(z: FakeZone, spec: QuerySpec, ctx: QueryContext = udp, extra: { maxUdpSize?: number; observer?: ServerObserver } = {}): Promise<Message> {
  const f = createFrontend({ resolve: z.resolve, maxUdpSize: extra.maxUdpSize ?? 1232, ...(extra.observer ? { observer: extra.observer } : {}) });
  return decode(await f(query(spec), ctx));
}

test('a normal answer echoes ID, question (client case), RD and CD; sets QR and RA', async () => {
  const z = zone();
  const r = await ask(z, { id: 4242, name: 'WwW.ExAmPlE.', type: RRType.A, rd: true, cd: true, edns: {} });
  assert.equal(r.id, 4242);
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.equal(r.flags.qr, true);
  assert.equal(r.flags.ra, true);
  assert.equal(r.flags.rd, true);
  assert.equal(r.flags.cd, true);
  assert.equal(r.flags.aa, false);
  assert.equal(r.question[0].name.toString(), 'WwW.ExAmPlE.');
  assert.equal(r.answer.length, 1);
  assert.deepEqual(r.answer[0].rdata, aRdata('192.0.2.1'));
  assert.equal(r.edns?.udpSize, 1232);
  assert.equal(r.edns?.version, 0);
  const q = z.lastQuery;
  assert.ok(q !== undefined);
  assert.deepEqual({ rd: q.rd, cd: q.cd, dnssecOk: q.dnssecOk, ad: q.ad, transport: q.transport }, { rd: true, cd: true, dnssecOk: false, ad: false, transport: 'udp' });
  assert.equal(q.client.port, 5353);
});

test('no OPT in the response when the query had none; RD=0 is echoed', async () => {
  const r = await ask(zone(), { name: 'www.example.', type: RRType.A, rd: false });
  assert.equal(r.edns, undefined);
  assert.equal(r.flags.rd, false);
});

test('QR=1 and unreadable headers are dropped', async () => {
  const f = createFrontend({ resolve: zone().resolve, maxUdpSize: 1232 });
  assert.equal(await f(query({ type: RRType.A, qr: true }), udp), null);
  assert.equal(await f(new Uint8Array([1, 2, 3]), udp), null);
  assert.equal(await f(new Uint8Array(0), udp), null);
});

test('a readable header with a broken body is FORMERR echoing ID, opcode, RD and CD, without RA', async () => {
  const f = createFrontend({ resolve: zone().resolve, maxUdpSize: 1232 });
  const cut = query({ id: 777, name: 'www.example.', type: RRType.A, rd: true, edns: {} }).slice(0, 16);
  const r = decode(await f(cut, udp));
  assert.equal(r.id, 777);
  assert.equal(r.rcode, Rcode.FORMERR);
  assert.deepEqual(r.flags, { qr: true, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false });
  const cd = decode(await f(query({ id: 779, name: 'www.example.', type: RRType.A, rd: false, cd: true }).slice(0, 16), udp));
  assert.deepEqual([cd.rcode, cd.flags.rd, cd.flags.cd, cd.flags.ra], [Rcode.FORMERR, false, true, false]);
  // A name longer than 255 octets (RFC 1035 §2.3.4) is a body we cannot read.
  const labels = Array.from({ length: 130 }, () => [1, 0x61]).flat(); // 261 octets with the root
  const long = Uint8Array.from([0x03, 0x0c, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, RRType.A, 0, RRClass.IN]);
  const l = decode(await f(long, udp));
  assert.deepEqual([l.id, l.rcode, l.question.length, l.flags.rd, l.flags.ra], [780, Rcode.FORMERR, 0, true, false]);
  assert.equal(r.opcode, Opcode.QUERY);
  assert.equal(r.question.length, 0);
  // A broken body with QR=1 is still a response: dropped.
  const resp = query({ id: 778, name: 'www.example.', type: RRType.A, qr: true }).slice(0, 16);
  assert.equal(await f(resp, udp), null);
});

test('QDCOUNT 0 or 2 is FORMERR, with OPT when the query had one', async () => {
  const z = zone();
  const none = await ask(z, { type: RRType.A, questions: 0, edns: {} });
  assert.equal(none.rcode, Rcode.FORMERR);
  assert.ok(none.edns !== undefined);
  const two = await ask(z, { type: RRType.A, questions: 2 });
  assert.equal(two.rcode, Rcode.FORMERR);
  // Like every FORMERR: RD echoed, RA clear.
  for (const r of [none, two]) assert.deepEqual([r.flags.rd, r.flags.ra], [true, false]);
  assert.equal(two.edns, undefined);
  assert.equal(z.calls.length, 0);
});

test('an opcode other than QUERY is NOTIMP, with EDE 21 only when the query had EDNS', async () => {
  const z = zone();
  const withEdns = await ask(z, { opcode: Opcode.NOTIFY, type: RRType.SOA, edns: {} });
  assert.equal(withEdns.rcode, Rcode.NOTIMP);
  assert.equal(withEdns.opcode, Opcode.NOTIFY);
  assert.deepEqual(readEdes(withEdns.edns).map((e) => e.ede), [EdeCode.NOT_SUPPORTED]);
  const without = await ask(z, { opcode: Opcode.UPDATE, type: RRType.SOA });
  assert.equal(without.rcode, Rcode.NOTIMP);
  assert.equal(without.edns, undefined);
  assert.equal(z.calls.length, 0);
});

test('a class other than IN is REFUSED with EDE 21', async () => {
  for (const cls of [RRClass.CH, RRClass.HS, RRClass.ANY]) {
    const r = await ask(zone(), { name: 'version.bind.', type: RRType.TXT, class: cls, edns: {} });
    assert.equal(r.rcode, Rcode.REFUSED);
    assert.deepEqual(readEdes(r.edns).map((e) => e.ede), [EdeCode.NOT_SUPPORTED]);
  }
});

test('AXFR, IXFR and meta types are REFUSED with EDE 30', async () => {
  for (const type of [RRType.AXFR, RRType.IXFR, RRType.OPT, RRType.TSIG]) {
    const r = await ask(zone(), { name: 'example.', type, edns: {} });
    assert.equal(r.rcode, Rcode.REFUSED);
    assert.deepEqual(readEdes(r.edns).map((e) => e.ede), [EdeCode.INVALID_QUERY_TYPE]);
  }
});

test('ANY is passed to the resolver', async () => {
  const z = zone();
  const r = await ask(z, { name: 'www.example.', type: RRType.ANY });
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.equal(z.calls.length, 1);
  assert.equal(r.answer.length, 1);
});

test('EDNS version 1 is BADVERS (extended RCODE 16) with our OPT at version 0', async () => {
  const z = zone();
  const r = await ask(z, { name: 'www.example.', type: RRType.A, edns: { version: 1 } });
  assert.equal(r.rcode, Rcode.BADVERS);
  assert.equal(r.edns?.version, 0);
  assert.equal(z.calls.length, 0);
});

test('AD only when secure, asked for (AD or DO), not synthesized; CD does not clear proven data', async () => {
  const cases: { security: 'secure' | 'insecure' | 'bogus'; synthesized?: boolean; spec: Partial<QuerySpec>; ad: boolean }[] = [
    { security: 'secure', spec: { edns: { dnssecOk: true } }, ad: true },
    { security: 'secure', spec: { ad: true }, ad: true },
    { security: 'secure', spec: {}, ad: false },
    { security: 'secure', spec: { ad: true, cd: true, edns: { dnssecOk: true } }, ad: true },
    { security: 'bogus', spec: { cd: true, edns: { dnssecOk: true } }, ad: false },
    { security: 'insecure', spec: { ad: true, edns: { dnssecOk: true } }, ad: false },
    { security: 'bogus', spec: { ad: true }, ad: false },
    { security: 'secure', synthesized: true, spec: { ad: true, edns: { dnssecOk: true } }, ad: false },
  ];
  for (const c of cases) {
    const z = zone();
    z.behaviour = { security: c.security, ...(c.synthesized !== undefined ? { synthesized: c.synthesized } : {}) };
    const r = await ask(z, { name: 'www.example.', type: RRType.A, ...c.spec });
    assert.equal(r.flags.ad, c.ad, JSON.stringify(c));
  }
});

test('DO=0 strips RRSIG, NSEC and NSEC3; DO=1 keeps them and the sigs', async () => {
  const z = zone();
  const plain = await ask(z, { name: 'www.example.', type: RRType.A, edns: { dnssecOk: false } });
  assert.deepEqual(plain.answer.map((rr) => rr.type), [RRType.A]);
  assert.equal(plain.edns?.dnssecOk, false);
  const signed = await ask(z, { name: 'www.example.', type: RRType.A, edns: { dnssecOk: true } });
  assert.deepEqual(signed.answer.map((rr) => rr.type), [RRType.A, RRType.RRSIG]);
  assert.deepEqual(signed.answer[1].rdata, A_SIG);
  assert.equal(signed.edns?.dnssecOk, true);
  // ANY at example. holds an NSEC and an NSEC3 set: gone without DO.
  const any = await ask(z, { name: 'example.', type: RRType.ANY });
  assert.deepEqual(any.answer, []);
});

test('DO=0 still returns the DNSSEC type that was asked for, without its sigs', async () => {
  const r = await ask(zone(), { name: 'example.', type: RRType.NSEC });
  assert.deepEqual(r.answer.map((rr) => rr.type), [RRType.NSEC]);
});

test('every reason becomes an EDE option, in order, only with EDNS', async () => {
  const z = zone();
  z.behaviour = { reasons: [reason(EdeCode.SIGNATURE_EXPIRED, 'RRSIG example. A expired'), reason(EdeCode.DNSSEC_BOGUS, 'chain broken')] };
  const r = await ask(z, { name: 'www.example.', type: RRType.A, edns: {} });
  assert.deepEqual(readEdes(r.edns), [
    { ede: EdeCode.SIGNATURE_EXPIRED, text: 'RRSIG example. A expired' },
    { ede: EdeCode.DNSSEC_BOGUS, text: 'chain broken' },
  ]);
  const noEdns = await ask(z, { name: 'www.example.', type: RRType.A });
  assert.equal(noEdns.edns, undefined);
});

test('a throwing resolver becomes SERVFAIL + EDE 0 and is logged', async () => {
  const z = zone();
  z.throws = new Error('boom');
  const lines: string[] = [];
  const f = createFrontend({ resolve: z.resolve, maxUdpSize: 1232, logger: createLogger({ level: 'error', sink: (l) => lines.push(l) }) });
  const r = decode(await f(query({ name: 'www.example.', type: RRType.A, edns: {} }), udp));
  assert.equal(r.rcode, Rcode.SERVFAIL);
  assert.deepEqual(readEdes(r.edns), [{ ede: EdeCode.OTHER, text: 'internal error: boom' }]);
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]) as { level: string; msg: string };
  assert.equal(line.level, 'error');
  assert.match(line.msg, /^resolve threw for www\.example\. A: Error: boom/);
});

test('UDP answers over the client EDNS size are truncated, keeping question and OPT with EDE', async () => {
  const z = zone();
  z.behaviour = { reasons: [reason(EdeCode.OTHER, 'kept')] };
  const r = await ask(z, { name: 'big.example.', type: RRType.TXT, edns: { udpSize: 4096 } });
  assert.equal(r.flags.tc, true);
  assert.equal(r.answer.length, 0);
  assert.equal(r.question[0].name.toString(), 'big.example.');
  assert.deepEqual(readEdes(r.edns), [{ ede: EdeCode.OTHER, text: 'kept' }]);
  // The same answer fits a client limit above its size but below ours... (mid: ~650 octets)
  const fits = await ask(z, { name: 'mid.example.', type: RRType.TXT, edns: { udpSize: 1232 } });
  assert.equal(fits.flags.tc, false);
  // ...but not the client's smaller limit, nor 512 without EDNS.
  const small = await ask(z, { name: 'mid.example.', type: RRType.TXT, edns: { udpSize: 600 } });
  assert.equal(small.flags.tc, true);
  const classic = await ask(z, { name: 'mid.example.', type: RRType.TXT });
  assert.equal(classic.flags.tc, true);
  assert.equal(classic.edns, undefined);
});

test('maxUdpSize caps what the client advertises', async () => {
  const z = zone();
  const capped = await ask(z, { name: 'mid.example.', type: RRType.TXT, edns: { udpSize: 4096 } }, udp, { maxUdpSize: 512 });
  assert.equal(capped.flags.tc, true);
  assert.equal(capped.edns?.udpSize, 512);
});

test('TCP answers are not truncated at UDP sizes', async () => {
  const r = await ask(zone(), { name: 'big.example.', type: RRType.TXT }, tcp);
  assert.equal(r.flags.tc, false);
  assert.equal(r.answer.length, 1);
});

test('edns-tcp-keepalive is answered with our idle timeout on TCP only, when asked', async () => {
  const asked = { name: 'www.example.', type: RRType.A, edns: { options: [makeTcpKeepaliveOption()] } };
  const overTcp = await ask(zone(), asked, tcp);
  const ka = findOptions(overTcp.edns, EdnsOptionCode.TCP_KEEPALIVE);
  assert.equal(ka.length, 1);
  assert.deepEqual(readTcpKeepaliveOption(ka[0]), { timeoutMs: 10_000 });
  const overUdp = await ask(zone(), asked, udp);
  assert.equal(findOptions(overUdp.edns, EdnsOptionCode.TCP_KEEPALIVE).length, 0);
  const notAsked = await ask(zone(), { name: 'www.example.', type: RRType.A, edns: {} }, tcp);
  assert.equal(findOptions(notAsked.edns, EdnsOptionCode.TCP_KEEPALIVE).length, 0);
});

test('the observer sees each query and its response', async () => {
  const seen: string[] = [];
  const observer: ServerObserver = {
    onQuery: (t, qtype) => seen.push(`q ${t} ${qtype}`),
    onResponse: (rcode, edes) => seen.push(`r ${rcode} [${edes.join(',')}]`),
  };
  const z = zone();
  await ask(z, { name: 'nope.example.', type: RRType.AAAA, edns: {} }, udp, { observer });
  await ask(z, { name: 'example.', type: RRType.AXFR, edns: {} }, tcp, { observer });
  assert.deepEqual(seen, [`q udp ${RRType.AAAA}`, `r ${Rcode.NXDOMAIN} []`, `q tcp ${RRType.AXFR}`, `r ${Rcode.REFUSED} [${EdeCode.INVALID_QUERY_TYPE}]`]);
});
