/**
 * The daemon container step: the inner daemon's configuration (its networks clear of every outer
 * one) and the session's server certificates go into the container before it starts, so no
 * secret ever passes through its command line or environment.
 */
import type { Cidr } from '../core/cidr.js';
import { SystemError } from '../core/errors.js';
import { withRegistryMirror } from '../core/mirror.js';
import { daemonContainerSpec, daemonFilesTar, innerDaemonJson } from '../core/spec.js';
import { chooseInnerRanges } from '../core/subnets.js';
import { type SessionCerts, serverCertFiles } from '../tls/certs.js';
import type { LaunchContext } from './launch-context.js';
import { type SlotLease, leaseSlot, useClone } from './lease.js';
import type { NetworkPlacement } from './network.js';

/** Creates the daemon container on a leased cache slot, with its files in place; not started. */
export async function createDaemonContainer(
  context: LaunchContext,
  daemon: {
    readonly placement: NetworkPlacement;
    readonly aliases: readonly string[];
    readonly certs: SessionCerts;
    /** Every outer network and route the inner daemon's ranges must avoid. */
    readonly occupied: readonly Cidr[];
    readonly mtu: number;
    /** The host's registry mirror when it answers (undefined: none, or it is down). */
    readonly registryMirror: string | undefined;
    /** Generations mode: the session's clone in the store (else a cache slot is leased). */
    readonly cloneDir: string | undefined;
  },
): Promise<SlotLease> {
  const { config, engine } = context;
  const innerRanges = chooseInnerRanges([...daemon.occupied, daemon.placement.subnet], config.addressPool);
  if (!innerRanges) {
    throw new SystemError('no free IPv4 range for the inner daemon', {
      hint: 'Set the address-pool setting to a range no network on this host uses.',
    });
  }
  const daemonJson = withRegistryMirror(
    {
      ...innerDaemonJson(config, innerRanges, daemon.mtu),
      // A clone keeps files, not btrfs subvolumes: the daemon's btrfs driver (its default on a btrfs
      // store) could not snapshot a cloned layer. overlay2 works on both cloning filesystems.
      ...(daemon.cloneDir ? { 'storage-driver': 'overlay2' } : {}),
    },
    daemon.registryMirror,
  );
  const tar = daemonFilesTar(daemonJson, serverCertFiles(daemon.certs));
  const specFor = ({ volumeName, labels }: { volumeName: string; labels: Record<string, string> }) =>
    daemonContainerSpec({
      config,
      labels,
      volumeName,
      networkName: daemon.placement.networkName,
      daemonIp: daemon.placement.daemonIp,
      aliases: daemon.aliases,
    });
  const lease = daemon.cloneDir
    ? await useClone(context, daemon.cloneDir, specFor)
    : await leaseSlot(context, specFor);
  await engine.putArchive(lease.containerId, '/', tar);
  return lease;
}
