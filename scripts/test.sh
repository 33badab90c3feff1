#!/usr/bin/env bash
# The README's test command, and what CI runs: sets up everything the suites need on a fresh
# machine, then runs them all. A suite whose tools cannot exist here says so and is skipped.
#
#   lint      tsc (strict), prettier, ESLint with the layer rule                  (npm run build, npm run lint)
#   unit      jest: config, constructs, policy rules, snapshot, plan summary       (npm test)
#   django    Django's tests against a real PostgreSQL, and checkov on the Dockerfile
#   docker    the image built and run in a real Docker engine                       (npm run test:docker)
#   e2e       cdktf deploy/diff/destroy against that engine                         (npm run test:e2e)
#   lint      actionlint and shellcheck on the GitHub workflows
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
shared_tools=${SHARED_TOOLS:-$(cd .. && pwd)/shared/tools}
if [[ -n ${SHARED_TOOLS:-} && ! -x $SHARED_TOOLS/docker-engine ]]; then
  echo "test: SHARED_TOOLS=$SHARED_TOOLS holds no executable docker-engine; point it at the directory with docker-engine and base-images, or unset it" >&2
  exit 2
fi

step() { printf '\n==> %s\n' "$*"; }

step "node dependencies"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date with package-lock.json"
fi

step "type check (tsc)"
npm run --silent build

step "format and lint (prettier, ESLint)"
npm run --silent lint

step "unit tests"
npm test --silent

step "Django tests against PostgreSQL, and checkov"
bash scripts/test-django.sh

if [[ -x $shared_tools/docker-engine && -x $shared_tools/base-images ]]; then
  step "Docker engine and stand-in base images"
  "$shared_tools/docker-engine"
  eval "$("$shared_tools/base-images" --env)"
  export STANDIN_PYTHON_IMAGE STANDIN_POSTGRES_IMAGE

  step "image tests in the real Docker engine"
  npm run --silent test:docker

  step "lifecycle tests: cdktf deploy, diff, destroy against the engine"
  npm run --silent test:e2e
else
  step "SKIPPED: image and lifecycle tests"
  echo "no $shared_tools/docker-engine and base-images here (set SHARED_TOOLS): nothing can start a Docker engine or build the base images"
fi

step "workflow lint (actionlint, shellcheck)"
bash scripts/lint-workflows.sh

step "all suites passed"
