// The zone's own NS set (the authority section of its authoritative answers) as a fallback: a
// server only the child lists is tried once every server of the parent's delegation has failed,
// and never while they work, so a zone's answers cannot steer queries away from its delegation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RR } from '../../src/wire/types.ts';
import { reply } from './fake-hierarchy.ts';
import { hierarchy, LAB, query, setup, SUB } from './hierarchy.ts';

const a = (name: string, last: number): RR => ({ name: Name.of(name), type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, last) });
const ns = (owner: string, target: string): RR => ({ name: Name.of(owner), type: RRType.NS, class: RRClass.IN, ttl: 300, rdata: Name.of(target).toWire() });
/** The child's NS set: the parent (root) delegates lab. to ns1.lab only; ns2.other (SUB) is extra. */
const CHILD_NS = [ns('lab', 'ns1.lab'), ns('lab', 'ns2.other')];

function net(labDown: { value: boolean }, childListsNs: boolean) {
  const answer = (q: Question, last: number) => reply(q, Rcode.NOERROR, true, [a(q.name.toString(), last)], childListsNs ? CHILD_NS : []);
  return hierarchy()
    .serve(LAB, { kind: 'custom', answer: (q) => (labDown.value ? reply(q, Rcode.SERVFAIL, false, [], []) : answer(q, 1)) })
    .serve(SUB, { kind: 'custom', answer: (q) => answer(q, 7) });
}

test('a server only the child names is tried when the delegation\'s servers fail', async () => {
  const labDown = { value: false };
  const n = net(labDown, true);
  const { resolver } = setup({ qnameMinimisation: false }, n);
  assert.equal((await resolver.resolve(query('www.lab', RRType.A))).rcode, Rcode.NOERROR);
  labDown.value = true;
  const o = await resolver.resolve(query('mail.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.ok(n.asked().includes(`mail.lab. 1@${SUB}`), n.asked().join(', '));
});

test('without the child\'s NS set the same failure is final', async () => {
  const labDown = { value: false };
  const n = net(labDown, false);
  const { resolver } = setup({ qnameMinimisation: false }, n);
  assert.equal((await resolver.resolve(query('www.lab', RRType.A))).rcode, Rcode.NOERROR);
  labDown.value = true;
  assert.equal((await resolver.resolve(query('mail.lab', RRType.A))).rcode, Rcode.SERVFAIL);
});

test('while the delegation\'s servers work, the child-only server is never asked', async () => {
  const n = net({ value: false }, true);
  const { resolver } = setup({ qnameMinimisation: false }, n);
  for (const name of ['www.lab', 'mail.lab', 'ftp.lab']) assert.equal((await resolver.resolve(query(name, RRType.A))).rcode, Rcode.NOERROR);
  assert.ok(!n.asked().some((q) => q.endsWith(`@${SUB}`)), n.asked().join(', '));
});
