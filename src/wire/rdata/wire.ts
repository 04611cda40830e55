// Reading and writing the fields of uncompressed RDATA. The reader never throws: a short read sets
// `error` and yields zeros, so a decoder reads all its fields and checks `error` once at the end.
import { Name, MAX_LABEL_LENGTH, MAX_NAME_WIRE_LENGTH } from '../name.ts';
import type { ParseResult } from './codec.ts';

export class RdataReader {
  readonly buf: Uint8Array;
  pos = 0;
  error: string | undefined;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  #need(n: number, what: string): boolean {
    if (this.error !== undefined) return false;
    if (this.remaining < n) {
      this.error = `RDATA too short for ${what}`;
      return false;
    }
    return true;
  }

  u8(what = 'octet'): number {
    if (!this.#need(1, what)) return 0;
    return this.buf[this.pos++];
  }

  u16(what = '16-bit field'): number {
    if (!this.#need(2, what)) return 0;
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u32(what = '32-bit field'): number {
    if (!this.#need(4, what)) return 0;
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
  }

  bytes(n: number, what = 'field'): Uint8Array {
    if (!this.#need(n, what)) return new Uint8Array(0);
    const v = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Everything left; used for trailing fields such as keys, signatures and digests. */
  rest(): Uint8Array {
    if (this.error !== undefined) return new Uint8Array(0);
    const v = this.buf.slice(this.pos);
    this.pos = this.buf.length;
    return v;
  }

  /** A length-prefixed <character-string> (RFC 1035 §3.3). */
  charString(what = 'character-string'): Uint8Array {
    const n = this.u8(what);
    return this.bytes(n, what);
  }

  /** An uncompressed domain name; a compression pointer here is malformed (RDATA is stored expanded). */
  name(what = 'name'): Name {
    if (this.error !== undefined) return Name.root;
    const labels: Uint8Array[] = [];
    let wire = 1;
    for (;;) {
      if (this.remaining < 1) {
        this.error = `${what} runs past the end of RDATA`;
        return Name.root;
      }
      const len = this.buf[this.pos++];
      if (len === 0) break;
      if (len > MAX_LABEL_LENGTH) {
        this.error = `${what}: compression pointer or bad label length ${len} in RDATA`;
        return Name.root;
      }
      if (this.remaining < len) {
        this.error = `${what} runs past the end of RDATA`;
        return Name.root;
      }
      wire += len + 1;
      if (wire > MAX_NAME_WIRE_LENGTH) {
        this.error = `${what} longer than ${MAX_NAME_WIRE_LENGTH} octets`;
        return Name.root;
      }
      labels.push(this.buf.slice(this.pos, this.pos + len));
      this.pos += len;
    }
    return Name.fromLabelsUnchecked(labels);
  }

  /** Wraps up a decode: any read error, then trailing bytes, else the value. */
  finish<T>(value: T): ParseResult<T> {
    if (this.error !== undefined) return { ok: false, error: this.error };
    if (!this.atEnd) return { ok: false, error: `${this.remaining} trailing byte(s) in RDATA` };
    return { ok: true, value };
  }
}

export class RdataWriter {
  #parts: Uint8Array[] = [];
  #length = 0;

  #push(b: Uint8Array): this {
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }

  u8(v: number): this {
    return this.#push(Uint8Array.of(v & 0xff));
  }

  u16(v: number): this {
    return this.#push(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }

  u32(v: number): this {
    return this.#push(Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }

  bytes(b: Uint8Array): this {
    return this.#push(b);
  }

  charString(b: Uint8Array): this {
    this.u8(b.length);
    return this.#push(b);
  }

  name(n: Name, lower = false): this {
    return this.#push(n.toWire(lower));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let o = 0;
    for (const p of this.#parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
