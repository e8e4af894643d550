import { PassThrough } from 'node:stream';

import { runCli } from '../cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the CLI in-process as a terminal would, and collects what it printed. Only PATH comes
 * from the test's own environment: HOME, LANG and CLAWBAR_HOME are the test's to give.
 */
export async function runCliCaptured(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', chunk => (out += String(chunk)));
  stderr.on('data', chunk => (err += String(chunk)));
  const code = await runCli(argv, { stdout, stderr, env: { PATH: process.env.PATH, ...env } });
  return { code, out, err };
}
