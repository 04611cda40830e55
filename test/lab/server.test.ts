// The lab authoritative server over real sockets (UDP and TCP on 127.53.x.y, a random port),
// queried the way a resolver would, checked against what the signed zones in zones/lab/ contain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { encodeMessage, decodeMessage } from '../../src/wire/message.ts';
import { DEFAULT_ZONES_DIR, startLab, type LabHandle } from '../../src/lab/server.ts';
import { bitmapTypes, dig, makeQuery, sendTcp, sendUdp, summary } from './dig.ts';

const lab = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as {
  zones: { name: string; servers: { address: string }[] }[];
  specialServers: { address: string; mode: string }[];
};
const addressOf = (zone: string): string => {
  const z = lab.zones.find((x) => x.name === zone);
  if (z === undefined) throw new Error(`no zone ${zone} in lab.json`);
  return z.servers[0].address;
};
const ROOT = addressOf('.');
const LAB_TLD = addressOf('lab.');
const SECURE = addressOf('secure.lab.');
const TEST_TLD = addressOf('test.');
const OPTOUT = addressOf('optout.test.');
const LAME = lab.specialServers.find((s) => s.mode === 'lame')!.address;
const DEAD = lab.specialServers.find((s) => s.mode === 'dead')!.address;

let h: LabHandle;
before(async () => { h = await startLab({ port: 0 }); });
after(async () => { await h.close(); });

describe('lab server: authoritative answers', () => {
  it('answers with AA, the RRSIG when DO=1, and echoes EDNS', async () => {
    const r = await dig(SECURE, h.port, 'www.secure.lab', RRType.A);
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.flags.aa, true);
    assert.equal(r.flags.qr, true);
    assert.deepEqual(summary(r.answer), ['www.secure.lab. 1', `www.secure.lab. RRSIG(${RRType.A})`]);
    assert.deepEqual([...r.answer[0].rdata], [192, 0, 2, 1]);
    assert.equal(r.edns?.dnssecOk, true);
    assert.equal(r.edns?.version, 0);
  });

  it('leaves out RRSIGs and proofs when DO=0', async () => {
    const pos = await dig(SECURE, h.port, 'www.secure.lab', RRType.A, { dnssec: false });
    assert.deepEqual(summary(pos.answer), ['www.secure.lab. 1']);
    const neg = await dig(SECURE, h.port, 'nx.secure.lab', RRType.A, { dnssec: false });
    assert.equal(neg.rcode, Rcode.NXDOMAIN);
    assert.deepEqual(summary(neg.authority), [`secure.lab. ${RRType.SOA}`]);
  });

  it('answers without an OPT record when the query has none', async () => {
    const r = await dig(SECURE, h.port, 'www.secure.lab', RRType.A, { noEdns: true });
    assert.equal(r.edns, undefined);
    assert.equal(r.answer.length, 1);
  });

  it('answers a priming query with the root servers and their addresses', async () => {
    const r = await dig(ROOT, h.port, '.', RRType.NS);
    assert.equal(r.flags.aa, true);
    assert.deepEqual(summary(r.additional).sort(), [`a.root.lab. ${RRType.A}`, `b.root.lab. ${RRType.A}`]);
  });
});

describe('lab server: referrals', () => {
  it('refers to a signed child with NS, DS and its RRSIG, and glue', async () => {
    const r = await dig(LAB_TLD, h.port, 'www.secure.lab', RRType.A);
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.flags.aa, false);
    assert.equal(r.answer.length, 0);
    assert.deepEqual(summary(r.authority), [`secure.lab. ${RRType.NS}`, `secure.lab. ${RRType.DS}`, `secure.lab. RRSIG(${RRType.DS})`]);
    assert.deepEqual(summary(r.additional), [`ns1.secure.lab. ${RRType.A}`]);
  });

  it('proves an insecure delegation with the NSEC at the cut (NS, no DS)', async () => {
    const r = await dig(LAB_TLD, h.port, 'www.insecure.lab', RRType.A);
    assert.equal(r.flags.aa, false);
    const nsec = r.authority.find((x) => x.type === RRType.NSEC);
    assert.ok(nsec, 'NSEC in the referral');
    assert.equal(nsec.name.key, 'insecure.lab.');
    const bitmap = nsec.rdata.subarray(nsec.rdata.indexOf(0) + 1); // after the uncompressed next name
    const types = bitmapTypes(bitmap);
    assert.ok(types.includes(RRType.NS));
    assert.ok(!types.includes(RRType.DS));
  });

  it('proves an unsigned delegation in an opt-out zone with the closest provable encloser', async () => {
    const r = await dig(OPTOUT, h.port, 'www.unsigned.optout.test', RRType.A);
    assert.equal(r.flags.aa, false);
    const nsec3 = r.authority.filter((x) => x.type === RRType.NSEC3);
    assert.equal(nsec3.length, 2, 'one matching optout.test., one covering unsigned.optout.test.');
    for (const n of nsec3) assert.equal(n.rdata[1] & 1, 1, 'opt-out flag');
  });

  it('answers a DS query from the parent side, authoritatively', async () => {
    const r = await dig(LAB_TLD, h.port, 'secure.lab', RRType.DS);
    assert.equal(r.flags.aa, true);
    assert.deepEqual(summary(r.answer), [`secure.lab. ${RRType.DS}`, `secure.lab. RRSIG(${RRType.DS})`]);
  });
});

