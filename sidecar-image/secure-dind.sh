#!/bin/sh
# The secure-dind command inside the sidecar image (also what the probes and preStop hook run).
exec node --import /usr/local/lib/secure-dind/node18-globals.mjs /usr/local/lib/secure-dind/cli.mjs "$@"
