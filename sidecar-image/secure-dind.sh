#!/bin/sh
# The secure-dind command inside the sidecar image (also what the probes and preStop hook run).
exec node --require /usr/local/lib/secure-dind/node18-globals.cjs /usr/local/lib/secure-dind/cli.mjs "$@"
