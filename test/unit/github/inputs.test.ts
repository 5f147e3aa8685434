import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE, DEFAULT_RUNTIME } from '../../../src/core/config.js';
import { BadInputError } from '../../../src/core/errors.js';
import { type ActionInputs, getActionInputs } from '../../../src/github/inputs.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The step environment the runner gives: INPUT_<NAME> per `with:` entry, plus the run's context. */
function env(inputs: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_NAME: 'push', ...extra };
  for (const [name, value] of Object.entries(inputs))
    out[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return out;
}

function parse(name: string, value: string): ActionInputs {
  return getActionInputs(env({ [name]: value }));
}

function failure(name: string, value: string): BadInputError {
  try {
    parse(name, value);
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error(`input ${name}=${JSON.stringify(value)} was accepted`);
}

type Good = [value: string, observe: (inputs: ActionInputs) => unknown, expected: unknown];

const table: Record<string, { good: Good[]; bad: string[] }> = {
  runtime: {
    good: [
      ['sysbox-runc', (i) => i.config.runtime, 'sysbox-runc'],
      ['  my.runtime_2 ', (i) => i.config.runtime, 'my.runtime_2'],
    ],
    bad: ['sysbox runc', '-sysbox', 'a/b', 'x'.repeat(65)],
  },
  image: {
    good: [
      ['docker:27.5.1-dind', (i) => i.config.image, 'docker:27.5.1-dind'],
      [
        'registry.example.com:5000/team/dind:v1',
        (i) => i.config.image,
        'registry.example.com:5000/team/dind:v1',
      ],
    ],
    bad: ['Docker:DIND', 'image with spaces', 'a::b'],
  },
  'install-runtime': {
    good: [
      ['auto', (i) => i.installRuntime, 'auto'],
      ['never', (i) => i.installRuntime, 'never'],
      ['NEVER', (i) => i.installRuntime, 'never'],
    ],
    bad: ['always', 'yes', 'false'],
  },
  cache: {
    good: [
      ['true', (i) => i.config.cache, true],
      ['false', (i) => i.config.cache, false],
      ['FALSE', (i) => i.config.cache, false],
    ],
    bad: ['maybe', '2', 'enabled'],
  },
  'cache-key': {
    good: [
      ['main', (i) => i.config.cacheKey, 'main'],
      ['team/app:refs/heads/main', (i) => i.config.cacheKey, 'team/app:refs/heads/main'],
    ],
    bad: ['has space', '-leading-dash', 'semi;colon', 'k'.repeat(257)],
  },
  'cache-max-size': {
    good: [
      ['20GiB', (i) => i.config.cacheMaxSize, 20 * GiB],
      ['512m', (i) => i.config.cacheMaxSize, 512 * MiB],
    ],
    bad: ['lots', '1k', '-5g'],
  },
  'cache-total-max-size': {
    good: [['1TiB', (i) => i.config.cacheTotalMaxSize, 1024 * GiB]],
    bad: ['ten gigs', '10q'],
  },
  cpus: {
    good: [
      ['2', (i) => i.config.cpus, 2],
      ['1.5', (i) => i.config.cpus, 1.5],
    ],
    bad: ['0', 'two', '-1', '1.2.3'],
  },
  memory: {
    good: [
      ['4g', (i) => i.config.memory, 4 * GiB],
      ['512MiB', (i) => i.config.memory, 512 * MiB],
    ],
    bad: ['4 gigs', '1m', 'lots'],
  },
  'pids-limit': {
    good: [['4096', (i) => i.config.pidsLimit, 4096]],
    bad: ['10', 'unlimited', '-1', '1.5'],
  },
  mtu: {
    good: [
      ['1400', (i) => i.config.mtu, 1400],
      ['9000', (i) => i.config.mtu, 9000],
    ],
    bad: ['100', '9001', 'jumbo'],
  },
  'daemon-config': {
    good: [
      [
        '{"registry-mirrors":["https://mirror.example.com"]}',
        (i) => i.config.daemonConfig,
        { 'registry-mirrors': ['https://mirror.example.com'] },
      ],
      ['{"debug": true}', (i) => i.config.daemonConfig, { debug: true }],
    ],
    bad: ['not json', '[]', '{"hosts":["tcp://0.0.0.0:2375"]}', '{"tlsverify":false}', '{"no-such-key":1}'],
  },
  'startup-timeout': {
    good: [
      ['90', (i) => i.config.startupTimeoutSeconds, 90],
      ['2m', (i) => i.config.startupTimeoutSeconds, 120],
    ],
    bad: ['0', 'soon', '2 hours'],
  },
  'stop-timeout': {
    good: [['45s', (i) => i.config.stopTimeoutSeconds, 45]],
    bad: ['0s', 'forever', '1h'],
  },
  'set-context': {
    good: [
      ['true', (i) => i.setContext, true],
      ['false', (i) => i.setContext, false],
    ],
    bad: ['sometimes', 'secure-dind'],
  },
  summary: {
    good: [
      ['false', (i) => i.summary, false],
      ['true', (i) => i.summary, true],
    ],
    bad: ['verbose', 'none'],
  },
};

describe('action inputs', () => {
  for (const [name, { good, bad }] of Object.entries(table)) {
    describe(name, () => {
      it.each(good)('accepts %j', (value, observe, expected) => {
        expect(observe(parse(name, value))).toEqual(expected);
      });

      it.each(bad)('rejects %j with a message naming the input and the value', (value) => {
        const error = failure(name, value);
        expect(error.kind).toBe('bad-input');
        expect(error.message).toContain(`input '${name}'`);
        expect(error.message).toContain(JSON.stringify(value.trim()).slice(0, 40));
      });
    });
  }

  it('uses the defaults for inputs that are unset or empty, as the runner passes them', () => {
    for (const inputs of [
      env({}),
      env({ runtime: '', image: '', cache: '', summary: '', 'set-context': '' }),
    ]) {
      const parsed = getActionInputs(inputs);
      expect(parsed.config.runtime).toBe(DEFAULT_RUNTIME);
      expect(parsed.config.image).toBe(DEFAULT_IMAGE);
      expect(parsed.config.cache).toBe(true);
      expect(parsed.installRuntime).toBe('auto');
      expect(parsed.setContext).toBe(false);
      expect(parsed.summary).toBe(true);
      expect(parsed.config.cpus).toBeUndefined();
      expect(parsed.config.memory).toBeUndefined();
    }
  });

  it('reads inputs the way @actions/core does (upper case, spaces to underscores, trimmed)', () => {
    const parsed = getActionInputs({
      GITHUB_REPOSITORY: 'acme/app',
      INPUT_PIDS_LIMIT: 'x',
      'INPUT_PIDS-LIMIT': ' 2048 ',
    });
    expect(parsed.config.pidsLimit).toBe(2048);
  });

  it('derives the cache key from the repository and event when none is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-inputs-'));
    const payload = join(dir, 'event.json');
    writeFileSync(
      payload,
      JSON.stringify({
        pull_request: {
          head: { repo: { full_name: 'mallory/app', fork: true } },
          base: { repo: { full_name: 'acme/app' } },
        },
      }),
    );
    const trusted = getActionInputs(env({}));
    const fork = getActionInputs(env({}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: payload }));
    expect(trusted.config.cacheKey).toContain('acme/app');
    expect(fork.config.cacheKey).not.toBe(trusted.config.cacheKey);
    expect(fork.config.cacheKey).toContain('mallory/app');
  });

  it('refuses to guess when the event payload cannot be read', () => {
    expect(() =>
      getActionInputs(
        env({}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/nonexistent/event.json' }),
      ),
    ).toThrow(/GITHUB_EVENT_PATH/);
  });
});
