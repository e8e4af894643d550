import { MetricsParseError } from './parse-error';
import { isDict, parsePlist, type PlistValue } from './plist';

/**
 * Static GPU facts: model, core count and Metal family, from
 * `system_profiler SPDisplaysDataType -json` (run once: it takes 0.2–0.3 s and can stall).
 *
 * systeminformation's `graphics()` reads the same data (as XML) but gets Apple Silicon wrong in
 * three ways, corrected by correctSiGraphicsController below:
 * - `cores` is the string "80" although its types say number;
 * - `metalVersion` is '' because it only knows the old `spdisplays_metal(family)` keys, while
 *   current macOS writes `spdisplays_mtlgpufamilysupport: "spdisplays_metal3"`;
 * - `vram` is null: there is no VRAM, the GPU uses unified memory (the memory readouts cover it).
 * It also blocks the event loop (execSync of `defaults read`), so Clawbar runs system_profiler itself.
 */
export const systemProfilerArgs = ['SPDisplaysDataType', '-json'] as const;

export interface GpuStaticInfo {
  model: string | null;
  cores: number | null;
  metalFamily: string | null;
  vendor: string | null;
}

type Item = Record<string, unknown>;

export function parseSystemProfilerJson(text: string): GpuStaticInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MetricsParseError('system_profiler output is not JSON');
  }
  const items = (json as { SPDisplaysDataType?: unknown } | null)?.SPDisplaysDataType;
  if (!Array.isArray(items)) throw new MetricsParseError('no SPDisplaysDataType list');
  return readItems(items.filter((item): item is Item => typeof item === 'object' && item !== null));
}

/** `system_profiler -xml SPDisplaysDataType` (what systeminformation parses): `[ { _items: […] } ]`. */
export function parseSystemProfilerXml(xml: string): GpuStaticInfo {
  const root = parsePlist(xml);
  const sections = Array.isArray(root) ? root : [root];
  const items = sections.flatMap((section: PlistValue) =>
    isDict(section) && Array.isArray(section._items) ? section._items.filter(isDict) : [],
  );
  return readItems(items);
}

function readItems(items: Item[]): GpuStaticInfo {
  // The GPU entry, not a display or an eGPU enclosure; the built-in one first.
  const gpus = items.filter(item => item.sppci_device_type === 'spdisplays_gpu' || 'sppci_model' in item);
  const [item] = [...gpus].sort(
    (a, b) => Number(isBuiltIn(b)) - Number(isBuiltIn(a)) || Number(hasCores(b)) - Number(hasCores(a)),
  );
  if (!item) throw new MetricsParseError('no GPU in SPDisplaysDataType');
  return {
    // `_name` is a localisation key ("kHW_AppleM1Item") on older macOS: use sppci_model.
    model: typeof item.sppci_model === 'string' ? item.sppci_model : null,
    cores: parseCores(item.sppci_cores),
    metalFamily: metalFamily(item),
    vendor: typeof item.spdisplays_vendor === 'string' ? vendorName(item.spdisplays_vendor) : null,
  };
}

function isBuiltIn(item: Item): boolean {
  return typeof item.sppci_bus === 'string' && item.sppci_bus.includes('builtin');
}

function hasCores(item: Item): boolean {
  return parseCores(item.sppci_cores) !== null;
}

export function parseCores(value: unknown): number | null {
  const cores = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isInteger(cores) && cores > 0 ? cores : null;
}

/** "spdisplays_metal3" → "Metal 3"; Big Sur's "spdisplays_mtlgpufamilyapple7" → "Apple 7". */
export function metalFamily(item: Item): string | null {
  const support = item.spdisplays_mtlgpufamilysupport;
  if (typeof support === 'string') {
    const version = /spdisplays_metal(\d+)/.exec(support)?.[1];
    if (version) return `Metal ${version}`;
  }
  const family = item.spdisplays_metalfamily ?? item.spdisplays_metal;
  if (typeof family === 'string') {
    const apple = /mtlgpufamilyapple(\d+)/.exec(family)?.[1];
    if (apple) return `Apple ${apple}`;
    const mac = /mtlgpufamilymac(\d+)/.exec(family)?.[1];
    if (mac) return `Mac ${mac}`;
  }
  return null;
}

function vendorName(raw: string): string {
  return raw.startsWith('sppci_vendor_') ? raw.slice('sppci_vendor_'.length) : raw;
}

/** The fields of a systeminformation `graphics().controllers[]` entry that Clawbar uses. */
export interface SiGraphicsController {
  vendor?: string;
  model?: string;
  cores?: number | string;
  metalVersion?: string;
  vram?: number | null;
}

/**
 * A systeminformation controller made right: numeric cores, and the Metal family from
 * system_profiler's own item when systeminformation left it empty.
 */
export function correctSiGraphicsController(
  controller: SiGraphicsController,
  profiler?: GpuStaticInfo,
): GpuStaticInfo {
  const model = controller.model?.trim() ? controller.model.trim() : (profiler?.model ?? null);
  return {
    model,
    cores: parseCores(controller.cores) ?? profiler?.cores ?? null,
    metalFamily: controller.metalVersion?.trim()
      ? controller.metalVersion.trim()
      : (profiler?.metalFamily ?? null),
    vendor: controller.vendor?.trim() ? controller.vendor.trim() : (profiler?.vendor ?? null),
  };
}
