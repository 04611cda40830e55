// The UDP listener: one datagram is one query. All protocol decisions (including truncation to the
// client's payload size) are the frontend's; this file only receives, hands over and sends.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { formatHostPort, type SocketAddress } from '../config/address.ts';
import type { Frontend } from './frontend.ts';
import { toListenError, type ListenResult } from './listen-error.ts';
import { nullLogger, type Logger } from '../log/logger.ts';

export interface UdpListenerOptions {
  readonly address: SocketAddress;
  readonly frontend: Frontend;
  readonly logger?: Logger;
  /** close() waits at most this long for queries in flight before closing anyway. */
  readonly closeGraceMs?: number;
}

export interface UdpListener {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: SocketAddress;
  /** Stops answering new datagrams, waits for those in flight (bounded), then closes the socket. */
  close(): Promise<void>;
}

const DEFAULT_CLOSE_GRACE_MS = 2000;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram passes every send() on an unbound-peer socket through its `lookup` (dns.lookup by default),
 * even for the IP literal rinfo.address always is: argument checks and a process.nextTick per reply.
 * An IP literal is its own answer, so it is handed straight back; anything else still goes to DNS.
 */
function literalLookup(address: string, family: number | LookupOneOptions, callback: LookupCallback): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else if (typeof family === 'number') dnsLookup(address, family, callback);
  else dnsLookup(address, family, callback);
}

export function startUdpListener(o: UdpListenerOptions): Promise<ListenResult<UdpListener>> {
  const logger = o.logger ?? nullLogger;
  const where = formatHostPort(o.address);
  // ipv6Only: an IPv6 wildcard must not also claim the IPv4 port (which a separate listener may want).
  const socket: Socket = createSocket({ type: o.address.family === 6 ? 'udp6' : 'udp4', ipv6Only: o.address.family === 6, lookup: literalLookup });
  let inFlight = 0;
  let closing = false;
  let socketClosed = false;
  let drained: (() => void) | undefined;

  function onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (closing) return;
    inFlight++;
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    o.frontend(bytes, { transport: 'udp', client: { address: rinfo.address, port: rinfo.port } })
      .then((response) => {
        if (response === null || socketClosed) return; // grace expired: too late to answer
        socket.send(response, rinfo.port, rinfo.address, (err) => {
          if (err) logger.debug(`udp ${where}: send to ${rinfo.address}#${rinfo.port} failed: ${err.message}`);
        });
      })
      .catch((e: unknown) => logger.error(`udp ${where}: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  }

  return new Promise((resolve) => {
    const onStartError = (e: Error) => {
      socket.close();
      resolve({ ok: false, error: toListenError(e, 'udp', where) });
    };
    socket.once('error', onStartError);
    socket.bind({ address: o.address.host, port: o.address.port, exclusive: true }, () => {
      socket.off('error', onStartError);
      // After start, errors are per-datagram (e.g. ICMP unreachable on some platforms): log, keep serving.
      socket.on('error', (e) => logger.warn(`udp ${where}: ${e.message}`));
      socket.on('message', onMessage);
      const bound = socket.address();
      const address: SocketAddress = { host: o.address.host, port: bound.port, family: o.address.family };
      let closed: Promise<void> | undefined;
      const close = (): Promise<void> => {
        closed ??= new Promise<void>((done) => {
          closing = true;
          const finish = () => {
            clearTimeout(timer);
            drained = undefined;
            socketClosed = true;
            socket.close(() => done());
          };
          const timer = setTimeout(finish, o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
          timer.unref();
          if (inFlight === 0) finish();
          else drained = finish;
        });
        return closed;
      };
      resolve({ ok: true, listener: { address, close } });
    });
  });
}
