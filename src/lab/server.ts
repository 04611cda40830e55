// The lab authoritative servers: one UDP socket and one TCP listener per lab address (127.53.x.y),
// all on the same port, each answering from the zones lab.json assigns to its address. Lame
// addresses answer REFUSED to everything; dead addresses get no socket at all.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabConfig, loadZones } from './config.ts';
import { respond, type ServerRole, type Transport } from './respond.ts';
import type { AuthZone } from './zone.ts';

export const DEFAULT_ZONES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'zones', 'lab');

export interface QueryLogEntry {
  /** The lab address the query was sent to. */
  readonly address: string;
  readonly transport: Transport;
  /** Presentation form, case as received (QNAME minimisation and 0x20 checks need the original). */
  readonly qname: string;
  readonly qtype: number;
  readonly dnssecOk: boolean;
}

export interface LabHandle {
  /** Every address with a listening server (lame ones included, dead ones not). */
  readonly addresses: readonly string[];
  readonly port: number;
  /** Every query received, in arrival order; a live array. */
  readonly queryLog: QueryLogEntry[];
  clearQueryLog(): void;
  close(): Promise<void>;
}

export interface LabOptions {
  /** 0 picks a free port (shared by all addresses). */
  port: number;
  /** Directory holding lab.json; defaults to zones/lab of this checkout. */
  zonesDir?: string;
}

/** Attempts at finding a port free on every lab address when the caller passes 0. */
const PORT_ATTEMPTS = 20;
/** RFC 7766 §6.2.3: idle TCP connections are closed by the server after a while. */
const TCP_IDLE_MS = 10_000;

interface Listener {
  readonly udp: Socket;
  readonly tcp: Server;
  readonly connections: Set<TcpSocket>;
}

function rolesFrom(zonesDir: string): Map<string, ServerRole> {
  const loaded = loadLabConfig(zonesDir);
  if (!loaded.ok) throw new Error(loaded.error);
  const zones = loadZones(zonesDir, loaded.config);
  if (!zones.ok) throw new Error(zones.error);
  const byAddress = new Map<string, AuthZone[]>();
  for (const entry of loaded.config.zones) {
    const zone = zones.zones.get(entry.name.toLowerCase());
    if (zone === undefined) continue;
    for (const s of entry.servers) {
      const list = byAddress.get(s.address) ?? [];
      list.push(zone);
      byAddress.set(s.address, list);
    }
  }
  const roles = new Map<string, ServerRole>();
  for (const [address, list] of byAddress) roles.set(address, { mode: 'serve', zones: list });
  for (const s of loaded.config.specialServers) if (s.mode === 'lame') roles.set(s.address, { mode: 'lame' });
  return roles;
}

function bindUdp(address: string, port: number, role: ServerRole, log: QueryLogEntry[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.on('message', (msg, rinfo) => {
      const r = respond(msg, role, 'udp');
      if (r === undefined) return;
      if (r.query) log.push({ address, transport: 'udp', qname: r.query.qname.toString(), qtype: r.query.qtype, dnssecOk: r.query.dnssecOk });
      sock.send(r.bytes, rinfo.port, rinfo.address);
    });
    sock.bind(port, address, () => {
      sock.off('error', reject);
      sock.on('error', () => undefined); // a failed send to a vanished client is not the lab's problem
      resolve(sock);
    });
  });
}

/** RFC 7766 §8: every message is preceded by its two-octet length; queries may be pipelined. */
function serveTcpConnection(conn: TcpSocket, address: string, role: ServerRole, log: QueryLogEntry[]): void {
  let pending: Buffer = Buffer.alloc(0);
  conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
  conn.on('error', () => conn.destroy());
  conn.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (pending.length < 2 + len) break;
      const msg = pending.subarray(2, 2 + len);
      pending = pending.subarray(2 + len);
      const r = respond(msg, role, 'tcp');
      if (r === undefined) continue;
      if (r.query) log.push({ address, transport: 'tcp', qname: r.query.qname.toString(), qtype: r.query.qtype, dnssecOk: r.query.dnssecOk });
      const frame = Buffer.alloc(2 + r.bytes.length);
      frame.writeUInt16BE(r.bytes.length, 0);
      frame.set(r.bytes, 2);
      conn.write(frame);
    }
  });
}

function bindTcp(address: string, port: number, role: ServerRole, log: QueryLogEntry[], connections: Set<TcpSocket>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((conn) => {
      connections.add(conn);
      conn.on('close', () => connections.delete(conn));
      serveTcpConnection(conn, address, role, log);
    });
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function closeAll(listeners: readonly Listener[]): Promise<void> {
  await Promise.all(listeners.map(async (l) => {
    for (const c of l.connections) c.destroy();
    await new Promise<void>((r) => l.udp.close(() => r()));
    await new Promise<void>((r) => l.tcp.close(() => r()));
  }));
}

async function bindAll(roles: Map<string, ServerRole>, port: number, log: QueryLogEntry[]): Promise<{ listeners: Listener[]; port: number }> {
  const listeners: Listener[] = [];
  let chosen = port;
  try {
    for (const [address, role] of roles) {
      const udp = await bindUdp(address, chosen, role, log);
      if (chosen === 0) chosen = udp.address().port;
      const connections = new Set<TcpSocket>();
      let tcp: Server;
      try {
        tcp = await bindTcp(address, chosen, role, log, connections);
      } catch (e) {
        udp.close();
        throw e;
      }
      listeners.push({ udp, tcp, connections });
    }
  } catch (e) {
    await closeAll(listeners);
    throw e;
  }
  return { listeners, port: chosen };
}

/** Starts every lab server. Rejects when lab.json or a zone file is broken, or no common port can be bound. */
export async function startLab(options: LabOptions): Promise<LabHandle> {
  const zonesDir = options.zonesDir ?? DEFAULT_ZONES_DIR;
  const roles = rolesFrom(zonesDir);
  const queryLog: QueryLogEntry[] = [];
  let bound: { listeners: Listener[]; port: number } | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port === 0 ? PORT_ATTEMPTS : 1) && bound === undefined; attempt++) {
    try {
      bound = await bindAll(roles, options.port, queryLog);
    } catch (e) {
      // With port 0 the first address picks a port that another process may hold on a later address: try again.
      lastError = e;
    }
  }
  if (bound === undefined) throw lastError instanceof Error ? lastError : new Error('lab: cannot bind');
  const { listeners, port } = bound;
  return {
    addresses: [...roles.keys()],
    port,
    queryLog,
    clearQueryLog: () => { queryLog.length = 0; },
    close: () => closeAll(listeners),
  };
}
