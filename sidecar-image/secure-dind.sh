#!/bin/sh
# The secure-dind command inside the sidecar image (also what the probes and preStop hook run).
exec node /usr/local/lib/secure-dind/cli.mjs "$@"
