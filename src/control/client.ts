// The client side of the control endpoint, used by `anchord control`: one request, a typed result
// whose failures already carry the sentence an operator needs.
import { formatHostPort, type SocketAddress } from '../config/address.ts';

export type ControlRequest = { readonly command: 'flush'; readonly name?: string } | { readonly command: 'stats' } | { readonly command: 'reload' };

export type ControlFailureKind = 'connection-refused' | 'unreachable' | 'timeout' | 'unauthorized' | 'http' | 'bad-response';

export type ControlResponse = { ok: true; body: unknown } | { ok: false; kind: ControlFailureKind; message: string };

export interface ControlClientOptions {
  readonly timeoutMs: number;
  /** Injected by tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

const HTTP_UNAUTHORIZED = 401;

function requestOf(r: ControlRequest): { method: 'GET' | 'POST'; path: string } {
  switch (r.command) {
    case 'flush':
      return { method: 'POST', path: r.name === undefined ? '/flush' : `/flush?name=${encodeURIComponent(r.name)}` };
    case 'stats':
      return { method: 'GET', path: '/stats' };
    case 'reload':
      return { method: 'POST', path: '/reload' };
  }
}

/** fetch wraps socket errors as TypeError('fetch failed') with the errno error as `cause`. */
function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function callControl(endpoint: SocketAddress, token: string, request: ControlRequest, options: ControlClientOptions): Promise<ControlResponse> {
  const where = formatHostPort(endpoint);
  const { method, path } = requestOf(request);
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`http://${where}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (e) {
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      return { ok: false, kind: 'timeout', message: `no answer from the control endpoint at ${where} within ${options.timeoutMs} ms` };
    }
    const code = causeCode(e);
    if (code === 'ECONNREFUSED') {
      return {
        ok: false,
        kind: 'connection-refused',
        message: `connection refused by ${where}: is anchord running? (check control.listen in its config, or pass --control ADDR:PORT / --config FILE)`,
      };
    }
    return { ok: false, kind: 'unreachable', message: `cannot reach the control endpoint at ${where}: ${code ?? (e instanceof Error ? e.message : String(e))}` };
  }
  const text = await res.text();
  if (res.status === HTTP_UNAUTHORIZED) {
    return {
      ok: false,
      kind: 'unauthorized',
      message: `token mismatch: ${where} rejected the token (anchord writes a new one at every start; point --token-file at the file the running daemon wrote)`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'bad-response', message: `${where} answered HTTP ${res.status} with something that is not JSON (is that anchord's control port?)` };
  }
  if (!res.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    return { ok: false, kind: 'http', message: `${where}: HTTP ${res.status}: ${typeof error === 'string' ? error : text.trim()}` };
  }
  return { ok: true, body };
}
