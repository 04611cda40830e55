// Test support: one query to the daemon over real loopback UDP or TCP, from a chosen source
// address (the access-control tests need clients other than 127.0.0.1), decoded with our codec.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import { FrameReader, frame } from '../../src/server/framing.ts';
import { decodeMessage } from '../../src/wire/message.ts';
import type { Message } from '../../src/wire/types.ts';
import { query, type QuerySpec } from '../server/dns-client.ts';

export interface AskOptions {
  readonly port: number;
  readonly tcp?: boolean;
  /** Source address; default 127.0.0.2. */
  readonly from?: string;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 8000;
let nextId = 1;

function decoded(bytes: Uint8Array): Message {
  const r = decodeMessage(bytes);
  if (!r.ok) throw new Error(`response does not decode: ${r.error}`);
  return r.message;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function askUdp(bytes: Uint8Array, o: AskOptions): Promise<Message> {
  const s = createSocket('udp4');
  try {
    s.bind(0, o.from ?? '127.0.0.2');
    await once(s, 'listening');
    const got = once(s, 'message') as Promise<[Buffer]>;
    s.send(bytes, o.port, '127.0.0.1');
    const [m] = await got;
    return decoded(new Uint8Array(m));
  } finally {
    s.close();
  }
}

async function askTcp(bytes: Uint8Array, o: AskOptions): Promise<Message> {
  const socket = connect({ host: '127.0.0.1', port: o.port, localAddress: o.from ?? '127.0.0.2' });
  try {
    await once(socket, 'connect');
    const reader = new FrameReader();
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        reader.push(new Uint8Array(chunk));
        const m = reader.next();
        if (m !== undefined) resolve(m);
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('TCP connection closed before an answer')));
    });
    socket.write(frame(bytes));
    return decoded(await answer);
  } finally {
    socket.destroy();
  }
}

/** Sends one query (a fresh ID unless given) and returns the decoded response. */
export function ask(spec: QuerySpec, o: AskOptions): Promise<Message> {
  const bytes = query({ id: nextId++ & 0xffff, ...spec });
  const what = `${spec.name ?? 'example.'} type ${spec.type} over ${o.tcp === true ? 'TCP' : 'UDP'}`;
  return withTimeout(o.tcp === true ? askTcp(bytes, o) : askUdp(bytes, o), o.timeoutMs ?? DEFAULT_TIMEOUT_MS, what);
}
