// The real upstream transport: one UDP socket per query on a fresh random source port (node:dgram
// bound to port 0), a random 16-bit ID, and an answer accepted only when it comes from the
// address and port we asked and echoes our ID and question (compared case-insensitively).
// Anything else is counted and ignored, so a spoofer must guess ID and port within the timeout
// (RFC 5452). TC=1 is retried over TCP (RFC 7766). EDNS0 with DO=1 and a 1232-octet buffer.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Opcode } from '../wire/constants.ts';
import { decodeMessage, encodeMessage } from '../wire/message.ts';
import type { Message, Question } from '../wire/types.ts';
import type { ServerAddress, UpstreamQueryOptions, UpstreamResult, UpstreamTransport } from './transport.ts';

/** DNS Flag Day 2020: fits the common path MTU without fragmentation. */
export const UPSTREAM_EDNS_BUFFER = 1232;
const ID_SPACE = 0x10000;
const TCP_LENGTH_PREFIX = 2;
const EDNS_VERSION = 0;

export interface TransportStats {
  queries: number;
  /** Datagrams ignored: wrong source, ID or question. */
  mismatches: number;
  malformed: number;
  tcpRetries: number;
}

export interface UdpTcpTransportOptions {
  /** Allow destinations in 127.0.0.0/8 and ::1 (the lab); refused otherwise. */
  readonly allowLoopbackUpstreams: boolean;
  /** For tests: a source of query IDs. */
  readonly randomId?: () => number;
}

export interface UdpTcpTransport extends UpstreamTransport {
  readonly stats: TransportStats;
}

function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (net.isIPv4(a)) return a.startsWith('127.');
  return a === '::1' || a.startsWith('::ffff:127.');
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function sameQuestion(a: Question | undefined, b: Question): boolean {
  return a !== undefined && a.type === b.type && a.class === b.class && a.name.equals(b.name);
}

function buildQuery(id: number, question: Question, o: UpstreamQueryOptions): Uint8Array {
  const msg: Message = {
    id,
    opcode: Opcode.QUERY,
    flags: { qr: false, aa: false, tc: false, rd: o.rd, ra: false, z: false, ad: false, cd: o.cd },
    rcode: 0,
    question: [question],
    answer: [],
    authority: [],
    additional: [],
    edns: { udpSize: UPSTREAM_EDNS_BUFFER, version: EDNS_VERSION, dnssecOk: o.dnssecOk, zFlags: 0, options: [] },
  };
  return encodeMessage(msg);
}

/** Why a decoded message is not the answer to our query; undefined when it is. */
function mismatch(m: Message, id: number, question: Question): string | undefined {
  if (!m.flags.qr) return 'not a response';
  if (m.id !== id) return 'wrong ID';
  if (m.question.length !== 1 || !sameQuestion(m.question[0], question)) return 'wrong question';
  return undefined;
}

export function createUdpTcpTransport(o: UdpTcpTransportOptions): UdpTcpTransport {
  const stats: TransportStats = { queries: 0, mismatches: 0, malformed: 0, tcpRetries: 0 };
  const newId = o.randomId ?? (() => randomInt(0, ID_SPACE));

  function udpQuery(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult & { tc?: boolean }> {
    return new Promise((resolve) => {
      const id = newId();
      const family = net.isIPv6(server.address) ? 'udp6' : 'udp4';
      const socket = dgram.createSocket({ type: family });
      const started = performance.now();
      let ignored = 0;
      let finished = false;
      const finish = (r: UpstreamResult & { tc?: boolean }) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.close();
        resolve(r);
      };
      const timer = setTimeout(() => {
        finish({ ok: false, kind: 'timeout', detail: `no answer within ${opts.timeoutMs} ms${ignored > 0 ? ` (${ignored} datagrams ignored)` : ''}` });
      }, opts.timeoutMs);
      socket.on('error', (e) => finish({ ok: false, kind: 'network', detail: e.message }));
      socket.on('message', (buf, rinfo) => {
        if (rinfo.address !== server.address || rinfo.port !== server.port) {
          stats.mismatches++;
          ignored++;
          return;
        }
        const d = decodeMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (!d.ok) {
          stats.malformed++;
          ignored++;
          return;
        }
        if (mismatch(d.message, id, question) !== undefined) {
          stats.mismatches++;
          ignored++;
          return;
        }
        finish({ ok: true, message: d.message, rttMs: performance.now() - started, tcp: false, tc: d.message.flags.tc });
      });
      const bytes = buildQuery(id, question, opts);
      // Port 0: the kernel picks a fresh ephemeral source port for every query.
      socket.bind(0, () => {
        socket.send(bytes, server.port, server.address, (err) => {
          if (err) finish({ ok: false, kind: 'network', detail: err.message });
        });
      });
    });
  }

  function tcpQuery(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    return new Promise((resolve) => {
      const id = newId();
      const started = performance.now();
      const socket = net.connect({ host: server.address, port: server.port });
      let buffered = Buffer.alloc(0);
      let finished = false;
      const finish = (r: UpstreamResult) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(r);
      };
      const timer = setTimeout(() => finish({ ok: false, kind: 'timeout', detail: `no TCP answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
      socket.on('error', (e) => finish({ ok: false, kind: 'network', detail: e.message }));
      socket.on('close', () => finish({ ok: false, kind: 'network', detail: 'TCP connection closed before an answer' }));
      socket.on('connect', () => {
        const q = buildQuery(id, question, opts);
        const framed = Buffer.alloc(TCP_LENGTH_PREFIX + q.length);
        framed.writeUInt16BE(q.length, 0);
        framed.set(q, TCP_LENGTH_PREFIX);
        socket.write(framed);
      });
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length < TCP_LENGTH_PREFIX) return;
        const len = buffered.readUInt16BE(0);
        if (buffered.length < TCP_LENGTH_PREFIX + len) return;
        const body = buffered.subarray(TCP_LENGTH_PREFIX, TCP_LENGTH_PREFIX + len);
        const d = decodeMessage(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
        if (!d.ok) {
          stats.malformed++;
          finish({ ok: false, kind: 'malformed', detail: d.error });
          return;
        }
        const why = mismatch(d.message, id, question);
        if (why !== undefined) {
          stats.mismatches++;
          finish({ ok: false, kind: 'mismatch', detail: `TCP answer with ${why}` });
          return;
        }
        finish({ ok: true, message: d.message, rttMs: performance.now() - started, tcp: true });
      });
    });
  }

  async function query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    if (net.isIP(server.address) === 0) return { ok: false, kind: 'network', detail: `"${server.address}" is not an IP address` };
    if (isUnspecified(server.address)) return { ok: false, kind: 'network', detail: `unspecified address ${server.address} refused` };
    if (isLoopback(server.address) && !o.allowLoopbackUpstreams) {
      return { ok: false, kind: 'network', detail: `loopback destination ${server.address} refused (allowLoopbackUpstreams is off)` };
    }
    stats.queries++;
    if (opts.tcp) return tcpQuery(server, question, opts);
    const r = await udpQuery(server, question, opts);
    if (r.ok && r.tc === true) {
      stats.tcpRetries++;
      return tcpQuery(server, question, { ...opts, tcp: true });
    }
    if (r.ok) return { ok: true, message: r.message, rttMs: r.rttMs, tcp: false };
    return r;
  }

  return { query, stats };
}
