import { clusterLogsBenchmark } from './cluster-logs.bench';
import { logsViewBenchmark } from './logs-view.bench';
import { metricsBenchmark } from './metrics.bench';
import { ollamaBenchmark } from './ollama.bench';
import { startupBenchmark } from './startup.bench';
import { formatTable, type BenchRow } from './table';
import { vmBenchmark } from './vm.bench';

/**
 * `npm run bench`: every benchmark, one printed table. Benchmarks never run in `npm test`: this
 * machine is shared and noisy, so timings are reported, not asserted.
 */
const benchmarks: { name: string; run: () => Promise<BenchRow[]> }[] = [
  { name: 'startup', run: () => startupBenchmark() },
  { name: 'metrics', run: () => metricsBenchmark() },
  { name: 'ollama', run: () => ollamaBenchmark() },
  { name: 'vm', run: () => vmBenchmark() },
  { name: 'cluster logs', run: () => clusterLogsBenchmark() },
  { name: 'logs view', run: () => logsViewBenchmark() },
];

const rows: BenchRow[] = [];
for (const benchmark of benchmarks) {
  process.stderr.write(`running ${benchmark.name}…\n`);
  rows.push(...(await benchmark.run()));
}
process.stdout.write(`${formatTable(rows)}\n`);
