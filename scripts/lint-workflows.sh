#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint, including shellcheck on their `run:` steps, and
# runs shellcheck on the project's shell scripts.
#
# actionlint is built from the Go module proxy into .tools/bin (gitignored) at a pinned version.
# The shellcheck binary comes from the system (Debian/Ubuntu package "shellcheck"): installed with
# apt-get when missing and possible, otherwise skipped with a note.
# Usage: scripts/lint-workflows.sh
set -euo pipefail

ACTIONLINT_VERSION=v1.7.12
cd "$(dirname "$0")/.."
bin=$PWD/.tools/bin
actionlint=$bin/actionlint

if ! [[ -x $actionlint ]] || [[ $("$actionlint" -version | head -1) != "$ACTIONLINT_VERSION" ]]; then
  command -v go >/dev/null || { echo "lint-workflows: Go is needed to build actionlint; install Go 1.25 or later" >&2; exit 1; }
  echo "lint-workflows: building actionlint $ACTIONLINT_VERSION into .tools/bin"
  GOBIN=$bin go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

if ! command -v shellcheck >/dev/null; then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo=$(command -v sudo || true)
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 || -n $sudo ]]; then
    echo "lint-workflows: installing shellcheck with apt-get"
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq shellcheck; } >/dev/null || true
  fi
fi

scripts=(scripts/*.sh .ci/run bench/image/run.sh test/fixtures/plans/src/generate.sh)
if command -v shellcheck >/dev/null; then
  shellcheck "${scripts[@]}"
  "$actionlint" -shellcheck "$(command -v shellcheck)"
else
  echo "lint-workflows: note: shellcheck not found (apt-get install shellcheck); run: scripts are NOT checked"
  "$actionlint" -shellcheck=
fi
echo "lint-workflows: OK ($("$actionlint" -version | head -1), $(find .github/workflows -name '*.yml' | wc -l) workflow files)"
