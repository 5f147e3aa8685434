/**
 * The host engine's client for one piece of a step's work, its sockets closed when that work ends:
 * the step's process then ends by itself, without process.exit() (which would also end GitHub's
 * local-action runner before it runs the post step).
 */
import { DEFAULT_ENGINE_HOST, type EnginePort, type Logger } from '../ports.js';
import { connectHostEngine } from '../session/engine.js';

export async function withHostEngine<T>(
  host: string | undefined,
  log: Logger | undefined,
  use: (engine: EnginePort) => Promise<T>,
): Promise<T> {
  const engine = connectHostEngine(host ?? DEFAULT_ENGINE_HOST, log);
  try {
    return await use(engine);
  } finally {
    engine.close();
  }
}
