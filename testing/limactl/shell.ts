import { ensureGuestCredentials, guestCredentialsDir, k3sVersion } from './guest-k3s';
import { messageOnly, readJournal } from './journal';
import { readGuestState, type InstancePaths } from './store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `limactl shell <name> <command…>` inside the stand-in VM: the few commands Clawbar runs in the
 * guest (read the root-only kubeconfig, k3s's journal and unit state), with the exit codes a
 * real shell gives; anything else is "command not found" (127).
 */
export interface ShellResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function runGuestCommand(paths: InstancePaths, name: string, argv: string[]): ShellResult {
  const sudo = argv[0] === 'sudo';
  const [command, ...args] = sudo ? argv.slice(1) : argv;
  const nodeName = `lima-${name}`;
  switch (command) {
    case undefined:
    case 'true':
      return ok('');
    case 'cat':
      return cat(paths, nodeName, args, sudo);
    case 'journalctl':
      return journalctl(paths, args);
    case 'systemctl':
      return systemctl(paths, args);
    case 'k3s':
      if (args[0] === '--version') {
        return ok(`k3s version ${k3sVersion} (6d77b7a9)\ngo version go1.25.5\n`);
      }
      return {
        stdout: '',
        stderr: `Incorrect Usage: flag provided but not defined: ${args[0] ?? ''}\n`,
        code: 1,
      };
    default:
      return { stdout: '', stderr: `bash: line 1: ${command}: command not found\n`, code: 127 };
  }
}

function cat(paths: InstancePaths, nodeName: string, files: string[], sudo: boolean): ShellResult {
  let stdout = '';
  for (const file of files) {
    if (file !== '/etc/rancher/k3s/k3s.yaml') {
      return { stdout, stderr: `cat: ${file}: No such file or directory\n`, code: 1 };
    }
    const provisioned = existsSync(join(guestCredentialsDir(paths.standinDir), 'credentials.json'));
    if (!provisioned) return { stdout, stderr: `cat: ${file}: No such file or directory\n`, code: 1 };
    // write-kubeconfig-mode 0600: only root may read it.
    if (!sudo) return { stdout, stderr: `cat: ${file}: Permission denied\n`, code: 1 };
    stdout += ensureGuestCredentials(paths.standinDir, nodeName).kubeconfig;
  }
  return ok(stdout);
}

function journalctl(paths: InstancePaths, args: string[]): ShellResult {
  let lines = 0;
  let catOutput = false;
  let unit: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '-u' || arg === '--unit') unit = args[++index];
    else if (arg.startsWith('--unit=')) unit = arg.slice('--unit='.length);
    else if (arg === '-n' || arg === '--lines') lines = Number(args[++index]);
    else if (arg.startsWith('--lines=')) lines = Number(arg.slice('--lines='.length));
    else if (arg === '-o' || arg === '--output') catOutput = args[++index] === 'cat';
    else if (arg === '-ocat' || arg === '--output=cat') catOutput = true;
  }
  const entries =
    unit === undefined || unit === 'k3s' || unit === 'k3s.service' ? readJournal(paths.journal) : [];
  if (entries.length === 0) return ok('-- No entries --\n');
  const selected = lines > 0 ? entries.slice(-lines) : entries;
  return ok(`${selected.map(line => (catOutput ? messageOnly(line) : line)).join('\n')}\n`);
}

function systemctl(paths: InstancePaths, args: string[]): ShellResult {
  const guest = readGuestState(paths);
  const [verb, unit] = args;
  if (unit !== 'k3s' && unit !== 'k3s.service') {
    return { stdout: '', stderr: `Unit ${unit ?? ''}.service could not be found.\n`, code: 4 };
  }
  const subState =
    guest.k3sActive === 'active' ? 'running' : guest.k3sActive === 'activating' ? 'auto-restart' : 'dead';
  if (verb === 'is-active') {
    return { stdout: `${guest.k3sActive}\n`, stderr: '', code: guest.k3sActive === 'active' ? 0 : 3 };
  }
  if (verb === 'show') {
    const values: Record<string, string> = {
      NRestarts: String(guest.k3sRestarts),
      ActiveState: guest.k3sActive,
      SubState: subState,
      MainPID: guest.k3sActive === 'active' ? '1402' : '0',
    };
    const wanted = args
      .slice(2)
      .flatMap((arg, index, all) =>
        arg === '-p' || arg === '--property'
          ? [all[index + 1] ?? '']
          : arg.startsWith('--property=')
            ? [arg.slice(11)]
            : [],
      )
      .flatMap(list => list.split(','))
      .filter(name => name !== '');
    const keys = wanted.length > 0 ? wanted : Object.keys(values);
    return ok(`${keys.map(key => `${key}=${values[key] ?? ''}`).join('\n')}\n`);
  }
  return { stdout: '', stderr: `Unknown command verb ${verb ?? ''}.\n`, code: 1 };
}

function ok(stdout: string): ShellResult {
  return { stdout, stderr: '', code: 0 };
}
