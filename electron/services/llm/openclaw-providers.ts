import type { Settings } from '../../../common/settings';
import { canonicalName } from './model-catalog';

/**
 * The model providers OpenClaw's seed config needs (`models.providers` and the default model in
 * `agents.defaults.model.primary`, runtime-facts §4.3), for services/cluster to write into
 * openclaw.json. Pods reach the Mac's loopback at host.lima.internal, so Ollama stays on
 * 127.0.0.1. Ollama uses its native API (no /v1); LM Studio its OpenAI-compatible one (/v1), only
 * when enabled. OpenClaw's schema is strict, so only documented keys appear. An explicit model
 * list turns OpenClaw's auto-discovery off, so every model it may use is listed.
 */
export const limaHostAlias = 'host.lima.internal';

export interface OpenClawModel {
  id: string;
  name: string;
  input: ['text'];
  reasoning: boolean;
  cost: { input: 0; output: 0; cacheRead: 0; cacheWrite: 0 };
  contextWindow: number;
  maxTokens: number;
  params?: { keep_alive: string; num_ctx: number };
}

export interface OpenClawProvider {
  baseUrl: string;
  /** A marker, not a secret: local servers need no key, but the field must be set. */
  apiKey: string;
  api: 'ollama' | 'openai-completions';
  timeoutSeconds?: number;
  models: OpenClawModel[];
}

export interface OpenClawModelWiring {
  providers: { ollama: OpenClawProvider; lmstudio?: OpenClawProvider };
  /** `ollama/<model>` (or `lmstudio/<key>`), or null when no model is chosen or installed. */
  primaryModel: string | null;
}

export interface WiringInput {
  settings: Pick<Settings, 'ollama' | 'lmStudio'>;
  /** Installed Ollama models; `thinking` among the capabilities marks a reasoning model. */
  ollamaModels: readonly { name: string; capabilities?: readonly string[] }[];
  /** Model keys LM Studio serves (`author/model`). */
  lmStudioModels: readonly string[];
}

export function openClawModelWiring({
  settings,
  ollamaModels,
  lmStudioModels,
}: WiringInput): OpenClawModelWiring {
  const contextWindow = settings.ollama.contextLength;
  const maxTokens = Math.min(8192, Math.floor(contextWindow / 4));
  const model = (id: string, reasoning: boolean, withParams: boolean): OpenClawModel => ({
    id,
    name: id,
    input: ['text'],
    reasoning,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow,
    maxTokens,
    ...(withParams ? { params: { keep_alive: settings.ollama.keepAlive, num_ctx: contextWindow } } : {}),
  });

  const defaultName = settings.ollama.defaultModel;
  const ordered = [...ollamaModels].sort((a, b) => {
    const aDefault = canonicalName(a.name) === canonicalName(defaultName) ? 0 : 1;
    const bDefault = canonicalName(b.name) === canonicalName(defaultName) ? 0 : 1;
    return aDefault - bDefault || a.name.localeCompare(b.name);
  });
  const ollamaList = ordered.map(entry =>
    model(entry.name, entry.capabilities?.includes('thinking') ?? false, true),
  );
  if (
    defaultName !== '' &&
    !ordered.some(entry => canonicalName(entry.name) === canonicalName(defaultName))
  ) {
    // Chosen but not pulled yet: still OpenClaw's default, so it works once the pull finishes.
    ollamaList.unshift(model(defaultName, false, true));
  }
  const providers: OpenClawModelWiring['providers'] = {
    ollama: {
      baseUrl: `http://${limaHostAlias}:${settings.ollama.port}`,
      apiKey: 'ollama-local',
      api: 'ollama',
      timeoutSeconds: 300,
      models: ollamaList,
    },
  };
  if (settings.lmStudio.enabled) {
    providers.lmstudio = {
      baseUrl: `http://${limaHostAlias}:${settings.lmStudio.port}/v1`,
      apiKey: 'lmstudio-local',
      api: 'openai-completions',
      models: lmStudioModels.map(key => model(key, false, false)),
    };
  }
  const firstOllama = ollamaList[0]?.id;
  const firstLmStudio = providers.lmstudio?.models[0]?.id;
  return {
    providers,
    primaryModel: firstOllama ? `ollama/${firstOllama}` : firstLmStudio ? `lmstudio/${firstLmStudio}` : null,
  };
}

/**
 * The wiring for what is installed right now: asks Ollama for its models (and each one's
 * capabilities); when Ollama does not answer, the chosen default model alone is listed.
 */
export async function currentOpenClawModelWiring(deps: {
  settings: WiringInput['settings'];
  models: { list(): Promise<{ name: string }[]>; show(model: string): Promise<{ capabilities: string[] }> };
  lmStudioModels: readonly string[];
}): Promise<OpenClawModelWiring> {
  const installed = await deps.models.list().catch(() => []);
  const ollamaModels = await Promise.all(
    installed.map(async model => ({
      name: model.name,
      capabilities: (await deps.models.show(model.name).catch(() => null))?.capabilities ?? [],
    })),
  );
  return openClawModelWiring({ settings: deps.settings, ollamaModels, lmStudioModels: deps.lmStudioModels });
}
