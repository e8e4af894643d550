import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../../common/settings';
import { openClawModelWiring } from './openclaw-providers';

describe('openClawModelWiring', () => {
  const settings = defaultSettings();

  it('points OpenClaw at Ollama on host.lima.internal, native API, default model first', () => {
    const wiring = openClawModelWiring({
      settings: { ...settings, ollama: { ...settings.ollama, defaultModel: 'qwen3:8b', keepAlive: '30m' } },
      ollamaModels: [
        { name: 'llama3.2:latest' },
        { name: 'qwen3:8b', capabilities: ['completion', 'tools', 'thinking'] },
      ],
      lmStudioModels: ['qwen/qwen3-8b'],
    });
    expect(wiring.providers.ollama).toMatchObject({
      baseUrl: 'http://host.lima.internal:11434',
      api: 'ollama',
      apiKey: 'ollama-local',
    });
    expect(wiring.providers.ollama.baseUrl).not.toMatch(/\/v1$/);
    expect(wiring.providers.ollama.models.map(model => model.id)).toEqual(['qwen3:8b', 'llama3.2:latest']);
    expect(wiring.providers.ollama.models[0]).toMatchObject({
      reasoning: true,
      contextWindow: 32768,
      maxTokens: 8192,
      params: { keep_alive: '30m', num_ctx: 32768 },
    });
    expect(wiring.providers.ollama.models[1]?.reasoning).toBe(false);
    expect(wiring.primaryModel).toBe('ollama/qwen3:8b');
    // LM Studio stays out until the user enables it.
    expect(wiring.providers.lmstudio).toBeUndefined();
  });

  it('adds LM Studio at :1234/v1 when enabled, on the configured ports', () => {
    const wiring = openClawModelWiring({
      settings: {
        ...settings,
        ollama: { ...settings.ollama, port: 11500 },
        lmStudio: { enabled: true, port: 1240 },
      },
      ollamaModels: [],
      lmStudioModels: ['qwen/qwen3-8b'],
    });
    expect(wiring.providers.ollama.baseUrl).toBe('http://host.lima.internal:11500');
    expect(wiring.providers.lmstudio).toMatchObject({
      baseUrl: 'http://host.lima.internal:1240/v1',
      models: [{ id: 'qwen/qwen3-8b' }],
    });
    expect(wiring.primaryModel).toBe('lmstudio/qwen/qwen3-8b');
  });

  it('keeps a chosen default that is not pulled yet, and has no default without models', () => {
    const chosen = openClawModelWiring({
      settings: { ...settings, ollama: { ...settings.ollama, defaultModel: 'qwen3:14b' } },
      ollamaModels: [{ name: 'llama3.2:latest' }],
      lmStudioModels: [],
    });
    expect(chosen.providers.ollama.models.map(model => model.id)).toEqual(['qwen3:14b', 'llama3.2:latest']);
    expect(chosen.primaryModel).toBe('ollama/qwen3:14b');
    expect(openClawModelWiring({ settings, ollamaModels: [], lmStudioModels: [] }).primaryModel).toBeNull();
  });
});
