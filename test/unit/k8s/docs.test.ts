/** docs/kubernetes.md documents every Kubernetes option with its real default; README links it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K8S_OPTION_DOCS, K8S_OPTION_NAMES } from '../../../src/k8s/options.js';

const root = join(import.meta.dirname, '../../..');
const guide = readFileSync(join(root, 'docs/kubernetes.md'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('docs/kubernetes.md', () => {
  it.each(K8S_OPTION_NAMES)('has a row for --%s with its default', (name) => {
    const row = guide.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    expect(row, `row for ${name}`).toBeDefined();
    const fallback = K8S_OPTION_DOCS[name].default;
    if (fallback !== undefined) expect(row).toContain(`\`${fallback}\``);
  });

  it('is linked from the README, whose faces table has the Kubernetes row', () => {
    expect(readme).toContain('(docs/kubernetes.md)');
    expect(readme).toMatch(/^\| Kubernetes +\|.*secure-dind k8s render/m);
  });
});
