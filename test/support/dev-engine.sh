#!/bin/bash
# Brings up the development/CI Docker engine with everything the tests and benchmarks need:
#   - Debian's docker.io, iptables, debootstrap, jq, busybox-static, btrfs-progs, xfsprogs (installed when
#     missing; mkfs.btrfs and mkfs.xfs make the loop filesystems of the benchmark's clone experiment);
#   - the Sysbox stand-in registered as runtime "sysbox-runc" (a test double, see test/README.md);
#   - dockerd running detached on /var/run/docker.sock;
#   - images: secure-dind/base:bookworm (debootstrap), secure-dind/runner-image:dev, secure-dind/busybox:test,
#     secure-dind/sidecar-base:dev (runner-image plus Debian's Node.js: the sidecar image without its bundle),
#     secure-dind/registry:test (Debian's docker-registry and htpasswd, for the private-image tests),
#     secure-dind/mirror:dev (mirror-image/: the registry mirror of `secure-dind mirror up`).
# Idempotent: a second run changes nothing and takes a few seconds. Needs root.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
standin_path=/usr/local/libexec/secure-dind/sysbox-runc-standin
daemon_json=/etc/docker/daemon.json
dockerd_log=/var/log/secure-dind-dockerd.log
base_image=secure-dind/base:bookworm
runner_image=secure-dind/runner-image:dev
busybox_image=secure-dind/busybox:test
sidecar_base_image=secure-dind/sidecar-base:dev
registry_image=secure-dind/registry:test
mirror_image=secure-dind/mirror:dev
# Debian's docker client (same version as the engine) is preferred over any other on PATH.
docker_cli=/usr/bin/docker

log() { printf '[dev-engine] %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root (it installs packages and starts dockerd)"
  exit 1
fi

install_packages() {
  local missing=() pkg
  # xfsprogs and btrfs-progs: the cache-generation tests and bench make real XFS and btrfs filesystems.
  for pkg in docker.io iptables debootstrap jq busybox-static xfsprogs btrfs-progs; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_standin() {
  install -d -m 0755 "$(dirname "$standin_path")"
  if ! cmp -s "$repo/test/support/sysbox-runc-standin" "$standin_path"; then
    log "installing the Sysbox stand-in at $standin_path"
    install -m 0755 "$repo/test/support/sysbox-runc-standin" "$standin_path"
  fi
}

# Registers the stand-in under the runtime name sysbox-runc, keeping any other daemon.json keys.
# Prints "changed" when the file was rewritten.
register_runtime() {
  install -d -m 0755 /etc/docker
  local current='{}' wanted
  [[ -s "$daemon_json" ]] && current=$(cat "$daemon_json")
  wanted=$(jq --arg path "$standin_path" '.runtimes["sysbox-runc"] = {path: $path}' <<<"$current")
  if [[ "$(jq -S . <<<"$current")" != "$(jq -S . <<<"$wanted")" ]]; then
    printf '%s\n' "$wanted" >"$daemon_json"
    echo changed
  fi
}

engine_up() { "$docker_cli" version >/dev/null 2>&1; }

start_dockerd() {
  if engine_up; then
    return
  fi
  log "starting dockerd (log: $dockerd_log)"
  # A stale pid file from a previous machine session would stop dockerd from starting.
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  setsid dockerd >>"$dockerd_log" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 120; i++)); do
    engine_up && return
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; last log lines:"
  tail -n 30 "$dockerd_log" >&2
  exit 1
}

image_label() { "$docker_cli" image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

build_base_image() {
  if "$docker_cli" image inspect "$base_image" >/dev/null 2>&1; then
    return
  fi
  log "building $base_image with debootstrap (about a minute)"
  local root
  root=$(mktemp -d /var/tmp/secure-dind-base.XXXXXX)
  debootstrap --variant=minbase \
    --include=docker.io,iptables,ca-certificates,openssl,tini,procps \
    bookworm "$root" >/var/log/secure-dind-debootstrap.log 2>&1 || {
      tail -n 30 /var/log/secure-dind-debootstrap.log >&2
      rm -rf "$root"
      exit 1
    }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | "$docker_cli" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$base_image" >/dev/null
  rm -rf "$root"
}

# Rebuilds an image when it is missing or its source directory changed since it was built
# (or $extra_inputs, e.g. the id of the image it builds on).
build_if_changed() {
  local tag=$1 context=$2
  shift 2
  local hash
  hash=$({ (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum); printf '%s' "${extra_inputs:-}"; } |
    sha256sum | cut -c1-16)
  if [[ "$(image_label "$tag" dev.secure-dind.source-hash)" == "$hash" ]]; then
    return
  fi
  log "building $tag"
  "$docker_cli" build -q --label "dev.secure-dind.source-hash=$hash" -t "$tag" "$@" "$context" >/dev/null
}

build_busybox_image() {
  local ctx
  ctx=$(mktemp -d)
  cp /bin/busybox "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
DOCKERFILE
  build_if_changed "$busybox_image" "$ctx"
  rm -rf "$ctx"
}

install_packages
install_standin
daemon_json_changed=$(register_runtime)
if [[ -n "$daemon_json_changed" ]] && engine_up; then
  log "reloading dockerd to pick up the sysbox-runc runtime"
  kill -HUP "$(cat /var/run/docker.pid)"
  sleep 1
fi
start_dockerd
if ! "$docker_cli" info --format '{{json .Runtimes}}' | jq -e 'has("sysbox-runc")' >/dev/null; then
  log "the engine does not list the sysbox-runc runtime; check $daemon_json"
  exit 1
fi
build_base_image
build_if_changed "$runner_image" "$repo/runner-image" --build-arg "BASE=$base_image"
build_busybox_image
# The sidecar image's Node.js stage; tests add a bundle built from the current sources on top.
extra_inputs=$("$docker_cli" image inspect --format '{{.Id}}' "$runner_image") \
  build_if_changed "$sidecar_base_image" "$repo/sidecar-image" --target node --build-arg "BASE=$runner_image"
build_if_changed "$registry_image" "$repo/test/support/registry-image" --build-arg "BASE=$base_image"
build_if_changed "$mirror_image" "$repo/mirror-image" --build-arg "BASE=$base_image"
log "ready: $("$docker_cli" version --format 'engine {{.Server.Version}}'), runtime sysbox-runc (stand-in), images $runner_image $busybox_image $sidecar_base_image $registry_image $mirror_image"
