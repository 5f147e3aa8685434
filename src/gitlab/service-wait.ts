/**
 * Waiting for services before the job starts, as the Docker executor does: a service is up once
 * one of its ports accepts a TCP connection; the ports are the image's exposed TCP ports (the 20
 * lowest), or only HEALTHCHECK_TCP_PORT when the service's variables set it. When the wait times
 * out the job still runs, after a warning carrying the service's own logs. The driver connects
 * from the runner host to the service's address on the job's network (it runs on the engine's host).
 */
import { connect } from 'node:net';
import { BadInputError } from '../core/errors.js';
import { RetryTimeout, retry } from '../core/retry.js';
import type { EnginePort, Logger } from '../ports.js';

export const HEALTHCHECK_TCP_PORT = 'HEALTHCHECK_TCP_PORT';
const MAX_PORTS = 20;

/** The ports to wait for: HEALTHCHECK_TCP_PORT (any case) alone, else the exposed TCP ports. */
export function servicePorts(
  exposedPorts: readonly string[],
  variables: Readonly<Record<string, string>>,
  service: string,
): number[] {
  const override = Object.entries(variables).find(([key]) => key.toUpperCase() === HEALTHCHECK_TCP_PORT);
  if (override) {
    const port = Number(override[1]);
    if (!/^\d+$/.test(override[1].trim()) || port < 1 || port > 65535) {
      throw new BadInputError(
        `${HEALTHCHECK_TCP_PORT} of service ${service}`,
        override[1],
        'a TCP port number (1-65535)',
      );
    }
    return [port];
  }
  return exposedPorts
    .map((key) => /^(\d+)(?:\/(\w+))?$/.exec(key))
    .filter((match): match is RegExpExecArray => match !== null && (match[2] ?? 'tcp') === 'tcp')
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b)
    .slice(0, MAX_PORTS);
}

export interface ServiceToWaitFor {
  readonly name: string;
  readonly container: string;
  readonly ports: readonly number[];
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** The service has no address yet, or none of its ports accepts a connection. */
class NotAcceptingYet extends Error {}

async function waitForOne(
  engine: EnginePort,
  network: string,
  service: ServiceToWaitFor,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  try {
    await retry(
      async () => {
        const address = (await engine.inspectContainer(service.container))?.networks[network]?.IPAddress;
        if (!address) throw new NotAcceptingYet();
        const connected = await Promise.all(service.ports.map((port) => tryConnect(address, port)));
        if (!connected.some(Boolean)) throw new NotAcceptingYet();
      },
      {
        timeoutMs,
        initialDelayMs: 1000,
        factor: 1,
        maxDelayMs: 1000,
        shouldRetry: (error) => error instanceof NotAcceptingYet,
        signal,
      },
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof RetryTimeout)) throw error;
    return `service ${service.name} did not accept a TCP connection on port ${service.ports.join(', ')} within ${Math.round(timeoutMs / 1000)} s`;
  }
}

/** Waits for every service at once; a service that does not come up is reported, not fatal. */
export async function waitForServices(
  engine: EnginePort,
  network: string,
  services: readonly ServiceToWaitFor[],
  timeoutSeconds: number,
  log: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const waited = services.filter((service) => service.ports.length > 0);
  for (const service of services.filter((s) => s.ports.length === 0)) {
    log.info(
      `Service ${service.name} exposes no TCP port and sets no ${HEALTHCHECK_TCP_PORT}: not waited for`,
    );
  }
  if (timeoutSeconds <= 0 || waited.length === 0) return;
  log.info(`Waiting for services to be up and running (timeout ${timeoutSeconds} seconds)...`);
  await Promise.all(
    waited.map(async (service) => {
      const failure = await waitForOne(engine, network, service, timeoutSeconds * 1000, signal);
      if (failure === undefined) return;
      const logs = await engine
        .containerLogs(service.container, 200)
        .catch((error: unknown) => `(no logs: ${String(error)})`);
      log.warn(
        [
          `*** WARNING: Service ${service.name} probably didn't start properly.`,
          '',
          'Health check error:',
          failure,
          '',
          'Service container logs:',
          logs.trimEnd(),
          '',
          '*********',
        ].join('\n'),
      );
    }),
  );
}
