import type { EnginePort, Logger } from '../ports.js';
import { type PullPolicy } from './pull-policy.js';
import { type AuthEntry } from './registry-auth.js';
import { type CredentialHelper } from './registry-credentials.js';
export interface ImagePuller {
    readonly engine: EnginePort;
    readonly authEntries: readonly AuthEntry[];
    readonly helper: CredentialHelper;
    readonly log: Logger;
}
/** Makes `image` available under the first policy that succeeds; `what` names it in messages. */
export declare function ensureImage(puller: ImagePuller, image: string, what: string, policies: readonly PullPolicy[]): Promise<void>;
