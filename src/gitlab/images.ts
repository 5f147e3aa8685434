/**
 * Getting a job's images onto the engine with the Docker executor's semantics: each effective
 * pull policy is tried in order (`never`: only a local image; `if-not-present`: pull when missing;
 * `always`: pull even when present), with the registry credentials chosen for the image. A job's
 * own mistake (a missing image under `never`, an image the registry refuses or does not know) is
 * a build failure naming the image; an engine that cannot be reached is a system failure.
 */
import { SecureDindError, SystemError, describeError } from '../core/errors.js';
import type { EnginePort, Logger } from '../ports.js';
import { type PullPolicy } from './pull-policy.js';
import { type AuthEntry, entryForImage } from './registry-auth.js';
import { type CredentialHelper, entryAuth } from './registry-credentials.js';

export interface ImagePuller {
  readonly engine: EnginePort;
  readonly authEntries: readonly AuthEntry[];
  readonly helper: CredentialHelper;
  readonly log: Logger;
}

/** Registry answers that mean the job named an image it cannot have (not a fault of the host). */
const JOB_SIDE_PULL_ERROR =
  /unauthorized|authentication required|no basic auth credentials|denied|not found|manifest unknown|does not exist|invalid reference|repository name must/i;

class ImageUnavailable extends Error {}

async function tryPolicy(puller: ImagePuller, image: string, policy: PullPolicy): Promise<void> {
  const { engine, log } = puller;
  const present = await engine.imageExists(image);
  if (policy === 'never') {
    if (!present)
      throw new ImageUnavailable(
        `the image is not present on the runner host and pull_policy never forbids pulling it`,
      );
    return;
  }
  if (present && policy === 'if-not-present') {
    log.info(`Using locally found image ${image} due to "if-not-present" pull policy`);
    return;
  }
  const entry = entryForImage(image, puller.authEntries);
  const auth = entry ? await entryAuth(entry, puller.helper, log) : undefined;
  if (auth && entry) log.info(`Authenticating with credentials from ${entry.source}`);
  log.info(`Pulling docker image ${image} ...`);
  try {
    await engine.pullImage(image, auth);
  } catch (error) {
    const message = describeError(error);
    if (JOB_SIDE_PULL_ERROR.test(message)) throw new ImageUnavailable(message);
    throw error;
  }
}

/** Makes `image` available under the first policy that succeeds; `what` names it in messages. */
export async function ensureImage(
  puller: ImagePuller,
  image: string,
  what: string,
  policies: readonly PullPolicy[],
): Promise<void> {
  puller.log.info(`Using effective pull policy of [${policies.join(' ')}] for ${what} ${image}`);
  let last: unknown;
  for (const [index, policy] of policies.entries()) {
    if (index > 0) puller.log.info(`Attempt #${index + 1}: Trying "${policy}" pull policy`);
    try {
      await tryPolicy(puller, image, policy);
      return;
    } catch (error) {
      last = error;
      puller.log.warn(`Failed to get ${what} ${image} with pull policy "${policy}": ${describeError(error)}`);
    }
  }
  const summary = `failed to get the ${what} ${image} with pull policies [${policies.join(', ')}]: ${describeError(last)}`;
  if (last instanceof ImageUnavailable) {
    throw new SecureDindError('bad-input', summary, {
      hint: 'Check the image name, its pull_policy, and the registry credentials (DOCKER_AUTH_CONFIG) of the job.',
    });
  }
  throw new SystemError(summary, {
    cause: last,
    hint: 'Check the Docker engine and the registry access of the runner host.',
  });
}
