// Test support for the EDE tests: raw query bytes in, raw response bytes out (or null when the
// daemon stays silent), over real loopback UDP or TCP; a clock pinned to lab.json's pinnedTime; and
// the daemon's config for the lab with test-sized timeouts. Raw bytes (not our decoder) so a test
// can look at the wire itself, and so a FORMERR for a body we sent broken on purpose can be seen.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../src/config/config.ts';
import { labConfig } from '../../src/cli/lab.ts';
import { startApp, type App } from '../../src/app/start.ts';
import { DEFAULT_ZONES_DIR, startLab, type LabHandle } from '../../src/lab/server.ts';
import { nullLogger } from '../../src/log/logger.ts';
import { FrameReader, frame } from '../../src/server/framing.ts';

export interface LabCase {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly ad: boolean;
  readonly ede: number | null;
  readonly tcp?: boolean;
}

export const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as {
  cases: LabCase[];
  rootKskTag: number;
  pinnedTime: string;
};

/** Where the EDE tests' clients send from (inside the daemon's allow list). */
export const CLIENT = '127.0.0.2';
/** Generous for loopback: a loaded CI machine must not turn a live lab server into a timeout. */
export const UPSTREAM_TIMEOUT_MS = 1000;
export const QUERY_DEADLINE_MS = 5000;

/** lab.json's pinnedTime, advancing at the monotonic clock's pace: signatures stay valid whatever the wall clock says. */
export function pinnedClock(): { now(): number } {
  const pinned = Date.parse(labJson.pinnedTime);
  const startedAt = performance.now();
  return { now: () => pinned + (performance.now() - startedAt) };
}

/** The lab daemon's config on 127.0.0.1:0, metrics off, short upstream timeouts, `more` on top. */
export function testLabConfig(labPort: number, more: Partial<Config> = {}): Config {
  const base = labConfig(labPort, '127.0.0.1:0', undefined, 'error');
  return {
    ...base,
    allow: [`${CLIENT}/32`],
    ...more,
    limits: { ...base.limits, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, queryDeadlineMs: QUERY_DEADLINE_MS, ...more.limits },
  };
}

/** The embedded lab on loopback and the daemon in front of it, as the integration tests run them. */
export interface LabDaemon {
  readonly lab: LabHandle;
  readonly app: App;
  /** The daemon's UDP/TCP port on 127.0.0.1. */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the lab (port 0) and the daemon with testLabConfig(`more`), on `clock` (pinned by default). */
export async function startLabDaemon(more: Partial<Config> = {}, clock: { now(): number } = pinnedClock()): Promise<LabDaemon> {
  const lab = await startLab({ port: 0 });
  const started = await startApp(testLabConfig(lab.port, more), { logger: nullLogger, clock, defaultMetrics: false });
  if (!started.ok) {
    await lab.close();
    throw new Error(`daemon did not start: ${started.error}`);
  }
  const app = started.app;
  return {
    lab, app, port: app.daemon.addresses[0].port,
    async close() {
      await app.close();
      await lab.close();
    },
  };
}

export interface SendOptions {
  readonly port: number;
  readonly tcp?: boolean;
  readonly from?: string;
  /** How long to wait for an answer before deciding there is none. */
  readonly timeoutMs: number;
}

function udp(bytes: Uint8Array, o: SendOptions): Promise<Uint8Array | null> {
  const s = createSocket('udp4');
  return new Promise<Uint8Array | null>((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), o.timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('message', (m: Buffer) => {
      clearTimeout(timer);
      resolve(new Uint8Array(m));
    });
    s.bind(0, o.from ?? CLIENT, () => s.send(bytes, o.port, '127.0.0.1'));
  }).finally(() => s.close());
}

async function tcp(bytes: Uint8Array, o: SendOptions): Promise<Uint8Array | null> {
  const socket = connect({ host: '127.0.0.1', port: o.port, localAddress: o.from ?? CLIENT });
  try {
    await once(socket, 'connect');
    const reader = new FrameReader();
    return await new Promise<Uint8Array | null>((resolve, reject) => {
      const timer = setTimeout(() => resolve(null), o.timeoutMs);
      socket.on('data', (chunk: Buffer) => {
        reader.push(new Uint8Array(chunk));
        const m = reader.next();
        if (m !== undefined) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
      socket.write(frame(bytes));
    });
  } finally {
    socket.destroy();
  }
}

/** Sends one query's bytes and returns the response's bytes, or null if none came within timeoutMs. */
export function sendRaw(bytes: Uint8Array, o: SendOptions): Promise<Uint8Array | null> {
  return o.tcp === true ? tcp(bytes, o) : udp(bytes, o);
}

/** A big-endian 16-bit value at `at`. */
export function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}
