import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { keychainService } from '../platform/secret-store';
import { leaks, readZip } from './test-support/read-zip';
import { openSupportWorld, type SupportWorld } from './test-support/support-world';

/**
 * The diagnostics bundle of a Mac with a running VM and the sandbox's namespace, after secrets
 * were planted everywhere a leak could come from: the Keychain values in the app's logs (current
 * and rotated), the host agent's log, the serial console, k3s's journal, the settings, AppState,
 * the process environment, a ConfigMap, a Pod's plain env value, the Secret itself; and the
 * kubeconfig's client key in the logs and the console. None may be in any entry of the zip.
 */
const token = '9c3f5a1e7d2b4c6a8e0f1a3b5c7d9e1f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d';
// No known key format: only the value the Keychain holds can give it away.
const openaiKey = 'PLANTED-openai-7f3a9c5e1b2d4f6a';
const anthropicKey = 'sk-ant-api03-PLANTEDplantedPLANTEDplanted012345';

let world: SupportWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('the diagnostics bundle', () => {
  it(
    'holds logs, journal, events and objects, and none of the planted secrets',
    { timeout: 180_000 },
    async () => {
      world = await openSupportWorld({
        env: { OPENAI_API_KEY: openaiKey, HTTPS_PROXY: `http://me:${token}@proxy.local:3128` },
      });
      const { services, paths } = world;
      await world.keychainAdd(keychainService, 'OPENCLAW_GATEWAY_TOKEN', token);
      await world.keychainAdd(keychainService, 'OPENAI_API_KEY', openaiKey);
      await world.keychainAdd(keychainService, 'ANTHROPIC_API_KEY', anthropicKey);
      await world.startVm();

      const kubeconfig = parse(await readFile(paths.kubeconfig, 'utf8')) as {
        users: { user: Record<string, string> }[];
      };
      const clientKeyData = kubeconfig.users[0]?.user['client-key-data'] ?? '';
      const clientKeyPem = Buffer.from(clientKeyData, 'base64').toString('utf8');
      const pemBodyLine = clientKeyPem.split('\n')[1] ?? '';
      expect(pemBodyLine.length).toBeGreaterThan(20);

      // Leaks a bug elsewhere could cause: raw lines that never went through the logger's redactor.
      await writeFile(
        join(paths.logsDir, 'clawbar.1.log'),
        `raw token ${token}\nclient key ${clientKeyData}\n`,
      );
      await writeFile(
        join(paths.logsDir, 'clawbar.2.log'),
        `openai ${openaiKey} anthropic ${anthropicKey}\n`,
      );
      const instanceDir = services.vm.driver.instanceDir;
      await appendFile(
        join(instanceDir, 'ha.stderr.log'),
        `${JSON.stringify({ level: 'info', msg: `env OPENCLAW_GATEWAY_TOKEN ${token}`, time: new Date().toISOString() })}\n`,
      );
      await appendFile(join(instanceDir, 'serialv.log'), `[   3.1] ${clientKeyPem}\n[   3.2] ${openaiKey}\n`);
      await appendFile(
        join(instanceDir, 'standin', 'k3s.journal'),
        [
          `Dec 04 05:23:44 lima-clawbar k3s[1402]: bootstrap data ${token}`,
          `Dec 04 05:23:44 lima-clawbar k3s[1402]: secret ${b64(openaiKey)}`,
          `Dec 04 05:23:44 lima-clawbar k3s[1402]: key line ${pemBodyLine}`,
          '',
        ].join('\n'),
      );
      await services.settings.update({
        ollama: { installUrl: `https://downloads.example.com/Ollama-darwin.zip?sig=${openaiKey}` },
      });
      services.state.setComponent('lmstudio', {
        state: 'error',
        reason: { code: 'probe-failed', message: `lms said ${anthropicKey} / ${token}` },
      });

      const cluster = await world.connection();
      await cluster.core.createNamespace({
        body: { metadata: { name: 'openclaw', labels: { 'app.kubernetes.io/managed-by': 'clawbar' } } },
      });
      await cluster.core.createNamespacedSecret({
        namespace: 'openclaw',
        body: {
          metadata: { name: 'openclaw-secrets' },
          data: { OPENCLAW_GATEWAY_TOKEN: b64(token), OPENAI_API_KEY: b64(openaiKey) },
        },
      });
      await cluster.core.createNamespacedConfigMap({
        namespace: 'openclaw',
        body: {
          metadata: { name: 'leaky' },
          data: { note: `the token is ${token}`, encoded: b64(anthropicKey) },
        },
      });
      await cluster.core.createNamespacedPod({
        namespace: 'openclaw',
        body: {
          metadata: { name: 'plain-env' },
          spec: {
            containers: [{ name: 'app', image: 'busybox:1.37', env: [{ name: 'TOKEN', value: token }] }],
          },
        },
      });

      const file = join(world.root, 'Downloads', 'bundle.zip');
      const result = await services.diagnostics.create({ file });
      expect(result.missing).toEqual([]);
      const entries = await readZip(file);

      expect(
        leaks(entries, {
          token,
          'token (base64)': b64(token),
          openaiKey,
          'openaiKey (base64)': b64(openaiKey),
          anthropicKey,
          'anthropicKey (base64)': b64(anthropicKey),
          'client-key-data': clientKeyData,
          'client key line': pemBodyLine,
        }),
      ).toEqual([]);

      const entry = (name: string): string => {
        const text = entries.get(`bundle/${name}`);
        if (text === undefined)
          throw new Error(`${name} is not in the bundle: ${[...entries.keys()].join(', ')}`);
        return text;
      };
      expect(entry('logs/clawbar.1.log')).toContain('raw token [REDACTED]');
      expect(entry('logs/clawbar.log')).toContain('VM start succeeded');
      expect(entry('k3s/journal.log')).toContain('bootstrap data [REDACTED]');
      expect(entry('k3s/journal.log')).toContain('Starting k3s');
      expect(entry('lima/ha.stderr.log')).toContain('OPENCLAW_GATEWAY_TOKEN [REDACTED]');
      expect(entry('lima/serialv.log')).toContain('Booting Linux');
      expect(entry('app/environment.json')).toContain('http://[REDACTED]@proxy.local:3128');
      expect(entry('app/environment.json')).not.toContain('OPENAI_API_KEY');
      const secrets = parse(entry('cluster/secrets.yaml')) as { name: string; keys: string[] }[];
      expect(secrets).toContainEqual(
        expect.objectContaining({
          name: 'openclaw-secrets',
          keys: ['OPENAI_API_KEY', 'OPENCLAW_GATEWAY_TOKEN'],
        }),
      );
      expect(entry('cluster/configmaps.yaml')).toContain('the token is [REDACTED]');
      expect(entry('cluster/pods.yaml')).toContain('name: plain-env');
      expect(entry('cluster/nodes.yaml')).toContain('lima-clawbar');
      expect(JSON.parse(entry('cluster/events.json'))).toBeInstanceOf(Array);
      expect(entry('vm/template.yaml')).toContain('vmType: vz');
      expect(entry('app/state.json')).toContain('"mode": "demo"');
      expect([...entries.keys()]).not.toContain('bundle/MISSING.txt');
      // And the logger never wrote a planted value while it collected.
      expect(world.logs.text).not.toContain(token);
      expect(world.logs.text).not.toContain(openaiKey);
    },
  );

  it(
    'is written into the output folder by default, one new file each time',
    { timeout: 60_000 },
    async () => {
      world = await openSupportWorld();
      const first = await world.services.diagnostics.create();
      const second = await world.services.diagnostics.create();
      expect(first.path.startsWith(join(world.paths.home, 'diagnostics', 'clawbar-diagnostics-'))).toBe(true);
      expect(second.path).not.toBe(first.path);
      expect(first.missing.map(item => item.part)).toEqual(
        expect.arrayContaining(['lima/', 'k3s/journal.log', 'cluster/']),
      );
      const entries = await readZip(first.path);
      const [root] = [...entries.keys()][0]?.split('/') ?? [];
      expect(entries.get(`${root}/MISSING.txt`)).toMatch(/k3s\/journal\.log: The VM is not running/);
    },
  );
});
