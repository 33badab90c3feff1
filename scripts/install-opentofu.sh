#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy into .tools/bin/tofu, for machines that have neither
# terraform nor tofu and cannot download release binaries. Needs Go (1.24+); about 6 minutes on 2 cores.
# `go install` refuses modules with replace directives, so the module is downloaded and built as
# the main module instead.
set -euo pipefail
version=${OPENTOFU_VERSION:-v1.10.6}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "install-opentofu: OPENTOFU_VERSION must be a release tag like v1.10.6, got \"$version\"" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.tools/bin/tofu
if [[ -x $out ]] && "$out" version 2>/dev/null | grep -q "${version#v}"; then
  echo "install-opentofu: $out is already OpenTofu ${version#v}" >&2
  exit 0
fi
command -v go >/dev/null || { echo "install-opentofu: Go is not installed; install Go 1.24+ first" >&2; exit 1; }
echo "install-opentofu: downloading github.com/opentofu/opentofu@$version from the Go module proxy (about a minute)" >&2
dir=$(go mod download -json "github.com/opentofu/opentofu@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[[ -d $dir ]] || { echo "install-opentofu: could not download github.com/opentofu/opentofu@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$dir/." "$work"
chmod -R u+w "$work"
mkdir -p "$(dirname "$out")"
echo "install-opentofu: building OpenTofu $version: about 6 minutes on 2 cores, longer on fewer" >&2
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o "$out" ./cmd/tofu)
"$out" version >&2
