// The config's default data files ("zones/root.hints", "zones/root-anchors") are relative paths,
// resolved against the working directory like every path in the config. A daemon started from
// elsewhere (systemd, an installed package) would then miss the files shipped with anchord, so a
// relative path that does not exist in the working directory is looked up in the package too.
// Absolute paths, and relative ones that exist, are used as written.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.ts';

/** The checkout or installed package: two levels above src/app/. */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export function resolveDataFile(path: string, exists: (p: string) => boolean = existsSync): string {
  if (isAbsolute(path) || exists(path)) return path;
  const packaged = join(PACKAGE_DIR, path);
  return exists(packaged) ? packaged : path;
}

/** The config with its hints and trust-anchor paths resolved as above (policy files stay as written). */
export function withDataFiles(config: Config): Config {
  return { ...config, rootHints: resolveDataFile(config.rootHints), trustAnchors: config.trustAnchors.map((f) => resolveDataFile(f)) };
}
