/**
 * A host in memory for the runtime's edge tests: files in a map, programs answering from a table,
 * and an engine answering the few calls runtime makes.
 */
import type { EnginePort } from '../../../src/ports.js';
import type { CommandResult, CommandRunner, HostFiles, RuntimeEdges } from '../../../src/runtime/host.js';

export function memoryFiles(
  initial: Record<string, string>,
): HostFiles & { readonly files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    resolve: (path) => `/memory${path}`,
    read: async (path) => files.get(path),
    write: async (path, text) => void files.set(path, text),
    exists: async (path) => files.has(path),
    remove: async (path) => void files.delete(path),
  };
}

/** Standard output of a success, a whole result, or either decided when the command runs. */
export type Answer = string | CommandResult | (() => string | CommandResult);

/** Answers `argv.join(' ')` from the table; anything else is a missing program (exit 127). */
export function scriptedRunner(answers: Record<string, Answer>): CommandRunner & { readonly ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    async run(argv) {
      const line = argv.join(' ');
      ran.push(line);
      const scripted = answers[line];
      const answer = typeof scripted === 'function' ? scripted() : scripted;
      if (answer === undefined) return { exitCode: 127, stdout: '', stderr: `${argv[0]}: not found` };
      return typeof answer === 'string' ? { exitCode: 0, stdout: answer, stderr: '' } : answer;
    },
  };
}

export interface EngineScript {
  /** The runtimes /info lists, asked anew on every call (an install may add one). */
  runtimes(): Record<string, string>;
  readonly containers?: readonly { id: string; name: string; runtime: string }[];
  readonly uidMap?: string;
  /** Makes every call fail as an unreachable engine does. */
  readonly unreachable?: string;
}

export function scriptedEngine(script: EngineScript): EnginePort & { readonly calls: string[] } {
  const calls: string[] = [];
  const answer = async <T>(call: string, value: () => T): Promise<T> => {
    calls.push(call);
    if (script.unreachable) throw new Error(script.unreachable);
    return value();
  };
  const containers = script.containers ?? [];
  const engine: Partial<EnginePort> = {
    host: 'unix:///memory/docker.sock',
    info: () =>
      answer('info', () => ({
        ServerVersion: '27.3.1',
        Runtimes: Object.fromEntries(
          Object.entries(script.runtimes()).map(([name, path]) => [name, { path }]),
        ),
        SecurityOptions: ['name=seccomp,profile=builtin'],
      })),
    listContainers: () =>
      answer('listContainers', () =>
        containers.map((c) => ({ id: c.id, name: c.name, state: 'running', labels: {}, image: 'busybox' })),
      ),
    inspectContainer: (id) =>
      answer(`inspectContainer ${id}`, () => {
        const found = containers.find((c) => c.id === id);
        return found && ({ id, name: found.name, runtime: found.runtime } as never);
      }),
    inspectNetwork: (name) =>
      answer(`inspectNetwork ${name}`, () => ({
        name,
        id: 'n1',
        subnets: ['172.17.0.0/16'],
        gateways: [],
        mtu: 1500,
        labels: {},
        containers: [],
      })),
    imageExists: (image) => answer(`imageExists ${image}`, () => true),
    runToCompletion: (_name, body) =>
      answer(`runToCompletion ${(body.HostConfig as { Runtime: string }).Runtime}`, () => ({
        statusCode: 0,
        output: script.uidMap ?? '0 0 4294967295\n',
      })),
  };
  return Object.assign(engine as EnginePort, { calls });
}

export function edges(
  parts: Pick<RuntimeEdges, 'runner' | 'files' | 'engine'> & Partial<RuntimeEdges>,
): RuntimeEdges {
  return {
    downloader: {
      download: async () => {
        throw new Error('this test downloads nothing');
      },
    },
    ...parts,
  };
}
