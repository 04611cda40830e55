// RRSIG verification against zones signed by dnssec-signzone (every algorithm we support), plus the
// failure paths: changed data, clock outside the window, key and label mismatches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { rrsigCodec, dnskeyCodec, type RrsigRdata } from '../../src/wire/rdata/dnssec.ts';
import { verifyRrsig, checkValidityWindow, rrsigWindowText, signedOwner } from '../../src/dnssec/rrsig.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { loadZone, findSet, NOW, ALGORITHM_ZONES, type SignedZone } from './fixtures.ts';
import type { RRset } from '../../src/wire/types.ts';

function decodeSig(b: Uint8Array): RrsigRdata {
  const d = rrsigCodec.decode(b);
  assert.ok(d.ok);
  return d.value;
}

function keyFor(zone: SignedZone, sig: RrsigRdata): Uint8Array {
  const k = zone.dnskeys.find((d) => keyTag(d) === sig.keyTag);
  assert.ok(k, `no DNSKEY with tag ${sig.keyTag}`);
  return k;
}

const zones = new Map<string, SignedZone>(ALGORITHM_ZONES.map((z) => [z, loadZone(z)]));
zones.set('nsec.test', loadZone('nsec.test'));
zones.set('nsec3.test', loadZone('nsec3.test'));
zones.set('nsec3-optout.test', loadZone('nsec3-optout.test'));

for (const [name, zone] of zones) {
  test(`every RRSIG in ${name} verifies with the DNSKEY its key tag names`, () => {
    let verified = 0;
    const algorithms = new Set<number>();
    for (const set of zone.rrsets) {
      for (const sigBytes of set.sigs) {
        const sig = decodeSig(sigBytes);
        const r = verifyRrsig(set, sigBytes, keyFor(zone, sig), NOW);
        assert.deepEqual(r, { ok: true }, `${set.name.toString()} ${set.type}`);
        algorithms.add(sig.algorithm);
        verified++;
      }
    }
    // SOA, NS, MX, DNSKEY (×2), the A/AAAA/TXT/SRV/CNAME/DS sets and the denial records: dozens.
    assert.ok(verified >= 20, `only ${verified} signatures`);
    assert.equal(algorithms.size, 1);
  });
}

for (const name of ALGORITHM_ZONES) {
  const zone = zones.get(name)!;
  const set = findSet(zone, `a.${name}`, RRType.A);
  const sig = decodeSig(set.sigs[0]);
  const key = keyFor(zone, sig);

  test(`${name}: one flipped bit in the RDATA makes the signature bad`, () => {
    const changed = set.rdata.map((r) => r.slice());
    changed[1][3] ^= 0x01;
    const r = verifyRrsig({ ...set, rdata: changed }, sig, key, NOW);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.kind, 'bad-signature');
  });

  test(`${name}: one flipped bit in the signature makes it bad`, () => {
    const s = { ...sig, signature: sig.signature.slice() };
    s.signature[s.signature.length >> 1] ^= 0x80;
    const r = verifyRrsig(set, s, key, NOW);
    assert.equal(!r.ok && r.kind, 'bad-signature');
  });

  test(`${name}: clock before inception → not-yet-valid, after expiration → expired`, () => {
    const before = verifyRrsig(set, sig, key, Date.UTC(2024, 11, 31, 23, 59, 59) / 1000);
    assert.equal(!before.ok && before.kind, 'not-yet-valid');
    const after = verifyRrsig(set, sig, key, Date.UTC(2045, 0, 1, 0, 0, 1) / 1000);
    assert.equal(!after.ok && after.kind, 'expired');
    assert.match(!after.ok ? after.detail : '', /2045-01-01T00:00:00Z/);
    // The window's ends are inclusive (RFC 4034 §3.1.5).
    assert.deepEqual(verifyRrsig(set, sig, key, Date.UTC(2025, 0, 1) / 1000), { ok: true });
    assert.deepEqual(verifyRrsig(set, sig, key, Date.UTC(2045, 0, 1) / 1000), { ok: true });
  });

  test(`${name}: record order, owner case and duplicates do not matter (canonical form)`, () => {
    const shuffled: RRset = { ...set, name: Name.of(`A.${name.toUpperCase()}`), rdata: [set.rdata[1], set.rdata[0], set.rdata[1]] };
    assert.deepEqual(verifyRrsig(shuffled, sig, key, NOW), { ok: true });
    // Upper-case names inside MX RDATA are lower-cased before signing (RFC 4034 §6.2).
    const mx = findSet(zone, name, RRType.MX);
    const mxSig = decodeSig(mx.sigs[0]);
    assert.deepEqual(verifyRrsig(mx, mxSig, keyFor(zone, mxSig), NOW), { ok: true });
  });

  test(`${name}: a wildcard RRset verifies under any expanded name and says so`, () => {
    const wild = findSet(zone, `*.w.${name}`, RRType.TXT);
    const wsig = decodeSig(wild.sigs[0]);
    const wkey = keyFor(zone, wsig);
    assert.deepEqual(verifyRrsig(wild, wsig, wkey, NOW), { ok: true });
    const expanded = verifyRrsig({ ...wild, name: Name.of(`deep.er.w.${name}`) }, wsig, wkey, NOW);
    assert.equal(expanded.ok, true);
    assert.equal(expanded.ok && expanded.wildcard?.toString(), `*.w.${name}.`);
    // The same signature cannot be moved under another parent.
    const moved = verifyRrsig({ ...wild, name: Name.of(`x.b.${name}`) }, wsig, wkey, NOW);
    assert.equal(!moved.ok && moved.kind, 'bad-signature');
  });
}

