/** `secure-dind mirror up|down|status|gc`: the per-host pull-through registry mirror. */
import { BadInputError } from '../../core/errors.js';
import {
  DEFAULT_MIRROR_BUDGET,
  DEFAULT_MIRROR_IMAGE,
  DEFAULT_MIRROR_PORT,
  DEFAULT_UPSTREAM,
  parseMirrorOptions,
} from '../../core/mirror.js';
import { formatBytes } from '../../core/units.js';
import { DEFAULT_ENGINE_HOST } from '../../ports.js';
import { connectHostEngine } from '../../session/engine.js';
import {
  type MirrorStatus,
  mirrorDown,
  mirrorGc,
  mirrorStatus,
  mirrorUp,
} from '../../session/mirror-service.js';
import { command, parseOptions, printJson, stderrLogger } from '../io.js';

const USAGE = `Usage: secure-dind mirror up|down|status|gc [options]

Runs one pull-through registry mirror per Docker engine (Debian's distribution registry in proxy
mode, image built from mirror-image/), on its own network, restarted with the engine. Sessions use
it with the setting registry-mirror=auto; a mirror that does not answer is skipped with a warning.

  up       start it (a running mirror with the same settings is left as it is)
    --upstream URL         registry to pull through from (default ${DEFAULT_UPSTREAM})
    --storage-budget SIZE  what the cache may take; see status and gc (default ${DEFAULT_MIRROR_BUDGET})
    --listen IP:PORT       host address to publish on (default: its network's gateway, port ${DEFAULT_MIRROR_PORT})
    --image IMAGE          the mirror image (default ${DEFAULT_MIRROR_IMAGE})
  down     remove it and its network (idempotent); --purge removes the cache volume too
  status   state, upstream, storage used against the budget (exit 1 unless running, answering, within budget)
  gc       empty the cache when it is over budget (run it from a timer; the proxy also expires
           what it fetched after 7 days)

  --engine-host HOST   Docker engine (default ${DEFAULT_ENGINE_HOST}; env SECURE_DIND_ENGINE_HOST)
  --json               print the status as JSON
  --verbose            debug output`;

const ACTIONS = ['up', 'down', 'status', 'gc'] as const;

export const mirrorCommand = command({
  name: 'mirror',
  summary: 'run, remove or inspect the per-host pull-through registry mirror',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new BadInputError('mirror action', action ?? '', ACTIONS.join(', '));
    }
    const values = parseOptions(`mirror ${action}`, rest, {
      upstream: { type: 'string' },
      'storage-budget': { type: 'string' },
      listen: { type: 'string' },
      image: { type: 'string' },
      purge: { type: 'boolean' },
      'engine-host': { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    });
    const log = stderrLogger(io, values.verbose === true);
    const engine = connectHostEngine(
      values['engine-host'] ?? io.env.SECURE_DIND_ENGINE_HOST ?? DEFAULT_ENGINE_HOST,
      log,
    );
    try {
      if (action === 'down') {
        for (const line of await mirrorDown(engine, values.purge === true))
          io.stderr.write(`removed ${line}\n`);
        return 0;
      }
      const status =
        action === 'up'
          ? await mirrorUp(
              engine,
              parseMirrorOptions({
                upstream: values.upstream,
                storageBudget: values['storage-budget'],
                listen: values.listen,
                image: values.image,
              }),
              log,
            )
          : action === 'gc'
            ? await mirrorGc(engine, log)
            : await mirrorStatus(engine);
      if (values.json) printJson(io, status);
      else io.stdout.write(renderStatus(status));
      return healthy(status) ? 0 : 1;
    } finally {
      engine.close();
    }
  },
});

function healthy(status: MirrorStatus): boolean {
  return status.state === 'running' && status.problem === undefined && !status.overBudget;
}

function renderStatus(status: MirrorStatus): string {
  const used = status.usedBytes === undefined ? 'unknown' : formatBytes(status.usedBytes);
  const budget = status.budgetBytes === undefined ? '' : ` of ${formatBytes(status.budgetBytes)}`;
  const lines = [
    `state     ${status.state}${status.problem ? ` (not answering: ${status.problem})` : ''}`,
    ...(status.url ? [`url       ${status.url}`] : []),
    ...(status.upstream ? [`upstream  ${status.upstream}`] : []),
    `storage   ${used}${budget}${status.overBudget ? ' (over budget: run secure-dind mirror gc)' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
