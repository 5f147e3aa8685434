/**
 * Where the driver's settings come from: a JSON file and SECURE_DIND_<NAME> variables. Values stay
 * text here, each with the name the administrator wrote it under (for error messages); settings.ts
 * gives them meaning.
 */
import { readFileSync } from 'node:fs';
import { settingEnvName } from '../core/config.js';
import { BadInputError } from '../core/errors.js';

export interface SettingSource {
  readonly value: string;
  readonly displayName: string;
}

/** The file's settings; `origin` says where its path came from (an option or a variable). */
export function settingsFromFile<Name extends string>(
  path: string,
  origin: string,
  names: readonly Name[],
): Map<Name, SettingSource> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BadInputError(
      `configuration file (${origin})`,
      path,
      `a readable JSON file (${(error as Error).message})`,
    );
  }
  return parseFile(text, path, names);
}

/** The settings set (not blank) in the environment. */
export function settingsFromEnv<Name extends string>(
  env: NodeJS.ProcessEnv,
  names: readonly Name[],
): Map<Name, SettingSource> {
  const sources = new Map<Name, SettingSource>();
  for (const name of names) {
    const value = env[settingEnvName(name)];
    if (value !== undefined && value.trim() !== '')
      sources.set(name, { value, displayName: settingEnvName(name) });
  }
  return sources;
}

function parseFile<Name extends string>(
  text: string,
  path: string,
  names: readonly Name[],
): Map<Name, SettingSource> {
  const accepted = `a JSON object with keys among ${names.join(', ')}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInputError(`configuration file ${path}`, text, accepted);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadInputError(`configuration file ${path}`, text, accepted);
  }
  const result = new Map<Name, SettingSource>();
  for (const [key, value] of Object.entries(parsed)) {
    const displayName = `"${key}" in ${path}`;
    if (!(names as readonly string[]).includes(key)) {
      throw new BadInputError(displayName, JSON.stringify(value), `a known setting (${names.join(', ')})`);
    }
    let textValue: string;
    if (typeof value === 'string') textValue = value;
    else if (typeof value === 'number' || typeof value === 'boolean') textValue = String(value);
    else if (
      (key === 'dind-images' || key.endsWith('pull-policies') || key === 'pull-policy') &&
      Array.isArray(value) &&
      value.every((v) => typeof v === 'string')
    )
      textValue = value.join(',');
    else if (key === 'daemon-config' && value !== null && typeof value === 'object')
      textValue = JSON.stringify(value);
    else if (value === null) continue;
    else throw new BadInputError(displayName, JSON.stringify(value), 'a string, number or boolean');
    result.set(key as Name, { value: textValue, displayName });
  }
  return result;
}
