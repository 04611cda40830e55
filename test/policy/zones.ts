// Policy zone texts for the tests, served through an injected ReadText (no files needed).
import type { ReadText } from '../../src/policy/rpz.ts';

export const ZONE_ONE = `; first policy zone
$ORIGIN rpz1.test.
$TTL 300
@ SOA ns.rpz1.test. admin.rpz1.test. 1 3600 600 86400 60
  NS ns.rpz1.test.
nx.example CNAME .
nodata.example CNAME *.
pass.example CNAME rpz-passthru.
legacy.example CNAME legacy.example.
drop.example CNAME rpz-drop.
tcp.example CNAME rpz-tcp-only.
local.example A 192.0.2.1
  A 192.0.2.2
  TXT "hello"
rewrite.example CNAME target.example.net.
*.wild.example CNAME .
exact.wild.example A 192.0.2.9
*.deep.wild.example CNAME *.
*.garden.example CNAME *.walled.example.net.
ok.blockall.example CNAME rpz-passthru.
`;

export const ZONE_TWO = `$ORIGIN rpz2.test.
@ 30 SOA ns.rpz2.test. admin.rpz2.test. 7 3600 600 86400 120
*.blockall.example 300 CNAME .
nx.example 300 A 192.0.2.99
other.example 300 CNAME *.
pass.example 300 CNAME .
`;

/** A ReadText over an in-memory table that tests may change between loads. */
export function memoryFiles(files: Record<string, string>): ReadText {
  return async (file) => (file in files ? { ok: true, text: files[file] } : { ok: false, error: `ENOENT: no such file, open '${file}'` });
}
