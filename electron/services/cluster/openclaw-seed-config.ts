import { gatewayPort } from '../../../common/sandbox';
import type { OpenClawModelWiring } from '../llm/openclaw-providers';
import { proxyUrl } from './sandbox-params';

/**
 * The openclaw.json the gateway starts from (SANDBOX.md, runtime-facts §4.3). OpenClaw's schema is
 * strict: an unknown key stops the gateway, so only documented keys appear. The init container
 * copies it to the state volume only when no config exists there: OpenClaw rewrites its config
 * in place, and the user's later changes win.
 */
export interface OpenClawSeedConfig {
  gateway: {
    mode: 'local';
    port: number;
    bind: 'lan';
    /** No token here: OpenClaw reads it from OPENCLAW_GATEWAY_TOKEN (the Secret). */
    auth: { mode: 'token' };
    controlUi: { enabled: true };
  };
  models: { providers: OpenClawModelWiring['providers'] };
  agents: { defaults: { workspace: string; model?: { primary: string } } };
  proxy: { proxyUrl: string };
}

export function openclawSeedConfig(wiring: OpenClawModelWiring): OpenClawSeedConfig {
  return {
    gateway: {
      mode: 'local',
      port: gatewayPort,
      // "lan" (all interfaces of the pod) rather than loopback: the kubelet's probes and the
      // ClusterIP Service reach the pod on its own IP. The app's port-forward still enters on the
      // pod's loopback (so the Control UI counts as a local client), and nothing else can reach
      // the port: default-deny has no ingress exception for the gateway, and the token is the
      // second lock.
      bind: 'lan',
      auth: { mode: 'token' },
      controlUi: { enabled: true },
    },
    models: { providers: wiring.providers },
    agents: {
      defaults: {
        workspace: '~/.openclaw/workspace',
        ...(wiring.primaryModel ? { model: { primary: wiring.primaryModel } } : {}),
      },
    },
    // Every outbound call of OpenClaw goes through the egress proxy: NetworkPolicy lets the
    // gateway reach nothing else on the internet.
    proxy: { proxyUrl },
  };
}

export function renderSeedConfig(wiring: OpenClawModelWiring): string {
  return `${JSON.stringify(openclawSeedConfig(wiring), null, 2)}\n`;
}
