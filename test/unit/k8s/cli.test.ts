/** `secure-dind k8s render` and `secure-dind sidecar` as a user runs them: output and exit status. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as k8s134node from 'kubernetes-models/node.k8s.io/v1';
import { k8sCommand } from '../../../src/cli/commands/k8s.js';
import { sidecarCommand } from '../../../src/cli/commands/sidecar.js';
import type { CliCommand } from '../../../src/cli/command.js';
import { parseYaml } from '../../support/mini-yaml.js';

async function run(
  command: CliCommand,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const status = await command.run(args, { stdout, stderr, env });
  return { status, stdout: out.join(''), stderr: err.join('') };
}

describe('secure-dind k8s render', () => {
  it('prints a RuntimeClass the 1.34 schema accepts, named after --runtime', async () => {
    const result = await run(k8sCommand, ['render', 'runtimeclass', '--runtime', 'sysbox-runc']);
    expect(result.status).toBe(0);
    const parsed = parseYaml(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ kind: 'RuntimeClass', handler: 'sysbox-runc' });
    expect(() => new k8s134node.RuntimeClass(parsed as never).validate()).not.toThrow();
  });

  it('takes session settings from SECURE_DIND_* and Kubernetes options from the command line', async () => {
    const result = await run(
      k8sCommand,
      ['render', 'arc', '--storage-class', 'fast', '--cache-volume=ephemeral'],
      {
        SECURE_DIND_IMAGE: 'registry.example/sidecar:1',
        SECURE_DIND_MEMORY: '1g',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('image: "registry.example/sidecar:1"');
    expect(result.stdout).toContain(`memory: "${1024 ** 3}"`);
    expect(result.stdout).toContain('storageClassName: fast');
  });

  it('defaults the DinD image to the sidecar image, not docker:dind', async () => {
    const result = await run(k8sCommand, ['render', 'arc']);
    expect(result.stdout).toMatch(/image: "secure-dind\/sidecar:\d/);
  });

  it.each([
    [['render', 'helm'], /expected render runtimeclass\|cache-claim\|arc\|gitlab\|gitlab-ci/],
    [['render', 'arc', '--userns', 'none'], /invalid option --userns/],
    [['render', 'arc', '--memory', 'lots'], /invalid option --memory/],
    [['render', 'arc', '--storage-class'], /--storage-class VALUE/],
  ])('exits 2 on %j, saying what is accepted', async (args, message) => {
    const result = await run(k8sCommand, args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('secure-dind sidecar', () => {
  it('exits 2 on an unknown mode', async () => {
    expect((await run(sidecarCommand, ['start'])).status).toBe(2);
  });

  it('probe exits 1 and says why while there are no client certificates', async () => {
    const result = await run(sidecarCommand, ['probe'], {
      SECURE_DIND_CERT_DIR: '/nonexistent/secure-dind-certs',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no client certificates in /nonexistent/secure-dind-certs');
  });
});
