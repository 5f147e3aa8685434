import type { EnginePort, Logger } from '../ports.js';
export declare const HEALTHCHECK_TCP_PORT = "HEALTHCHECK_TCP_PORT";
/** The ports to wait for: HEALTHCHECK_TCP_PORT (any case) alone, else the exposed TCP ports. */
export declare function servicePorts(exposedPorts: readonly string[], variables: Readonly<Record<string, string>>, service: string): number[];
export interface ServiceToWaitFor {
    readonly name: string;
    readonly container: string;
    readonly ports: readonly number[];
}
/** Waits for every service at once; a service that does not come up is reported, not fatal. */
export declare function waitForServices(engine: EnginePort, network: string, services: readonly ServiceToWaitFor[], timeoutSeconds: number, log: Logger, signal?: AbortSignal): Promise<void>;
