/**
 * A registry standing in for Docker Hub behind the registry mirror: Debian's docker-registry without
 * authentication, on a network of its own, published on 127.0.0.1 (for pushes: engines allow plain
 * HTTP to 127.0.0.0/8) and on its network's gateway (for the mirror, which reaches host addresses
 * from its own network). Its access log tells what the mirror fetched.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { registryProblem } from '../../src/engine/registry-probe.js';
import { DOCKER_CLI, hostDocker, hostEngineEnv } from './engine.js';
import { REGISTRY_IMAGE } from './registry.js';

/** Storage in the container's own layer; no authentication; one access-log line per request. */
const CONFIG = [
  'version: 0.1',
  'log: {level: warn, accesslog: {disabled: false}}',
  'storage: {filesystem: {rootdirectory: /tmp/registry}, delete: {enabled: true}}',
  'http: {addr: ":5000"}',
].join('\n');

export interface UpstreamRegistry {
  /** What the mirror's --upstream is set to. */
  readonly url: string;
  /** Pushes a host image under a Docker Hub style name (NAMESPACE/REPO:TAG); returns that name. */
  push(source: string, name: string): Promise<void>;
  /** Blob downloads (GET .../blobs/... answered 200) and their bytes, from the access log. */
  blobFetches(): Promise<{ count: number; bytes: number }>;
  dispose(): Promise<void>;
}

/** An access-log line (combined format) of a successful blob download: its size. */
const BLOB_GET = /"GET \/v2\/\S+\/blobs\/sha256:[0-9a-f]{64} HTTP\/[\d.]+" 200 (\d+)/;

export async function startUpstreamRegistry(): Promise<UpstreamRegistry> {
  const suffix = randomBytes(4).toString('hex');
  const name = `secure-dind-test-upstream-${suffix}`;
  const port = randomInt(20_000, 40_000);
  const pushed: string[] = [];
  const dispose = async () => {
    await hostDocker(['rm', '-f', name]).catch(() => undefined);
    await hostDocker(['network', 'rm', name]).catch(() => undefined);
    for (const image of pushed) await hostDocker(['rmi', image]).catch(() => undefined);
  };
  let gateway: string;
  try {
    await hostDocker(['network', 'create', name]);
    gateway = (
      await hostDocker(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', name])
    ).trim();
    await hostDocker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      name,
      '-p',
      `127.0.0.1:${port}:5000`,
      '-p',
      `${gateway}:${port}:5000`,
      '-e',
      `CONFIG=${CONFIG}`,
      '--entrypoint',
      'sh',
      REGISTRY_IMAGE,
      '-c',
      'printf "%s\\n" "$CONFIG" >/tmp/config.yml && exec docker-registry serve /tmp/config.yml',
    ]);
    await waitForAnswer(`http://127.0.0.1:${port}`);
  } catch (error) {
    await dispose();
    throw error;
  }
  const pushHost = `127.0.0.1:${port}`;
  return {
    url: `http://${gateway}:${port}`,
    async push(source, image) {
      const target = `${pushHost}/${image}`;
      pushed.push(target);
      await hostDocker(['tag', source, target]);
      await hostDocker(['push', target]);
    },
    async blobFetches() {
      // The access log is on stdout, the rest of the registry's log on stderr.
      const { stdout } = await promisify(execFile)(DOCKER_CLI, ['logs', name], {
        env: hostEngineEnv(),
        maxBuffer: 64 * 1024 * 1024,
      });
      const sizes = stdout
        .split('\n')
        .map((line) => BLOB_GET.exec(line)?.[1])
        .filter((size): size is string => size !== undefined)
        .map(Number);
      return { count: sizes.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
    },
    dispose,
  };
}

/**
 * Polls with Node's http client: docker-proxy may accept and then hold a connection before the
 * registry listens, and fetch's unreferenced timeout would then let a process with nothing else
 * to wait for exit mid-await (the benchmark did, with status 13).
 */
async function waitForAnswer(url: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    if ((await registryProblem(url, 2000)) === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the upstream registry at ${url} did not answer`);
}
