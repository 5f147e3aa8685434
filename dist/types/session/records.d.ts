import type { SessionState } from './types.js';
export declare function isSessionId(text: string): boolean;
export declare function saveSessionRecord(stateDir: string, state: SessionState): Promise<void>;
export declare function loadSessionRecord(stateDir: string, sessionId: string): Promise<SessionState | undefined>;
export declare function removeSessionRecord(stateDir: string, sessionId: string): Promise<void>;
/** Every session record on the host (unreadable ones are skipped). */
export declare function listSessionRecords(stateDir: string): Promise<SessionState[]>;
