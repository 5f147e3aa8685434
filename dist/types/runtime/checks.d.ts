/**
 * What a check is: an id, the facts it looks at, a title, and a pure judgement of those facts into
 * pass, warn or fail with the fix in words. The tables are in host-checks.ts (what doctor shows)
 * and sysbox-checks.ts (what bootstrap verifies after installing).
 */
import type { HostFacts } from './facts.js';
export type CheckStatus = 'pass' | 'warn' | 'fail';
/** A check's result, as doctor and bootstrap show it. */
export interface Check {
    readonly id: string;
    readonly title: string;
    readonly status: CheckStatus;
    readonly detail: string;
    /** What to do about a warn or fail. */
    readonly fix?: string;
}
export type Verdict = Pick<Check, 'status' | 'detail' | 'fix'>;
export interface HostCheck<K extends keyof HostFacts = keyof HostFacts> {
    readonly id: string;
    /** The facts the check is handed; it sees no others. */
    readonly looksAt: readonly K[];
    readonly title: string | ((facts: Pick<HostFacts, K>) => string);
    /** Undefined when there is nothing to judge (e.g. no smoke container ran). */
    judge(facts: Pick<HostFacts, K>): Verdict | undefined;
}
/** Defines a check; its judge (and title) are typed to see only the facts it names. */
export declare function check<K extends keyof HostFacts>(id: string, title: HostCheck<K>['title'], looksAt: readonly K[], judge: HostCheck<K>['judge']): HostCheck;
export declare const pass: (detail: string) => Verdict;
export declare const warn: (detail: string, fix?: string) => Verdict;
export declare const fail: (detail: string, fix: string) => Verdict;
/** Runs a table of checks on the facts, each seeing only what it looks at. */
export declare function runChecks(checks: readonly HostCheck[], facts: HostFacts): Check[];
