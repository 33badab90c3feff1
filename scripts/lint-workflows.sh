#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint (including shellcheck on their `run:` steps) and
# zizmor (security: injection, credentials, permissions, triggers, pins), and runs shellcheck on
# the project's shell scripts. Fails on any actionlint error and on any zizmor finding of medium
# severity or above; a finding the design needs carries a justification beside its ignore comment.
#
# actionlint is built from the Go module proxy into .tools/bin (gitignored) at a pinned version.
# zizmor is installed from the Python package index into the virtual environment
# .tools/zizmor-<version> (gitignored) at a pinned version. It runs offline (--offline): its
# online audits need GitHub's API, which the test machines cannot reach; they are impostor
# commits, known-vulnerable actions and ref checks, which the pins to full commit SHAs cover.
# The shellcheck binary comes from the system (Debian/Ubuntu package "shellcheck"): installed with
# apt-get when missing and possible, otherwise skipped with a note.
# Usage: scripts/lint-workflows.sh
set -euo pipefail

ACTIONLINT_VERSION=v1.7.12
ZIZMOR_VERSION=1.32.0
cd "$(dirname "$0")/.."
bin=$PWD/.tools/bin
actionlint=$bin/actionlint
venv=$PWD/.tools/zizmor-$ZIZMOR_VERSION
zizmor=$venv/bin/zizmor

if ! [[ -x $actionlint ]] || [[ $("$actionlint" -version | head -1) != "$ACTIONLINT_VERSION" ]]; then
  command -v go >/dev/null || { echo "lint-workflows: Go is needed to build actionlint; install Go 1.25 or later" >&2; exit 1; }
  echo "lint-workflows: building actionlint $ACTIONLINT_VERSION into .tools/bin"
  GOBIN=$bin go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

if ! [[ -x $zizmor ]] || [[ $("$zizmor" --version) != "zizmor $ZIZMOR_VERSION" ]]; then
  command -v python3 >/dev/null || { echo "lint-workflows: Python 3 is needed to install zizmor; install python3 and python3-venv" >&2; exit 1; }
  echo "lint-workflows: installing zizmor $ZIZMOR_VERSION into .tools/zizmor-$ZIZMOR_VERSION"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: "zizmor==$ZIZMOR_VERSION"
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

# The auditor persona reports everything zizmor knows, false positives included; the severity
# filter keeps medium and high. Any finding left is an error (zizmor exits non-zero).
"$zizmor" --offline --persona auditor --min-severity medium --no-progress --color never .github/workflows
echo "lint-workflows: OK ($("$actionlint" -version | head -1), $("$zizmor" --version), $(find .github/workflows -name '*.yml' | wc -l) workflow files)"
