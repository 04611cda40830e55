// The one call serve.ts needs: the control endpoint as the config describes it.
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { startControlServer, type ControlServerResult, type ControlTarget } from './server.ts';
import { controlSettings } from './settings.ts';

/** Binds `control.listen` and writes the token to `control.tokenFile` or the default (see token.ts). */
export async function startControlFromConfig(config: Pick<Config, 'control'>, target: ControlTarget, logger?: Logger, env: NodeJS.ProcessEnv = process.env): Promise<ControlServerResult> {
  const s = controlSettings(config, 'daemon', env);
  if (!s.ok) return { ok: false, error: { kind: 'other', address: config.control.listen, message: s.error } };
  const { address, tokenFile } = s.settings;
  return startControlServer({ host: address.host, port: address.port, tokenFile, target, ...(logger !== undefined ? { logger } : {}) });
}
