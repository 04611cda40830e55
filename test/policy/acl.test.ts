import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { createAcl, refusedOutcome } from '../../src/policy/acl.ts';

function acl(prefixes: string[]) {
  const r = createAcl(prefixes);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.acl;
}

test('acl: IPv4 prefixes and single hosts', () => {
  const a = acl(['10.0.0.0/8', '192.0.2.7']);
  assert.equal(a.isAllowed('10.255.1.2'), true);
  assert.equal(a.isAllowed('11.0.0.1'), false);
  assert.equal(a.isAllowed('192.0.2.7'), true);
  assert.equal(a.isAllowed('192.0.2.8'), false);
});

test('acl: IPv6 prefixes, scope ids', () => {
  const a = acl(['2001:db8::/32', '::1/128', 'fe80::/10']);
  assert.equal(a.isAllowed('2001:db8:ffff::1'), true);
  assert.equal(a.isAllowed('2001:db9::1'), false);
  assert.equal(a.isAllowed('::1'), true);
  assert.equal(a.isAllowed('::2'), false);
  assert.equal(a.isAllowed('fe80::1%eth0'), true);
});

test('acl: IPv4-mapped IPv6 clients match IPv4 prefixes, and mapped prefixes match IPv4 clients', () => {
  const a = acl(['127.0.0.0/8']);
  assert.equal(a.isAllowed('::ffff:127.0.0.1'), true);
  assert.equal(a.isAllowed('::FFFF:7f00:1'), true);
  assert.equal(a.isAllowed('::ffff:128.0.0.1'), false);
  const m = acl(['::ffff:10.0.0.0/104']);
  assert.equal(m.isAllowed('10.9.9.9'), true);
  assert.equal(m.isAllowed('11.9.9.9'), false);
});

test('acl: empty list refuses everyone; garbage addresses are refused', () => {
  const a = acl([]);
  assert.equal(a.isAllowed('127.0.0.1'), false);
  const b = acl(['0.0.0.0/0', '::/0']);
  assert.equal(b.isAllowed('203.0.113.9'), true);
  assert.equal(b.isAllowed('2001:db8::9'), true);
  assert.equal(b.isAllowed('not-an-address'), false);
  assert.equal(b.isAllowed(''), false);
});

test('acl: malformed entries are rejected with the entry named', () => {
  for (const bad of ['10.0.0.0/33', '10.0.0/8', '::/129', 'host.example', '10.0.0.0/x']) {
    const r = createAcl(['127.0.0.0/8', bad]);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.error, new RegExp(bad.replace(/[./]/g, '\\$&')), bad);
  }
});

test('refusedOutcome: REFUSED, EDE 18 naming the client, no AD', () => {
  const o = refusedOutcome('203.0.113.9');
  assert.equal(o.rcode, Rcode.REFUSED);
  assert.equal(o.reasons.length, 1);
  assert.equal(o.reasons[0].ede, EdeCode.PROHIBITED);
  assert.match(o.reasons[0].text, /203\.0\.113\.9/);
  assert.notEqual(o.security, 'secure');
  assert.deepEqual([o.answer, o.authority, o.additional], [[], [], []]);
});

test('acl: remembered verdicts stay right when asked again, past the cache bound, and per list', () => {
  const a = acl(['10.0.0.0/8']);
  for (let round = 0; round < 2; round++) {
    // 10.x.y.z alternating with 11.x.y.z, more distinct addresses than the verdict cache holds.
    for (let i = 0; i < 3000; i++) {
      const hi = (i >> 8) & 0xff, lo = i & 0xff;
      assert.equal(a.isAllowed(`10.0.${hi}.${lo}`), true);
      assert.equal(a.isAllowed(`11.0.${hi}.${lo}`), false);
    }
  }
  // A reload builds a new list: it must not answer from the old one's verdicts.
  const b = acl(['11.0.0.0/8']);
  assert.equal(b.isAllowed('10.0.0.1'), false);
  assert.equal(b.isAllowed('11.0.0.1'), true);
  assert.equal(a.isAllowed('10.0.0.1'), true);
});
