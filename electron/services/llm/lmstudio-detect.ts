import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import type { ComponentStatus, LlmState } from '../../../common/state';
import type { ExecRunner } from '../platform/exec';
import { isExecutable, type MacLocations } from './ollama-detect';
import { networkReason, type FetchLike } from './ollama-client';

/**
 * LM Studio (runtime-facts §3.4): its OpenAI-compatible server (`GET /v1/models`, port 1234 by
 * default) and its `lms` CLI (`lms server status --json --quiet` → `{"running":true,"port":1234}`),
 * found on PATH or in ~/.lmstudio/bin. Clawbar never starts or stops LM Studio; it only looks.
 */
export interface LmStudioDetection {
  component: Omit<ComponentStatus, 'since'>;
  detail: LlmState['lmstudio'];
}

const statusWire = z.object({ running: z.boolean(), port: z.number().int().positive().optional() });
const modelsWire = z.object({ data: z.array(z.object({ id: z.string() })) });

export async function findLms(exec: ExecRunner, { userHome }: MacLocations): Promise<string | null> {
  const onPath = await exec.which('lms');
  if (onPath) return onPath;
  for (const candidate of [
    join(userHome, '.lmstudio', 'bin', 'lms'),
    join(userHome, '.cache', 'lm-studio', 'bin', 'lms'),
  ]) {
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function appInstalled({ root, userHome }: MacLocations): Promise<boolean> {
  for (const app of [
    join(root, 'Applications', 'LM Studio.app'),
    join(userHome, 'Applications', 'LM Studio.app'),
  ]) {
    if (
      await access(app).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

export async function lmsServerStatus(
  exec: ExecRunner,
  lms: string,
): Promise<{ running: boolean; port: number | null } | null> {
  try {
    const result = await exec.run(lms, ['server', 'status', '--json', '--quiet'], { timeoutMs: 10_000 });
    const line = result.stdout.split('\n').find(text => text.trim().startsWith('{'));
    const parsed = statusWire.safeParse(line ? JSON.parse(line) : undefined);
    return parsed.success ? { running: parsed.data.running, port: parsed.data.port ?? null } : null;
  } catch {
    return null;
  }
}

/** `GET /v1/models`: the model ids, or why there are none. */
async function listModels(
  url: URL,
  fetchImpl: FetchLike,
): Promise<{ models: string[] } | { problem: string }> {
  try {
    const response = await fetchImpl(new URL('/v1/models', url).toString(), {
      signal: AbortSignal.timeout(2000),
    });
    const parsed = modelsWire.safeParse(await response.json());
    if (response.ok && parsed.success) return { models: parsed.data.data.map(model => model.id) };
    return { problem: response.ok ? 'answer is not a model list' : `HTTP ${response.status}` };
  } catch (error) {
    return { problem: networkReason(error).detail };
  }
}

/**
 * Looks at the configured address first (cheap); only when nothing answers there does it ask
 * `lms` (a Node program: costly to run every few seconds) where the server is, and only when the
 * caller allows it.
 */
export async function detectLmStudio({
  exec,
  locations,
  baseUrl,
  askLms = true,
  fetch: fetchImpl = fetch,
}: {
  exec: ExecRunner;
  locations: MacLocations;
  baseUrl: URL;
  askLms?: boolean;
  fetch?: FetchLike;
}): Promise<LmStudioDetection> {
  const cliPath = await findLms(exec, locations);
  const url = new URL(baseUrl);
  let listing = await listModels(url, fetchImpl);
  let status: { running: boolean; port: number | null } | null =
    'models' in listing ? { running: true, port: Number(url.port) } : null;
  if (!status && cliPath && askLms) {
    status = await lmsServerStatus(exec, cliPath);
    if (status?.running && status.port && String(status.port) !== url.port) {
      url.port = String(status.port);
      listing = await listModels(url, fetchImpl);
    }
  }
  const address = url.host;
  const models = 'models' in listing ? listing.models : null;
  const problem = 'problem' in listing ? listing.problem : '';
  const detail: LlmState['lmstudio'] = {
    address,
    cliPath,
    serverRunning: status?.running ?? null,
    port: models ? Number(url.port) : (status?.port ?? null),
    models: models ?? [],
  };
  if (models) {
    return {
      detail,
      component: {
        state: 'running',
        reason: {
          code: 'lmstudio-answering',
          message: `LM Studio server on ${address} (${models.length} models)`,
          params: { address },
        },
      },
    };
  }
  if (cliPath || (await appInstalled(locations))) {
    return {
      detail,
      component: {
        state: 'stopped',
        reason: {
          code: 'lmstudio-not-answering',
          message: `LM Studio server not answering on ${address}: ${problem}`,
          params: { address },
        },
      },
    };
  }
  return {
    detail,
    component: {
      state: 'not-installed',
      reason: {
        code: 'lmstudio-not-installed',
        message: `No lms command, no LM Studio.app, nothing on ${address}.`,
        params: { address },
      },
    },
  };
}
