/** Names and labels of everything secure-dind creates. Pure. */
import { createHash, randomBytes } from 'node:crypto';

export const LABEL_PREFIX = 'dev.secure-dind';
export const LABELS = {
  owner: `${LABEL_PREFIX}.owner`,
  session: `${LABEL_PREFIX}.session`,
  job: `${LABEL_PREFIX}.job`,
  cacheKey: `${LABEL_PREFIX}.cache-key`,
  cacheSlot: `${LABEL_PREFIX}.cache-slot`,
  createdAt: `${LABEL_PREFIX}.created-at`,
  deadline: `${LABEL_PREFIX}.deadline`,
  role: `${LABEL_PREFIX}.role`,
  /** The session's client certificate directory on the launching host (removed with the session). */
  certDir: `${LABEL_PREFIX}.cert-dir`,
  /** Spare session networks: the state dir (hashed) whose launches may lease them, and their MTU. */
  pool: `${LABEL_PREFIX}.pool`,
  mtu: `${LABEL_PREFIX}.mtu`,
  /** A session's clone: the store, scope and helper image its teardown commits or discards with. */
  generation: `${LABEL_PREFIX}.generation`,
} as const;
export const OWNER = 'secure-dind';

/** What a labelled resource is for. */
export type ResourceRole =
  | 'daemon'
  | 'network'
  | 'spare-network'
  | 'cache'
  | 'scratch'
  | 'work'
  | 'job'
  | 'helper'
  | 'service'
  | 'mirror';

export function newSessionId(): string {
  return randomBytes(6).toString('hex');
}

/** A short, name-safe digest of a cache key (keys may hold characters names may not). */
export function cacheKeyDigest(cacheKey: string): string {
  return createHash('sha256').update(cacheKey).digest('hex').slice(0, 12);
}

/** The daemon container is named after its cache slot: the name is the slot's lease. */
export function daemonContainerName(cacheKey: string, slot: number): string {
  return `secure-dind-${cacheKeyDigest(cacheKey)}-${slot}`;
}

export function cacheVolumeName(cacheKey: string, slot: number): string {
  return `secure-dind-cache-${cacheKeyDigest(cacheKey)}-${slot}`;
}

/** Without caching, no lease is needed: the container and its scratch volume are per session. */
export function uncachedContainerName(sessionId: string): string {
  return `secure-dind-nocache-${sessionId}`;
}

/** In generations mode a session runs on its own clone: no slot to lease. */
export function generationContainerName(sessionId: string): string {
  return `secure-dind-gen-${sessionId}`;
}

/** The session's clone of its scope's generation, as a volume over the store's directory. */
export function workVolumeName(sessionId: string): string {
  return `secure-dind-work-${sessionId}`;
}

export function scratchVolumeName(sessionId: string): string {
  return `secure-dind-scratch-${sessionId}`;
}

export function sessionNetworkName(sessionId: string): string {
  return `secure-dind-net-${sessionId}`;
}

export interface LabelInput {
  readonly sessionId: string;
  readonly role: ResourceRole;
  readonly jobId?: string;
  readonly cacheKey?: string;
  readonly cacheSlot?: number;
  readonly createdAt: Date;
  readonly deadline?: Date;
}

export function resourceLabels(input: LabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [LABELS.owner]: OWNER,
    [LABELS.session]: input.sessionId,
    [LABELS.role]: input.role,
    [LABELS.createdAt]: input.createdAt.toISOString(),
  };
  if (input.deadline) labels[LABELS.deadline] = input.deadline.toISOString();
  if (input.jobId) labels[LABELS.job] = input.jobId;
  if (input.cacheKey !== undefined) labels[LABELS.cacheKey] = input.cacheKey;
  if (input.cacheSlot !== undefined) labels[LABELS.cacheSlot] = String(input.cacheSlot);
  return labels;
}

/** A cache volume belongs to its key and slot, not to the session that happened to create it. */
export function cacheVolumeLabels(cacheKey: string, slot: number, createdAt: Date): Record<string, string> {
  return {
    [LABELS.owner]: OWNER,
    [LABELS.role]: 'cache',
    [LABELS.cacheKey]: cacheKey,
    [LABELS.cacheSlot]: String(slot),
    [LABELS.createdAt]: createdAt.toISOString(),
  };
}

/** A resource is an orphan once its deadline has passed; one without a readable deadline never is. */
export function isPastDeadline(labels: Readonly<Record<string, string>> | undefined, now: Date): boolean {
  const deadline = labels?.[LABELS.deadline];
  if (!deadline) return false;
  const time = Date.parse(deadline);
  return Number.isFinite(time) && time < now.getTime();
}
