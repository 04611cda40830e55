// A stub-zone for "." becomes root hints with priming, as Unbound primes from a root stub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { rootStubHints } from './resolver-adapter.ts';
import { parseRrText } from './rr-text.ts';
import type { ZoneServers } from './scenario-config.ts';

const stub = (zone: string, addrs: string[], hosts: string[] = [], port = 53): ZoneServers => ({
  zone: Name.of(zone), addresses: addrs.map((address) => ({ address, port })), first: false, tcp: false, hosts: hosts.map((h) => Name.of(h)),
});
const text = (r: ReturnType<typeof rootStubHints>): string[] =>
  r !== undefined && r.ok ? r.hints.map((rr) => `${rr.name} ${rr.type}`) : [String(r?.ok)];

test('root stub addresses become NS + address hints with synthetic names', () => {
  assert.deepEqual(text(rootStubHints(stub('.', ['193.0.14.129', '2001:db8::1']), parseRrText)), [
    `. ${RRType.NS}`, `root-stub-1.invalid. ${RRType.A}`, `. ${RRType.NS}`, `root-stub-2.invalid. ${RRType.AAAA}`,
  ]);
});

test('stub-host names are used when there is one per address', () => {
  assert.deepEqual(text(rootStubHints(stub('.', ['193.0.14.129'], ['k.root-servers.net']), parseRrText)), [
    `. ${RRType.NS}`, `k.root-servers.net. ${RRType.A}`,
  ]);
});

test('a stub below the root, or at another port, stays a stub zone', () => {
  assert.equal(rootStubHints(stub('example.com', ['1.2.3.4']), parseRrText), undefined);
  assert.equal(rootStubHints(stub('.', ['1.2.3.4'], [], 5353), parseRrText), undefined);
});
