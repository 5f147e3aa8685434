import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_DOCS, SETTING_NAMES } from '../../../src/core/config.js';

const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

describe('README', () => {
  it('documents every session setting', () => {
    const missing = SETTING_NAMES.filter((setting) => !readme.includes(`\`${setting}\``));
    expect(missing).toEqual([]);
  });

  it('states the real defaults', () => {
    for (const setting of SETTING_NAMES) {
      const { default: value } = SETTING_DOCS[setting];
      if (value === undefined || ['cpus', 'memory', 'pids-limit'].includes(setting)) continue;
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting}\``));
      expect(row, `README row for ${setting}`).toBeDefined();
      expect(row).toContain(`\`${value}\``);
    }
  });
});
