import { ClawbarError, isClawbarError } from '../../../common/errors';
import type {
  FitContext,
  FitMemory,
  FitReport,
  InstalledModel,
  ModelDetails,
  ModelInfo,
  ModelTestResult,
  PullProgress,
  RunningModel,
} from '../../../common/models';
import type { AppStateStore } from '../app-state';
import { Emitter, type Disposable } from '../platform/event';
import type { Logger } from '../platform/log';
import type { SettingsStore } from '../platform/settings-store';
import type { MemoryFactsProvider } from './memory-facts';
import { contextLengthFromInfo, fitMemory, fitOf, kvBytesPerTokenFromInfo } from './memory-fit';
import { canonicalName, recommendedModels } from './model-catalog';
import type { OllamaClient, TagModel } from './ollama-client';
import { PullTracker } from './pull-progress';

/**
 * The models of the Ollama server Clawbar talks to: list (with memory fit), running (with GPU
 * memory), pull with progress and cancel, delete, show, a quick tokens/s test, and memory-fit
 * advice with the recommended list. One pull per model at a time: asking again joins it.
 */
export interface ModelManagerOptions {
  client: () => OllamaClient;
  settings: SettingsStore;
  state: AppStateStore;
  memory: MemoryFactsProvider;
  log: Logger;
  now?: () => number;
  /** At most one progress event per model per this many ms (step changes always go out). */
  progressIntervalMs?: number;
}

const GiB = 1024 ** 3;
export const testPrompt = 'In one short sentence, say hello and name one thing you can help with.';

interface ActivePull {
  promise: Promise<PullProgress>;
  abort: AbortController;
  latest: PullProgress;
}

interface ModelShape {
  kvBytesPerToken?: number | undefined;
  maxContext: number | null;
}

export class ModelManager implements Disposable {
  private readonly pulls = new Map<string, ActivePull>();
  private readonly shapes = new Map<string, ModelShape>();
  private readonly progress = new Emitter<PullProgress>();
  readonly onDidPullProgress = this.progress.event;
  private readonly now: () => number;

