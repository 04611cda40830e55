// Test support: build queries with our codec and talk to a listener over real loopback UDP and TCP.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Opcode, RRClass } from '../../src/wire/constants.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import { Name } from '../../src/wire/name.ts';
import type { EdnsOption, Message } from '../../src/wire/types.ts';
import { FrameReader, frame } from '../../src/server/framing.ts';

export interface QuerySpec {
  id?: number;
  name?: string;
  type: number;
  class?: number;
  opcode?: number;
  qr?: boolean;
  rd?: boolean;
  ad?: boolean;
  cd?: boolean;
  /** Omit for a query without EDNS. */
  edns?: { udpSize?: number; dnssecOk?: boolean; version?: number; options?: EdnsOption[] };
  questions?: number;
}

export function queryMessage(s: QuerySpec): Message {
  const q = { name: Name.of(s.name ?? 'example.'), type: s.type, class: s.class ?? RRClass.IN };
  return {
    id: s.id ?? 0x1234,
    opcode: s.opcode ?? Opcode.QUERY,
    flags: { qr: s.qr ?? false, aa: false, tc: false, rd: s.rd ?? true, ra: false, z: false, ad: s.ad ?? false, cd: s.cd ?? false },
    rcode: 0,
    question: Array.from({ length: s.questions ?? 1 }, () => q),
    answer: [],
    authority: [],
    additional: [],
    ...(s.edns !== undefined
      ? {
          edns: {
            udpSize: s.edns.udpSize ?? 1232,
            version: s.edns.version ?? 0,
            dnssecOk: s.edns.dnssecOk ?? false,
            zFlags: 0,
            options: s.edns.options ?? [],
          },
        }
      : {}),
  };
}

export function query(s: QuerySpec): Uint8Array {
  return encodeMessage(queryMessage(s));
}

export function decode(bytes: Uint8Array | null): Message {
  if (bytes === null) throw new Error('expected a response, got none');
  const r = decodeMessage(bytes);
  if (!r.ok) throw new Error(`response does not decode: ${r.error}`);
  return r.message;
}

/** A UDP client on 127.0.0.1 that queues every datagram it receives. */
export class UdpClient {
  readonly #socket: UdpSocket;
  readonly #queue: Uint8Array[] = [];
  readonly #waiting: ((b: Uint8Array) => void)[] = [];

  private constructor(socket: UdpSocket) {
    this.#socket = socket;
    socket.on('message', (m: Buffer) => {
      const b = new Uint8Array(m);
      const w = this.#waiting.shift();
      if (w !== undefined) w(b);
      else this.#queue.push(b);
    });
  }

  static async open(): Promise<UdpClient> {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    return new UdpClient(s);
  }

  send(bytes: Uint8Array, port: number): void {
    this.#socket.send(bytes, port, '127.0.0.1');
  }

  next(): Promise<Uint8Array> {
    const b = this.#queue.shift();
    if (b !== undefined) return Promise.resolve(b);
    return new Promise((r) => this.#waiting.push(r));
  }

  close(): void {
    this.#socket.close();
  }
}

/** A TCP client that reassembles framed responses. */
export class TcpClient {
  readonly socket: Socket;
  readonly #reader = new FrameReader();
  readonly #waiting: ((b: Uint8Array) => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(new Uint8Array(chunk));
      for (;;) {
        const w = this.#waiting[0];
        if (w === undefined) break;
        const m = this.#reader.next();
        if (m === undefined) break;
        this.#waiting.shift();
        w(m);
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  static async open(port: number): Promise<TcpClient> {
    const s = connect({ host: '127.0.0.1', port, noDelay: true });
    await once(s, 'connect');
    return new TcpClient(s);
  }

  /** Writes raw octets (already framed, or a fragment). */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((r, j) => this.socket.write(bytes, (e) => (e ? j(e) : r())));
  }

  send(message: Uint8Array): Promise<void> {
    return this.write(frame(message));
  }

  next(): Promise<Uint8Array> {
    const m = this.#reader.next();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((r) => this.#waiting.push(r));
  }

  close(): void {
    this.socket.destroy();
  }
}