test('structural checks name the problem before any crypto runs', () => {
  const zone = zones.get('alg13.test')!;
  const set = findSet(zone, 'a.alg13.test', RRType.A);
  const sig = decodeSig(set.sigs[0]);
  const key = keyFor(zone, sig);
  const kind = (r: ReturnType<typeof verifyRrsig>) => (r.ok ? 'ok' : r.kind);

  assert.equal(kind(verifyRrsig({ ...set, type: RRType.AAAA }, sig, key, NOW)), 'type-covered');
  assert.equal(kind(verifyRrsig(set, { ...sig, labels: 4 }, key, NOW)), 'labels');
  assert.equal(kind(verifyRrsig(set, { ...sig, signerName: Name.of('other.test') }, key, NOW)), 'signer-name');
  assert.equal(kind(verifyRrsig(set, { ...sig, keyTag: (sig.keyTag + 1) & 0xffff }, key, NOW)), 'key-mismatch');
  assert.equal(kind(verifyRrsig(set, { ...sig, algorithm: 8 }, key, NOW)), 'key-mismatch');
  assert.equal(kind(verifyRrsig(set, sig.signature, key, NOW)), 'malformed');

  // DNSKEY without the ZONE bit (flags 0): the RRSIG is rewritten to carry that key's tag, so the
  // check that fails is the flag, not the tag (EDE 11 "No Zone Key Bit Set").
  const dk = dnskeyCodec.decode(key);
  assert.ok(dk.ok);
  const noZone = dnskeyCodec.encode({ ...dk.value, flags: 0 });
  assert.equal(kind(verifyRrsig(set, { ...sig, keyTag: keyTag(noZone) }, noZone, NOW)), 'not-zone-key');
  const badProto = dnskeyCodec.encode({ ...dk.value, protocol: 4 });
  assert.equal(kind(verifyRrsig(set, { ...sig, keyTag: keyTag(badProto) }, badProto, NOW)), 'bad-protocol');
  const unknownAlg = dnskeyCodec.encode({ ...dk.value, algorithm: 253 });
  assert.equal(kind(verifyRrsig(set, { ...sig, algorithm: 253, keyTag: keyTag(unknownAlg) }, unknownAlg, NOW)), 'unsupported-algorithm');
  // A P-256 "key" that is not a point on the curve.
  const offCurve = dnskeyCodec.encode({ ...dk.value, publicKey: new Uint8Array(64).fill(7) });
  assert.equal(kind(verifyRrsig(set, { ...sig, keyTag: keyTag(offCurve) }, offCurve, NOW)), 'bad-key');
});

test('signedOwner rebuilds the wildcard owner from the labels field', () => {
  assert.equal(signedOwner(Name.of('a.b.example'), 2)?.toString(), '*.b.example.');
  assert.equal(signedOwner(Name.of('a.b.example'), 3)?.toString(), 'a.b.example.');
  assert.equal(signedOwner(Name.of('*.b.example'), 2)?.toString(), '*.b.example.');
  assert.equal(signedOwner(Name.of('*.b.example'), 3), undefined);
  assert.equal(signedOwner(Name.of('a.b.example'), 0)?.toString(), '*.');
});

test('validity window uses serial arithmetic across the 2^32 wrap (RFC 1982)', () => {
  // Inception just before the 2106 wrap, expiration just after it (a small number).
  const window = { inception: 2 ** 32 - 100, expiration: 100 };
  assert.deepEqual(checkValidityWindow(window, 2 ** 32 - 50), { ok: true });
  assert.deepEqual(checkValidityWindow(window, 2 ** 32 + 50), { ok: true });
  assert.equal(checkValidityWindow(window, 2 ** 32 + 101).ok, false);
  assert.equal(checkValidityWindow(window, 2 ** 32 - 101).ok, false);
  const w = checkValidityWindow(window, 2 ** 32 + 200);
  assert.equal(!w.ok && w.kind, 'expired');
});

test('rrsigWindowText gives ISO dates for EXTRA-TEXT', () => {
  const inception = Date.UTC(2025, 0, 1) / 1000, expiration = Date.UTC(2045, 0, 1) / 1000;
  assert.equal(rrsigWindowText({ inception, expiration }), 'valid 2025-01-01T00:00:00Z to 2045-01-01T00:00:00Z');
});