  constructor(private readonly options: ModelManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  async list(): Promise<InstalledModel[]> {
    const memory = await this.memory().catch((error: unknown) => {
      this.options.log.warn('Memory facts unavailable; listing without fit', { error: String(error) });
      return null;
    });
    return this.installed(memory);
  }

  async running(): Promise<RunningModel[]> {
    const models = await this.options.client().running();
    return models.map(model => ({
      name: model.name,
      sizeBytes: model.size,
      vramBytes: model.size_vram ?? 0,
      expiresAt: model.expires_at ?? null,
      contextLength: model.context_length ?? null,
      details: details(model.details),
    }));
  }

  async show(model: string): Promise<ModelInfo> {
    const info = await this.options.client().show(model);
    const modelInfo = info.model_info;
    const architecture = modelInfo?.['general.architecture'];
    const parameterCount = modelInfo?.['general.parameter_count'];
    return {
      name: model,
      details: details(info.details),
      architecture: typeof architecture === 'string' ? architecture : null,
      parameterCount: typeof parameterCount === 'number' ? parameterCount : null,
      contextLength: contextLengthFromInfo(modelInfo),
      capabilities: info.capabilities ?? [],
      parameters: info.parameters ?? '',
      license: (info.license ?? '').slice(0, 4000),
    };
  }

  /** Pulls a model; resolves with the final progress, rejects with the server's error. */
  pull(model: string): Promise<PullProgress> {
    const key = canonicalName(model);
    const existing = this.pulls.get(key);
    if (existing) return existing.promise;
    const abort = new AbortController();
    const tracker = new PullTracker(model, { now: this.now });
    const interval = this.options.progressIntervalMs ?? 100;
    let lastSent = 0;
    let lastStep = '';
    const first = tracker.update({ status: 'pulling manifest' });
    const active: ActivePull = { promise: Promise.resolve(first), abort, latest: first };
    const emit = (progress: PullProgress, force: boolean): void => {
      active.latest = progress;
      const at = this.now();
      if (!force && progress.progress.step === lastStep && at - lastSent < interval) return;
      lastSent = at;
      lastStep = progress.progress.step;
      this.progress.fire(progress);
      this.publishPulls();
    };
    active.promise = (async () => {
      try {
        await this.options
          .client()
          .pull(model, { signal: abort.signal, onLine: line => emit(tracker.update(line), false) });
        const final = tracker.finish('success');
        this.options.log.info('Model pulled', { model });
        this.pulls.delete(key);
        emit(final, true);
        return final;
      } catch (error) {
        const failure = isClawbarError(error)
          ? error
          : new ClawbarError('pull-failed', `Pulling ${model} failed: ${String(error)}`);
        this.options.log.info('Pull ended without success', {
          model,
          code: failure.code,
          message: failure.message,
        });
        this.pulls.delete(key);
        emit(
          tracker.finish(failure.code === 'cancelled' ? 'cancelled' : 'failed', failure.toIpcError()),
          true,
        );
        throw failure;
      }
    })();
    this.pulls.set(key, active);
    emit(active.latest, true);
    return active.promise;
  }

  cancelPull(model: string): { cancelled: boolean } {
    const active = this.pulls.get(canonicalName(model));
    if (!active) return { cancelled: false };
    active.abort.abort();
    return { cancelled: true };
  }

  async delete(model: string): Promise<{ model: string }> {
    if (this.pulls.has(canonicalName(model))) {
      throw new ClawbarError('busy', `${model} is being pulled; cancel the pull first.`);
    }
    await this.options.client().delete(model);
    this.options.log.info('Model deleted', { model });
    return { model };
  }

  /** One short generation; tokens/s = eval_count / eval_duration, the server's own counters. */
  async test(model: string, signal?: AbortSignal): Promise<ModelTestResult> {
    const result = await this.options.client().generate(model, testPrompt, {
      numPredict: 48,
      keepAlive: this.options.settings.current.ollama.keepAlive,
      ...(signal ? { signal } : {}),
    });
    const evalCount = result.eval_count ?? 0;
    const evalNs = result.eval_duration ?? 0;
    return {
      model,
      response: (result.response ?? '').trim().slice(0, 2000),
      tokensPerSecond: evalNs > 0 ? (evalCount * 1e9) / evalNs : 0,
      evalCount,
      evalMs: evalNs / 1e6,
      promptEvalCount: result.prompt_eval_count ?? 0,
      loadMs: (result.load_duration ?? 0) / 1e6,
      totalMs: (result.total_duration ?? 0) / 1e6,
    };
  }

  /** Memory-fit advice for this Mac (or for `memoryBytes` of memory), recommended and installed. */
  async fit(memoryBytes?: number): Promise<FitReport> {
    const memory = await this.memory(memoryBytes);
    const context = this.context();
    const installed = await this.installed(memory).catch((error: unknown) => {
      this.options.log.info('Installed models unavailable for the fit report', { error: String(error) });
      return null;
    });
    const installedNames = new Set((installed ?? []).map(model => canonicalName(model.name)));
    const recommended = recommendedModels(this.options.settings.current.ollama.recommendedModels).map(
      entry => ({
        name: entry.name,
        sizeBytes: entry.sizeBytes,
        note: entry.note ?? null,
        noteKey: entry.noteKey,
        source: entry.source,
        installed: installedNames.has(canonicalName(entry.name)),
        fit: fitOf({ sizeBytes: entry.sizeBytes, kvBytesPerToken: entry.kvBytesPerToken }, context, memory),
      }),
    );
    return { memory, context, recommended, installed };
  }

  dispose(): void {
    for (const active of this.pulls.values()) active.abort.abort();
    this.progress.dispose();
  }

  private async installed(memory: FitMemory | null): Promise<InstalledModel[]> {
    const client = this.options.client();
    const tags = await client.list();
    const context = this.context();
    const defaultModel = this.options.settings.current.ollama.defaultModel;
    return Promise.all(
      tags.map(async tag => {
        const shape = await this.shapeOf(client, tag);
        return {
          name: tag.name,
          sizeBytes: tag.size,
          digest: tag.digest ?? '',
          modifiedAt: tag.modified_at ?? '',
          details: details(tag.details),
          fit: memory
            ? fitOf(
                { sizeBytes: tag.size, kvBytesPerToken: shape.kvBytesPerToken, maxContext: shape.maxContext },
                context,
                memory,
              )
            : null,
          isDefault: defaultModel !== '' && canonicalName(defaultModel) === canonicalName(tag.name),
        };
      }),
    );
  }

  private context(): FitContext {
    const ollama = this.options.settings.current.ollama;
    return {
      contextLength: ollama.contextLength,
      parallel: ollama.numParallel,
      // Without flash attention Ollama keeps the KV cache at f16 whatever the setting says.
      kvCacheType: ollama.flashAttention ? ollama.kvCacheType : 'f16',
    };
  }

  private async memory(totalOverride?: number): Promise<FitMemory> {
    const vmReservedBytes = this.options.settings.current.vm.memoryGiB * GiB;
    if (totalOverride !== undefined) {
      return fitMemory({ totalBytes: totalOverride, gpuWiredLimitBytes: null, vmReservedBytes, given: true });
    }
    const facts = await this.options.memory.read();
    return fitMemory({ ...facts, vmReservedBytes });
  }

  /** Architecture numbers from /api/show, cached by digest; unknown when show fails. */
  private async shapeOf(client: OllamaClient, tag: TagModel): Promise<ModelShape> {
    const key = tag.digest ?? tag.name;
    const cached = this.shapes.get(key);
    if (cached) return cached;
    try {
      const info = await client.show(tag.name);
      const shape = {
        kvBytesPerToken: kvBytesPerTokenFromInfo(info.model_info),
        maxContext: contextLengthFromInfo(info.model_info),
      };
      this.shapes.set(key, shape);
      return shape;
    } catch (error) {
      this.options.log.debug('No architecture for a model; using typical numbers', {
        model: tag.name,
        error: String(error),
      });
      return { maxContext: null };
    }
  }

  private publishPulls(): void {
    const pulls = [...this.pulls.values()].map(active => active.latest);
    this.options.state.update(current => ({ ...current, llm: { ...current.llm, pulls } }));
  }
}

function details(
  wire:
    | {
        family?: string | undefined;
        parameter_size?: string | undefined;
        quantization_level?: string | undefined;
        format?: string | undefined;
      }
    | undefined,
): ModelDetails {
  return {
    family: present(wire?.family),
    parameterSize: present(wire?.parameter_size),
    quantization: present(wire?.quantization_level),
    format: present(wire?.format),
  };
}

/** Ollama sends "" for a detail it does not know. */
function present(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
