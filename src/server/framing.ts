// DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its length in two
// octets. TCP delivers a byte stream, so one read may hold half a length, several messages, or a
// message split anywhere; FrameReader reassembles whatever boundaries arrive.

const LENGTH_PREFIX = 2;

export class FrameReader {
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  /** Octets received but not yet returned as a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next complete message (without its prefix), or undefined until enough octets arrived. */
  next(): Uint8Array | undefined {
    if (this.#buffered < LENGTH_PREFIX) return undefined;
    const head = this.#peek(LENGTH_PREFIX);
    const length = (head[0] << 8) | head[1];
    if (this.#buffered < LENGTH_PREFIX + length) return undefined;
    this.#take(LENGTH_PREFIX);
    return this.#take(length);
  }

  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first.length >= n) return first.subarray(0, n);
    return this.#copy(n, false);
  }

  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return first.slice(0, n);
    }
    if (first.length === n) {
      this.#chunks.shift();
      this.#buffered -= n;
      return first.slice();
    }
    return this.#copy(n, true);
  }

  /** Gathers n octets across chunks; consumes them when `consume`. */
  #copy(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const c = this.#chunks[i];
      const part = Math.min(c.length, n - filled);
      out.set(c.subarray(0, part), filled);
      filled += part;
      if (consume) {
        if (part === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(part);
      } else {
        i++;
      }
    }
    if (consume) this.#buffered -= n;
    return out;
  }
}

/** The message with its two-octet length prefix. */
export function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(LENGTH_PREFIX + message.length);
  out[0] = (message.length >>> 8) & 0xff;
  out[1] = message.length & 0xff;
  out.set(message, LENGTH_PREFIX);
  return out;
}
