// Attacks on the validator's CPU, end to end through resolver + validator with really signed
// in-memory zones (./signer.ts): KeyTrap (CVE-2023-50387: 100 DNSKEYs sharing one key tag, 100
// RRSIGs by that tag, of which the upstream scrub keeps 8) must end bogus with a reason naming the
// bound while a concurrent query still completes;
// NSEC3 with 2500 iterations (CVE-2023-50868, RFC 9276) must make the denial insecure with EDE 27
// without hashing (the hash budget is set to 1, so any hashing would end in a different reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { nsec3Codec, rrsigCodec } from '../../src/wire/rdata/dnssec.ts';
import { soaCodec } from '../../src/wire/rdata/basic.ts';
import type { Question, RR, RRset } from '../../src/wire/types.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import { createValidatorFromRecords } from '../../src/resolver/validation.ts';
import type { ValidationLimits } from '../../src/dnssec/budget.ts';
import { FakeNet, reply, TestClock } from '../resolver/fake-hierarchy.ts';
import { query } from '../resolver/hierarchy.ts';
import { collidingKey, makeKey, signSet, withSigs, type TestKey } from './signer.ts';

const SERVER = '127.0.7.1';
const TTL = 300;
const COLLISIONS = 100;
const ITERATIONS = 2500;
const SHA1_HASH_OCTETS = 20;
/** TestClock starts at 1000 s: signatures valid from 500 s to 10^6 s. */
const WINDOW = { inception: 500, expiration: 1_000_000 };

const TRAP = Name.of('trap.');
const N3 = Name.of('n3.');

function set(name: Name, type: number, rdata: Uint8Array[]): Pick<RRset, 'name' | 'type' | 'class' | 'ttl' | 'rdata'> {
  return { name, type, class: RRClass.IN, ttl: TTL, rdata };
}

function signed(s: ReturnType<typeof set>, key: TestKey, zone: Name): RR[] {
  return withSigs(s, [signSet(s, key, { signer: zone, ...WINDOW })]);
}

function soaOf(zone: Name): ReturnType<typeof set> {
  return set(zone, RRType.SOA, [soaCodec.encode({ mname: Name.of(`ns.${zone}`), rname: Name.of(`hostmaster.${zone}`), serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: TTL })]);
}

interface World {
  readonly resolver: Resolver;
  readonly net: FakeNet;
}

