#!/bin/sh
# Entry point following the docker:dind contract:
#   - arguments starting with "-" are appended to dockerd; other arguments are run as a command;
#   - DOCKER_TLS_CERTDIR set: serve only --tlsverify on 2376 with $DOCKER_TLS_CERTDIR/server/*.pem,
#     generating a CA, server and client certificates there when none are provided;
#   - DOCKER_TLS_CERTDIR empty: plain TCP on 2375 (never used by secure-dind).
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

exec dockerd "$@"
