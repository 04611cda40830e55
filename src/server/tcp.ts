// The TCP listener (RFC 7766): length-prefixed messages over a stream, several queries pipelined on one
// connection and answered as each completes (out of order), an idle timeout that only runs while
// nothing is in flight, and caps on connections and on queries in flight per connection.
import { createServer, type Server, type Socket } from 'node:net';
import { formatHostPort, type SocketAddress } from '../config/address.ts';
import { FrameReader, frame } from './framing.ts';
import type { Frontend } from './frontend.ts';
import { toListenError, type ListenResult } from './listen-error.ts';
import { nullLogger, type Logger } from '../log/logger.ts';
import { realTimers, type Timers } from './timers.ts';

export interface TcpListenerOptions {
  readonly address: SocketAddress;
  readonly frontend: Frontend;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxInFlightPerConnection: number;
  readonly logger?: Logger;
  /** close() waits at most this long for answers in flight before cutting connections. */
  readonly closeGraceMs?: number;
  readonly timers?: Timers;
}

export interface TcpListener {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: SocketAddress;
  /** Open connections (for tests and the control endpoint). */
  readonly connectionCount: number;
  /** Stops accepting, lets connections finish what is in flight (bounded), then closes them. */
  close(): Promise<void>;
}

const DEFAULT_CLOSE_GRACE_MS = 2000;

/** One client connection: its reassembly buffer, its in-flight count and its idle timer. */
class Connection {
  readonly #socket: Socket;
  readonly #o: TcpListenerOptions;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #reader = new FrameReader();
  readonly #client: { address: string; port: number };
  /** Queries handed to the frontend whose answer is not yet flushed to the socket. */
  #inFlight = 0;
  /** The client sent FIN: answer what we have, then close. */
  #readEnded = false;
  /** The listener is closing: take no new query. */
  #draining = false;
  #cancelIdle: (() => void) | undefined;

  constructor(socket: Socket, o: TcpListenerOptions, timers: Timers, logger: Logger) {
    this.#socket = socket;
    this.#o = o;
    this.#timers = timers;
    this.#logger = logger;
    this.#client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.#pump();
    });
    socket.on('end', () => {
      this.#readEnded = true;
      this.#settle();
    });
    socket.on('error', (e) => {
      this.#logger.debug(`tcp ${this.#client.address}#${this.#client.port}: ${e.message}`);
      socket.destroy();
    });
    socket.on('close', () => this.#stopIdle());
    this.#settle();
  }

  get socket(): Socket {
    return this.#socket;
  }

  /** Listener shutdown: finish what is in flight, take nothing new. */
  drain(): void {
    this.#draining = true;
    this.#socket.pause();
    this.#settle();
  }

  /** Dispatches complete queries up to the in-flight cap; reading pauses at the cap (RFC 7766 §6.2.1.1). */
  #pump(): void {
    while (!this.#draining && this.#inFlight < this.#o.maxInFlightPerConnection) {
      const message = this.#reader.next();
      if (message === undefined) break;
      this.#dispatch(message);
    }
    if (!this.#draining) {
      if (this.#inFlight >= this.#o.maxInFlightPerConnection) this.#socket.pause();
      else if (!this.#readEnded) this.#socket.resume();
    }
    this.#settle();
  }

  #dispatch(message: Uint8Array): void {
    this.#inFlight++;
    this.#stopIdle();
    const done = () => {
      this.#inFlight--;
      this.#pump();
    };
    this.#o
      .frontend(message, { transport: 'tcp', client: this.#client, keepaliveMs: this.#o.idleTimeoutMs })
      .then((response) => {
        if (response === null || this.#socket.destroyed || !this.#socket.writable) return done();
        // Counted in flight until flushed: a client that pipelines but never reads cannot make us
        // buffer more than the cap's worth of answers.
        this.#socket.write(frame(response), () => done());
      })
      .catch((e: unknown) => {
        this.#logger.error(`tcp ${this.#client.address}#${this.#client.port}: ${e instanceof Error ? e.message : String(e)}`);
        done();
      });
  }

  /** With nothing in flight: close if the client or the listener is done, else (re)arm the idle timer. */
  #settle(): void {
    if (this.#inFlight > 0 || this.#socket.destroyed) return;
    if (this.#draining || this.#readEnded) {
      this.#close();
      return;
    }
    // Not restarted by partial data: a client trickling a message byte by byte is still idle.
    this.#cancelIdle ??= this.#timers.start(this.#o.idleTimeoutMs, () => {
      this.#cancelIdle = undefined;
      this.#logger.debug(`tcp ${this.#client.address}#${this.#client.port}: idle timeout`);
      this.#close();
    });
  }

  #stopIdle(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
  }

  #close(): void {
    this.#stopIdle();
    this.#socket.end(() => this.#socket.destroy());
  }
}

export function startTcpListener(o: TcpListenerOptions): Promise<ListenResult<TcpListener>> {
  const logger = o.logger ?? nullLogger;
  const timers = o.timers ?? realTimers;
  const where = formatHostPort(o.address);
  const connections = new Set<Connection>();
  // allowHalfOpen: a client may send its queries then FIN; the answers must still go out.
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true });

  server.on('connection', (socket: Socket) => {
    if (connections.size >= o.maxConnections) {
      logger.debug(`tcp ${where}: connection cap (${o.maxConnections}) reached, closing ${socket.remoteAddress ?? ''}#${socket.remotePort ?? 0}`);
      socket.destroy();
      return;
    }
    const c = new Connection(socket, o, timers, logger);
    connections.add(c);
    socket.on('close', () => connections.delete(c));
  });

  return new Promise((resolve) => {
    const onStartError = (e: Error) => resolve({ ok: false, error: toListenError(e, 'tcp', where) });
    server.once('error', onStartError);
    server.listen({ host: o.address.host, port: o.address.port, exclusive: true, ipv6Only: o.address.family === 6 }, () => {
      server.off('error', onStartError);
      server.on('error', (e) => logger.warn(`tcp ${where}: ${e.message}`));
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : o.address.port;
      const address: SocketAddress = { host: o.address.host, port, family: o.address.family };
      let closed: Promise<void> | undefined;
      const close = (): Promise<void> => {
        closed ??= new Promise<void>((done) => {
          const timer = setTimeout(() => {
            for (const c of connections) c.socket.destroy();
          }, o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
          timer.unref();
          // server.close's callback runs once every connection has closed.
          server.close(() => {
            clearTimeout(timer);
            done();
          });
          for (const c of connections) c.drain();
        });
        return closed;
      };
      resolve({
        ok: true,
        listener: {
          address,
          get connectionCount() {
            return connections.size;
          },
          close,
        },
      });
    });
  });
}
