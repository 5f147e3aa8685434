#!/bin/sh
# Healthy when dockerd answers on its local socket (the TLS port is checked by secure-dind itself).
exec docker --host unix:///var/run/docker.sock version --format '{{.Server.Version}}' >/dev/null
