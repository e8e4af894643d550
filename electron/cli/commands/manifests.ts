import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { validateAllowlistEntry } from '../../../common/allowlist';
import { defaultSettings, type Settings } from '../../../common/settings';
import { sourceManifestsDir } from '../../services/cluster/manifests-dir';
import { loadManifestSet, renderManifestFiles, renderSandbox } from '../../services/cluster/render-manifests';
import { sandboxParamsFromSettings } from '../../services/cluster/sandbox-params';
import { currentOpenClawModelWiring, openClawModelWiring } from '../../services/llm/openclaw-providers';
import { exitCodes, UsageError, type CliCommand, type CliContext } from '../command';

/**
 * `clawbar manifests --out DIR`: the sandbox's objects as Clawbar would apply them now (the
 * current settings, the installed models), one YAML file per object plus a kustomization.yaml,
 * so a power user can read, diff or `kubectl apply -k` them. Secrets are placeholders: the values
 * live in the Keychain, which only the app reads, so no provider key is referenced here either.
 * `--defaults` renders Clawbar's defaults instead (that is how manifests/ itself is written).
 */
export const manifestsCommand: CliCommand = {
  name: 'manifests',
  summaryKey: 'manifests.summary',
  usage:
    'clawbar manifests --out DIR [--allow DOMAIN]… [--no-internet] [--no-local-models] [--defaults] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        allow: { type: 'string', multiple: true, default: [] },
        'no-internet': { type: 'boolean', default: false },
        'no-local-models': { type: 'boolean', default: false },
        defaults: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.out) throw new UsageError(context.t('manifests.outRequired'));
    const allowed = values.allow.map(entry => checkedDomain(entry, context));
    const outDir = resolve(values.out);

    const { settings, wiring } = values.defaults ? defaultsInput() : await currentInput(context);
    const params = sandboxParamsFromSettings(
      {
        ...settings,
        sandbox: {
          ...settings.sandbox,
          policies: {
            internet: settings.sandbox.policies.internet && !values['no-internet'],
            localModels: settings.sandbox.policies.localModels && !values['no-local-models'],
          },
          allowlist: {
            ...settings.sandbox.allowlist,
            domains: [...settings.sandbox.allowlist.domains, ...allowed],
          },
        },
      },
      { wiring, secretKeys: [] },
    );
    const set = await loadManifestSet(sourceManifestsDir);
    const rendered = renderSandbox(set, params);
    const { files, omitted } = renderManifestFiles(set, rendered);
    await mkdir(outDir, { recursive: true });
    for (const { file, content } of files) await writeFile(join(outDir, file), content);
    // A toggle that is off: its policies must not linger from an earlier run (`kubectl apply -f`).
    for (const file of omitted) await rm(join(outDir, file), { force: true });

    if (values.json) {
      context.stdout.write(
        `${JSON.stringify(
          {
            dir: outDir,
            objects: rendered.map(({ file, object }) => ({
              file,
              kind: object.kind,
              name: object.metadata.name,
            })),
            kustomization: 'kustomization.yaml',
            removed: omitted,
          },
          null,
          2,
        )}\n`,
      );
      return exitCodes.ok;
    }
    const width = Math.max(...rendered.map(({ object }) => `${object.kind}/${object.metadata.name}`.length));
    context.stdout.write(
      [
        context.t('manifests.wrote', { count: rendered.length, dir: outDir }),
        ...rendered.map(
          ({ file, object }) => `  ${`${object.kind}/${object.metadata.name}`.padEnd(width)}  ${file}`,
        ),
        context.t('manifests.secretsNote'),
        '',
      ].join('\n'),
    );
    return exitCodes.ok;
  },
};

function checkedDomain(entry: string, context: CliContext): string {
  const result = validateAllowlistEntry(entry);
  if (result.ok) return result.entry;
  const problem = context.t(`allowlist.problems.${result.code}`, result.params);
  const suggestion = result.params.suggestion;
  throw new UsageError(
    suggestion ? `${problem} ${context.t('allowlist.suggestion', { suggestion })}` : problem,
  );
}

function defaultsInput() {
  const settings = defaultSettings();
  return { settings, wiring: openClawModelWiring({ settings, ollamaModels: [], lmStudioModels: [] }) };
}

/** The settings on disk and the models installed now: what the app would apply. */
async function currentInput(context: CliContext) {
  const runtime = await context.openRuntime();
  try {
    const { services } = runtime;
    await services.settings.load();
    const settings: Settings = services.settings.current;
    if (settings.lmStudio.enabled) await services.lmStudio.detect();
    services.state.flush();
    const wiring = await currentOpenClawModelWiring({
      settings,
      models: services.models,
      lmStudioModels: services.state.snapshot.llm.lmstudio.models,
    });
    return { settings, wiring };
  } finally {
    await runtime.lifecycle.shutdown(10_000);
  }
}
