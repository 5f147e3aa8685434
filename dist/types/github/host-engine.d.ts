/**
 * The host engine's client for one piece of a step's work, its sockets closed when that work ends:
 * the step's process then ends by itself, without process.exit() (which would also end GitHub's
 * local-action runner before it runs the post step).
 */
import { type EnginePort, type Logger } from '../ports.js';
export declare function withHostEngine<T>(host: string | undefined, log: Logger | undefined, use: (engine: EnginePort) => Promise<T>): Promise<T>;
