// A growable big-endian byte writer for the message encoder. Reading needs no helper type: the
// decoder reads straight from the Uint8Array with explicit bounds checks, which is both the fastest
// path in V8 and the one where every bound is visible at the point it matters.

export function readU16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

export function readU32(b: Uint8Array, p: number): number {
  // `>>> 0` keeps values with the top bit set positive.
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

export class ByteWriter {
  #buf: Uint8Array;
  length = 0;

  constructor(initialCapacity = 512) {
    this.#buf = new Uint8Array(initialCapacity);
  }

  #ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  u8(v: number): void {
    this.#ensure(1);
    this.#buf[this.length++] = v;
  }

  u16(v: number): void {
    this.#ensure(2);
    const b = this.#buf;
    b[this.length++] = (v >>> 8) & 0xff;
    b[this.length++] = v & 0xff;
  }

  u32(v: number): void {
    this.#ensure(4);
    const b = this.#buf;
    b[this.length++] = (v >>> 24) & 0xff;
    b[this.length++] = (v >>> 16) & 0xff;
    b[this.length++] = (v >>> 8) & 0xff;
    b[this.length++] = v & 0xff;
  }

  bytes(src: Uint8Array): void {
    this.#ensure(src.length);
    this.#buf.set(src, this.length);
    this.length += src.length;
  }

  /** Overwrites two octets already written (lengths and counts known only afterwards). */
  setU16(pos: number, v: number): void {
    this.#buf[pos] = (v >>> 8) & 0xff;
    this.#buf[pos + 1] = v & 0xff;
  }

  /** Starts over, keeping the buffer (one writer can serve many synchronous encodes). */
  reset(): void {
    this.length = 0;
  }

  get capacity(): number {
    return this.#buf.length;
  }

  /** A copy of the bytes written so far, sized exactly. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}
