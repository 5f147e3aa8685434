/** The product version, reported by the CLI, the GitLab driver and the Action's summary. */
export declare const VERSION = "0.1.0";
