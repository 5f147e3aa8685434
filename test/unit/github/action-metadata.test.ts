/**
 * action.yml, the inputs module, the README and the example workflow describe the same interface:
 * every declared input is read and documented, nothing undeclared is read, defaults agree with the
 * core's, and workflows pass only declared inputs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_DOCS } from '../../../src/core/config.js';
import {
  ACTION_INPUTS,
  ACTION_ONLY_DEFAULTS,
  ACTION_ONLY_INPUTS,
  ACTION_OUTPUTS,
  SETTING_INPUTS,
  getActionInputs,
} from '../../../src/github/inputs.js';
import { readActionMetadata } from '../../support/github-runner.js';
import { type YamlValue, parseYaml } from '../../support/mini-yaml.js';

const action = readActionMetadata('action.yml');
const readme = readFileSync('README.md', 'utf8');
const section = /<!-- github-action:start -->([\s\S]*?)<!-- github-action:end -->/.exec(readme)?.[1] ?? '';

/** Rows of the Markdown table whose header starts with `| <first> |`, as cells. */
function tableRows(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(l));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string): string => (cell === '(empty)' ? '' : cell.replace(/^`|`$/g, ''));

describe('action.yml', () => {
  it('runs on node24 with a post step that always runs', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/main.js',
      post: 'dist/post.js',
      'post-if': 'always()',
    });
  });

  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ACTION_INPUTS].sort());
  });

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...ACTION_OUTPUTS].sort());
  });

  it('gives every input a description and a default, and every output a description', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\S{3}/);
      expect(typeof input.default, name).toBe('string');
      expect(input.required ?? 'false', name).toBe('false');
    }
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.description, name).toMatch(/\S{3}/);
  });

  it("states the core's defaults for settings (the cache key's default is derived, so empty)", () => {
    for (const name of SETTING_INPUTS) {
      const expected = name === 'cache-key' ? '' : (SETTING_DOCS[name].default ?? '');
      expect(action.inputs[name]?.default, name).toBe(expected);
    }
    for (const name of ACTION_ONLY_INPUTS)
      expect(action.inputs[name]?.default, name).toBe(ACTION_ONLY_DEFAULTS[name]);
  });

  it('has its defaults accepted by the input parser', () => {
    const env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/app' };
    for (const [name, input] of Object.entries(action.inputs))
      env[`INPUT_${name.toUpperCase()}`] = input.default;
    expect(() => getActionInputs(env)).not.toThrow();
  });

  it('is read in full by the input parser, and nothing else is', () => {
    const read = new Set<string>();
    const env = new Proxy({ GITHUB_REPOSITORY: 'acme/app' } as NodeJS.ProcessEnv, {
      get(target, key) {
        if (typeof key === 'string' && key.startsWith('INPUT_')) read.add(key);
        return Reflect.get(target, key);
      },
    });
    getActionInputs(env);
    const declared = Object.keys(action.inputs).map(
      (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
    );
    expect([...read].sort()).toEqual(declared.sort());
  });

  it('is read only through the inputs module (no other source reads INPUT_ variables or getInput)', async () => {
    const { readdirSync } = await import('node:fs');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && path !== 'src/github/inputs.ts' && path !== 'src/github/io.ts') {
          if (/INPUT_|getInput\(|getBooleanInput\(/.test(readFileSync(path, 'utf8'))) offenders.push(path);
        }
      }
    };
    walk('src/github');
    expect(offenders).toEqual([]);
  });
});

describe('README GitHub Action section', () => {
  it('documents every input with its default, and nothing undeclared', () => {
    const rows = tableRows(section, 'Input');
    const documented = Object.fromEntries(rows.map(([name, def]) => [unquote(name!), unquote(def!)]));
    expect(Object.keys(documented).sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, input] of Object.entries(action.inputs))
      expect(documented[name], name).toBe(input.default);
  });

  it('documents every output, and nothing undeclared', () => {
    const documented = tableRows(section, 'Output').map(([name]) => unquote(name!));
    expect(documented.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('passes only declared inputs in its examples', () => {
    for (const block of section.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      for (const step of stepsUsing(parseYaml(dedent(block[1]!)), 'nestybox/secure-dind@v1')) {
        for (const key of Object.keys(step.with ?? {}))
          expect(action.inputs, `README example input ${key}`).toHaveProperty([key]);
      }
    }
  });
});

describe('.github/workflows/ci.yml', () => {
  const workflow = parseYaml(readFileSync('.github/workflows/ci.yml', 'utf8')) as Record<string, YamlValue>;

  it('uses this repository’s action on a self-hosted Linux runner with Sysbox', () => {
    const jobs = Object.values(workflow.jobs as Record<string, Record<string, YamlValue>>);
    const using = jobs.filter((job) => stepsUsing(job, './').length > 0);
    expect(using.length).toBeGreaterThan(0);
    for (const job of using)
      expect(job['runs-on']).toEqual(expect.arrayContaining(['self-hosted', 'linux', 'sysbox']));
  });

  it('passes only declared inputs, with values the input parser accepts', () => {
    const steps = stepsUsing(workflow, './');
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      const env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/app' };
      for (const [key, value] of Object.entries(step.with ?? {})) {
        expect(action.inputs, `workflow input ${key}`).toHaveProperty([key]);
        // Expressions are evaluated by the runner; stand in a plain value for them.
        env[`INPUT_${key.toUpperCase()}`] = String(value).replace(/\$\{\{[^}]*\}\}/g, 'x');
      }
      expect(() => getActionInputs(env)).not.toThrow();
    }
  });

  it('refers only to declared outputs of the action step', () => {
    const text = readFileSync('.github/workflows/ci.yml', 'utf8');
    for (const match of text.matchAll(/steps\.dind\.outputs\.([\w-]+)/g)) {
      expect(action.outputs).toHaveProperty([match[1]!]);
    }
  });
});

interface Step {
  uses?: string;
  with?: Record<string, YamlValue>;
}

/** Every step (anywhere in the document) whose `uses:` is `uses`. */
function stepsUsing(node: YamlValue | undefined, uses: string): Step[] {
  if (node === null || node === undefined || typeof node === 'string') return [];
  if (Array.isArray(node)) return node.flatMap((item) => stepsUsing(item, uses));
  const here = node.uses === uses ? [node as Step] : [];
  return [...here, ...Object.values(node).flatMap((value) => stepsUsing(value, uses))];
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  return lines.map((l) => l.slice(indent)).join('\n');
}
