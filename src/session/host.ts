/** What launch needs to know about the machine it runs on (the runner host or a runner container). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Cidr } from '../core/cidr.js';
import { parseProcNetRoute } from '../core/subnets.js';

/** IPv4 routes of this network namespace (empty where /proc/net/route is unreadable). */
export async function hostRoutes(): Promise<Cidr[]> {
  try {
    return parseProcNetRoute(await readFile('/proc/net/route', 'utf8'));
  } catch {
    return [];
  }
}

/**
 * When this process runs inside a Docker container (a containerised runner), the container's id
 * or name as the engine knows it, so that launch can attach it to the session network.
 */
export async function ownContainerCandidates(): Promise<string[]> {
  if (!existsSync('/.dockerenv')) return [];
  const candidates = new Set<string>();
  try {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    for (const match of mountinfo.matchAll(/\/containers\/([0-9a-f]{64})\//g)) candidates.add(match[1]!);
  } catch {
    // not readable: fall back to the hostname, which Docker sets to the short container id
  }
  candidates.add(hostname());
  return [...candidates];
}

/** Where secure-dind keeps its small host-side records (cache volume last-use times). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SECURE_DIND_STATE_DIR) return env.SECURE_DIND_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/secure-dind';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'secure-dind');
}
