// DNAME answers (RFC 6672): the DNAME is the data that counts, not the CNAME a server synthesized
// from it; QTYPE=CNAME stops at the synthesized CNAME; the rest of a chain after a DNAME is asked
// of the target's own servers; a cached DNAME redirects names below it for every QTYPE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RR } from '../../src/wire/types.ts';
import { classifyResponse } from '../../src/resolver/classify.ts';
import { reply, zone } from './fake-hierarchy.ts';
import { answerNames, hierarchy, LAB, OTHER, query, setup } from './hierarchy.ts';

const rr = (name: string, type: number, target: string): RR => ({ name: Name.of(name), type, class: 1, ttl: 60, rdata: Name.of(target).toWire() });
const addr = (name: string): RR => ({ name: Name.of(name), type: RRType.A, class: 1, ttl: 60, rdata: Uint8Array.of(192, 0, 2, 9) });
const opts = (question: Question) => ({ zone: Name.of('lab'), question, forwarding: false, maxLinks: 16 });
const DNAME = rr('a.lab', RRType.DNAME, 'b.lab');
const SYNTH = rr('www.a.lab', RRType.CNAME, 'www.b.lab');

test('QTYPE=CNAME under a DNAME: the DNAME is the link and the synthesized CNAME the answer', () => {
  const q: Question = { name: Name.of('www.a.lab'), type: RRType.CNAME, class: 1 };
  // The server's CNAME comes first: it must not be taken as the (unsigned) answer.
  const c = classifyResponse(reply(q, Rcode.NOERROR, true, [SYNTH, DNAME], []), opts(q));
  assert.equal(c.kind, 'answer');
  if (c.kind !== 'answer') return;
  assert.equal(c.answer.links.length, 1);
  assert.equal(c.answer.links[0].set.type, RRType.DNAME);
  assert.equal(c.answer.links[0].synthesized?.name.toString(), 'www.a.lab.');
  // Not chased: the CNAME answers QTYPE=CNAME.
  assert.deepEqual({ kind: c.answer.end.kind, name: c.answer.end.name.toString() }, { kind: 'data', name: 'www.a.lab.' });
  assert.deepEqual(c.answer.end.kind === 'data' ? c.answer.end.rrsets : undefined, []);
});

test('a CNAME that disagrees with the DNAME is rejected for QTYPE=CNAME too', () => {
  const q: Question = { name: Name.of('www.a.lab'), type: RRType.CNAME, class: 1 };
  const forged = rr('www.a.lab', RRType.CNAME, 'www.evil.lab');
  assert.equal(classifyResponse(reply(q, Rcode.NOERROR, true, [DNAME, forged], []), opts(q)).kind, 'lame');
});

test('the chain after a DNAME is not taken from the same reply: its target is asked next', () => {
  const q: Question = { name: Name.of('www.a.lab'), type: RRType.A, class: 1 };
  // Reversed order (CNAME before DNAME) and unsigned data at the target, as a poisoner would send.
  const c = classifyResponse(reply(q, Rcode.NOERROR, true, [SYNTH, DNAME, addr('www.b.lab')], []), opts(q));
  assert.equal(c.kind, 'answer');
  if (c.kind !== 'answer') return;
  assert.equal(c.answer.links.length, 1);
  assert.deepEqual({ kind: c.answer.end.kind, name: c.answer.end.name.toString() }, { kind: 'continue', name: 'www.b.lab.' });
});

test('QTYPE=DNAME below a DNAME is redirected; a DNAME at the name itself is the data', () => {
  const below: Question = { name: Name.of('x.a.lab'), type: RRType.DNAME, class: 1 };
  const c = classifyResponse(reply(below, Rcode.NOERROR, true, [DNAME, rr('x.a.lab', RRType.CNAME, 'x.b.lab')], []), opts(below));
  assert.equal(c.kind === 'answer' ? c.answer.links[0]?.to.toString() : c.kind, 'x.b.lab.');
  const at: Question = { name: Name.of('a.lab'), type: RRType.DNAME, class: 1 };
  const d = classifyResponse(reply(at, Rcode.NOERROR, true, [DNAME], []), opts(at));
  assert.equal(d.kind === 'answer' ? d.answer.end.kind : d.kind, 'data');
});

test('resolver: QTYPE=CNAME under a DNAME answers DNAME + CNAME without chasing the target', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('www.dn.lab', RRType.CNAME));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(answerNames(o), ['dn.lab. 39', 'www.dn.lab. 5']);
  assert.ok(!net.asked().some((a) => a.startsWith('www.other.')), net.asked().join(', '));
});

test('resolver: a cached DNAME redirects QTYPE=CNAME and QTYPE=DNAME below it', async () => {
  const { net, resolver } = setup();
  await resolver.resolve(query('www.dn.lab', RRType.A));
  const cname = await resolver.resolve(query('mail.dn.lab', RRType.CNAME));
  assert.deepEqual(answerNames(cname), ['dn.lab. 39', 'mail.dn.lab. 5']);
  const dname = await resolver.resolve(query('ftp.dn.lab', RRType.DNAME));
  assert.deepEqual(answerNames(dname).slice(0, 2), ['dn.lab. 39', 'ftp.dn.lab. 5']);
  // Neither name below the DNAME was asked of lab.'s server: the cached DNAME answered.
  const asked = net.asked();
  assert.ok(!asked.includes(`mail.dn.lab. 5@${LAB}`) && !asked.includes(`ftp.dn.lab. 39@${LAB}`), asked.join(', '));
  // The redirected name is asked of its own zone's server.
  assert.ok(asked.includes(`ftp.other. 39@${OTHER}`), asked.join(', '));
});

test('resolver: a chain that passes one DNAME twice carries that DNAME once (RFC 2181 §5)', async () => {
  const lab = zone('lab.', `
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A ${LAB}
d2 DNAME t2.lab.
a.a.t2 CNAME a.d2.lab.
a.t2 A 192.0.2.7
`);
  const net = hierarchy().serve(LAB, { kind: 'auth', zones: [lab] });
  const { resolver } = setup({}, net);
  const o = await resolver.resolve(query('a.a.d2.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons) + net.asked().join(', '));
  // DNAME, its CNAME, the in-zone CNAME back under the DNAME, the second synthesized CNAME, the A.
  assert.deepEqual(answerNames(o), ['d2.lab. 39', 'a.a.d2.lab. 5', 'a.a.t2.lab. 5', 'a.d2.lab. 5', 'a.t2.lab. 1']);
});
