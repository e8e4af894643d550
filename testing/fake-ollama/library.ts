import { createHash } from 'node:crypto';

/**
 * What the fake Ollama can "download": the models Clawbar recommends plus a tiny one for quick
 * tests, each with the metadata `/api/show` reports (architecture numbers as in the real GGUFs)
 * and the generation speed the fake reports for it.
 */
export interface LibraryModel {
  name: string;
  sizeBytes: number;
  family: string;
  parameterSize: string;
  quantization: string;
  architecture: string;
  parameterCount: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  embeddingLength: number;
  contextLength: number;
  capabilities: string[];
  tokensPerSecond: number;
}

const qwen3 = (
  name: string,
  sizeBytes: number,
  parameterSize: string,
  blocks: number,
  heads: number,
  kvHeads: number,
  embedding: number,
  tps: number,
): LibraryModel => ({
  name,
  sizeBytes,
  family: 'qwen3',
  parameterSize,
  quantization: 'Q4_K_M',
  architecture: 'qwen3',
  parameterCount: Math.round(Number.parseFloat(parameterSize) * 1e9),
  blockCount: blocks,
  headCount: heads,
  headCountKv: kvHeads,
  embeddingLength: embedding,
  contextLength: 40960,
  capabilities: ['completion', 'tools', 'thinking'],
  tokensPerSecond: tps,
});

export const library: readonly LibraryModel[] = [
  {
    name: 'smollm2:135m',
    sizeBytes: 270_898_672,
    family: 'llama',
    parameterSize: '134.52M',
    quantization: 'F16',
    architecture: 'llama',
    parameterCount: 134_515_008,
    blockCount: 30,
    headCount: 9,
    headCountKv: 3,
    embeddingLength: 576,
    contextLength: 8192,
    capabilities: ['completion', 'tools'],
    tokensPerSecond: 310.4,
  },
  {
    name: 'llama3.2:3b',
    sizeBytes: 2_019_393_189,
    family: 'llama',
    parameterSize: '3.2B',
    quantization: 'Q4_K_M',
    architecture: 'llama',
    parameterCount: 3_212_749_888,
    blockCount: 28,
    headCount: 24,
    headCountKv: 8,
    embeddingLength: 3072,
    contextLength: 131072,
    capabilities: ['completion', 'tools'],
    tokensPerSecond: 92.5,
  },
  qwen3('qwen3:4b', 2_497_293_931, '4.0B', 36, 32, 8, 2560, 71.3),
  qwen3('qwen3:8b', 5_225_388_164, '8.2B', 36, 32, 8, 4096, 44.8),
  qwen3('qwen3:14b', 9_276_198_565, '14.8B', 40, 40, 8, 5120, 27.6),
  qwen3('qwen3:30b', 18_556_685_998, '30.5B', 48, 32, 4, 2048, 58.1),
  qwen3('qwen3:32b', 20_201_253_588, '32.8B', 64, 64, 8, 5120, 12.9),
  {
    name: 'gpt-oss:20b',
    sizeBytes: 13_780_173_839,
    family: 'gptoss',
    parameterSize: '20.9B',
    quantization: 'MXFP4',
    architecture: 'gptoss',
    parameterCount: 20_914_757_184,
    blockCount: 24,
    headCount: 64,
    headCountKv: 8,
    embeddingLength: 2880,
    contextLength: 131072,
    capabilities: ['completion', 'tools', 'thinking'],
    tokensPerSecond: 61.7,
  },
];

const aliases: Record<string, string> = {
  'llama3.2:latest': 'llama3.2:3b',
  'qwen3:latest': 'qwen3:8b',
  'smollm2:latest': 'smollm2:135m',
  'gpt-oss:latest': 'gpt-oss:20b',
};

/** `llama3.2` → `llama3.2:latest`; `library/x` → `x`. */
export function normaliseName(name: string): string {
  const bare = name.trim().replace(/^(registry\.ollama\.ai\/)?library\//, '');
  return bare.includes(':') ? bare : `${bare}:latest`;
}

export function findInLibrary(name: string): LibraryModel | undefined {
  const normal = normaliseName(name);
  const target = aliases[normal] ?? normal;
  const found = library.find(model => model.name === target);
  return found ? { ...found, name: normal } : undefined;
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The layers a pull downloads: weights, template, license, params (real pulls have the same kinds). */
export function layersOf(model: LibraryModel): { digest: string; size: number }[] {
  const small = [1_482, 11_343, 488];
  const weights = model.sizeBytes - small.reduce((a, b) => a + b, 0);
  return [weights, ...small].map((size, index) => ({
    digest: `sha256:${digestOf(`${model.name}/${index}`)}`,
    size,
  }));
}
