import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHostPort, parseCidr, parseHostPort, parseServerAddress, toBlockList } from '../../src/config/address.ts';

test('parseHostPort accepts IPv4 and bracketed IPv6', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:5300'), { ok: true, value: { host: '127.0.0.1', port: 5300, family: 4 } });
  assert.deepEqual(parseHostPort('[::1]:53'), { ok: true, value: { host: '::1', port: 53, family: 6 } });
  assert.deepEqual(parseHostPort('127.0.0.1:0'), { ok: true, value: { host: '127.0.0.1', port: 0, family: 4 } });
});

test('parseHostPort rejects names, bare IPv6, bad ports', () => {
  for (const bad of ['localhost:53', '::1:53', '127.0.0.1', '127.0.0.1:65536', '127.0.0.1:-1', '[::1]53', '[::1]:', '1.2.3:53']) {
    assert.equal(parseHostPort(bad).ok, false, bad);
  }
});

test('parseServerAddress: ip or ip@port', () => {
  assert.deepEqual(parseServerAddress('192.0.2.1', 53), { ok: true, value: { host: '192.0.2.1', port: 53, family: 4 } });
  assert.deepEqual(parseServerAddress('2001:db8::1@5353', 53), { ok: true, value: { host: '2001:db8::1', port: 5353, family: 6 } });
  assert.equal(parseServerAddress('192.0.2.1@0', 53).ok, false);
  assert.equal(parseServerAddress('ns.example', 53).ok, false);
});

test('formatHostPort brackets IPv6', () => {
  assert.equal(formatHostPort({ host: '::1', port: 53 }), '[::1]:53');
  assert.equal(formatHostPort({ host: '127.0.0.1', port: 53 }), '127.0.0.1:53');
});

test('parseCidr and toBlockList', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { ok: true, value: { network: '10.0.0.0', prefix: 8, family: 4 } });
  assert.deepEqual(parseCidr('::1'), { ok: true, value: { network: '::1', prefix: 128, family: 6 } });
  assert.equal(parseCidr('fc00::/129').ok, false);
  assert.equal(parseCidr('10.0.0.0/x').ok, false);
  assert.equal(parseCidr('10.0.0/8').ok, false);
  const cidrs = ['10.0.0.0/8', 'fc00::/7'].map((t) => {
    const r = parseCidr(t);
    assert.ok(r.ok);
    return r.value;
  });
  const list = toBlockList(cidrs);
  assert.equal(list.check('10.1.2.3', 'ipv4'), true);
  assert.equal(list.check('11.1.2.3', 'ipv4'), false);
  assert.equal(list.check('fd00::1', 'ipv6'), true);
  assert.equal(list.check('2001:db8::1', 'ipv6'), false);
});
