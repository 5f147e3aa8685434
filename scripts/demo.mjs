// npm run demo: brings up the development engine when none is reachable, then runs a secure DinD
// session end to end with the built CLI (dist/cli.js, committed, so no install is needed): launch,
// run a container inside, tear down, launch again with the same cache key and show the cache hit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli.js');
const docker = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const image = process.env.SECURE_DIND_IMAGE ?? 'secure-dind/runner-image:dev';
const cacheKey = `demo-${Date.now().toString(36)}`;
const hostEnv = {
  ...process.env,
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  DOCKER_TLS_VERIFY: '',
  DOCKER_CERT_PATH: '',
};

function step(text) {
  process.stdout.write(`\n==> ${text}\n`);
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result.stdout;
}

function engineReady() {
  return spawnSync(docker, ['info', '--format', '{{json .Runtimes}}'], {
    env: hostEnv,
    encoding: 'utf8',
  }).stdout?.includes('sysbox-runc');
}

if (!engineReady()) {
  step('no Docker engine with a sysbox-runc runtime is reachable: starting the development engine');
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
  const [command, ...args] = [...asRoot, 'bash', join(repo, 'test/support/dev-engine.sh')];
  execFileSync(command, args, { stdio: 'inherit' });
}

function up() {
  return JSON.parse(run('node', [cli, 'up', '--json', '--image', image, '--cache-key', cacheKey]));
}

function down(sessionId) {
  const report = JSON.parse(run('node', [cli, 'down', sessionId, '--json']));
  process.stdout.write(`removed: ${report.removed.join(', ')}\nkept:    ${report.kept.join(', ')}\n`);
}

step(`secure-dind up (image ${image}, runtime sysbox-runc, cache key ${cacheKey})`);
let started = Date.now();
const first = up();
process.stdout.write(
  `session ${first.sessionId} ready in ${Date.now() - started} ms, cache hit: ${first.cacheHit}\n`,
);
for (const [key, value] of Object.entries(first.env)) process.stdout.write(`  ${key}=${value}\n`);
const sessionEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...first.env };

try {
  step('docker load of a small image into the session daemon, then docker run inside it');
  const saved = spawnSync(docker, ['save', 'secure-dind/busybox:test'], { env: hostEnv, maxBuffer: 1 << 28 });
  spawnSync(docker, ['load', '-q'], {
    input: saved.stdout,
    env: sessionEnv,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  process.stdout.write(
    run(
      docker,
      [
        'run',
        '--rm',
        'secure-dind/busybox:test',
        'sh',
        '-c',
        'echo "hello from a container inside the DinD ($(uname -r))"',
      ],
      sessionEnv,
    ),
  );
  process.stdout.write(
    `inner daemon: ${run(docker, ['version', '--format', 'Docker {{.Server.Version}}, storage driver'], sessionEnv).trim()} ${run(docker, ['info', '--format', '{{.Driver}}'], sessionEnv).trim()}\n`,
  );
} finally {
  step('secure-dind down: graceful stop, everything removed but the cache volume');
  down(first.sessionId);
}

step('secure-dind up again with the same cache key');
started = Date.now();
const second = up();
process.stdout.write(
  `session ${second.sessionId} ready in ${Date.now() - started} ms, cache hit: ${second.cacheHit}\n`,
);
try {
  const images = run(docker, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...second.env,
  });
  process.stdout.write(`images kept from the first session: ${images.trim() || '(none)'}\n`);
} finally {
  step('secure-dind down');
  down(second.sessionId);
  spawnSync(docker, ['volume', 'rm', second.cacheVolume], { env: hostEnv, stdio: 'ignore' });
  process.stdout.write(`(demo cache volume ${second.cacheVolume} removed)\n`);
}
