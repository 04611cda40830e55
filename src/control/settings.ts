// Where the control endpoint listens and where its token lives, from the config: one function so
// the daemon and `anchord control --config` cannot disagree.
import { parseHostPort, type SocketAddress } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import { clientTokenFile, defaultTokenFile } from './token.ts';

export interface ControlSettings {
  readonly address: SocketAddress;
  readonly tokenFile: string;
}

export type ControlSettingsResult = { ok: true; settings: ControlSettings } | { ok: false; error: string };

/**
 * The daemon's view: `control.listen`, and `control.tokenFile` or defaultTokenFile(). With
 * `side: 'client'` the token default is clientTokenFile() (which also looks in /run/anchord).
 */
export function controlSettings(config: Pick<Config, 'control'>, side: 'daemon' | 'client' = 'daemon', env: NodeJS.ProcessEnv = process.env): ControlSettingsResult {
  const parsed = parseHostPort(config.control.listen);
  // The config was validated, so this only fails for a hand-built Config.
  if (!parsed.ok) return { ok: false, error: `control.listen: ${parsed.error}` };
  const tokenFile = config.control.tokenFile ?? (side === 'daemon' ? defaultTokenFile(env) : clientTokenFile(env));
  return { ok: true, settings: { address: parsed.value, tokenFile } };
}