function world(limits: Partial<ValidationLimits> = {}): World {
  const trapKey = makeKey();
  const n3Key = makeKey();

  // trap.: the real key plus 99 keys sharing its tag (the DNSKEY set itself validly signed by the
  // real key), and an answer with 100 RRSIGs by that tag, none of which verifies (random signature
  // octets in the right shape). The upstream scrub keeps the first MAX_RRSIGS_PER_RRSET of those
  // (sig-scrub.ts); every kept one still matches 100 keys, which is what the budgets must bound.
  const keys = [trapKey.rdata, ...Array.from({ length: COLLISIONS - 1 }, (_, i) => collidingKey(trapKey.tag, i + 1))];
  for (const k of keys) assert.equal(keyTag(k), trapKey.tag, 'colliding key tag');
  const dnskeySet = set(TRAP, RRType.DNSKEY, keys);
  const junkSigs = (s: ReturnType<typeof set>) => {
    const real = rrsigCodec.decode(signSet(s, trapKey, { signer: TRAP, ...WINDOW }));
    assert.ok(real.ok);
    return Array.from({ length: COLLISIONS }, (_, i) =>
      rrsigCodec.encode({ ...real.value, signature: Uint8Array.from({ length: real.value.signature.length }, (_, j) => (i * 13 + j * 17) & 0xff) }));
  };
  const trapAnswer = (q: Question) => {
    if (q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, signed(dnskeySet, trapKey, TRAP), []);
    const a = set(q.name, RRType.A, [Uint8Array.of(192, 0, 2, 66)]);
    return reply(q, Rcode.NOERROR, true, withSigs(a, junkSigs(a)), []);
  };

  // n3.: properly signed, but its NSEC3 chain uses 2500 iterations.
  const n3Keys = set(N3, RRType.DNSKEY, [n3Key.rdata]);
  const nsec3 = (label: string, next: number) =>
    set(Name.of(`${label}.n3.`), RRType.NSEC3, [nsec3Codec.encode({ hashAlgorithm: 1, flags: 0, iterations: ITERATIONS, salt: Uint8Array.of(0xab), nextHashed: new Uint8Array(SHA1_HASH_OCTETS).fill(next), types: [RRType.A, RRType.RRSIG] })]);
  const n3Answer = (q: Question) => {
    if (q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, signed(n3Keys, n3Key, N3), []);
    if (q.name.equals(Name.of('www.n3.'))) return reply(q, Rcode.NOERROR, true, signed(set(q.name, RRType.A, [Uint8Array.of(192, 0, 2, 3)]), n3Key, N3), []);
    const authority = [
      ...signed(soaOf(N3), n3Key, N3),
      ...signed(nsec3('0123456789abcdefghijklmnopqrstuv', 0x99), n3Key, N3),
      ...signed(nsec3('k0000000000000000000000000000000', 0x11), n3Key, N3),
    ];
    return reply(q, Rcode.NXDOMAIN, true, [], authority);
  };

  const net = new FakeNet().serve(SERVER, { kind: 'custom', answer: (q) => (q.name.isSubdomainOf(TRAP) ? trapAnswer(q) : n3Answer(q)) });
  const anchors: RR[] = [
    { name: TRAP, type: RRType.DNSKEY, class: RRClass.IN, ttl: TTL, rdata: trapKey.rdata },
    { name: N3, type: RRType.DNSKEY, class: RRClass.IN, ttl: TTL, rdata: n3Key.rdata },
  ];
  const v = createValidatorFromRecords(anchors, { nsec3MaxIterations: 150, limits: { maxNsec3HashesPerResponse: 1, ...limits } });
  assert.ok(v.ok, v.ok ? '' : v.error);
  const stub = (zone: Name) => ({ zone, addresses: [{ address: SERVER, port: 53 }] });
  const resolver = createResolver(
    { stubZones: [stub(TRAP), stub(N3)], trustAnchors: anchors, doIp6: false },
    { transport: net, clock: new TestClock(), validator: v.validator, random: () => 0.99 },
  );
  v.validator.attachCache(resolver.cache);
  return { resolver, net };
}

test('the signer works: a properly signed answer in n3. is secure', async () => {
  const { resolver } = world();
  const o = await resolver.resolve(query('www.n3.', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
  assert.equal(o.security, 'secure');
});

test('KeyTrap: 100 DNSKEYs with one key tag and 100 RRSIGs end bogus with a bound named; a concurrent query completes', async () => {
  const { resolver } = world();
  const [trap, other] = await Promise.all([resolver.resolve(query('www.trap.', RRType.A)), resolver.resolve(query('www.n3.', RRType.A))]);
  assert.equal(trap.rcode, Rcode.SERVFAIL);
  assert.equal(trap.security, 'bogus');
  const first = trap.reasons[0];
  assert.ok(first !== undefined);
  assert.ok(first.ede === EdeCode.OTHER || first.ede === EdeCode.DNSKEY_MISSING || first.ede === EdeCode.DNSSEC_BOGUS, JSON.stringify(trap.reasons));
  assert.match(trap.reasons.map((r) => r.text).join(' | '), /share the key tag|validation limit/);
  assert.equal(other.rcode, Rcode.NOERROR);
  assert.equal(other.security, 'secure');
});

test('KeyTrap with the collision bound lifted: the per-RRset and per-query verification budgets end it', async () => {
  const { resolver } = world({ maxKeyTagCollisions: 1000 });
  const o = await resolver.resolve(query('www.trap.', RRType.A));
  assert.equal(o.rcode, Rcode.SERVFAIL);
  assert.match(o.reasons.map((r) => r.text).join(' | '), /validation limit: more than [0-9]+ signature verifications/);
});

test('NSEC3 with 2500 iterations: NXDOMAIN treated as insecure with EDE 27, without spending the hash budget', async () => {
  const { resolver } = world();
  const o = await resolver.resolve(query('nx.n3.', RRType.A));
  assert.equal(o.rcode, Rcode.NXDOMAIN, JSON.stringify(o.reasons));
  assert.equal(o.security, 'insecure');
  assert.equal(o.reasons[0]?.ede, EdeCode.UNSUPPORTED_NSEC3_ITERATIONS_VALUE, JSON.stringify(o.reasons));
  assert.match(o.reasons[0].text, /2500 iterations/);
});
