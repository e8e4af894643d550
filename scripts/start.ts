import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { electronBinary } from './electron-binary';

/**
 * `npm start`: the Electron app. The Electron runtime is downloaded on first start; where that is
 * impossible (no network, an unsupported machine), say so once, clearly, and point to the demo.
 */
const root = join(import.meta.dirname, '..');

if (!electronBinary(root)) {
  spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

if (!electronBinary(root)) {
  process.stderr.write(
    [
      '',
      'Clawbar cannot start its desktop app here: the Electron runtime is not installed, and downloading',
      'it failed (no network access, or no Electron build for this machine). Everything else works',
      'without it. Run `npm run demo` to use the control room in your browser against a simulated Mac',
      '(it prints the address to open), or `npm run -s clawbar -- --help` for the command line. On a',
      'Mac with network access, `npm start` downloads Electron once and opens the menu-bar app.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const result = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['preview'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
