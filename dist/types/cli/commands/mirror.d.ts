export declare const mirrorCommand: import("../command.js").CliCommand;
