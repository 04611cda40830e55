// The scrape endpoint: GET /metrics for Prometheus and GET /healthz for systemd/k8s probes. Plain
// node:http, since two routes do not justify a framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from './registry.ts';

export interface Health {
  readonly ok: boolean;
  readonly detail: string;
}

export interface MetricsServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly metrics: Pick<Metrics, 'exposition' | 'contentType'>;
  readonly health: () => Health;
  /** For errors after the listener is up (which would otherwise crash the daemon). */
  readonly logger?: Logger;
}

export interface MetricsServer {
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  close(): Promise<void>;
}

export type MetricsServerErrorKind = 'address-in-use' | 'permission' | 'address-not-available' | 'other';

export interface MetricsServerError {
  readonly kind: MetricsServerErrorKind;
  /** "host:port" as asked for. */
  readonly address: string;
  readonly message: string;
}

export type MetricsServerResult = { ok: true; server: MetricsServer } | { ok: false; error: MetricsServerError };

const errorKinds: Record<string, MetricsServerErrorKind> = {
  EADDRINUSE: 'address-in-use',
  EACCES: 'permission',
  EPERM: 'permission',
  EADDRNOTAVAIL: 'address-not-available',
};

/** A bound HTTP server: its port, and a close() that does not wait for idle keep-alive clients. */
export interface ListeningHttp {
  readonly port: number;
  close(): Promise<void>;
}

export type ListenHttpResult = { ok: true; listening: ListeningHttp } | { ok: false; kind: MetricsServerErrorKind; message: string };

/**
 * Binds `server` and reports the outcome as a value (the metrics and control endpoints share it):
 * a failed bind becomes a typed error naming `label` and the address, never an exception.
 */
export function listenHttp(server: Server, host: string, port: number, label: string, logger?: Logger): Promise<ListenHttpResult> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const kind = (e.code !== undefined ? errorKinds[e.code] : undefined) ?? 'other';
      resolve({ ok: false, kind, message: `${label} ${address}: ${e.message}` });
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (e) => logger?.error(`${label} server error`, { address, error: e }));
      const bound = server.address() as AddressInfo;
      resolve({
        ok: true,
        listening: {
          port: bound.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        },
      });
    });
  });
}

const textPlain = 'text/plain; charset=utf-8';

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': textPlain, 'cache-control': 'no-store', ...headers });
  // HEAD gets the headers only.
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(req: IncomingMessage, res: ServerResponse, o: MetricsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== '/metrics' && path !== '/healthz') return send(res, 404, 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });

  if (path === '/healthz') {
    let health: Health;
    try {
      health = o.health();
    } catch (e) {
      // A probe that throws is itself a sign of ill health, not a reason to drop the connection.
      health = { ok: false, detail: `health check failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    return health.ok ? send(res, 200, 'ok\n') : send(res, 503, `${health.detail}\n`);
  }

  try {
    const text = await o.metrics.exposition();
    send(res, 200, text, { 'content-type': o.metrics.contentType });
  } catch (e) {
    send(res, 500, `cannot collect metrics: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** Starts listening; resolves with the bound server or a typed error (never rejects). */
export function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServerResult> {
  const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  const server = createServer((req, res) => void handle(req, res, o));
  // Scrapers reuse connections; without this, close() would wait for their keep-alive to lapse.
  server.keepAliveTimeout = 5_000;

  return listenHttp(server, o.host, o.port, 'metrics', o.logger).then((r) =>
    r.ok
      ? { ok: true, server: { host: o.host, port: r.listening.port, close: r.listening.close } }
      : { ok: false, error: { kind: r.kind, address, message: r.message } },
  );
}
