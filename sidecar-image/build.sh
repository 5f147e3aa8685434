#!/bin/bash
# Builds the sidecar image from a CLI bundle: sidecar-image/build.sh TAG [BUNDLE_DIR] [BASE]
#   BUNDLE_DIR  a build of this repository (npm run build writes dist/; default dist)
#   BASE        the runner-image to build on (default secure-dind/runner-image:dev)
set -euo pipefail
tag=$1
bundle=${2:-dist}
base=${3:-secure-dind/runner-image:dev}
here=$(cd "$(dirname "$0")" && pwd)
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$here/secure-dind.sh" "$context/"
cp "$bundle/cli.js" "$context/cli.js"
"${DOCKER:-docker}" build -q --build-arg "BASE=$base" -t "$tag" "$context" >/dev/null
