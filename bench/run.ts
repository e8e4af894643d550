import { clusterLogsBenchmark } from './cluster-logs.bench';
import { logsViewBenchmark } from './logs-view.bench';
import { metricsBenchmark } from './metrics.bench';
import { ollamaBenchmark } from './ollama.bench';
import { startupBenchmark } from './startup.bench';
import { formatTable, type BenchRow } from './table';
import { vmBenchmark } from './vm.bench';

/**
 * `npm run bench`: every benchmark, one printed table (`npm run bench -- 'logs view'` runs the named
 * ones). Benchmarks never run in `npm test`: this machine is shared and noisy, so timings are
 * reported, not asserted.
 */
const benchmarks: { name: string; run: () => Promise<BenchRow[]> }[] = [
  { name: 'startup', run: () => startupBenchmark() },
  { name: 'metrics', run: () => metricsBenchmark() },
  { name: 'ollama', run: () => ollamaBenchmark() },
  { name: 'vm', run: () => vmBenchmark() },
  { name: 'cluster logs', run: () => clusterLogsBenchmark() },
  { name: 'logs view', run: () => logsViewBenchmark() },
];

const names = process.argv.slice(2);
const unknown = names.filter(name => !benchmarks.some(benchmark => benchmark.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark: ${unknown.join(', ')}; choose from ${benchmarks.map(b => `'${b.name}'`).join(', ')}\n`,
  );
  process.exit(2);
}
const selected =
  names.length > 0 ? benchmarks.filter(benchmark => names.includes(benchmark.name)) : benchmarks;

const rows: BenchRow[] = [];
for (const benchmark of selected) {
  process.stderr.write(`running ${benchmark.name}…\n`);
  rows.push(...(await benchmark.run()));
}
process.stdout.write(`${formatTable(rows)}\n`);
