/**
 * The lint zones in eslint.config.js enforce the layering: each zone refuses a deliberate violation
 * and lets an allowed import through. Linted as text at a path inside the zone (no file is written).
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const RULE = '@typescript-eslint/no-restricted-imports';
/** The first lint loads the TypeScript parser: seconds on a busy machine. */
const LINT_TIMEOUT_MS = 60_000;
const eslint = new ESLint({ cwd: join(import.meta.dirname, '../..') });

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => ({ rule: message.ruleId, text: message.message }));
}

describe('lint zones', () => {
  it.each([
    ['src/core/example.ts', "import { readFile } from 'node:fs/promises';", /src\/core is pure: no I\/O/],
    ['src/core/example.ts', "import { connect } from 'node:net';", /src\/core is pure: no I\/O/],
    ['src/core/example.ts', "import { spawn } from 'child_process';", /src\/core is pure: no I\/O/],
    ['src/core/example.ts', "import Docker from 'dockerode';", /Only src\/engine/],
    ['src/core/example.ts', "import { launch } from '../session/launch.js';", /imports only from src\/core/],
    [
      'src/core/example.ts',
      "import { DEFAULT_ENGINE_HOST } from '../ports.js';",
      /only types from src\/ports/,
    ],
    [
      'src/engine/example.ts',
      "import { launch } from '../session/launch.js';",
      /src\/engine is the Docker adapter/,
    ],
    [
      'src/engine/example.ts',
      "import { ensureRuntime } from '../runtime/ensure.js';",
      /src\/engine is the Docker/,
    ],
    [
      'src/engine/example.ts',
      "import { k8sCommand } from '../cli/commands/k8s.js';",
      /src\/engine is the Docker/,
    ],
    ['src/cli/commands/example.ts', "import { DockerEngine } from '../../engine/docker.js';", /Faces reach/],
    [
      'src/github/example.ts',
      "import { connectEngine } from '../engine/connect.js';",
      /Faces reach the engine/,
    ],
    [
      'src/gitlab/example.ts',
      "import { connectEngine } from '../engine/connect.js';",
      /Faces reach the engine/,
    ],
    ['src/k8s/example.ts', "import { connectEngine } from '../engine/connect.js';", /Faces reach the engine/],
  ])(
    '%s: refuses %s',
    async (filePath, importLine, reason) => {
      const zoneErrors = (await lint(filePath, `${importLine}\n`)).filter((message) => message.rule === RULE);
      expect(zoneErrors).toEqual([{ rule: RULE, text: expect.stringMatching(reason) }]);
    },
    LINT_TIMEOUT_MS,
  );

  it.each([
    ['src/core/example.ts', "import type { Clock } from '../ports.js';\nexport type Used = Clock;"],
    ['src/core/example.ts', "import { LABELS } from './names.js';\nexport const used = LABELS;"],
    ['src/engine/example.ts', "import Docker from 'dockerode';\nexport const used = Docker;"],
    [
      'src/engine/example.ts',
      "import type { EnginePort } from '../ports.js';\nexport type Used = EnginePort;",
    ],
    [
      'src/cli/commands/example.ts',
      "import { connectHostEngine } from '../../session/engine.js';\nexport const used = connectHostEngine;",
    ],
    ['src/gitlab/example.ts', "import { launch } from '../session/launch.js';\nexport const used = launch;"],
  ])(
    '%s: allows %s',
    async (filePath, code) => {
      expect(await lint(filePath, `${code}\n`)).toEqual([]);
    },
    LINT_TIMEOUT_MS,
  );
});
