import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { digestOf, findInLibrary, normaliseName, type LibraryModel } from './library';

/**
 * The fake's models on disk (`<stateDir>/models.json`), so separate processes given the same
 * CLAWBAR_HOME see the same models, and a cancelled pull resumes where it stopped.
 */
export interface StoredModel {
  name: string;
  digest: string;
  sizeBytes: number;
  modifiedAt: string;
}

interface StoreFile {
  models: StoredModel[];
  /** Bytes already downloaded of interrupted pulls, by model name. */
  partial: Record<string, number>;
  launches: number;
}

export const defaultSeed = ['llama3.2:latest', 'qwen3:8b'];

export class ModelStore {
  private data: StoreFile;
  private readonly file: string;

  constructor(
    readonly dir: string,
    seed: readonly string[] = defaultSeed,
    now: () => Date = () => new Date(),
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'models.json');
    const loaded = this.read();
    if (loaded) {
      this.data = loaded;
    } else {
      this.data = { models: [], partial: {}, launches: 0 };
      for (const name of seed) {
        const model = findInLibrary(name);
        if (model) this.data.models.push(storedFrom(model, now()));
      }
      this.save();
    }
  }

  get models(): readonly StoredModel[] {
    return this.data.models;
  }

  find(name: string): StoredModel | undefined {
    const normal = normaliseName(name);
    return this.data.models.find(model => model.name === normal);
  }

  add(model: LibraryModel, at: Date): void {
    this.data.models = this.data.models.filter(existing => existing.name !== model.name);
    this.data.models.push(storedFrom(model, at));
    this.data.partial = without(this.data.partial, model.name);
    this.save();
  }

  remove(name: string): boolean {
    const normal = normaliseName(name);
    const before = this.data.models.length;
    this.data.models = this.data.models.filter(model => model.name !== normal);
    this.data.partial = without(this.data.partial, normal);
    this.save();
    return this.data.models.length < before;
  }

  partial(name: string): number {
    return this.data.partial[normaliseName(name)] ?? 0;
  }

  setPartial(name: string, bytes: number): void {
    this.data.partial[normaliseName(name)] = bytes;
    this.save();
  }

  /** Counts `serve` launches, for faults that hit only the first few. */
  countLaunch(): number {
    this.data.launches += 1;
    this.save();
    return this.data.launches;
  }

  private read(): StoreFile | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StoreFile>;
      return { models: parsed.models ?? [], partial: parsed.partial ?? {}, launches: parsed.launches ?? 0 };
    } catch {
      return undefined;
    }
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}

function without(record: Record<string, number>, key: string): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => name !== key));
}

function storedFrom(model: LibraryModel, at: Date): StoredModel {
  return {
    name: normaliseName(model.name),
    digest: digestOf(`manifest/${model.name}`),
    sizeBytes: model.sizeBytes,
    modifiedAt: at.toISOString(),
  };
}
