#!/bin/bash
# Entry point following the docker:dind contract:
#   - arguments starting with "-" are appended to dockerd; other arguments are run as a command;
#   - DOCKER_TLS_CERTDIR set: serve only --tlsverify on 2376 with $DOCKER_TLS_CERTDIR/server/*.pem,
#     generating a CA, server and client certificates there when none are provided;
#   - DOCKER_TLS_CERTDIR empty: plain TCP on 2375 (never used by secure-dind).
# Unlike docker:dind, containerd is started here rather than by dockerd: dockerd stopping a containerd
# it manages adds about a second to every stop, and a job's teardown waits for that.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- dockerd "$@"
fi
if [ "$1" != "dockerd" ]; then
  exec "$@"
fi
shift

certdir=${DOCKER_TLS_CERTDIR:-}

have_server_certs() {
  [ -s "$certdir/server/ca.pem" ] && [ -s "$certdir/server/cert.pem" ] && [ -s "$certdir/server/key.pem" ]
}

# Self-generated certificates, only when none were provided (secure-dind always provides them).
generate_certs() {
  umask 077
  mkdir -p "$certdir/ca" "$certdir/server" "$certdir/client"
  if [ ! -s "$certdir/ca/key.pem" ]; then
    openssl genrsa -out "$certdir/ca/key.pem" 4096 2>/dev/null
  fi
  openssl req -new -x509 -days 825 -sha256 -subj "/CN=docker:dind CA" \
    -key "$certdir/ca/key.pem" -out "$certdir/ca/cert.pem"
  cp "$certdir/ca/cert.pem" "$certdir/server/ca.pem"
  cp "$certdir/ca/cert.pem" "$certdir/client/ca.pem"

  host=$(hostname)
  sans="DNS:$host,DNS:docker,DNS:localhost,IP:127.0.0.1"
  for ip in $(hostname -i 2>/dev/null || true); do sans="$sans,IP:$ip"; done
  openssl genrsa -out "$certdir/server/key.pem" 4096 2>/dev/null
  openssl req -new -sha256 -subj "/CN=$host" -key "$certdir/server/key.pem" -out "$certdir/server/csr.pem"
  printf 'extendedKeyUsage = serverAuth\nsubjectAltName = %s\n' "$sans" >"$certdir/server/ext.cnf"
  openssl x509 -req -days 825 -sha256 -in "$certdir/server/csr.pem" -CA "$certdir/ca/cert.pem" \
    -CAkey "$certdir/ca/key.pem" -CAcreateserial -out "$certdir/server/cert.pem" \
    -extfile "$certdir/server/ext.cnf" 2>/dev/null

  openssl genrsa -out "$certdir/client/key.pem" 4096 2>/dev/null
  openssl req -new -sha256 -subj "/CN=docker:dind client" -key "$certdir/client/key.pem" \
    -out "$certdir/client/csr.pem"
  printf 'extendedKeyUsage = clientAuth\n' >"$certdir/client/ext.cnf"
  openssl x509 -req -days 825 -sha256 -in "$certdir/client/csr.pem" -CA "$certdir/ca/cert.pem" \
    -CAkey "$certdir/ca/key.pem" -CAcreateserial -out "$certdir/client/cert.pem" \
    -extfile "$certdir/client/ext.cnf" 2>/dev/null
  rm -f "$certdir"/*/csr.pem "$certdir"/*/ext.cnf
  chmod 0644 "$certdir/client/ca.pem" "$certdir/client/cert.pem"
}

if [ -n "$certdir" ]; then
  if ! have_server_certs; then
    generate_certs
  fi
  set -- --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify \
    --tlscacert "$certdir/server/ca.pem" --tlscert "$certdir/server/cert.pem" \
    --tlskey "$certdir/server/key.pem" "$@"
else
  # --tls=false avoids dockerd's deliberate 15 s delay for an unauthenticated TCP listener.
  set -- --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375 --tls=false "$@"
fi

# cgroup v2: move our processes out of the root cgroup so dockerd can delegate controllers.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/init
  xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers \
    >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
fi

# A stale pid file from an unclean stop would make dockerd refuse to start.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid

readonly CONTAINERD_CONFIG=/etc/containerd/dockerd.toml
readonly CONTAINERD_SOCKET=/var/run/docker/containerd/containerd.sock
# As many times as dockerd would restart a containerd of its own that died.
readonly CONTAINERD_RESTARTS=3

containerd_pid=""
dockerd_pid=""
stop_signal=""

# dockerd connects to containerd as it starts: start dockerd once the socket is up.
start_containerd() {
  rm -f "$CONTAINERD_SOCKET"
  containerd --config "$CONTAINERD_CONFIG" &
  containerd_pid=$!
  local tries
  for ((tries = 0; tries < 1000; tries++)); do
    [ -S "$CONTAINERD_SOCKET" ] && return 0
    if ! kill -0 "$containerd_pid" 2>/dev/null; then
      echo "dockerd-entrypoint: containerd exited before opening $CONTAINERD_SOCKET" >&2
      containerd_pid=""
      return 1
    fi
    sleep 0.01
  done
  echo "dockerd-entrypoint: containerd did not open $CONTAINERD_SOCKET within 10 s" >&2
  kill -KILL "$containerd_pid" 2>/dev/null
  wait "$containerd_pid"
  containerd_pid=""
  return 1
}

# tini passes signals to this script only; dockerd gets them from here (one SIGTERM each: dockerd
# treats a third as "exit without cleanup"). containerd gets none until dockerd has finished.
# HUP (reload the configuration) and USR1 (dump stacks) are passed on without meaning a stop.
forward() {
  case $1 in TERM | INT | QUIT) stop_signal=$1 ;; esac
  if [ -n "$dockerd_pid" ]; then kill -s "$1" "$dockerd_pid" 2>/dev/null || true; fi
}
for signal in TERM INT QUIT HUP USR1; do
  # shellcheck disable=SC2064 # the signal name is fixed when the trap is set
  trap "forward $signal" "$signal"
done

# Once dockerd has stopped every container, containerd can flush its metadata and go.
stop_containerd() {
  if [ -n "$containerd_pid" ]; then
    kill -TERM "$containerd_pid" 2>/dev/null
    # A signal arriving meanwhile interrupts wait: wait again until containerd is gone.
    while kill -0 "$containerd_pid" 2>/dev/null; do wait "$containerd_pid"; done
  fi
}

start_containerd || exit 1
set +e
if [ -n "$stop_signal" ]; then
  stop_containerd
  exit 0
fi
dockerd --containerd="$CONTAINERD_SOCKET" "$@" &
dockerd_pid=$!

restarts=0
dockerd_status=0
while :; do
  ended=""
  wait -n -p ended "$dockerd_pid" ${containerd_pid:+"$containerd_pid"}
  status=$?
  # No pid: a forwarded signal interrupted the wait.
  [ -z "${ended:-}" ] && continue
  if [ "$ended" = "$dockerd_pid" ]; then
    dockerd_status=$status
    break
  fi
  containerd_pid=""
  if ((restarts < CONTAINERD_RESTARTS)) && [ -z "$stop_signal" ]; then
    restarts=$((restarts + 1))
    echo "dockerd-entrypoint: containerd exited with status $status; restart $restarts of $CONTAINERD_RESTARTS" >&2
    start_containerd && continue
  fi
  echo "dockerd-entrypoint: containerd is gone; stopping dockerd" >&2
  forward TERM
done

stop_containerd
exit "$dockerd_status"
