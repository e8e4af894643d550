import type { Settings } from '../../../common/settings';
import type { OpenClawModelWiring } from '../llm/openclaw-providers';
import { restrictedViolationsOf, formatPodSecurityViolations } from './pod-security';
import { loadManifestSet, renderSandbox, type ManifestSet, type SandboxObject } from './render-manifests';
import { sandboxParamsFromSettings } from './sandbox-params';
import { ClawbarError } from '../../../common/errors';

export interface SandboxRendererOptions {
  /** The repository's manifests/ in development, `<resources>/manifests` in the packaged app. */
  manifestsDir: string;
  settings: () => Settings;
  /** The models OpenClaw is given (what Ollama and LM Studio have now). */
  wiring: () => Promise<OpenClawModelWiring>;
}

/**
 * Renders the sandbox for the current settings and models: the objects to apply, each pod
 * template checked against Pod Security "restricted" before anything reaches the server.
 */
export class SandboxRenderer {
  private set: Promise<ManifestSet> | undefined;

  constructor(private readonly options: SandboxRendererOptions) {}

  /**
   * `secretKeys`: the names of the Secret's keys (the gateway token and the provider keys set);
   * `settings`: what to render for, when not the saved settings (a toggle or allowlist being changed).
   */
  async render(
    secretKeys: readonly string[],
    settings: Settings = this.options.settings(),
  ): Promise<SandboxObject[]> {
    this.set ??= loadManifestSet(this.options.manifestsDir).catch((error: unknown) => {
      this.set = undefined;
      throw error;
    });
    const params = sandboxParamsFromSettings(settings, { wiring: await this.options.wiring(), secretKeys });
    const objects = renderSandbox(await this.set, params).map(manifest => manifest.object);
    for (const object of objects) {
      const violations = restrictedViolationsOf(object);
      if (violations.length > 0) {
        throw new ClawbarError(
          'manifests-invalid',
          `${object.kind}/${object.metadata.name} would be refused by Pod Security "restricted": ` +
            formatPodSecurityViolations(violations),
        );
      }
    }
    return objects;
  }
}
