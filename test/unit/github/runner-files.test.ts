/**
 * The test runner's file-command parser reads what @actions/core really writes (both the
 * `NAME=VALUE` form and the `NAME<<DELIMITER` heredoc form), so integration tests see what GitHub's
 * runner would see.
 */
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFileCommands } from '../../support/github-runner.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function files(): Record<'env' | 'output' | 'state', string> {
  const dir = mkdtempSync(join(tmpdir(), 'sd-files-'));
  const out = { env: join(dir, 'env'), output: join(dir, 'output'), state: join(dir, 'state') };
  for (const file of Object.values(out)) writeFileSync(file, '');
  process.env.GITHUB_ENV = out.env;
  process.env.GITHUB_OUTPUT = out.output;
  process.env.GITHUB_STATE = out.state;
  return out;
}

describe('runner file commands', () => {
  it('reads back what @actions/core writes, multi-line values and "=" included', () => {
    const paths = files();
    const values = { A: 'plain', B: 'with = equals', C: 'two\nlines', D: '' };
    for (const [name, value] of Object.entries(values)) {
      core.exportVariable(name, value);
      core.setOutput(name.toLowerCase(), value);
      core.saveState(name, value);
    }
    expect(Object.fromEntries(parseFileCommands(readFileSync(paths.env, 'utf8')))).toEqual(values);
    expect(Object.fromEntries(parseFileCommands(readFileSync(paths.state, 'utf8')))).toEqual(values);
    const outputs = Object.fromEntries(parseFileCommands(readFileSync(paths.output, 'utf8')));
    expect(outputs).toEqual(Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v])));
  });

  it('reads the simple form and keeps every entry in order', () => {
    expect(parseFileCommands('X=1\nY<<EOF\na\nb\nEOF\nX=2\n')).toEqual([
      ['X', '1'],
      ['Y', 'a\nb'],
      ['X', '2'],
    ]);
  });

  it('rejects what the runner rejects', () => {
    expect(() => parseFileCommands('no separator\n')).toThrow();
    expect(() => parseFileCommands('Y<<EOF\nnever closed\n')).toThrow();
    expect(() => parseFileCommands('=value\n')).toThrow();
  });
});
