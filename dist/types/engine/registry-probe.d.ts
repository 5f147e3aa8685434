/** Resolves to undefined when the registry answers 200 or 401 (it wants a token), else to why not. */
export declare function registryProblem(baseUrl: string, timeoutMs: number): Promise<string | undefined>;
