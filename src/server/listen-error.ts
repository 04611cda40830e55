// Why a listener could not start, as data: the CLI turns it into a message and an exit code for
// systemd instead of an uncaught exception.

export type ListenErrorKind = 'address-in-use' | 'permission' | 'address-not-available' | 'other';

export interface ListenError {
  readonly kind: ListenErrorKind;
  readonly transport: 'udp' | 'tcp';
  /** "host:port" as configured. */
  readonly address: string;
  readonly message: string;
}

export type ListenResult<T> = { ok: true; listener: T } | { ok: false; error: ListenError };

const kinds: Record<string, ListenErrorKind> = {
  EADDRINUSE: 'address-in-use',
  EACCES: 'permission',
  EPERM: 'permission',
  EADDRNOTAVAIL: 'address-not-available',
};

const advice: Record<ListenErrorKind, string> = {
  'address-in-use': 'another process is listening there',
  permission: 'binding a port below 1024 needs root or CAP_NET_BIND_SERVICE',
  'address-not-available': 'no interface has this address',
  other: 'cannot listen',
};

export function toListenError(e: unknown, transport: 'udp' | 'tcp', address: string): ListenError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const kind = (code !== undefined ? kinds[code] : undefined) ?? 'other';
  const detail = e instanceof Error ? e.message : String(e);
  return { kind, transport, address, message: `${transport} ${address}: ${advice[kind]} (${detail})` };
}
