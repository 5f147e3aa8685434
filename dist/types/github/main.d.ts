/** ensureRuntime logs its warning and returns it as well; runMain shows the returned one. */
export declare function run(): Promise<void>;
