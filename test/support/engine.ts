/**
 * Integration tests need a real Docker engine with the sysbox-runc runtime (real or the stand-in)
 * and the development images. Without one they skip with the reason; with REQUIRE_DOCKER=1 (CI)
 * a missing engine fails the run instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Debian's docker client matches the development engine; fall back to whatever is on PATH. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
export const RUNNER_IMAGE = 'secure-dind/runner-image:dev';
export const BUSYBOX_IMAGE = 'secure-dind/busybox:test';
/** Debian (debootstrap) with bash: the GitLab helper image in tests, standing in for GitLab's own. */
export const BASE_IMAGE = 'secure-dind/base:bookworm';
export const TEST_RUNTIME = 'sysbox-runc';

/** The environment for the docker CLI against the host engine, whatever the caller's DOCKER_* say. */
export function hostEngineEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    DOCKER_TLS_VERIFY: '',
    DOCKER_CERT_PATH: '',
  };
}

async function probe(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(DOCKER_CLI, ['info', '--format', '{{json .Runtimes}}'], {
      env: hostEngineEnv(),
      timeout: 15_000,
    });
    if (!(TEST_RUNTIME in JSON.parse(stdout))) return `the engine has no ${TEST_RUNTIME} runtime`;
    for (const image of [RUNNER_IMAGE, BUSYBOX_IMAGE]) {
      await execFileAsync(DOCKER_CLI, ['image', 'inspect', image], { timeout: 15_000 }).catch(() => {
        throw new Error(`image ${image} is missing`);
      });
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

const reason = await probe();
if (reason !== undefined) {
  const message = `Docker engine not ready for integration tests: ${reason}. Run: sudo bash test/support/dev-engine.sh`;
  if (process.env.REQUIRE_DOCKER === '1') throw new Error(`${message} (REQUIRE_DOCKER=1)`);
  console.warn(`SKIPPING integration tests: ${message}`);
}

/** True when integration tests can run; use with describe.runIf(engineReady). */
export const engineReady = reason === undefined;

/** Runs the docker CLI against the outer (host) engine and returns stdout. */
export async function hostDocker(args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(DOCKER_CLI, [...args], {
    env: hostEngineEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** `docker logs` of a host container: its stdout and stderr (where dockerd and entrypoints log), as text. */
export async function hostLogs(container: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(DOCKER_CLI, ['logs', container], {
    env: hostEngineEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}

export interface HostResources {
  readonly containers: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

const nonEmptyLines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** Names of the host engine's containers, networks and volumes that carry a label (`key=value`). */
export async function hostResources(label: string): Promise<HostResources> {
  const filter = ['--filter', `label=${label}`];
  return {
    containers: nonEmptyLines(await hostDocker(['ps', '-a', ...filter, '--format', '{{.Names}}'])),
    networks: nonEmptyLines(await hostDocker(['network', 'ls', ...filter, '--format', '{{.Name}}'])),
    volumes: nonEmptyLines(await hostDocker(['volume', 'ls', ...filter, '--format', '{{.Name}}'])),
  };
}

/** Removes what hostResources finds for a label: for a test's cleanup of what it created. */
export async function removeHostResources(label: string): Promise<void> {
  const left = await hostResources(label).catch(() => ({ containers: [], networks: [], volumes: [] }));
  if (left.containers.length) await hostDocker(['rm', '-f', '-v', ...left.containers]).catch(() => '');
  if (left.networks.length) await hostDocker(['network', 'rm', ...left.networks]).catch(() => '');
  if (left.volumes.length) await hostDocker(['volume', 'rm', '-f', ...left.volumes]).catch(() => '');
}
