import { fileURLToPath } from 'node:url';

import { defaultSettings, type Settings } from '../../../../common/settings';
import { openClawModelWiring } from '../../llm/openclaw-providers';
import { sandboxParamsFromSettings, type SandboxParams } from '../sandbox-params';

/** The repository's manifests/, as the renderer reads it in development. */
export const manifestsDir = fileURLToPath(new URL('../../../../manifests', import.meta.url));

export interface Toggles {
  internet: boolean;
  localModels: boolean;
  lmStudio: boolean;
}

/** Every combination of the user's switches: internet × local models × LM Studio. */
export const toggleCombinations: Toggles[] = [false, true].flatMap(internet =>
  [false, true].flatMap(localModels => [false, true].map(lmStudio => ({ internet, localModels, lmStudio }))),
);

export function describeToggles({ internet, localModels, lmStudio }: Toggles): string {
  return `internet ${internet ? 'on' : 'off'}, local models ${localModels ? 'on' : 'off'}, LM Studio ${lmStudio ? 'on' : 'off'}`;
}

export interface ParamsOptions extends Partial<Toggles> {
  settings?: (settings: Settings) => Settings;
  models?: { name: string; capabilities?: string[] }[];
  lmStudioModels?: string[];
  secretKeys?: string[];
}

/** The parameters Clawbar would render for these settings (defaults unless told otherwise). */
export function paramsFor(options: ParamsOptions = {}): SandboxParams {
  const base = defaultSettings();
  const toggled: Settings = {
    ...base,
    lmStudio: { ...base.lmStudio, enabled: options.lmStudio ?? base.lmStudio.enabled },
    sandbox: {
      ...base.sandbox,
      policies: {
        internet: options.internet ?? base.sandbox.policies.internet,
        localModels: options.localModels ?? base.sandbox.policies.localModels,
      },
    },
  };
  const settings = options.settings ? options.settings(toggled) : toggled;
  const wiring = openClawModelWiring({
    settings,
    ollamaModels: options.models ?? [],
    lmStudioModels: options.lmStudioModels ?? [],
  });
  return sandboxParamsFromSettings(settings, { wiring, secretKeys: options.secretKeys ?? [] });
}
