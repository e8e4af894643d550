import { MetricsParseError } from './parse-error';
import { dictAt, isDict, numberAt, parsePlist, stringAt, type PlistDict } from './plist';

/**
 * `ioreg -r -d 1 -w 0 -c IOAccelerator`: the GPU's driver statistics, readable without root.
 * Apple Silicon nodes are `AGXAccelerator…` classes whose `PerformanceStatistics` dictionary holds
 * `"Device Utilization %"` and `"In use system memory"`; the node also carries `"model"` and
 * `"gpu-core-count"`.
 */
export const ioregArgs = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] as const;

export interface IoregReading {
  className: string | null;
  deviceUtilizationPct: number | null;
  rendererUtilizationPct: number | null;
  tilerUtilizationPct: number | null;
  inUseSystemMemoryBytes: number | null;
  allocSystemMemoryBytes: number | null;
  model: string | null;
  gpuCoreCount: number | null;
}

const statisticKeys = {
  deviceUtilizationPct: 'Device Utilization %',
  rendererUtilizationPct: 'Renderer Utilization %',
  tilerUtilizationPct: 'Tiler Utilization %',
  inUseSystemMemoryBytes: 'In use system memory',
  allocSystemMemoryBytes: 'Alloc system memory',
} as const;

/** Intel and AMD GPUs name utilisation differently (and can report over 100 %). */
const legacyUtilizationKey = 'GPU Activity(%)';

export function parseIoregText(text: string): IoregReading {
  const nodes = text
    .split(/^\+-o /m)
    .slice(1)
    .map(readTextNode)
    .filter(node => node !== undefined);
  return pickNode(nodes);
}

/** `ioreg -a …`: the same nodes as an XML plist array. */
export function parseIoregXml(xml: string): IoregReading {
  const root = parsePlist(xml);
  const entries = Array.isArray(root) ? root : [root];
  const nodes = entries.filter(isDict).map(readXmlNode);
  return pickNode(nodes.filter(node => node !== undefined));
}

function readTextNode(block: string): IoregReading | undefined {
  const statistics = /^\s*"PerformanceStatistics" = \{(.*)\}\s*$/m.exec(block)?.[1];
  if (statistics === undefined) return undefined;
  // Each key is matched with its closing quote, so "In use system memory (driver)" never reads as
  // "In use system memory".
  const statistic = (key: string): number | null => {
    const match = new RegExp(`"${escapeRegExp(key)}"=(\\d+)`).exec(statistics);
    return match?.[1] === undefined ? null : Number(match[1]);
  };
  const utilization = statistic(statisticKeys.deviceUtilizationPct) ?? statistic(legacyUtilizationKey);
  const model = /^\s*"model" = <?"([^"]*)">?\s*$/m.exec(block)?.[1];
  const cores = /^\s*"gpu-core-count" = (\d+)\s*$/m.exec(block)?.[1];
  return {
    className: /^(\S+)/.exec(block)?.[1] ?? null,
    deviceUtilizationPct: clampPercent(utilization),
    rendererUtilizationPct: clampPercent(statistic(statisticKeys.rendererUtilizationPct)),
    tilerUtilizationPct: clampPercent(statistic(statisticKeys.tilerUtilizationPct)),
    inUseSystemMemoryBytes: statistic(statisticKeys.inUseSystemMemoryBytes),
    allocSystemMemoryBytes: statistic(statisticKeys.allocSystemMemoryBytes),
    model: model ?? null,
    gpuCoreCount: cores === undefined ? null : Number(cores),
  };
}

function readXmlNode(node: PlistDict): IoregReading | undefined {
  const statistics = dictAt(node, 'PerformanceStatistics');
  if (!statistics) return undefined;
  const statistic = (key: string): number | null => numberAt(statistics, key) ?? null;
  return {
    className: stringAt(node, 'IOClass') ?? stringAt(node, 'IOObjectClass') ?? null,
    deviceUtilizationPct: clampPercent(
      statistic(statisticKeys.deviceUtilizationPct) ?? statistic(legacyUtilizationKey),
    ),
    rendererUtilizationPct: clampPercent(statistic(statisticKeys.rendererUtilizationPct)),
    tilerUtilizationPct: clampPercent(statistic(statisticKeys.tilerUtilizationPct)),
    inUseSystemMemoryBytes: statistic(statisticKeys.inUseSystemMemoryBytes),
    allocSystemMemoryBytes: statistic(statisticKeys.allocSystemMemoryBytes),
    model: stringAt(node, 'model') ?? null,
    gpuCoreCount: numberAt(node, 'gpu-core-count') ?? null,
  };
}

/** Class names change with every chip (AGXAcceleratorG13X, G15X…): prefer any AGX node, then the busiest. */
function pickNode(nodes: IoregReading[]): IoregReading {
  const agx = nodes.filter(node => node.className?.startsWith('AGX'));
  const candidates = agx.length > 0 ? agx : nodes;
  const [best] = [...candidates].sort(
    (a, b) => (b.deviceUtilizationPct ?? -1) - (a.deviceUtilizationPct ?? -1),
  );
  if (!best) throw new MetricsParseError('no IOAccelerator node with PerformanceStatistics');
  return best;
}

function clampPercent(value: number | null): number | null {
  return value === null ? null : Math.min(100, Math.max(0, value));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
