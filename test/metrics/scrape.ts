// Test helpers: fetch over real HTTP and read a sample's value out of the text exposition.

export interface HttpReply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

export async function get(port: number, path: string, method = 'GET'): Promise<HttpReply> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

/** The value of one sample, e.g. sample(text, 'anchord_queries_total', { transport: 'udp', qtype: 'A' }); undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[pair[1]] = pair[2];
    const wanted = Object.entries(labels);
    if (wanted.length !== Object.keys(got).length) continue;
    if (wanted.every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Every label value that appears for `label` on samples of `name`. */
export function labelValues(text: string, name: string, label: string): Set<string> {
  const out = new Set<string>();
  const re = new RegExp(`^${name}\\{[^}]*\\b${label}="([^"]*)"`);
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) out.add(m[1]);
  }
  return out;
}
