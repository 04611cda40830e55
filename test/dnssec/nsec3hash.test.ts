// NSEC3 hashing (RFC 5155 §5) against the hashed owner names of RFC 5155 Appendix A, and the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { nsec3Hash, hashToLabel, labelToHash, Nsec3Hasher } from '../../src/dnssec/nsec3hash.ts';

const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);
// RFC 5155 Appendix A: H(name) with salt aabbccdd and 12 additional iterations.
const appendixA: [string, string][] = [
  ['example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
  ['a.example', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
  ['ai.example', 'gjeqe526plbf1g8mklp59enfd789njgi'],
  ['ns1.example', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
  ['ns2.example', 'q04jkcevqvmu85r014c7dkba38o0ji5r'],
  ['w.example', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
  ['*.w.example', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
  ['x.w.example', 'b4um86eghhds6nea196smvmlo4ors995'],
  ['y.w.example', 'ji6neoaepv8b5o6k4ev33abha8ht9fgc'],
  ['x.y.w.example', '2vptu5timamqttgl4luu9kg21e0aor3s'],
  ['xx.example', 't644ebqk9bibcna874givr6joj62mlhv'],
  ['2t7b4g4vsa5smi47k61mv5bv1a22bojr.example', 'kohar7mbb8dc2ce8a9qvl8hon4k53uhi'],
  // Appendix B.1: the next closer name and the wildcard at the closest encloser
  ['c.x.w.example', '0va5bpr2ou0vk0lbqeeljri88laipsfh'],
  ['*.x.w.example', '92pqneegtaue7pjatc3l3qnk738c6v5m'],
];

test('RFC 5155 Appendix A hashes, case-insensitive in the name', () => {
  for (const [name, label] of appendixA) {
    assert.equal(hashToLabel(nsec3Hash(Name.of(name), salt, 12)), label, name);
    assert.equal(hashToLabel(nsec3Hash(Name.of(name.toUpperCase()), salt, 12)), label, name);
  }
});

test('iterations and salt change the hash; zero iterations is one SHA-1', () => {
  const n = Name.of('example');
  const h0 = nsec3Hash(n, new Uint8Array(0), 0);
  assert.equal(h0.length, 20);
  assert.notDeepEqual(nsec3Hash(n, salt, 11), nsec3Hash(n, salt, 12));
  assert.notDeepEqual(h0, nsec3Hash(n, salt, 0));
});

test('labelToHash reverses hashToLabel and rejects non-base32hex labels', () => {
  const h = nsec3Hash(Name.of('example'), salt, 12);
  assert.deepEqual(labelToHash(new TextEncoder().encode(hashToLabel(h).toUpperCase())), h);
  assert.equal(labelToHash(new TextEncoder().encode('www')), undefined);
  assert.equal(labelToHash(new TextEncoder().encode('zzzz')), undefined);
});

test('Nsec3Hasher memoises repeated names and stops at its budget', () => {
  const hasher = new Nsec3Hasher(2);
  assert.ok(hasher.hash(Name.of('a.example'), salt, 12).ok);
  assert.ok(hasher.hash(Name.of('A.EXAMPLE'), salt, 12).ok, 'same name in another case is a memo hit');
  assert.equal(hasher.used, 1);
  assert.ok(hasher.hash(Name.of('b.example'), salt, 12).ok);
  assert.equal(hasher.remaining, 0);
  const r = hasher.hash(Name.of('c.example'), salt, 12);
  assert.equal(!r.ok && r.why, 'hash-budget-exhausted');
  assert.ok(hasher.hash(Name.of('a.example'), salt, 12).ok, 'memo hits still answer');
});
