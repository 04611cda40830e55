// DNS-rebinding protection (privateAddresses / privateDomains, Unbound's private-address): private
// A/AAAA records and SVCB/HTTPS records hinting at private addresses are scrubbed from upstream
// replies in every section before anything uses or caches them; the rest of an RRset stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Message, RR } from '../../src/wire/types.ts';
import { RebindingFilter, type AddressPrefix } from '../../src/resolver/rebinding.ts';
import { addressText } from '../../src/resolver/rdata-views.ts';
import { reply, zone } from './fake-hierarchy.ts';
import { query, setup } from './hierarchy.ts';

const TEN: AddressPrefix = { network: '10.0.0.0', prefix: 8, family: 4 };
const ULA: AddressPrefix = { network: 'fd00::', prefix: 8, family: 6 };
const records = (text: string): RR[] => [...zone('example.', text).records];
const q = { name: Name.of('www.example'), type: RRType.A, class: 1 };
const texts = (rrs: readonly RR[]) => rrs.map((r) => `${r.name} ${r.type} ${addressText(r.type, r.rdata) ?? ''}`.trim());

test('private A/AAAA records are removed from every section; public ones in the same RRset stay', () => {
  const f = new RebindingFilter([TEN, ULA], []);
  const answer = records('www A 10.1.2.3\nwww A 192.0.2.1\nwww AAAA fd00::1\n');
  const additional = records('ns A 10.9.9.9\n');
  const m: Message = reply(q, Rcode.NOERROR, true, answer, [], additional);
  const r = f.scrub(m);
  assert.equal(r.removed, 3);
  assert.deepEqual(texts(r.message.answer), ['www.example. 1 192.0.2.1']);
  assert.deepEqual(r.message.additional, []);
});

test('an IPv4-mapped IPv6 address is checked against the IPv4 prefixes', () => {
  const f = new RebindingFilter([TEN], []);
  const r = f.scrub(reply(q, Rcode.NOERROR, true, records('www AAAA ::ffff:10.0.0.1\nwww AAAA 2001:db8::1\n'), []));
  assert.deepEqual(texts(r.message.answer), ['www.example. 28 2001:db8::1']);
});

test('names at or below a private domain keep their private addresses', () => {
  const f = new RebindingFilter([TEN], [Name.of('example')]);
  const m = reply(q, Rcode.NOERROR, true, records('www A 10.1.2.3\n'), []);
  const r = f.scrub(m);
  assert.equal(r.removed, 0);
  assert.equal(r.message, m);
  const other = new RebindingFilter([TEN], [Name.of('other.example')]);
  assert.equal(other.scrub(m).removed, 1);
});

test('SVCB/HTTPS records with a private ipv4hint or ipv6hint are removed whole; others stay', () => {
  const f = new RebindingFilter([TEN, ULA], []);
  const svcb = records([
    'svc SVCB 1 a.example. ipv4hint=192.0.2.1,10.20.30.42',
    'svc SVCB 1 b.example. ipv6hint=fd00::15',
    'svc SVCB 1 c.example. ipv4hint=192.0.2.2',
    'svc HTTPS 1 . alpn=h2',
  ].join('\n') + '\n');
  const r = f.scrub(reply({ name: Name.of('svc.example'), type: RRType.SVCB, class: 1 }, Rcode.NOERROR, true, svcb, []));
  assert.equal(r.removed, 2);
  assert.equal(r.message.answer.length, 2);
});

test('the RRSIG of a set that lost every record goes with it; of a set that kept some, it stays', () => {
  const f = new RebindingFilter([TEN], []);
  const sig = (owner: string, covered: number): RR => ({ name: Name.of(owner), type: RRType.RRSIG, class: 1, ttl: 300, rdata: Uint8Array.of(covered >> 8, covered & 0xff, 8, 2) });
  const answer = [...records('gone A 10.0.0.1\nkept A 10.0.0.2\nkept A 192.0.2.9\n'), sig('gone.example', RRType.A), sig('kept.example', RRType.A)];
  const r = f.scrub(reply(q, Rcode.NOERROR, true, answer, []));
  assert.deepEqual(r.message.answer.map((rr) => `${rr.name} ${rr.type}`), ['kept.example. 1', 'kept.example. 46']);
});

test('no prefixes configured: the filter is off and the message is passed through untouched', () => {
  const f = new RebindingFilter([], []);
  const m = reply(q, Rcode.NOERROR, true, records('www A 10.1.2.3\n'), []);
  assert.equal(f.active, false);
  assert.equal(f.scrub(m).message, m);
});

test('resolver: a private answer is scrubbed before use and caching (NOERROR, empty); other names are untouched', async () => {
  const { net, resolver } = setup({ privateAddresses: [{ network: '192.0.2.0', prefix: 24, family: 4 }] });
  const o = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(o.answer, []);
  // Asked again: nothing private was cached, so the answer is still empty.
  const again = await resolver.resolve(query('www.lab', RRType.A));
  assert.deepEqual(again.answer, []);
  assert.ok(net.log.length > 0);
  const allowed = setup({ privateAddresses: [{ network: '192.0.2.0', prefix: 24, family: 4 }], privateDomains: [Name.of('lab')] });
  const ok = await allowed.resolver.resolve(query('www.lab', RRType.A));
  assert.equal(ok.answer.length, 1);
});
