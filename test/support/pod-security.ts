/**
 * Kubernetes Pod Security Standards, "baseline" level, as checks on a PodSpec: what makes a pod
 * privileged in the standard's sense. Returns the violations in words; empty when none.
 * Source: the baseline controls of kubernetes.io/docs/concepts/security/pod-security-standards.
 */
type Obj = Record<string, unknown>;

/** Capabilities baseline allows a container to add. secure-dind adds none. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

export function baselineViolations(spec: Obj, annotations: Record<string, string> = {}): string[] {
  const problems: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field] === true) problems.push(field);
  for (const volume of (spec.volumes as Obj[] | undefined) ?? []) {
    if (volume.hostPath !== undefined) problems.push(`hostPath volume ${String(volume.name)}`);
  }
  for (const sysctl of ((spec.securityContext as Obj | undefined)?.sysctls as Obj[] | undefined) ?? []) {
    if (!SAFE_SYSCTLS.has(String(sysctl.name))) problems.push(`unsafe sysctl ${String(sysctl.name)}`);
  }
  problems.push(...securityContextViolations('pod', spec.securityContext as Obj | undefined));
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value === 'unconfined') {
      problems.push(`AppArmor unconfined (${key})`);
    }
  }
  const containers = ['containers', 'initContainers', 'ephemeralContainers'].flatMap(
    (field) => (spec[field] as Obj[] | undefined) ?? [],
  );
  for (const container of containers) {
    const name = String(container.name);
    const context = container.securityContext as Obj | undefined;
    if (context?.privileged === true) problems.push(`${name}: privileged`);
    for (const cap of ((context?.capabilities as Obj | undefined)?.add as string[] | undefined) ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) problems.push(`${name}: adds capability ${cap}`);
    }
    if (context?.procMount !== undefined && context.procMount !== 'Default')
      problems.push(`${name}: procMount`);
    problems.push(...securityContextViolations(name, context));
    for (const port of (container.ports as Obj[] | undefined) ?? []) {
      if (port.hostPort !== undefined && port.hostPort !== 0)
        problems.push(`${name}: hostPort ${String(port.hostPort)}`);
    }
  }
  return problems;
}

function securityContextViolations(owner: string, context: Obj | undefined): string[] {
  if (!context) return [];
  const problems: string[] = [];
  if ((context.seccompProfile as Obj | undefined)?.type === 'Unconfined')
    problems.push(`${owner}: seccomp Unconfined`);
  if ((context.appArmorProfile as Obj | undefined)?.type === 'Unconfined')
    problems.push(`${owner}: AppArmor Unconfined`);
  const selinux = context.seLinuxOptions as Obj | undefined;
  if (selinux?.user !== undefined || selinux?.role !== undefined)
    problems.push(`${owner}: SELinux user or role`);
  if (
    selinux?.type !== undefined &&
    !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(
      String(selinux.type),
    )
  ) {
    problems.push(`${owner}: SELinux type ${String(selinux.type)}`);
  }
  if (context.windowsOptions && (context.windowsOptions as Obj).hostProcess === true)
    problems.push(`${owner}: hostProcess`);
  return problems;
}
