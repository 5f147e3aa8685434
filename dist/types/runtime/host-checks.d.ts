import { type Check, type HostCheck } from './checks.js';
import { type HostFacts } from './facts.js';
export declare const HOST_CHECKS: readonly HostCheck[];
/** Judges host facts against what secure-dind needs (doctor's table). */
export declare function evaluateHost(facts: HostFacts): Check[];
