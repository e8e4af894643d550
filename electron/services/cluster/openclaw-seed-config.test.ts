import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { defaultSettings } from '../../../common/settings';
import { openClawModelWiring } from '../llm/openclaw-providers';
import { renderManifests } from './render-manifests';
import { renderSeedConfig } from './openclaw-seed-config';
import { manifestsDir, paramsFor } from './test-support/sandbox-fixtures';

/**
 * OpenClaw's config schema is strict (an unknown key stops the gateway), so the seed may hold only
 * the keys runtime-facts §4.3 documents. Written out here as strict objects: any other key fails.
 */
const modelSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.array(z.literal('text')),
  reasoning: z.boolean(),
  cost: z.strictObject({
    input: z.number(),
    output: z.number(),
    cacheRead: z.number(),
    cacheWrite: z.number(),
  }),
  contextWindow: z.int().positive(),
  maxTokens: z.int().positive(),
  params: z.strictObject({ keep_alive: z.string(), num_ctx: z.int().positive() }).optional(),
});
const providerSchema = z.strictObject({
  baseUrl: z.url(),
  apiKey: z.string(),
  api: z.enum(['ollama', 'openai-completions']),
  timeoutSeconds: z.int().positive().optional(),
  models: z.array(modelSchema),
});
const documentedConfig = z.strictObject({
  gateway: z.strictObject({
    mode: z.literal('local'),
    port: z.int(),
    bind: z.enum(['loopback', 'lan', 'tailnet', 'auto', 'custom']),
    auth: z.strictObject({ mode: z.enum(['none', 'token', 'password', 'trusted-proxy']) }),
    controlUi: z.strictObject({ enabled: z.boolean() }),
  }),
  models: z.strictObject({
    providers: z.strictObject({ ollama: providerSchema, lmstudio: providerSchema.optional() }),
  }),
  agents: z.strictObject({
    defaults: z.strictObject({
      model: z.strictObject({ primary: z.string() }).optional(),
      workspace: z.string(),
    }),
  }),
  proxy: z.strictObject({ proxyUrl: z.url() }),
});

async function renderedSeed(options: Parameters<typeof paramsFor>[0] = {}): Promise<string> {
  const objects = await renderManifests(manifestsDir, paramsFor(options));
  const configMap = objects.find(object => object.metadata.name === 'openclaw-seed-config') as unknown as {
    data: Record<string, string>;
  };
  return configMap.data['openclaw.json']!;
}

describe('the seed openclaw.json', () => {
  it('holds only documented keys, with the Ollama provider, the default model and the proxy', async () => {
    const text = await renderedSeed({
      models: [{ name: 'qwen3:8b', capabilities: ['thinking'] }, { name: 'llama3.2:latest' }],
      settings: settings => ({ ...settings, ollama: { ...settings.ollama, defaultModel: 'qwen3:8b' } }),
    });
    const config = documentedConfig.parse(JSON.parse(text));
    expect(config.gateway).toEqual({
      mode: 'local',
      port: 18789,
      bind: 'lan',
      auth: { mode: 'token' },
      controlUi: { enabled: true },
    });
    expect(config.models.providers.ollama).toMatchObject({
      baseUrl: 'http://host.lima.internal:11434',
      api: 'ollama',
    });
    expect(config.models.providers.ollama.models.map(model => model.id)).toEqual([
      'qwen3:8b',
      'llama3.2:latest',
    ]);
    expect(config.agents.defaults.model).toEqual({ primary: 'ollama/qwen3:8b' });
    expect(config.proxy).toEqual({ proxyUrl: 'http://egress-proxy.openclaw.svc.cluster.local:3128' });
    expect(config.models.providers.lmstudio).toBeUndefined();
  });

  it('talks to Ollama’s native API: no /v1, on the configured port', async () => {
    const config = documentedConfig.parse(
      JSON.parse(
        await renderedSeed({
          settings: settings => ({ ...settings, ollama: { ...settings.ollama, port: 11500 } }),
        }),
      ),
    );
    expect(config.models.providers.ollama.baseUrl).toBe('http://host.lima.internal:11500');
    expect(config.models.providers.ollama.baseUrl).not.toMatch(/\/v1\/?$/);
  });

  it('adds LM Studio at :1234/v1 only when it is on', async () => {
    const on = documentedConfig.parse(
      JSON.parse(await renderedSeed({ lmStudio: true, lmStudioModels: ['qwen/qwen3-8b'] })),
    );
    expect(on.models.providers.lmstudio).toMatchObject({
      baseUrl: 'http://host.lima.internal:1234/v1',
      models: [{ id: 'qwen/qwen3-8b' }],
    });
    expect(on.agents.defaults.model).toEqual({ primary: 'lmstudio/qwen/qwen3-8b' });
  });

  it('never inlines the gateway token: it comes from OPENCLAW_GATEWAY_TOKEN', async () => {
    const text = await renderedSeed({ secretKeys: ['OPENAI_API_KEY'] });
    const config = documentedConfig.parse(JSON.parse(text));
    expect(config.gateway.auth).toEqual({ mode: 'token' });
    expect(text).not.toMatch(/token"\s*:/i);
    expect(text).not.toContain('OPENAI_API_KEY');
  });

  it('leaves the default model out until one is chosen or installed', () => {
    const wiring = openClawModelWiring({ settings: defaultSettings(), ollamaModels: [], lmStudioModels: [] });
    const config = documentedConfig.parse(JSON.parse(renderSeedConfig(wiring)));
    expect(config.agents.defaults).toEqual({ workspace: '~/.openclaw/workspace' });
  });

  it('is refused by the documented schema when a key is unknown (the check has teeth)', () => {
    const wiring = openClawModelWiring({ settings: defaultSettings(), ollamaModels: [], lmStudioModels: [] });
    const config = JSON.parse(renderSeedConfig(wiring)) as { gateway: Record<string, unknown> };
    config.gateway.host = '0.0.0.0';
    expect(documentedConfig.safeParse(config).success).toBe(false);
  });
});
