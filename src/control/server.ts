// The control endpoint: loopback-only HTTP with a bearer token, for `anchord control`. Plain
// node:http like the metrics endpoint; three routes do not justify a framework.
//   POST /flush[?name=N]  drop N and everything below it from the cache (no name: everything)
//   GET  /stats           JSON counters from the daemon
//   POST /reload          run the reload coordinator, JSON report
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../log/logger.ts';
import { listenHttp } from '../metrics/http.ts';
import { Name } from '../wire/name.ts';
import { isLoopbackAddress } from './loopback.ts';
import type { ReloadReport } from './reload.ts';
import { generateToken, removeTokenFile, tokensEqual, writeTokenFile } from './token.ts';

/** What the endpoint controls. The daemon adapts its cache, counters and reload coordinator to this. */
export interface ControlTarget {
  /** No name: the whole cache. A name: that name and everything below it. */
  flush(name?: Name): { removed: number };
  stats(): Record<string, unknown>;
  reload(): Promise<ReloadReport>;
}

export interface ControlServerOptions {
  /** A loopback IP literal (127.0.0.0/8 or ::1); anything else is refused. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Where the fresh token is written (mode 0600); see defaultTokenFile(). */
  readonly tokenFile: string;
  readonly target: ControlTarget;
  readonly logger?: Logger;
}

export interface ControlServer {
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  readonly tokenFile: string;
  /** Stops listening and removes the token file (it would be useless once we are gone). */
  close(): Promise<void>;
}

export type ControlServerErrorKind = 'not-loopback' | 'token-file' | 'address-in-use' | 'permission' | 'address-not-available' | 'other';

export interface ControlServerError {
  readonly kind: ControlServerErrorKind;
  /** "host:port" as asked for. */
  readonly address: string;
  readonly message: string;
}

export type ControlServerResult = { ok: true; server: ControlServer } | { ok: false; error: ControlServerError };

const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_NOT_FOUND = 404;
const HTTP_METHOD_NOT_ALLOWED = 405;
const HTTP_INTERNAL_ERROR = 500;

const routes: Record<string, 'GET' | 'POST'> = { '/flush': 'POST', '/stats': 'GET', '/reload': 'POST' };

/** BigInt counters are common in stats; JSON cannot carry them natively. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body, replacer) + '\n');
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? undefined : m[1];
}

function parseFlushName(text: string | null): { ok: true; name: Name | undefined } | { ok: false; error: string } {
  if (text === null || text === '') return { ok: true, name: undefined };
  const r = Name.parse(text.endsWith('.') ? text : `${text}.`);
  return r.ok ? { ok: true, name: r.name } : { ok: false, error: `name ${JSON.stringify(text)}: ${r.error}` };
}

async function handle(req: IncomingMessage, res: ServerResponse, token: string, target: ControlTarget): Promise<void> {
  // No route takes a body; read and discard one so the connection stays usable.
  req.resume();
  // Authenticate before routing, so an unauthenticated caller learns nothing about the routes.
  const presented = bearer(req);
  if (presented === undefined || !tokensEqual(presented, token)) {
    return sendJson(res, HTTP_UNAUTHORIZED, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer realm="anchord-control"' });
  }
  const url = new URL(req.url ?? '/', 'http://control.invalid');
  const method = routes[url.pathname];
  if (method === undefined) return sendJson(res, HTTP_NOT_FOUND, { error: `no such endpoint: ${url.pathname}` });
  if (req.method !== method) return sendJson(res, HTTP_METHOD_NOT_ALLOWED, { error: `${url.pathname} takes ${method}` }, { allow: method });

  switch (url.pathname) {
    case '/flush': {
      const parsed = parseFlushName(url.searchParams.get('name'));
      if (!parsed.ok) return sendJson(res, HTTP_BAD_REQUEST, { error: parsed.error });
      const { removed } = target.flush(parsed.name);
      return sendJson(res, HTTP_OK, { removed, name: parsed.name === undefined ? null : parsed.name.toString() });
    }
    case '/stats':
      return sendJson(res, HTTP_OK, target.stats());
    default: {
      // Always 200 when the reload ran: the report says per part what happened.
      const report = await target.reload();
      return sendJson(res, HTTP_OK, report);
    }
  }
}

/** Writes a fresh token and starts listening; resolves with the server or a typed error (never rejects). */
export async function startControlServer(o: ControlServerOptions): Promise<ControlServerResult> {
  const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  if (!isLoopbackAddress(o.host)) {
    return {
      ok: false,
      error: { kind: 'not-loopback', address, message: `control ${address}: refusing to listen on a non-loopback address (use 127.0.0.1 or ::1)` },
    };
  }
  const token = generateToken();
  const written = await writeTokenFile(o.tokenFile, token);
  if (!written.ok) return { ok: false, error: { kind: 'token-file', address, message: `control ${address}: ${written.error}` } };

  const server = createServer((req, res) => {
    handle(req, res, token, o.target).catch((e: unknown) => {
      o.logger?.error('control request failed', { error: e });
      if (!res.headersSent) sendJson(res, HTTP_INTERNAL_ERROR, { error: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    });
  });
  // The CLI makes one request per run; idle keep-alive connections would only delay close().
  server.keepAliveTimeout = 1_000;

  const r = await listenHttp(server, o.host, o.port, 'control', o.logger);
  if (!r.ok) {
    await removeTokenFile(o.tokenFile);
    return { ok: false, error: { kind: r.kind, address, message: r.message } };
  }
  return {
    ok: true,
    server: {
      host: o.host,
      port: r.listening.port,
      tokenFile: o.tokenFile,
      close: () => r.listening.close().then(() => removeTokenFile(o.tokenFile)),
    },
  };
}
