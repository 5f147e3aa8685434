import { type HostCheck } from './checks.js';
import { type HostFacts } from './facts.js';
export declare const sysboxUnits: HostCheck<keyof HostFacts>;
export declare const runtimeIsSysbox: HostCheck<keyof HostFacts>;
export declare const sysboxVersion: HostCheck<keyof HostFacts>;
export declare const VERIFY_CHECKS: readonly HostCheck[];
