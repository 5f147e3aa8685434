/**
 * The DinD container's specification, as the body of the Engine API's POST /containers/create.
 * Pure. Security properties are decided here and only here: never privileged, no engine socket or
 * other host path, no host namespaces, the configured runtime, and resource limits.
 */
import { type CertFileContents } from './cert-files.js';
import type { SessionConfig } from './config.js';
import type { InnerRanges } from './subnets.js';
/** Where the docker:dind contract expects its TLS directory. */
export declare const CERT_DIR_IN_CONTAINER = "/certs";
export declare const DAEMON_TLS_PORT = 2376;
export interface ContainerCreateBody {
    Image: string;
    Hostname?: string;
    Env: string[];
    Cmd?: string[];
    Labels: Record<string, string>;
    StopTimeout?: number;
    HostConfig: {
        Runtime: string;
        Privileged: false;
        NetworkMode: string;
        Mounts: {
            Type: 'volume';
            Source: string;
            Target: string;
        }[];
        Binds?: never;
        PidMode?: never;
        IpcMode?: 'private';
        UTSMode?: never;
        UsernsMode?: never;
        CgroupnsMode?: 'private';
        NanoCpus?: number;
        Memory?: number;
        PidsLimit: number;
        PublishAllPorts: false;
        RestartPolicy: {
            Name: 'no';
        };
        Init?: boolean;
    };
    NetworkingConfig: {
        EndpointsConfig: Record<string, {
            Aliases?: string[];
            IPAMConfig?: {
                IPv4Address: string;
            };
        }>;
    };
}
export interface DaemonSpecInput {
    readonly config: SessionConfig;
    readonly labels: Record<string, string>;
    readonly volumeName: string;
    readonly networkName: string;
    /** Fixed address on a network secure-dind created; undefined on a joined network. */
    readonly daemonIp: string | undefined;
    readonly aliases: readonly string[];
}
export declare function daemonContainerSpec(input: DaemonSpecInput): ContainerCreateBody;
/**
 * How long a job's leftover containers get between SIGTERM and SIGKILL at teardown: the job is over,
 * a second is enough for a well-behaved process to exit, and the rest of the grace period is for
 * dockerd to flush /var/lib/docker. With a stop timeout under 2 s they are killed at once.
 */
export declare function innerContainerStopSeconds(stopTimeoutSeconds: number): number;
/** The inner daemon.json: the user's settings plus the ones secure-dind owns. */
export declare function innerDaemonJson(config: SessionConfig, ranges: InnerRanges, mtu: number): Record<string, unknown>;
/** What makes a container spec unsafe, in words; empty when it is safe. For tests and asserts. */
export declare function unsafeSpecReasons(body: {
    HostConfig?: Record<string, unknown>;
}): string[];
/**
 * What is copied into the DinD container before it starts (extracted at /): the inner daemon.json
 * and the server certificates where the docker:dind contract looks for them. Existing parents keep
 * their usual modes; the server directory and key are private.
 */
export declare function daemonFilesTar(daemonJson: Record<string, unknown>, serverFiles: CertFileContents): Buffer;
