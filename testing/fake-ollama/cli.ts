import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { faultsFromEnv } from './faults';
import { defaultSeed } from './store';
import { defaultFakeVersion, startFakeOllama } from './server';

/**
 * The stand-in `ollama` executable (testing/bin/ollama runs this): `serve` runs the fake server on
 * OLLAMA_HOST the way `ollama serve` does (same log lines, same bind error and exit code), and
 * `--version` prints what the real client prints. Models live in OLLAMA_MODELS, else under
 * $CLAWBAR_HOME/stand-ins/ollama, so every process of one demo world sees the same models.
 */
const version = process.env.FAKE_OLLAMA_VERSION ?? defaultFakeVersion;

function logLine(level: string, source: string, message: string): string {
  return `time=${new Date().toISOString()} level=${level} source=${source} msg=${JSON.stringify(message)}`;
}

/** OLLAMA_HOST as the real server reads it (host:port, :port, http://host:port, bare host). */
function bindAddress(value: string | undefined): { host: string; port: number } {
  const text = (value ?? '').trim() || '127.0.0.1:11434';
  const url = new URL(
    /^[a-z]+:\/\//i.test(text) ? text : `http://${text.startsWith(':') ? `127.0.0.1${text}` : text}`,
  );
  const port =
    url.port === ''
      ? /^[a-z]+:\/\//i.test(text)
        ? url.protocol === 'https:'
          ? 443
          : 80
        : 11434
      : Number(url.port);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function stateDir(): string | undefined {
  if (process.env.OLLAMA_MODELS) return process.env.OLLAMA_MODELS;
  if (process.env.CLAWBAR_HOME) return join(process.env.CLAWBAR_HOME, 'stand-ins', 'ollama');
  return undefined;
}

async function serve(): Promise<number> {
  const dir = stateDir();
  if (!dir) {
    process.stderr.write('Error: the stand-in ollama needs OLLAMA_MODELS or CLAWBAR_HOME for its models\n');
    return 1;
  }
  const faults = faultsFromEnv(process.env);
  const { host, port } = bindAddress(process.env.OLLAMA_HOST);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('OLLAMA_')));
  process.stderr.write(
    `${logLine('INFO', 'routes.go:1331', 'server config')} env="map[${Object.entries(env)
      .map(([key, value]) => `${key}:${value ?? ''}`)
      .join(' ')}]"\n`,
  );
  if (faults.portBusy) {
    process.stderr.write(`Error: listen tcp ${host}:${port}: bind: address already in use\n`);
    return 1;
  }
  const seed =
    process.env.FAKE_OLLAMA_SEED === undefined
      ? defaultSeed
      : process.env.FAKE_OLLAMA_SEED.split(',').filter(Boolean);
  const vram = Number(process.env.FAKE_OLLAMA_VRAM);
  let server;
  try {
    server = await startFakeOllama({
      stateDir: dir,
      host,
      port,
      version,
      faults,
      seed,
      ...(Number.isFinite(vram) && vram > 0 ? { vramBytes: vram } : {}),
      log: line => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `Error: listen tcp ${host}:${port}: bind: address already in use\n`
        : `Error: listen tcp ${host}:${port}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  // What the server runs with, for tests that check Clawbar passed its settings through.
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'serve.json'),
    `${JSON.stringify({ pid: process.pid, host, port, env }, null, 2)}\n`,
  );
  process.stderr.write(
    `${logLine('INFO', 'routes.go:1384', `Listening on ${host}:${port} (version ${version})`)}\n`,
  );
  process.stderr.write(
    `${logLine('INFO', 'types.go:130', 'inference compute')} id=0 library=Metal name=Metal total="21.3 GiB" available="21.3 GiB"\n`,
  );

  const launch = server.store.countLaunch();
  if (faults.crashAfterMs !== undefined && (faults.crashCount === undefined || launch <= faults.crashCount)) {
    setTimeout(() => {
      process.stderr.write(
        'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x2 addr=0x0 pc=0x1049f3c54]\n\ngoroutine 87 [running]:\ngithub.com/ollama/ollama/llm.(*llmServer).Completion(0x14000522000)\n',
      );
      process.exit(2);
    }, faults.crashAfterMs);
  }

  return new Promise<number>(resolve => {
    const stop = (): void => {
      void server.close().then(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Stand-in hygiene on a shared machine: a serve whose parent died does not linger.
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 1000);
    watch.unref();
  });
}

async function printVersion(): Promise<number> {
  const { host, port } = bindAddress(process.env.OLLAMA_HOST);
  let serverVersion = '';
  try {
    const response = await fetch(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/api/version`, {
      signal: AbortSignal.timeout(1000),
    });
    serverVersion = ((await response.json()) as { version?: string }).version ?? '';
  } catch {
    process.stdout.write('Warning: could not connect to a running Ollama instance\n');
  }
  if (serverVersion) process.stdout.write(`ollama version is ${serverVersion}\n`);
  if (serverVersion !== version) process.stdout.write(`Warning: client version is ${version}\n`);
  return 0;
}

const usage = `Large language model runner

Usage:
  ollama [flags]
  ollama [command]

Available Commands:
  serve       Start ollama

Flags:
  -h, --help      help for ollama
  -v, --version   Show version information
`;

export async function main(args: readonly string[]): Promise<number> {
  const [command] = args;
  if (command === 'serve' || command === 'start') return serve();
  if (command === '-v' || command === '--version') return printVersion();
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(`Error: unknown command "${command}" for "ollama"\n`);
  return 1;
}
