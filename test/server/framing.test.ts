import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader, frame } from '../../src/server/framing.ts';

const a = Uint8Array.from([1, 2, 3]);
const b = Uint8Array.from([9, 8, 7, 6, 5]);
const stream = Uint8Array.from([...frame(a), ...frame(b), ...frame(new Uint8Array(0))]);

function drain(r: FrameReader): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let m = r.next(); m !== undefined; m = r.next()) out.push(m);
  return out;
}

test('frame prefixes the length in two octets', () => {
  assert.deepEqual(frame(a), Uint8Array.from([0, 3, 1, 2, 3]));
  assert.deepEqual(frame(new Uint8Array(300)).subarray(0, 2), Uint8Array.from([1, 44]));
});

test('several messages in one chunk', () => {
  const r = new FrameReader();
  r.push(stream);
  assert.deepEqual(drain(r), [a, b, new Uint8Array(0)]);
  assert.equal(r.buffered, 0);
});

test('byte by byte, and at every split point', () => {
  const r = new FrameReader();
  const got: Uint8Array[] = [];
  for (const byte of stream) {
    r.push(Uint8Array.of(byte));
    got.push(...drain(r));
  }
  assert.deepEqual(got, [a, b, new Uint8Array(0)]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = new FrameReader();
    s.push(stream.subarray(0, cut));
    const first = drain(s);
    s.push(stream.subarray(cut));
    assert.deepEqual([...first, ...drain(s)], [a, b, new Uint8Array(0)], `cut at ${cut}`);
  }
});

test('an incomplete message stays buffered', () => {
  const r = new FrameReader();
  r.push(frame(b).subarray(0, 4));
  assert.equal(r.next(), undefined);
  assert.equal(r.buffered, 4);
});
