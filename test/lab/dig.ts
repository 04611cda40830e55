// A dig-like client for the lab tests: builds a query with the codec, sends it over real UDP or
// TCP (RFC 7766 framing) to a lab address, and decodes the reply.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import { Name } from '../../src/wire/name.ts';
import { NO_FLAGS, type Message, type RR } from '../../src/wire/types.ts';

export interface DigOptions {
  dnssec?: boolean;
  tcp?: boolean;
  /** Omit the OPT record. */
  noEdns?: boolean;
  udpSize?: number;
}

export function makeQuery(qname: string, qtype: number, opts: DigOptions = {}, id = 0x1234): Message {
  return {
    id,
    opcode: 0,
    flags: NO_FLAGS,
    rcode: 0,
    question: [{ name: Name.of(qname), type: qtype, class: RRClass.IN }],
    answer: [],
    authority: [],
    additional: [],
    edns: opts.noEdns ? undefined : { udpSize: opts.udpSize ?? 1232, version: 0, dnssecOk: opts.dnssec ?? true, zFlags: 0, options: [] },
  };
}

function decodeOrThrow(bytes: Uint8Array): Message {
  const d = decodeMessage(bytes);
  if (!d.ok) throw new Error(`undecodable reply: ${d.error}`);
  return d.message;
}

export function sendUdp(address: string, port: number, bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => { sock.close(); reject(new Error(`no UDP reply from ${address}`)); }, 3000);
    sock.on('message', (msg) => { clearTimeout(timer); sock.close(); resolve(new Uint8Array(msg)); });
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(e); });
    sock.send(bytes, port, address);
  });
}

/** Sends several framed messages in one write and collects as many framed replies. */
export function sendTcp(address: string, port: number, messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: address, port });
    let buf = Buffer.alloc(0);
    const replies: Uint8Array[] = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no TCP reply from ${address}`)); }, 3000);
    sock.on('connect', () => {
      sock.write(Buffer.concat(messages.map((m) => { const b = Buffer.alloc(2 + m.length); b.writeUInt16BE(m.length); b.set(m, 2); return b; })));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        replies.push(new Uint8Array(buf.subarray(2, 2 + len)));
        buf = buf.subarray(2 + len);
      }
      if (replies.length === messages.length) { clearTimeout(timer); sock.destroy(); resolve(replies); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

export async function dig(address: string, port: number, qname: string, qtype: number, opts: DigOptions = {}): Promise<Message> {
  const q = encodeMessage(makeQuery(qname, qtype, opts));
  if (opts.tcp) return decodeOrThrow((await sendTcp(address, port, [q]))[0]);
  return decodeOrThrow(await sendUdp(address, port, q));
}

/** "owner TYPE" for each record, for compact assertions. */
export function summary(rrs: readonly RR[]): string[] {
  return rrs.map((r) => `${r.name.key} ${r.type === RRType.RRSIG ? `RRSIG(${(r.rdata[0] << 8) | r.rdata[1]})` : r.type}`);
}

/** Type numbers in an NSEC3 or NSEC record's type bitmap (RFC 4034 §4.1.2). */
export function bitmapTypes(bitmap: Uint8Array): number[] {
  const types: number[] = [];
  let o = 0;
  while (o + 2 <= bitmap.length) {
    const win = bitmap[o], len = bitmap[o + 1];
    for (let i = 0; i < len; i++) for (let b = 0; b < 8; b++) if (bitmap[o + 2 + i] & (0x80 >> b)) types.push(win * 256 + i * 8 + b);
    o += 2 + len;
  }
  return types;
}