describe('lab server: negative answers and synthesis', () => {
  it('NXDOMAIN with SOA and the NSEC records for the name and the wildcard', async () => {
    const r = await dig(SECURE, h.port, 'nx.secure.lab', RRType.A);
    assert.equal(r.rcode, Rcode.NXDOMAIN);
    assert.equal(r.flags.aa, true);
    const types = r.authority.map((x) => x.type);
    assert.ok(types.includes(RRType.SOA));
    assert.ok(types.filter((t) => t === RRType.NSEC).length >= 1);
    assert.ok(r.authority.every((x) => x.type !== RRType.RRSIG || x.rdata[1] === RRType.SOA || x.rdata[1] === RRType.NSEC));
  });

  it('NODATA for an empty non-terminal, proven by the covering NSEC', async () => {
    const r = await dig(SECURE, h.port, 'ent.secure.lab', RRType.A);
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.answer.length, 0);
    assert.ok(r.authority.some((x) => x.type === RRType.NSEC));
  });

  it('NSEC3 NXDOMAIN carries the closest encloser proof and the wildcard denial', async () => {
    const r = await dig(TEST_TLD, h.port, 'nx.test', RRType.A);
    assert.equal(r.rcode, Rcode.NXDOMAIN);
    const n3 = r.authority.filter((x) => x.type === RRType.NSEC3);
    assert.ok(n3.length >= 2 && n3.length <= 3, `got ${n3.length} NSEC3`);
  });

  it('synthesises from a wildcard with the wildcard RRSIG and the no-closer-match NSEC', async () => {
    const r = await dig(SECURE, h.port, 'foo.wild.secure.lab', RRType.A);
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.answer[0].name.key, 'foo.wild.secure.lab.');
    const sig = r.answer.find((x) => x.type === RRType.RRSIG)!;
    assert.equal(sig.rdata[3], 3, 'RRSIG labels field counts the wildcard owner without "*"');
    assert.ok(r.authority.some((x) => x.type === RRType.NSEC));
  });

  it('follows a CNAME inside the zone', async () => {
    const r = await dig(SECURE, h.port, 'local.secure.lab', RRType.A, { dnssec: false });
    assert.deepEqual(summary(r.answer), [`local.secure.lab. ${RRType.CNAME}`, `www.secure.lab. ${RRType.A}`]);
  });

  it('synthesises a CNAME from a DNAME', async () => {
    const r = await dig(SECURE, h.port, 'www.old.secure.lab', RRType.A, { dnssec: false });
    assert.deepEqual(summary(r.answer), [`old.secure.lab. ${RRType.DNAME}`, `www.old.secure.lab. ${RRType.CNAME}`]);
    const target = decodeMessage(encodeMessage(makeQuery('www.new.example', RRType.A)));
    assert.ok(target.ok);
    assert.deepEqual([...r.answer[1].rdata], [...target.message.question[0].name.toWire()]);
  });

  it('refuses names outside its zones, and the lame address refuses everything', async () => {
    assert.equal((await dig(SECURE, h.port, 'www.example', RRType.A)).rcode, Rcode.REFUSED);
    assert.equal((await dig(LAME, h.port, 'www.lame.lab', RRType.A)).rcode, Rcode.REFUSED);
  });

  it('does not listen on the dead address', () => {
    assert.ok(!h.addresses.includes(DEAD));
    assert.ok(h.addresses.includes(LAME));
  });
});

describe('lab server: sizes and transports', () => {
  it('sets TC over UDP when the answer exceeds the EDNS size, and answers in full over TCP', async () => {
    const udp = await dig(SECURE, h.port, 'big.secure.lab', RRType.TXT);
    assert.equal(udp.flags.tc, true);
    assert.equal(udp.answer.length, 0);
    const tcp = await dig(SECURE, h.port, 'big.secure.lab', RRType.TXT, { tcp: true });
    assert.equal(tcp.flags.tc, false);
    assert.deepEqual(summary(tcp.answer), [`big.secure.lab. ${RRType.TXT}`, `big.secure.lab. RRSIG(${RRType.TXT})`]);
  });

  it('uses 512 octets as the limit without EDNS', async () => {
    const mid = await dig(SECURE, h.port, 'www.secure.lab', RRType.A, { noEdns: true });
    assert.equal(mid.flags.tc, false);
    const big = await dig(SECURE, h.port, 'big.secure.lab', RRType.TXT, { noEdns: true });
    assert.equal(big.flags.tc, true);
  });

  it('honours a larger advertised UDP size', async () => {
    const r = await dig(SECURE, h.port, 'big.secure.lab', RRType.TXT, { udpSize: 4096 });
    assert.equal(r.flags.tc, false);
    assert.equal(r.answer[0].type, RRType.TXT);
  });

  it('answers pipelined TCP queries on one connection', async () => {
    const a = encodeMessage(makeQuery('www.secure.lab', RRType.A, {}, 1));
    const b = encodeMessage(makeQuery('www.secure.lab', RRType.AAAA, {}, 2));
    const replies = (await sendTcp(SECURE, h.port, [a, b])).map((x) => decodeMessage(x));
    assert.deepEqual(replies.map((x) => (x.ok ? x.message.id : -1)).sort(), [1, 2]);
  });

  it('answers a malformed query with FORMERR', async () => {
    const q = encodeMessage(makeQuery('www.secure.lab', RRType.A));
    const broken = q.subarray(0, q.length - 3); // cut into the OPT record
    const r = decodeMessage(await sendUdp(SECURE, h.port, broken));
    assert.ok(r.ok);
    assert.equal(r.message.rcode, Rcode.FORMERR);
  });
});

describe('lab server: query log', () => {
  it('records the address, name, type and transport of each query', async () => {
    h.clearQueryLog();
    await dig(TEST_TLD, h.port, 'WwW.Test', RRType.AAAA, { tcp: true });
    assert.deepEqual(h.queryLog, [{ address: TEST_TLD, transport: 'tcp', qname: 'WwW.Test.', qtype: RRType.AAAA, dnssecOk: true }]);
  });
});
