// What the validator needs from a response reaches it: wildcard-expansion proofs of positive
// answers (NSEC/NSEC3 in the authority section), RRSIGs a server put in another section than their
// RRset, and signed denials without SOA from servers that do not set AA. Lab records, so the
// RRSIGs are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { adoptStraySignatures, groupRRsets, rrsetToRRs } from '../../src/wire/rrset.ts';
import type { Question, RR, RRset } from '../../src/wire/types.ts';
import { classifyResponse } from '../../src/resolver/classify.ts';
import { labSet } from '../dnssec/lab-zones.ts';
import { reply } from './fake-hierarchy.ts';

const q = (name: string, type: number): Question => ({ name: Name.of(name), type, class: 1 });
const opts = (zone: string, question: Question) => ({ zone: Name.of(zone), question, forwarding: false, maxLinks: 16 });
const rrs = (set: RRset, withSigs = true): RR[] => rrsetToRRs(set, withSigs);
const sigsOnly = (set: RRset): RR[] => rrsetToRRs(set, true).filter((r) => r.type === RRType.RRSIG);

test('a wildcard answer keeps the NSEC of its authority section as proofs', () => {
  const question = q('foo.wild.secure.lab', RRType.A);
  const expanded = { ...labSet('secure.lab', '*.wild.secure.lab', RRType.A), name: question.name };
  const nsec = labSet('secure.lab', '*.wild.secure.lab', RRType.NSEC);
  const c = classifyResponse(reply(question, Rcode.NOERROR, true, rrs(expanded), rrs(nsec)), opts('secure.lab', question));
  assert.ok(c.kind === 'answer');
  assert.equal(c.answer.end.kind, 'data');
  assert.deepEqual(c.answer.proofs?.map((s) => `${s.name} ${s.type} ${s.sigs.length}`), [`*.wild.secure.lab. ${RRType.NSEC} 1`]);
  const plain = classifyResponse(reply(question, Rcode.NOERROR, true, rrs(expanded), []), opts('secure.lab', question));
  assert.ok(plain.kind === 'answer');
  assert.equal(plain.answer.proofs, undefined);
});

test('RRSIGs in another section join the RRset they cover; unmatched ones stay orphans', () => {
  const a = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const soa = labSet('secure.lab', 'secure.lab', RRType.SOA);
  const [answer, authority, additional] = adoptStraySignatures([
    groupRRsets(rrs(a, false)), groupRRsets([]), groupRRsets([...sigsOnly(a), ...sigsOnly(soa)]),
  ]);
  assert.deepEqual(answer[0].sigs, a.sigs);
  assert.deepEqual(authority, []);
  assert.deepEqual(additional.map((s) => `${s.name} ${s.type}`), [`secure.lab. ${RRType.RRSIG}`]);
  const question = q('www.secure.lab', RRType.A);
  const c = classifyResponse(reply(question, Rcode.NOERROR, true, rrs(a, false), [], sigsOnly(a)), opts('secure.lab', question));
  assert.ok(c.kind === 'answer' && c.answer.end.kind === 'data');
  assert.deepEqual(c.answer.end.rrsets[0].sigs, a.sigs);
});

test('a non-AA NODATA or NXDOMAIN without SOA but with NSEC proofs is a denial, not lame', () => {
  const nsec = labSet('secure.lab', 'www.secure.lab', RRType.NSEC);
  const nodataQ = q('www.secure.lab', RRType.MX);
  const nodata = classifyResponse(reply(nodataQ, Rcode.NOERROR, false, [], rrs(nsec)), opts('secure.lab', nodataQ));
  assert.ok(nodata.kind === 'answer');
  assert.equal(nodata.answer.end.kind, 'nodata');
  const nxQ = q('wwx.secure.lab', RRType.A);
  const nx = classifyResponse(reply(nxQ, Rcode.NXDOMAIN, false, [], rrs(nsec)), opts('secure.lab', nxQ));
  assert.ok(nx.kind === 'answer');
  assert.equal(nx.answer.end.kind, 'nxdomain');
  // Without any proof it stays what it was: lame.
  assert.equal(classifyResponse(reply(nxQ, Rcode.NXDOMAIN, false, [], []), opts('secure.lab', nxQ)).kind, 'lame');
});
