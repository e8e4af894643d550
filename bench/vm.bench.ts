import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { createLogger } from '../electron/services/platform/log';
import { appPathsUnder } from '../electron/services/platform/paths';
import { createServices } from '../electron/services/services';
import { loadKubeconfig, probeK3s } from '../electron/services/vm/k3s-readiness';
import { parseInstanceList } from '../electron/services/vm/limactl-output';
import { simulatedHostFacts, standInBinDir } from '../testing/demo/world';
import { summarise, type BenchRow } from './table';

/**
 * The VM path with the stand-in limactl (no real VM here): what Clawbar itself adds to a start —
 * process spawns, log and event parsing, the kubeconfig, readiness — and the per-poll costs (the
 * `limactl list --json` parse, one authenticated readiness probe).
 */
export async function vmBenchmark(runs = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // limactl list --json with 50 instances, parsed 2000 times.
  const line = JSON.stringify({
    name: 'clawbar',
    status: 'Running',
    dir: '/Users/me/Library/Application Support/Clawbar/lima/clawbar',
    vmType: 'vz',
    arch: 'aarch64',
    cpus: 4,
    memory: 8 * 2 ** 30,
    disk: 60 * 2 ** 30,
    config: { portForwards: [{ guestPort: 6443, hostIP: '127.0.0.1', hostPort: 51234 }] },
  });
  const list = Array.from({ length: 50 }, () => line).join('\n');
  const parses: number[] = [];
  for (let index = 0; index < 2000; index++) {
    const started = performance.now();
    parseInstanceList(list);
    parses.push(performance.now() - started);
  }
  const parse = summarise(parses.slice(200));
  rows.push({
    benchmark: 'parse limactl list --json (50 instances)',
    metric: 'median',
    value: `${(parse.median * 1000).toFixed(0)} µs`,
  });

  const cold: number[] = [];
  const warm: number[] = [];
  const probes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const home = await mkdtemp(join(tmpdir(), 'clawbar-bench-vm-'));
    const paths = appPathsUnder(home);
    await mkdir(join(paths.limaHome, '_standin'), { recursive: true });
    await writeFile(join(paths.limaHome, '_standin', 'faults.json'), JSON.stringify({ paceMs: 0 }));
    const services = createServices({
      paths,
      mode: 'demo',
      log: createLogger({ sinks: [] }),
      env: { ...process.env, PATH: [standInBinDir, process.env.PATH ?? ''].join(delimiter) },
      userHome: join(home, 'user'),
      hostFacts: simulatedHostFacts(),
      ollama: { url: 'http://127.0.0.1:9', supervise: false },
      lmStudioUrl: 'http://127.0.0.1:9',
      statusIntervalMs: 60 * 60_000,
      readiness: { pollMs: 50 },
    });
    try {
      await services.start();
      let started = performance.now();
      const first = await services.vm.perform('start');
      if (first.status !== 'succeeded')
        throw new Error(`start ${first.status}: ${first.error?.message ?? ''}`);
      cold.push(performance.now() - started);

      const kubeconfig = await loadKubeconfig(await readFile(paths.kubeconfig, 'utf8'));
      for (let probe = 0; probe < 20; probe++) {
        const at = performance.now();
        const outcome = await probeK3s({ kubeconfig, nodeName: 'lima-clawbar', requestTimeoutMs: 5000 });
        if (outcome.kind !== 'ready') throw new Error(`probe: ${outcome.kind}`);
        if (probe >= 2) probes.push(performance.now() - at);
      }

      await services.vm.perform('stop');
      started = performance.now();
      const second = await services.vm.perform('start');
      if (second.status !== 'succeeded') throw new Error(`restart ${second.status}`);
      warm.push(performance.now() - started);
      await services.vm.perform('delete');
    } finally {
      await services.dispose();
      await rm(home, { recursive: true, force: true });
    }
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const coldSummary = summarise(cold);
  const warmSummary = summarise(warm);
  const probeSummary = summarise(probes);
  rows.push(
    {
      benchmark: 'vm start, nothing → k3s ready (stand-in, pace 0)',
      metric: 'median',
      value: seconds(coldSummary.median),
      note: `${runs} runs`,
    },
    {
      benchmark: 'vm start, nothing → k3s ready (stand-in, pace 0)',
      metric: 'max',
      value: seconds(coldSummary.max),
    },
    {
      benchmark: 'vm start, stopped → k3s ready (stand-in, pace 0)',
      metric: 'median',
      value: seconds(warmSummary.median),
      note: `${runs} runs`,
    },
    {
      benchmark: 'k3s readiness probe (/readyz + node, mTLS)',
      metric: 'median',
      value: `${probeSummary.median.toFixed(1)} ms`,
      note: `${probes.length} probes`,
    },
    {
      benchmark: 'k3s readiness probe (/readyz + node, mTLS)',
      metric: 'p95',
      value: `${probeSummary.p95.toFixed(1)} ms`,
    },
  );
  return rows;
}
