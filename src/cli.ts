// The anchord command line (yargs). Each command lives in src/cli/<command>.ts and exports a
// `register…(y: Argv): Argv`; this file only lists them.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { registerServe } from './cli/serve.ts';
import { registerControl } from './cli/control.ts';
import { registerLab } from './cli/lab.ts';
import { registerExplain } from './cli/explain.ts';

// ---- Commands ---------------------------------------------------------------------------------
// Other rooms register their commands here, one line each, e.g.
//   import { registerLab } from './cli/lab.ts';          // anchord lab
//   import { registerExplain } from './cli/explain.ts';  // anchord explain NAME TYPE
//   import { registerControl } from './cli/control.ts';  // anchord control ...
const commands: readonly ((y: Argv) => Argv)[] = [
  registerServe,
  registerControl,
  registerLab,
  registerExplain,
];
// -----------------------------------------------------------------------------------------------

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const v = (pkg as { version?: unknown }).version;
  return typeof v === 'string' ? v : 'unknown';
}

/** Parses `args` (without node and script) and runs the command; exit codes go to process.exitCode. */
export async function main(args: readonly string[]): Promise<void> {
  let y = yargs([...args])
    .scriptName('anchord')
    .usage('$0 <command> [options]')
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .fail((message, error) => {
      // Usage errors are configuration errors for systemd's purposes: exit 2, like a bad config file.
      if (error !== undefined && error !== null) throw error;
      process.stderr.write(`anchord: ${message}\nRun "anchord --help" for usage.\n`);
      process.exit(2);
    });
  for (const register of commands) y = register(y);
  await y.parseAsync();
}

// Run when executed directly (`tsx src/cli.ts serve`); bin/anchord.js imports and calls main().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
