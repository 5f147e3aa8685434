import { describe, expect, it } from 'vitest';
import { errorKind } from '../../../src/core/errors.js';
import {
  effectivePullPolicies,
  parsePullPolicies,
  type PullPolicy,
} from '../../../src/gitlab/pull-policy.js';
import { parseJobImage, parseServiceList } from '../../../src/gitlab/services.js';

describe('pull_policy values', () => {
  it.each([
    [undefined, []],
    ['always', ['always']],
    ['if-not-present, never', ['if-not-present', 'never']],
    [
      ['never', 'always'],
      ['never', 'always'],
    ],
    [['always', 'always'], ['always']],
  ])('%j -> %j', (value, expected) => {
    expect(parsePullPolicies(value, 'image:pull_policy')).toEqual(expected);
  });

  it.each(['sometimes', ['always', 'latest'], 3])(
    'refuses %j naming the setting and the accepted values',
    (value) => {
      expect(() => parsePullPolicies(value, 'image:pull_policy')).toThrow(
        /image:pull_policy.*always, if-not-present, never/,
      );
    },
  );

  it('reads them from the job image and from each service of the job response', () => {
    expect(parseJobImage({ name: 'alpine', pull_policy: ['never'] }).pullPolicies).toEqual(['never']);
    expect(parseServiceList([{ name: 'redis', pull_policy: 'always' }])[0]!.pullPolicies).toEqual(['always']);
    expect(() => parseServiceList([{ name: 'redis', pull_policy: 'often' }])).toThrow(
      /services:pull_policy of redis/,
    );
  });
});

describe('effective pull policies (the Docker executor rules)', () => {
  const cases: [string, PullPolicy[], PullPolicy[], PullPolicy[], PullPolicy[] | RegExp][] = [
    [
      'the job list when the runner allows all',
      ['never', 'always'],
      ['always'],
      ['always', 'never'],
      ['never', 'always'],
    ],
    ['the runner default when the job names none', [], ['if-not-present'], [], ['if-not-present']],
    ['allowed defaults to the runner default', ['always'], ['always', 'if-not-present'], [], ['always']],
    [
      'keeps only allowed ones, in the job order',
      ['always', 'never', 'if-not-present'],
      ['always'],
      ['if-not-present', 'never'],
      ['never', 'if-not-present'],
    ],
    [
      'refuses a job asking only for disallowed ones',
      ['always'],
      ['if-not-present'],
      ['if-not-present', 'never'],
      /pull_policy \[always\] set by the job .* not one of the allowed-pull-policies \[if-not-present, never\]/,
    ],
    [
      'refuses a job asking for what the default does not allow',
      ['always'],
      ['if-not-present'],
      [],
      /allowed-pull-policies \[if-not-present\]/,
    ],
    [
      'names the runner setting when the default is refused',
      [],
      ['always'],
      ['never'],
      /set by the runner setting pull-policy/,
    ],
  ];
  it.each(cases)('%s', (_, requested, defaults, allowed, expected) => {
    const compute = () =>
      effectivePullPolicies('registry.example.com/app:1', requested, { defaults, allowed });
    if (expected instanceof RegExp) {
      expect(compute).toThrow(expected);
      try {
        compute();
      } catch (error) {
        expect(errorKind(error)).toBe('bad-input');
        expect(String(error)).toContain('registry.example.com/app:1');
      }
    } else {
      expect(compute()).toEqual(expected);
    }
  });
});

describe('image entrypoint of the job response', () => {
  it.each([
    [{ name: 'alpine' }, undefined],
    [{ name: 'alpine', entrypoint: null }, undefined],
    [{ name: 'alpine', entrypoint: [] }, undefined],
    [{ name: 'alpine', entrypoint: [''] }, []],
    [
      { name: 'alpine', entrypoint: ['/bin/sh', '-c', 'exec "$@"', '--'] },
      ['/bin/sh', '-c', 'exec "$@"', '--'],
    ],
  ])('%j -> %j', (image, expected) => {
    expect(parseJobImage(image).entrypoint).toEqual(expected);
  });

  it('refuses an entrypoint that is not a list of strings', () => {
    expect(() => parseJobImage({ name: 'alpine', entrypoint: 'sh' })).toThrow(/image:entrypoint/);
  });
});
