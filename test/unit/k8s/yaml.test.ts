/** The YAML emitter, read back by the tests' YAML reader: what was written is what is read. */
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../../src/k8s/yaml.js';
import { parseYaml } from '../../support/mini-yaml.js';

describe('toYaml', () => {
  it('quotes what YAML would read as something else and keeps nesting', () => {
    const doc = {
      plain: 'sysbox-runc',
      ambiguous: ['yes', 'no', 'on', 'true', 'null', '1.0', '0755', ''],
      special: 'a: b # c',
      nested: {
        list: [
          { name: 'x', value: '1' },
          { name: 'y', items: ['p', 'q'] },
        ],
        empty: [],
        none: {},
      },
      text: 'line one\nline "two"\n',
    };
    const text = toYaml(doc, ['a comment']);
    expect(text.startsWith('# a comment\n')).toBe(true);
    expect(text).toContain('- "yes"');
    expect(parseYaml(text)).toEqual(doc);
  });

  it('writes numbers and booleans as YAML numbers and booleans', () => {
    expect(toYaml({ hostUsers: false, grace: 55 })).toBe('hostUsers: false\ngrace: 55\n');
  });
});
