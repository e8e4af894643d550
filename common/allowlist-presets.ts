/**
 * Groups of domains the user can allow through the egress proxy in one click (SANDBOX.md "Proxy
 * allowlist"). A `.domain` entry is a suffix: the domain and every subdomain. Entries never
 * overlap inside a preset, and the allowlist merge drops what another entry already covers.
 */
export const allowlistPresets = {
  openclaw: {
    group: 'openclaw',
    domains: ['.openclaw.ai', 'ghcr.io', 'pkg-containers.githubusercontent.com'],
  },
  anthropic: { group: 'providers', domains: ['api.anthropic.com'] },
  openai: { group: 'providers', domains: ['api.openai.com'] },
  google: { group: 'providers', domains: ['generativelanguage.googleapis.com'] },
  mistral: { group: 'providers', domains: ['api.mistral.ai'] },
  openrouter: { group: 'providers', domains: ['openrouter.ai'] },
  telegram: { group: 'channels', domains: ['api.telegram.org'] },
  discord: { group: 'channels', domains: ['.discord.com', 'gateway.discord.gg', 'cdn.discordapp.com'] },
  whatsapp: { group: 'channels', domains: ['.whatsapp.net', 'web.whatsapp.com'] },
  slack: { group: 'channels', domains: ['.slack.com'] },
  github: {
    group: 'code',
    domains: ['github.com', 'api.github.com', 'codeload.github.com', 'objects.githubusercontent.com'],
  },
  npm: { group: 'code', domains: ['registry.npmjs.org'] },
  pypi: { group: 'code', domains: ['pypi.org', 'files.pythonhosted.org'] },
  huggingface: { group: 'models', domains: ['.huggingface.co', '.hf.co'] },
} as const satisfies Record<string, { group: string; domains: readonly string[] }>;

export type AllowlistPresetId = keyof typeof allowlistPresets;
export const allowlistPresetIds = Object.keys(allowlistPresets) as AllowlistPresetId[];
export const allowlistPresetGroups = ['openclaw', 'providers', 'channels', 'code', 'models'] as const;
