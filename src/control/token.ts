// The control endpoint's shared secret: a fresh random token per daemon start, written to a file
// only its owner can read. Whoever can read the file may control the daemon, so file permissions
// are the whole access policy; the HTTP side only compares.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TOKEN_BYTES = 32;
const OWNER_ONLY = 0o600;
export const TOKEN_FILE_NAME = 'control.token';
/** Outside systemd there is no runtime directory; the temp dir is shared, so the name says whose. */
export const TMP_TOKEN_FILE_NAME = 'anchord-control.token';
/** Where the shipped unit's RuntimeDirectory=anchord puts it; the CLI looks here when nothing says otherwise. */
export const SYSTEMD_TOKEN_FILE = '/run/anchord/control.token';

export type TokenFileResult = { ok: true } | { ok: false; error: string };
export type TokenReadResult = { ok: true; token: string } | { ok: false; code: string; error: string };

/** 32 random bytes as 64 hex digits. */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/**
 * The daemon's token file when `control.tokenFile` is null: `$RUNTIME_DIRECTORY/control.token`
 * under systemd (RuntimeDirectory= sets it; it may list several directories, colon-separated, the
 * first is ours), otherwise `anchord-control.token` in the temp directory.
 */
export function defaultTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.RUNTIME_DIRECTORY?.split(':')[0];
  if (runtime !== undefined && runtime !== '') return join(runtime, TOKEN_FILE_NAME);
  return join(tmpdir(), TMP_TOKEN_FILE_NAME);
}

/**
 * The file a client should read when not told: the daemon's default as computed in the client's
 * own environment, except that an admin shell has no $RUNTIME_DIRECTORY (and, under PrivateTmp=, a
 * different /tmp), so the systemd location wins when it exists.
 */
export function clientTokenFile(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  if (env.RUNTIME_DIRECTORY === undefined && exists(SYSTEMD_TOKEN_FILE)) return SYSTEMD_TOKEN_FILE;
  return defaultTokenFile(env);
}

function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Writes `token` to `path` with mode 0600. The text goes to a sibling created with O_EXCL (so a
 * planted symlink is never followed, which matters in a shared /tmp) and is renamed over `path`
 * (so a reader never sees half a token, and another user's file in a sticky directory is an error,
 * not something we write through).
 */
export async function writeTokenFile(path: string, token: string): Promise<TokenFileResult> {
  const temp = join(dirname(path), `.${TOKEN_FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', OWNER_ONLY);
    try {
      // The umask can only remove bits, but be explicit: the mode is the security boundary.
      await handle.chmod(OWNER_ONLY);
      await handle.writeFile(`${token}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await chmod(path, OWNER_ONLY);
    return { ok: true };
  } catch (e) {
    await unlink(temp).catch(() => {});
    return { ok: false, error: `cannot write control token file ${path}: ${errorText(e)}` };
  }
}

/** Removes the token file at shutdown; a missing file is fine. */
export async function removeTokenFile(path: string): Promise<void> {
  await unlink(path).catch(() => {});
}

/** Reads a token file (trailing whitespace trimmed); `code` is the errno code, e.g. ENOENT/EACCES. */
export async function readTokenFile(path: string): Promise<TokenReadResult> {
  try {
    const handle = await open(path, 'r');
    try {
      const token = (await handle.readFile('utf8')).trim();
      if (token === '') return { ok: false, code: 'EMPTY', error: `control token file ${path} is empty` };
      return { ok: true, token };
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    return { ok: false, code, error: `cannot read control token file ${path}: ${errorText(e)}` };
  }
}

/**
 * Constant-time comparison. Both sides are hashed first so the lengths always match
 * (timingSafeEqual throws otherwise) and a wrong length leaks nothing either.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
