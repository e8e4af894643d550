import { parseArgs } from 'node:util';

import { validateAllowlistEntry } from '../../../common/allowlist';
import type { ClusterOperation, PolicyToggle } from '../../../common/sandbox';
import { policyToggleIds, type PolicyToggleId } from '../../../common/sandbox';
import type { Runtime } from '../../devhost/runtime';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';
import { ensureServer } from './models';

/** How long the CLI waits for the cluster to answer before saying it is not reachable. */
const connectDeadlineMs = 20_000;

async function withCluster<T>(context: CliContext, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await context.openRuntime();
  try {
    await runtime.services.start();
    await runtime.services.cluster.whenReady(connectDeadlineMs);
    await runtime.services.network.whenReady(connectDeadlineMs);
    return await work(runtime);
  } finally {
    await runtime.lifecycle.shutdown(15_000);
  }
}

function reportOperation(operation: ClusterOperation, context: CliContext): number {
  if (operation.status === 'succeeded') return exitCodes.ok;
  context.stderr.write(
    `${context.t(`cli.network.${operation.status === 'cancelled' ? 'cancelled' : 'failed'}`)}${
      operation.error ? `: ${operation.error.message}` : ''
    }\n`,
  );
  return exitCodes.failure;
}

function formatToggles(toggles: readonly PolicyToggle[], context: CliContext): string {
  return toggles
    .map(toggle => {
      const marks = [
        toggle.server === 'drifted' ? context.t('cli.network.drifted') : '',
        toggle.enforcement === 'not-enforced' ? context.t('cli.network.notEnforced') : '',
      ].filter(Boolean);
      const drift = toggle.drift.map(item => `    ${item.policy}: ${item.problem}\n`).join('');
      return `${toggle.id.padEnd(13)} ${context.t(`cli.network.states.${toggle.server}`)}${
        toggle.desired !== (toggle.server === 'on') && toggle.server !== 'drifted'
          ? ` (${context.t('cli.network.asked', { value: toggle.desired ? 'on' : 'off' })})`
          : ''
      }${marks.length ? `  ${marks.join('  ')}` : ''}\n${drift}`;
    })
    .join('');
}

/**
 * `clawbar policies [--json]`, `clawbar policies set ID on|off`, `clawbar policies repair`: the
 * network toggles as they are on the server, changed through the same service the app uses.
 */
export const policiesCommand: CliCommand = {
  name: 'policies',
  summaryKey: 'cli.commands.policies',
  usage: `clawbar policies [--json] | clawbar policies set <${policyToggleIds.join('|')}> <on|off> | clawbar policies repair`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    const [verb, id, value] = positionals;
    if (verb === 'set') {
      if (
        !id ||
        !(policyToggleIds as readonly string[]).includes(id) ||
        (value !== 'on' && value !== 'off')
      ) {
        throw new UsageError(context.t('cli.network.setUsage', { ids: policyToggleIds.join(', ') }));
      }
    } else if (verb !== undefined && verb !== 'repair') {
      throw new UsageError(context.t('cli.network.unknownVerb', { name: verb }));
    }
    return withCluster(context, async ({ services }) => {
      let code: number = exitCodes.ok;
      if (verb === 'set')
        code = reportOperation(await services.network.set(id as PolicyToggleId, value === 'on'), context);
      if (verb === 'repair') code = reportOperation(await services.network.repair(), context);
      const toggles = services.network.list();
      context.stdout.write(
        values.json ? `${JSON.stringify(toggles, null, 2)}\n` : formatToggles(toggles, context),
      );
      return code;
    });
  },
};

function allowlistCommand(name: 'allow' | 'deny'): CliCommand {
  return {
    name,
    summaryKey: `cli.commands.${name}`,
    usage: `clawbar ${name} DOMAIN [DOMAIN…]`,
    async run(args, context) {
      const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
      if (positionals.length === 0) throw new UsageError(context.t('cli.network.domainNeeded'));
      const entries = positionals.map(raw => {
        const checked = validateAllowlistEntry(raw);
        if (!checked.ok) {
          throw new UsageError(`${raw}: ${context.t(`allowlist.problems.${checked.code}`, checked.params)}`);
        }
        return checked.entry;
      });
      return withCluster(context, async ({ services }) => {
        const current = services.settings.current.sandbox.allowlist;
        let domains: string[];
        if (name === 'allow') {
          domains = [...current.domains, ...entries.filter(entry => !current.domains.includes(entry))];
        } else {
          const missing = entries.filter(entry => !current.domains.includes(entry));
          if (missing.length > 0) {
            context.stderr.write(`${context.t('cli.network.notListed', { domains: missing.join(', ') })}\n`);
          }
          domains = current.domains.filter(domain => !entries.includes(domain));
        }
        const operation = await services.network.setAllowlist([...current.presets], domains);
        const code = reportOperation(operation, context);
        const view = services.network.allowlist();
        context.stdout.write(
          `${context.t('cli.network.effective')}:\n${view.effective.map(entry => `  ${entry}\n`).join('')}`,
        );
        for (const covered of view.covered) {
          context.stdout.write(
            `${context.t('cli.network.covered', { domain: covered.domain, by: covered.by })}\n`,
          );
        }
        return code;
      });
    },
  };
}

/** `clawbar allow DOMAIN…`: adds domains to the proxy allowlist and applies it. */
export const allowCommand = allowlistCommand('allow');
/** `clawbar deny DOMAIN…`: removes the user's domains from the allowlist and applies it. */
export const denyCommand = allowlistCommand('deny');

/**
 * `clawbar selftest [--json]`: runs the sandbox self-test; exit 0 when every probe passes.
 * `--json` prints `{ "probes": [ { "id", "expected", "actual", "passed", "evidence" } ] }`.
 */
export const selftestCommand: CliCommand = {
  name: 'selftest',
  summaryKey: 'cli.commands.selftest',
  usage: 'clawbar selftest [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    return withCluster(context, async runtime => {
      const { services } = runtime;
      await services.cluster.waitUntilInstalled(connectDeadlineMs);
      // The app keeps Ollama running (it starts it, or adopts Ollama.app); so does this command,
      // for as long as it runs, so the local-models probe finds it as the gateway would.
      const { ollama, sandbox } = services.settings.current;
      if (ollama.autoStart && sandbox.policies.localModels) await ensureServer(runtime, context);
      const report = await services.selfTest.run();
      if (values.json) {
        context.stdout.write(`${JSON.stringify({ probes: report.probes }, null, 2)}\n`);
      } else {
        for (const probe of report.probes) {
          context.stdout.write(
            `${probe.passed ? 'PASS' : 'FAIL'}  ${probe.id.padEnd(17)} ${context.t('cli.selftest.line', {
              expected: probe.expected,
              actual: probe.actual,
            })}\n      ${probe.evidence.command}\n      → ${probe.evidence.output}\n`,
          );
        }
      }
      return report.passed ? exitCodes.ok : exitCodes.failure;
    });
  },
};
