import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The stand-in `lms` (LM Studio's CLI): `lms server status [--json] [--quiet]` and `lms version`.
 * The server's port comes from $CLAWBAR_HOME/stand-ins/lmstudio.json (written by the demo world);
 * "running" means something answers `/v1/models` there, as the real CLI checks.
 */
function configuredPort(): number {
  try {
    const home = process.env.CLAWBAR_HOME;
    if (!home) return 1234;
    const parsed = JSON.parse(readFileSync(join(home, 'stand-ins', 'lmstudio.json'), 'utf8')) as {
      port?: unknown;
    };
    return typeof parsed.port === 'number' ? parsed.port : 1234;
  } catch {
    return 1234;
  }
}

async function answering(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/models`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function main(args: readonly string[]): Promise<number> {
  const [command, sub] = args;
  if (command === 'version') {
    process.stdout.write('lms - LM Studio CLI - v0.0.47\n');
    return 0;
  }
  if (command === 'server' && sub === 'status') {
    const port = configuredPort();
    const running = await answering(port);
    if (args.includes('--json')) {
      process.stdout.write(`${JSON.stringify(running ? { running, port } : { running })}\n`);
    } else {
      process.stdout.write(
        running ? `The server is running on port ${port}.\n` : 'The server is not running.\n',
      );
    }
    return 0;
  }
  process.stderr.write(`Error: unknown command ${args.join(' ')}\n`);
  return 1;
}
