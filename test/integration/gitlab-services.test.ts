/**
 * The GitLab driver's services as GitLab Runner drives it: a service's entrypoint and command
 * override its image's, prepare waits for a service's port (HEALTHCHECK_TCP_PORT) and, when the
 * wait times out, warns with the service's own logs and runs the job anyway; CI_DEBUG_SERVICES
 * streams the services' output into the job log.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, engineReady } from '../support/engine.js';
import {
  type JobSpec,
  RunnerJob,
  type ServiceSpec,
  expectOnlyCacheLeft,
  withSettings,
} from '../support/gitlab-runner.js';

/**
 * A web service ("web") that starts listening on 8080 after `delay` seconds and says so; the
 * image's own command is a shell that exits at once, so only the entrypoint and command serve.
 */
const slowWebService = (delay: number): ServiceSpec => ({
  name: BUSYBOX_IMAGE,
  alias: 'web',
  entrypoint: ['sh', '-c'],
  command: [
    `echo "web: booting"; sleep ${delay}; mkdir -p /www; echo "served by the service" > /www/index.html; ` +
      'echo "web: listening"; while :; do echo "web: tick"; sleep 1; done & exec httpd -f -p 8080 -h /www',
  ],
  variables: { HEALTHCHECK_TCP_PORT: '8080' },
});

describe.runIf(engineReady)('GitLab driver: services', () => {
  it('applies service entrypoint and command, waits for a slow port, and warns with the logs of one that never opens', async () => {
    await withSettings(
      async (settingsFile) => {
        const spec: JobSpec = {
          projectId: String(randomInt(100_000, 999_999)),
          image: BUSYBOX_IMAGE,
          services: [
            slowWebService(4),
            {
              name: BUSYBOX_IMAGE,
              alias: 'never-up',
              entrypoint: ['sh', '-c'],
              command: ['echo "never-up: still initialising"; exec sleep 600'],
              variables: { HEALTHCHECK_TCP_PORT: '9999' },
            },
          ],
          script: 'wget -qO- http://web:8080/',
        };
        const job = new RunnerJob(spec, settingsFile);
        try {
          await job.config();
          const started = Date.now();
          const prepared = await job.prepare();
          const output = prepared.stdout + prepared.stderr;
          expect(prepared.code, output).toBe(0);
          // The slow service was waited for (it opens after 4 s); the other one was given up on.
          expect(Date.now() - started).toBeGreaterThan(4000);
          expect(output).toContain('Waiting for services to be up and running (timeout 8 seconds)');
          expect(output).toContain(`*** WARNING: Service ${BUSYBOX_IMAGE} probably didn't start properly.`);
          expect(output).toMatch(/did not accept a TCP connection on port 9999 within 8 s/);
          expect(output).toContain('Service container logs:\nnever-up: still initialising');
          expect(output).not.toMatch(/port 8080 within/);
          // Without CI_DEBUG_SERVICES the services' output stays out of the job log.
          expect(output).not.toContain('[service:');

          expect((await job.run('get_sources', 'mkdir -p "$CI_PROJECT_DIR"')).code).toBe(0);
          const built = await job.run('build_script', spec.script);
          expect(built.code, built.stderr).toBe(0);
          expect(built.stdout).toContain('served by the service');
        } finally {
          await job.dispose();
        }
        await expectOnlyCacheLeft(job.jobId);
      },
      { 'wait-for-services-timeout': '8s' },
    );
  });

  it('streams the services output into the job log with CI_DEBUG_SERVICES=true', async () => {
    await withSettings(async (settingsFile) => {
      const spec: JobSpec = {
        projectId: String(randomInt(100_000, 999_999)),
        image: BUSYBOX_IMAGE,
        services: [slowWebService(1)],
        jobVariables: { CI_DEBUG_SERVICES: 'true' },
        script: 'sleep 3; echo "build done"',
      };
      const job = new RunnerJob(spec, settingsFile);
      try {
        await job.config();
        const prepared = await job.prepare();
        expect(prepared.code, prepared.stderr).toBe(0);
        // The prefix names the service by all its hostnames, joined with "-", as the runner does.
        const prefix = '[service:secure-dind__busybox-secure-dind-busybox-web] ';
        expect(prepared.stdout).toContain(`${prefix}web: booting`);
        expect(prepared.stdout).toContain(`${prefix}web: listening`);
        expect((await job.run('get_sources', 'mkdir -p "$CI_PROJECT_DIR"')).code).toBe(0);
        const built = await job.run('build_script', spec.script);
        expect(built.code, built.stderr).toBe(0);
        expect(built.stdout).toContain('build done');
        // Lines the service printed while the script ran, prefixed as the Docker executor does.
        expect(built.stdout.split('\n')).toContain(`${prefix}web: tick`);
      } finally {
        await job.dispose();
      }
      await expectOnlyCacheLeft(job.jobId);
    });
  });
});
