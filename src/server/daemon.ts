// The serving side of the daemon: a frontend over `resolve`, and a UDP and a TCP listener on every
// configured address. Either all listeners start or none stay open, so a failed start leaves no
// half-running daemon behind.
import { formatHostPort, parseHostPort, type SocketAddress } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import type { Resolve } from '../wire/outcome.ts';
import { createFrontend } from './frontend.ts';
import type { ListenError } from './listen-error.ts';
import { nullLogger, type Logger } from '../log/logger.ts';
import { noopObserver, type ServerObserver } from './observer.ts';
import { startTcpListener, type TcpListener } from './tcp.ts';
import type { Timers } from './timers.ts';
import { startUdpListener, type UdpListener } from './udp.ts';

export type DaemonConfig = Pick<Config, 'listen' | 'maxUdpSize' | 'tcp' | 'queryLog'>;

export interface DaemonOptions {
  readonly observer?: ServerObserver;
  readonly logger?: Logger;
  readonly timers?: Timers;
  /** How long close() lets answers in flight finish. */
  readonly closeGraceMs?: number;
  /** Access control applied before anything else (REFUSED + EDE 18 otherwise). */
  readonly isAllowed?: (address: string) => boolean;
}

export interface Daemon {
  /** Bound addresses, one per configured address: UDP and TCP share the port (even when 0 was asked). */
  readonly addresses: readonly SocketAddress[];
  /** Stops accepting, waits (bounded) for answers in flight, closes every socket. */
  close(): Promise<void>;
}

export type DaemonStart = { ok: true; daemon: Daemon } | { ok: false; error: ListenError };

/** With port 0 the kernel picks UDP's port; TCP then asks for the same one, which may be taken. */
const PORT_ZERO_ATTEMPTS = 5;

export async function startDaemon(config: DaemonConfig, resolve: Resolve, options: DaemonOptions = {}): Promise<DaemonStart> {
  const logger = options.logger ?? nullLogger;
  const frontend = createFrontend({
    resolve,
    maxUdpSize: config.maxUdpSize,
    observer: options.observer ?? noopObserver,
    logger,
    queryLog: config.queryLog,
    ...(options.isAllowed !== undefined ? { isAllowed: options.isAllowed } : {}),
  });
  const udps: UdpListener[] = [];
  const tcps: TcpListener[] = [];
  const closeAll = () => Promise.all([...udps, ...tcps].map((l) => l.close())).then(() => undefined);

  const openPair = async (wanted: SocketAddress): Promise<ListenError | undefined> => {
    let last: ListenError | undefined;
    const attempts = wanted.port === 0 ? PORT_ZERO_ATTEMPTS : 1;
    for (let i = 0; i < attempts; i++) {
      const u = await startUdpListener({ address: wanted, frontend, logger, closeGraceMs: options.closeGraceMs });
      if (!u.ok) return u.error;
      const t = await startTcpListener({
        address: u.listener.address,
        frontend,
        logger,
        idleTimeoutMs: config.tcp.idleTimeoutMs,
        maxConnections: config.tcp.maxConnections,
        maxInFlightPerConnection: config.tcp.maxInFlightPerConnection,
        closeGraceMs: options.closeGraceMs,
        ...(options.timers !== undefined ? { timers: options.timers } : {}),
      });
      if (t.ok) {
        udps.push(u.listener);
        tcps.push(t.listener);
        return undefined;
      }
      await u.listener.close();
      last = t.error;
      if (t.error.kind !== 'address-in-use') break;
    }
    return last;
  };

  for (const text of config.listen) {
    const parsed = parseHostPort(text);
    const error = parsed.ok
      ? await openPair(parsed.value)
      : { kind: 'other' as const, transport: 'udp' as const, address: text, message: `${text}: ${parsed.error}` };
    if (error !== undefined) {
      await closeAll();
      return { ok: false, error };
    }
  }
  for (const u of udps) logger.info(`serving DNS on ${formatHostPort(u.address)} (udp, tcp)`);
  let closing: Promise<void> | undefined;
  return {
    ok: true,
    daemon: {
      addresses: udps.map((u) => u.address),
      close: () => (closing ??= closeAll()),
    },
  };
}
