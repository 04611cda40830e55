// How the frontend honours access control and the policy-layer signals (DROP, TCP-only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrontend, type QueryContext } from '../../src/server/frontend.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import type { Outcome, Resolve } from '../../src/wire/outcome.ts';
import { decode, query } from './dns-client.ts';
import { aRdata, rrset } from './fake-zone.ts';

const udp: QueryContext = { transport: 'udp', client: { address: '198.51.100.7', port: 5353 } };
const tcp: QueryContext = { transport: 'tcp', client: { address: '127.0.0.1', port: 5353 } };

function fixed(outcome: Outcome): { resolve: Resolve; calls: number[] } {
  const calls: number[] = [];
  return { resolve: async () => { calls.push(1); return outcome; }, calls };
}

const answer: Outcome = {
  rcode: Rcode.NOERROR, answer: [rrset('www.example.', RRType.A, [aRdata('192.0.2.1')])], authority: [], additional: [], security: 'insecure', reasons: [],
};

test('a client outside the allow list gets REFUSED + EDE 18 naming it, and nothing is resolved', async () => {
  const r = fixed(answer);
  const f = createFrontend({ resolve: r.resolve, maxUdpSize: 1232, isAllowed: (a) => a.startsWith('127.') });
  const m = decode(await f(query({ name: 'www.example.', type: RRType.A, edns: {} }), udp));
  assert.equal(m.rcode, Rcode.REFUSED);
  assert.equal(m.answer.length, 0);
  const edes = readEdes(m.edns);
  assert.equal(edes.length, 1);
  assert.equal(edes[0].ede, EdeCode.PROHIBITED);
  assert.match(edes[0].text, /198\.51\.100\.7/);
  assert.equal(r.calls.length, 0);
  const allowed = decode(await f(query({ name: 'www.example.', type: RRType.A }), tcp));
  assert.equal(allowed.rcode, Rcode.NOERROR);
  assert.equal(r.calls.length, 1);
});

test('a packet that does not decode from a client outside the allow list gets no reply; an allowed client gets FORMERR', async () => {
  const f = createFrontend({ resolve: fixed(answer).resolve, maxUdpSize: 1232, isAllowed: (a) => a.startsWith('127.') });
  // A header claiming one question, then a label running past the end.
  const broken = Uint8Array.of(0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0x3f, 0x61);
  assert.equal(await f(broken, udp), null);
  const formerr = await f(broken, tcp);
  assert.ok(formerr !== null);
  assert.equal(formerr[3] & 0x0f, Rcode.FORMERR);
});

test('an outcome marked drop sends nothing', async () => {
  const f = createFrontend({ resolve: fixed({ ...answer, drop: true, rcode: Rcode.SERVFAIL, answer: [] }).resolve, maxUdpSize: 1232 });
  assert.equal(await f(query({ name: 'www.example.', type: RRType.A }), udp), null);
});

test('an outcome marked truncate answers TC=1 with empty sections over UDP and in full over TCP', async () => {
  const outcome: Outcome = { ...answer, truncate: true, reasons: [reason(EdeCode.FILTERED, 'tcp-only')] };
  const f = createFrontend({ resolve: fixed(outcome).resolve, maxUdpSize: 1232 });
  const overUdp = decode(await f(query({ name: 'www.example.', type: RRType.A, edns: {} }), udp));
  assert.equal(overUdp.flags.tc, true);
  assert.equal(overUdp.answer.length, 0);
  const overTcp = decode(await f(query({ name: 'www.example.', type: RRType.A, edns: {} }), tcp));
  assert.equal(overTcp.flags.tc, false);
  assert.equal(overTcp.answer.length, 1);
});
