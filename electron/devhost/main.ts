import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { openRuntime } from './runtime';
import { startDevhost } from './server';

/**
 * `npm run demo` (and the browser e2e tests): the real services, the stand-ins, the built renderer,
 * and the contract over a token-guarded WebSocket on 127.0.0.1.
 *
 * Prints one line `Clawbar devhost: <url>` on stdout (tests wait for it), everything else on stderr.
 */
const shutdownDeadlineMs = 5000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      'static-dir': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);

  const staticDir =
    values['static-dir'] ?? resolve(fileURLToPath(new URL('../../out/renderer', import.meta.url)));
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    process.stderr.write(
      `The renderer is not built in ${staticDir}. Run \`npm run build:renderer\` first.\n`,
    );
    process.exitCode = 1;
    return;
  }

  const runtime = await openRuntime({ demo: values.demo, mode: 'demo', stderrLevel: 'warn' });
  const { services, lifecycle } = runtime;
  await services.start();
  const devhost = await startDevhost({
    handlers: services.handlers,
    hub: services.hub,
    log: services.log.child('devhost'),
    staticDir,
    port,
  });
  lifecycle.register({ name: 'devhost', stop: () => devhost.close() });

  process.stdout.write(`Clawbar devhost: ${devhost.url}\n`);
  process.stderr.write(
    `Home: ${services.paths.home}${runtime.world?.freshHome ? ' (temporary)' : ''}\nLog: ${runtime.logFile}\nPress Ctrl+C to stop.\n`,
  );

  const stop = (signal: NodeJS.Signals): void => {
    services.log.info(`Received ${signal}, shutting down`);
    void lifecycle.shutdown(shutdownDeadlineMs).then(report => {
      process.exit(report.timedOut.length > 0 || report.failed.length > 0 ? 1 : 0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Clawbar devhost failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
