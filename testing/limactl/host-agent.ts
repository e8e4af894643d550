import { existsSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { dirname } from 'node:path';

import { registerSimulatedNetwork } from '../demo/simulated-network';
import { readFaults, type Faults, type StandInStage } from './faults';
import { ensureGuestCredentials, k3sVersion, serveGuestK3sApi, type GuestK3sApi } from './guest-k3s';
import { appendJournal, journalLine } from './journal';
import { createLogger } from './log';
import { inspect, instancePaths, readGuestState, writeGuestState, type LimaConfig } from './store';
import { choosePort } from '../../electron/services/platform/free-port';

/**
 * The stand-in's `limactl hostagent`: the long-lived, detached process that *is* the running VM.
 * Like Lima's, it writes its PID file, answers on ha.sock, logs JSON on stderr (ha.stderr.log),
 * writes events on stdout (ha.stdout.log), walks through the boot (essential, optional and final
 * requirements), forwards the guest's k3s API to the host port of the instance's port-forward
 * rule, copies the kubeconfig out, and on SIGINT/SIGTERM shuts down and emits an `exiting` event.
 */
export interface HostAgentArgs {
  name: string;
  pidfile: string;
  socket: string;
  limaHome: string;
}

const essentialRequirements = ['ssh', 'user session is ready for ssh', 'Explicitly start ssh ControlMaster'];
const k3sProbe = 'the k3s kubeconfig to be written';

export async function runHostAgent(args: HostAgentArgs): Promise<void> {
  const paths = instancePaths(args.limaHome, args.name);
  const log = createLogger('json');
  const nodeName = `lima-${args.name}`;
  const faults = (): Faults => readFaults(args.limaHome);
  const instance = await inspect(args.limaHome, args.name);
  const config: LimaConfig = instance?.config ?? {};
  const sshLocalPort = await choosePort();
  let api: GuestK3sApi | undefined;
  let crashLoop: NodeJS.Timeout | undefined;
  let shuttingDown = false;

  const emit = (status: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), status })}\n`);
  };
  const serial = (line: string): void => appendFileSync(paths.serialLog, `${line}\n`);
  const journal = (unit: string, message: string): void =>
    appendJournal(paths.journal, [journalLine(nodeName, unit, message)]);

  writeFileSync(args.pidfile, `${process.pid}\n`);
  // Under VZ the VM runs inside the host agent process: the driver PID is the same.
  writeFileSync(paths.vzPid, `${process.pid}\n`);
  rmSync(args.socket, { force: true });
  const socketServer = createHttpServer((request, response) => {
    if (request.url === '/v1/info') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ sshLocalPort }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => socketServer.listen(args.socket, resolve));

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`Received ${signal}, shutting down the host agent`);
    log.info('Shutting down the host agent');
    if (crashLoop) clearInterval(crashLoop);
    await api?.close();
    if (existsSync(paths.copiedKubeconfig)) {
      log.info(`Deleting ${paths.copiedKubeconfig}`);
      rmSync(paths.copiedKubeconfig, { force: true });
    }
    const guest = readGuestState(paths);
    writeGuestState(paths, { ...guest, k3sActive: 'inactive' });
    emit({ exiting: true });
    rmSync(args.pidfile, { force: true });
    rmSync(paths.vzPid, { force: true });
    socketServer.close();
    rmSync(args.socket, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', signal => void shutdown(signal));
  process.on('SIGTERM', signal => void shutdown(signal));
  // A stand-in VM must not outlive the world it belongs to (a test's temporary home).
  setInterval(() => {
    if (!existsSync(paths.dir)) process.exit(0);
  }, 1000).unref();

  const step = async (stage: StandInStage): Promise<void> => {
    const current = faults();
    if (current.hangAt === stage) await new Promise(() => undefined);
    await sleep(current.paceMs);
  };
  const failure = (stage: StandInStage): string | undefined => {
    const current = faults().failAt;
    return current?.stage === stage ? current.message : undefined;
  };

  // Booting.
  log.info(`Starting VZ (hint: to watch the boot progress, see "${paths.serialLog}")`);
  emit({ sshLocalPort });
  serial('[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x610f0000]');
  serial('[    0.000000] Linux version 6.8.0-88-generic (buildd@bos03-arm64-020) #89-Ubuntu SMP');
  await step('booting');
  const bootFailure = failure('booting');
  if (bootFailure) {
    serial(`[    1.204113] Kernel panic - not syncing: ${bootFailure}`);
    log.error(`failed to start VZ: ${bootFailure}`);
    emit({ exiting: true, errors: [bootFailure] });
    rmSync(args.pidfile, { force: true });
    rmSync(paths.vzPid, { force: true });
    process.exit(1);
  }
  serial('[    2.315402] systemd[1]: Reached target cloud-init.target - Cloud-init target.');
  await step('booting');

  const errors: string[] = [];
  for (const [index, description] of essentialRequirements.entries()) {
    log.info(
      `Waiting for the essential requirement ${index + 1} of ${essentialRequirements.length}: "${description}"`,
    );
    await step('waiting-ssh');
    const sshFailure = index === 0 ? failure('waiting-ssh') : undefined;
    if (sshFailure) {
      errors.push(
        `failed to satisfy the essential requirement 1 of ${essentialRequirements.length} "ssh": Failed to SSH into the guest.\nMake sure that the YAML field "ssh.localPort" is not used by other processes on the host.\n: ${sshFailure}`,
      );
      break;
    }
    log.info(`The essential requirement ${index + 1} of ${essentialRequirements.length} is satisfied`);
  }

  if (errors.length === 0) {
    // Boot scripts: the first boot installs k3s; every boot starts it.
    const guest = readGuestState(paths);
    if (!guest.provisioned) {
      journal('cloud-init[812]', `Downloading k3s ${k3sVersion} release artifacts`);
      await step('provisioning-k3s');
      journal('cloud-init[812]', 'sha256sum: k3s-arm64: OK');
      journal('cloud-init[812]', 'sha256sum: k3s-airgap-images-arm64.tar.zst: OK');
      await step('provisioning-k3s');
    }
    journal('systemd[1]', 'Starting k3s.service - Lightweight Kubernetes...');
    journal(
      'k3s[1402]',
      `time="${new Date().toISOString()}" level=info msg="Starting k3s ${k3sVersion} (6d77b7a9)"`,
    );
    ensureGuestCredentials(paths.standinDir, nodeName);
    const mode = faults().k3s;
    if (mode === 'crash-loop') {
      writeGuestState(paths, { ...readGuestState(paths), k3sActive: 'activating' });
      crashLoop = setInterval(() => crashOnce(paths, nodeName), Math.max(100, faults().paceMs));
      crashOnce(paths, nodeName);
    } else {
      writeGuestState(paths, { ...readGuestState(paths), k3sActive: 'active', k3sRestarts: 0 });
      journal('systemd[1]', 'Started k3s.service - Lightweight Kubernetes.');
    }

    log.info(`Waiting for the optional requirement 1 of 1: "${k3sProbe}"`);
    await step('provisioning-k3s');
    const provisionFailure = failure('provisioning-k3s');
    if (provisionFailure) {
      errors.push(
        `failed to satisfy the optional requirement 1 of 1 "${k3sProbe}": The k3s kubeconfig /etc/rancher/k3s/k3s.yaml was not created.\n: ${provisionFailure}`,
      );
      journal('k3s[1402]', `time="${new Date().toISOString()}" level=fatal msg="${provisionFailure}"`);
    } else {
      log.info('The optional requirement 1 of 1 is satisfied');
    }
    log.info('Waiting for the guest agent to be running');
    await step('provisioning-k3s');
    log.info('Guest agent is running');

    // The guest agent reports k3s listening on 6443: forward it to the rule's host port.
    await step('forwarding-ports');
    const hostPort = apiHostPort(config);
    const guestAddr = '127.0.0.1:6443';
    const hostAddr = `127.0.0.1:${hostPort}`;
    const forwardFailure = failure('forwarding-ports');
    if (mode === 'crash-loop' || mode === 'refuse') {
      log.debug('k3s is not listening on 6443 yet; nothing to forward');
    } else if (forwardFailure) {
      log.warn(`failed to set up forwarding tcp port ${hostPort} (negligible if already forwarded)`, {
        error: forwardFailure,
      });
      emit({
        sshLocalPort,
        portForward: { type: 'failed', protocol: 'tcp', guestAddr, hostAddr, error: forwardFailure },
      });
    } else {
      try {
        api = await serveGuestK3sApi({
          port: hostPort,
          stateDir: paths.standinDir,
          nodeName,
          mode: () => faults().k3s,
        });
        // The sandbox self-test's probe pod meets the demo's network: the stored policies decide.
        registerSimulatedNetwork(api.cluster, {
          ollamaUrl: process.env.CLAWBAR_DEMO_OLLAMA_URL ?? 'http://127.0.0.1:11434',
        });
        log.info(`Forwarding TCP from ${guestAddr} to ${hostAddr}`);
        emit({ sshLocalPort, portForward: { type: 'forwarding', protocol: 'tcp', guestAddr, hostAddr } });
      } catch (error) {
        const message = `listen tcp ${hostAddr}: bind: address already in use`;
        log.warn(`failed to set up forwarding tcp port ${hostPort} (negligible if already forwarded)`, {
          error: (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? message : String(error),
        });
        emit({
          sshLocalPort,
          portForward: { type: 'failed', protocol: 'tcp', guestAddr, hostAddr, error: message },
        });
      }
    }

    log.info('Waiting for the final requirement 1 of 1: "boot scripts must have finished"');
    await step('forwarding-ports');
    log.info('The final requirement 1 of 1 is satisfied');
    if (!provisionFailure) {
      log.info(`Copying config from /etc/rancher/k3s/k3s.yaml to ${paths.copiedKubeconfig}`);
      mkdirSync(dirname(paths.copiedKubeconfig), { recursive: true, mode: 0o700 });
      writeFileSync(paths.copiedKubeconfig, ensureGuestCredentials(paths.standinDir, nodeName).kubeconfig, {
        mode: 0o600,
      });
      writeGuestState(paths, { ...readGuestState(paths), provisioned: true });
    }
  }

  writeGuestState(paths, { ...readGuestState(paths), sshLocalPort });
  emit({
    running: true,
    sshLocalPort,
    ...(errors.length > 0 ? { degraded: true, errors } : {}),
  });
  if (faults().broken) {
    // A wedged host agent: alive, but no longer answering on its socket.
    log.warn('host agent API stopped answering');
    socketServer.close();
    socketServer.closeAllConnections();
    // Alive but deaf: without its socket nothing else may hold the event loop open.
    setInterval(() => undefined, 60_000);
  }
  await new Promise(() => undefined);
}

/** One crash of a crash-looping k3s: fatal log, systemd notices, restart scheduled. */
function crashOnce(paths: ReturnType<typeof instancePaths>, nodeName: string): void {
  const guest = readGuestState(paths);
  const restarts = guest.k3sRestarts + 1;
  writeGuestState(paths, { ...guest, k3sRestarts: restarts, k3sActive: 'activating' });
  const now = new Date();
  appendJournal(paths.journal, [
    journalLine(
      nodeName,
      'k3s[1402]',
      `time="${now.toISOString()}" level=info msg="Starting k3s ${k3sVersion} (6d77b7a9)"`,
      now,
    ),
    journalLine(
      nodeName,
      'k3s[1402]',
      `time="${now.toISOString()}" level=fatal msg="Failed to start networking: unable to initialize network policy controller: error getting node subnet: failed to find interface with specified node ip"`,
      now,
    ),
    journalLine(
      nodeName,
      'systemd[1]',
      'k3s.service: Main process exited, code=exited, status=1/FAILURE',
      now,
    ),
    journalLine(nodeName, 'systemd[1]', "k3s.service: Failed with result 'exit-code'.", now),
    journalLine(
      nodeName,
      'systemd[1]',
      `k3s.service: Scheduled restart job, restart counter is at ${restarts}.`,
      now,
    ),
  ]);
}

/** The host port of the rule forwarding guest port 6443 (Lima's default rule keeps 6443). */
export function apiHostPort(config: LimaConfig): number {
  for (const rule of config.portForwards ?? []) {
    if (rule.ignore) continue;
    if (rule.guestPort === 6443) return rule.hostPort ?? 6443;
  }
  return 6443;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
