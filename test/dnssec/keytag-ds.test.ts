// Key tags (RFC 4034 Appendix B) and DS digests (RFC 4034 §5.1.4, RFC 4509) against published vectors,
// dnssec-signzone's DS sets and dnssec-dsfromkey output for the signed fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType, DigestType, DnssecAlgorithm } from '../../src/wire/constants.ts';
import { dsCodec, dnskeyCodec, type DsRdata } from '../../src/wire/rdata/dnssec.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { computeDsDigest, dsMatchesKey, selectUsableDs, isSupportedDigest } from '../../src/dnssec/ds.ts';
import { loadZone, parseRecords, readFixture, ALGORITHM_ZONES } from './fixtures.ts';
import type { RR } from '../../src/wire/types.ts';

const vectors = parseRecords(readFixture('rfc-vectors.zone'));
const ofType = (rrs: readonly RR[], type: number, owner: string) => rrs.filter((r) => r.type === type && r.name.equals(Name.of(owner)));
const ds = (r: RR): DsRdata => {
  const d = dsCodec.decode(r.rdata);
  assert.ok(d.ok);
  return d.value;
};

test('RFC 4034 §5.4 / RFC 4509 §2.3: key tag 60485, SHA-1 and SHA-256 DS', () => {
  const [key] = ofType(vectors, RRType.DNSKEY, 'dskey.example.com');
  assert.equal(keyTag(key.rdata), 60485);
  const owner = Name.of('dskey.example.com');
  const dsSet = ofType(vectors, RRType.DS, 'dskey.example.com').map(ds);
  assert.equal(dsSet.length, 2);
  for (const d of dsSet) assert.deepEqual(dsMatchesKey(d, owner, key.rdata), { ok: true });
  // The owner name is part of the digest, in canonical (lower-case) form.
  assert.deepEqual(dsMatchesKey(dsSet[0], Name.of('DSKEY.Example.COM'), key.rdata), { ok: true });
  const other = dsMatchesKey(dsSet[0], Name.of('other.example.com'), key.rdata);
  assert.equal(!other.ok && other.kind, 'digest-mismatch');
});

test('RFC 8080 §6.1: Ed25519 key tags and SHA-256 DS', () => {
  const keys = ofType(vectors, RRType.DNSKEY, 'example.com');
  assert.deepEqual(keys.map((k) => keyTag(k.rdata)), [3613, 35217]);
  const dsSet = ofType(vectors, RRType.DS, 'example.com').map(ds);
  for (let i = 0; i < 2; i++) assert.deepEqual(dsMatchesKey(dsSet[i], Name.of('example.com'), keys[i].rdata), { ok: true });
  const crossed = dsMatchesKey(dsSet[0], Name.of('example.com'), keys[1].rdata);
  assert.equal(!crossed.ok && crossed.kind, 'key-tag');
});

test('algorithm 1 (RSA/MD5) key tag is the modulus\'s second- and third-last octets (Appendix B.1)', () => {
  const rdata = Uint8Array.from([0x01, 0x00, 0x03, DnssecAlgorithm.RSAMD5, 0x01, 0x03, 0xaa, 0xbb, 0x12, 0x34, 0x56]);
  assert.equal(keyTag(rdata), 0x1234);
});

for (const zoneName of [...ALGORITHM_ZONES, 'nsec.test', 'nsec3.test', 'nsec3-optout.test']) {
  test(`${zoneName}: key tags and digests agree with dnssec-signzone and dnssec-dsfromkey`, () => {
    const zone = loadZone(zoneName);
    const fromSigner = parseRecords(readFixture(`dsset-${zoneName}.`), zone.origin).map(ds);
    const fromTool = parseRecords(readFixture(`${zoneName}.dsfromkey`), zone.origin).map(ds);
    assert.deepEqual(fromTool.map((d) => d.digestType), [DigestType.SHA1, DigestType.SHA256, DigestType.SHA384]);
    const ksk = zone.dnskeys.find((k) => keyTag(k) === fromTool[0].keyTag);
    assert.ok(ksk, 'the KSK named by dnssec-dsfromkey is in the zone');
    for (const d of [...fromSigner, ...fromTool]) {
      assert.deepEqual(dsMatchesKey(d, zone.origin, ksk), { ok: true }, `digest type ${d.digestType}`);
      const c = computeDsDigest(zone.origin, ksk, d.digestType);
      assert.ok(c.ok);
      assert.deepEqual(c.digest, d.digest);
    }
    // Every RRSIG's key-tag field names a DNSKEY of the zone whose computed tag matches.
    const tags = new Set(zone.dnskeys.map(keyTag));
    const sigTags = new Set(zone.records.filter((r) => r.type === RRType.RRSIG).map((r) => (r.rdata[16] << 8) | r.rdata[17]));
    assert.equal(sigTags.size, 2, 'KSK signs DNSKEY, ZSK the rest');
    for (const t of sigTags) assert.ok(tags.has(t), `tag ${t}`);
  });
}

test('dsMatchesKey failure kinds', () => {
  const zone = loadZone('alg13.test');
  const fromTool = parseRecords(readFixture('alg13.test.dsfromkey'), zone.origin).map(ds);
  const ksk = zone.dnskeys.find((k) => keyTag(k) === fromTool[0].keyTag)!;
  const kind = (d: DsRdata, key = ksk) => {
    const r = dsMatchesKey(d, zone.origin, key);
    return r.ok ? 'ok' : r.kind;
  };
  const good = fromTool[1];
  assert.equal(kind({ ...good, digestType: DigestType.GOST }), 'unsupported-digest');
  assert.equal(kind({ ...good, algorithm: DnssecAlgorithm.ED25519 }), 'algorithm');
  assert.equal(kind({ ...good, digest: good.digest.map((b, i) => (i === 0 ? b ^ 1 : b)) }), 'digest-mismatch');
  assert.equal(kind(good, new Uint8Array(3)), 'malformed');
  const dk = dnskeyCodec.decode(ksk);
  assert.ok(dk.ok);
  const noZone = dnskeyCodec.encode({ ...dk.value, flags: 1 });
  assert.equal(kind({ ...good, keyTag: keyTag(noZone) }, noZone), 'not-zone-key');
  assert.equal(isSupportedDigest(DigestType.GOST), false);
  assert.equal(isSupportedDigest(DigestType.SHA384), true);
});

test('selectUsableDs drops SHA-1 when a stronger digest for a supported algorithm is present (RFC 4509 §3)', () => {
  const mk = (algorithm: number, digestType: number): DsRdata => ({ keyTag: 1, algorithm, digestType, digest: new Uint8Array(20) });
  const sha1 = mk(DnssecAlgorithm.ECDSAP256SHA256, DigestType.SHA1);
  const sha256 = mk(DnssecAlgorithm.ECDSAP256SHA256, DigestType.SHA256);
  const gost = mk(DnssecAlgorithm.ECDSAP256SHA256, DigestType.GOST);
  const unknownAlg256 = mk(DnssecAlgorithm.ECC_GOST, DigestType.SHA256);

  const both = selectUsableDs([sha1, sha256, gost]);
  assert.deepEqual(both.usable, [sha256]);
  assert.deepEqual(both.ignoredSha1, [sha1]);
  assert.deepEqual(both.unsupported, [gost]);
  // SHA-1 stays when the only stronger DS is for an algorithm we cannot use.
  const weak = selectUsableDs([sha1, unknownAlg256]);
  assert.deepEqual(weak.usable, [sha1]);
  assert.deepEqual(weak.unsupported, [unknownAlg256]);
  assert.deepEqual(selectUsableDs([gost]).usable, []);
});
