// Test support: a throw-away ECDSA P-256 (algorithm 13) signer, so hostile zones (KeyTrap key sets,
// NSEC3 with absurd iteration counts) can be built in memory with real signatures: the validator
// must get past signature checks to reach the limit under test. node:crypto does the maths.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { DnssecAlgorithm, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { dnskeyCodec, rrsigCodec, type RrsigRdata } from '../../src/wire/rdata/dnssec.ts';
import type { RR, RRset } from '../../src/wire/types.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { rrsigSignedPayload } from '../../src/dnssec/rrsig.ts';

const KSK_FLAGS = 257;
const DNSSEC_PROTOCOL = 3;
const P256_COORDINATE = 32;

export interface TestKey {
  readonly rdata: Uint8Array;
  readonly tag: number;
  readonly privateKey: KeyObject;
}

export function makeKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  const y = Buffer.from(jwk.y ?? '', 'base64url');
  if (x.length !== P256_COORDINATE || y.length !== P256_COORDINATE) throw new Error('unexpected P-256 key size');
  const rdata = dnskeyCodec.encode({ flags: KSK_FLAGS, protocol: DNSSEC_PROTOCOL, algorithm: DnssecAlgorithm.ECDSAP256SHA256, publicKey: Uint8Array.from([...x, ...y]) });
  return { rdata, tag: keyTag(rdata), privateKey };
}

/** A DNSKEY RDATA that is not a usable key but has exactly `tag` as its key tag (KeyTrap collisions). */
export function collidingKey(tag: number, seed: number): Uint8Array {
  const pub = new Uint8Array(2 * P256_COORDINATE);
  for (let i = 0; i < pub.length; i++) pub[i] = (seed * 31 + i * 7) & 0xff;
  const rdata = dnskeyCodec.encode({ flags: KSK_FLAGS, protocol: DNSSEC_PROTOCOL, algorithm: DnssecAlgorithm.ECDSAP256SHA256, publicKey: pub });
  // The key tag is a 16-bit word sum: fix the last word so the sum lands on `tag`.
  const last = rdata.length - 2;
  rdata[last] = 0;
  rdata[last + 1] = 0;
  const without = keyTag(rdata);
  const word = (tag - without + 0x10000) & 0xffff;
  rdata[last] = word >> 8;
  rdata[last + 1] = word & 0xff;
  if (keyTag(rdata) !== tag) {
    // The carry fold can be off by one; nudge once.
    const fixed = (word - (keyTag(rdata) - tag) + 0x10000) & 0xffff;
    rdata[last] = fixed >> 8;
    rdata[last + 1] = fixed & 0xff;
  }
  return rdata;
}

export interface SignOptions {
  readonly signer: Name;
  readonly inception: number;
  readonly expiration: number;
}

/** An RRSIG RDATA over `set` by `key`. */
export function signSet(set: Pick<RRset, 'name' | 'type' | 'class' | 'ttl' | 'rdata'>, key: TestKey, o: SignOptions): Uint8Array {
  const fields: RrsigRdata = {
    typeCovered: set.type, algorithm: DnssecAlgorithm.ECDSAP256SHA256, labels: set.name.labelCount, originalTtl: set.ttl,
    expiration: o.expiration, inception: o.inception, keyTag: key.tag, signerName: o.signer, signature: new Uint8Array(0),
  };
  const payload = rrsigSignedPayload(set, fields, set.name);
  const signature = sign('sha256', payload, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return rrsigCodec.encode({ ...fields, signature: new Uint8Array(signature) });
}

/** The records of `set` plus its RRSIG records, as they appear in a message section. */
export function withSigs(set: Pick<RRset, 'name' | 'type' | 'class' | 'ttl' | 'rdata'>, sigs: readonly Uint8Array[]): RR[] {
  return [
    ...set.rdata.map((rdata) => ({ name: set.name, type: set.type, class: set.class, ttl: set.ttl, rdata })),
    ...sigs.map((rdata) => ({ name: set.name, type: RRType.RRSIG, class: RRClass.IN, ttl: set.ttl, rdata })),
  ];
}
