/**
 * The Kubernetes-only settings of `secure-dind k8s render` (the session settings come from the
 * core parser). Parsed once into a typed object; a bad value is a BadInputError naming the option.
 */
import { BadInputError } from '../core/errors.js';
import { IMAGE_FORM, parseImageRef } from '../core/image-ref.js';
import { SIZE_FORM, parseSize, parseWholeNumber } from '../core/units.js';

export type CacheVolumeMode = 'claim' | 'ephemeral';
export type UsernsMode = 'host-users' | 'cri-o';
export type ListenMode = 'loopback' | 'pod';

export interface K8sOptions {
  /** The CI runner's image (ARC's runner container). */
  readonly runnerImage: string;
  /** User id the runner's job runs as: the only one that may read the client key. */
  readonly runnerUid: number;
  /** `claim`: one pre-made PersistentVolumeClaim whose slots outlive pods; `ephemeral`: per pod. */
  readonly cacheVolume: CacheVolumeMode;
  readonly cacheClaim: string;
  /** Storage class of the cache claim; undefined: the cluster's default class. */
  readonly storageClass: string | undefined;
  /** Requested size of one cache claim in bytes; undefined: derived from the cache budget. */
  readonly cacheVolumeSize: number | undefined;
  readonly userns: UsernsMode;
  /** `loopback`: only containers of the pod reach the daemon; `pod`: the pod IP too (mTLS still). */
  readonly listen: ListenMode;
  readonly githubConfigUrl: string;
  readonly githubConfigSecret: string;
}

export const K8S_OPTION_NAMES = [
  'runner-image',
  'runner-uid',
  'cache-volume',
  'cache-claim',
  'storage-class',
  'cache-volume-size',
  'userns',
  'listen',
  'github-config-url',
  'github-config-secret',
] as const;
export type K8sOptionName = (typeof K8S_OPTION_NAMES)[number];

export const K8S_OPTION_DOCS: Record<K8sOptionName, { description: string; default: string | undefined }> = {
  'runner-image': {
    description: "ARC runner container's image",
    default: 'ghcr.io/actions/actions-runner:latest',
  },
  'runner-uid': { description: 'user id of the job (the only reader of the client key)', default: '1001' },
  'cache-volume': {
    description: 'claim: a pre-made PersistentVolumeClaim kept across pods; ephemeral: one per pod',
    default: 'claim',
  },
  'cache-claim': { description: 'name of the cache PersistentVolumeClaim', default: 'secure-dind-cache' },
  'storage-class': {
    description: 'storage class of cache claims; unset: the default class',
    default: undefined,
  },
  'cache-volume-size': {
    description: 'size requested for a cache claim; unset: cache-slots x cache-max-size x 1.25',
    default: undefined,
  },
  userns: {
    description: 'host-users: hostUsers false (containerd 2.0.5+); cri-o: the CRI-O userns annotation',
    default: 'host-users',
  },
  listen: {
    description: 'loopback: only the pod reaches the daemon; pod: also the pod IP (still mutual TLS)',
    default: 'loopback',
  },
  'github-config-url': {
    description: 'ARC githubConfigUrl',
    default: 'https://github.com/YOUR-ORG',
  },
  'github-config-secret': {
    description: 'ARC githubConfigSecret (a Secret with the GitHub App or token)',
    default: 'arc-github-secret',
  },
};

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

export function parseK8sOptions(raw: Partial<Record<K8sOptionName, string>>): K8sOptions {
  const value = (name: K8sOptionName): string | undefined => {
    const text = raw[name]?.trim();
    return text === undefined || text === '' ? K8S_OPTION_DOCS[name].default : text;
  };
  const fail = (name: K8sOptionName, accepted: string): never => {
    throw new BadInputError(`option --${name}`, value(name) ?? '', accepted);
  };
  const oneOf = <T extends string>(name: K8sOptionName, choices: readonly T[]): T => {
    const v = value(name) as T;
    return choices.includes(v) ? v : fail(name, choices.join(' or '));
  };
  const matching = (name: K8sOptionName, pattern: RegExp, accepted: string): string => {
    const v = value(name) ?? '';
    return pattern.test(v) ? v : fail(name, accepted);
  };

  const runnerImage = value('runner-image') ?? '';
  if (!parseImageRef(runnerImage)) fail('runner-image', IMAGE_FORM);
  const uid = parseWholeNumber(value('runner-uid') ?? '');
  if (uid === undefined || uid > 2_147_483_647) fail('runner-uid', 'a numeric user id such as 1001');
  const sizeText = value('cache-volume-size');
  const cacheVolumeSize = sizeText === undefined ? undefined : parseSize(sizeText);
  if (sizeText !== undefined && (cacheVolumeSize === undefined || cacheVolumeSize < 1024 ** 3)) {
    fail('cache-volume-size', `${SIZE_FORM}, at least 1GiB`);
  }
  const storageClass = value('storage-class');
  return {
    runnerImage,
    runnerUid: uid!,
    cacheVolume: oneOf('cache-volume', ['claim', 'ephemeral'] as const),
    cacheClaim: matching(
      'cache-claim',
      DNS_SUBDOMAIN,
      'a Kubernetes object name (lower case, digits, - and .)',
    ),
    storageClass:
      storageClass === undefined
        ? undefined
        : matching('storage-class', DNS_SUBDOMAIN, 'a storage class name (lower case, digits, - and .)'),
    cacheVolumeSize,
    userns: oneOf('userns', ['host-users', 'cri-o'] as const),
    listen: oneOf('listen', ['loopback', 'pod'] as const),
    githubConfigUrl: matching(
      'github-config-url',
      /^https:\/\/\S+$/,
      'an https:// URL of an org, repo or enterprise',
    ),
    githubConfigSecret: matching(
      'github-config-secret',
      DNS_LABEL,
      'a Secret name (lower case, digits and -)',
    ),
  };
}
