import { DockerEngine } from '../engine/docker.js';
import type { DockerProbe } from './host.js';
export declare function createDockerProbe(engine?: DockerEngine): DockerProbe;
