#!/usr/bin/env bash
# Plans every synthesized stack (what `cdktf diff` does, but keeping the plan file so it can be
# turned into JSON) and writes the pull-request comment with scripts/plan-summary.ts.
#
# Usage: scripts/pr-plan.sh [STACK...]        (default: every stack in cdktf.out/*/manifest.json)
# Run `npm run synth` first. Environment:
#   TERRAFORM_BINARY_NAME  terraform (default) or tofu; cdktf reads the same variable
#   PLAN_COMMENT_FILE      where the comment goes (default: cdktf.out/plan-comment.md)
#   PLAN_REDACT_ENV        variables whose values must never reach the comment
#                          (default: DJANGO_SECRET_KEY,DATABASE_PASSWORD)
#   DOCKER_HOST, backend settings, app secrets: as for `cdktf deploy`
# Exit status: 0 when every stack planned (with or without changes); 1 when a stack failed to
# plan (the comment is still written and names it); 2 for usage errors.
# Never add `set -x` here: the environment holds secrets.
set -euo pipefail

cd "$(dirname "$0")/.."
tf=${TERRAFORM_BINARY_NAME:-terraform}
out=cdktf.out
comment_file=${PLAN_COMMENT_FILE:-$out/plan-comment.md}
redact_env=${PLAN_REDACT_ENV-DJANGO_SECRET_KEY,DATABASE_PASSWORD}
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

die() {
  echo "pr-plan: $*" >&2
  exit 2
}

command -v "$tf" >/dev/null || die "\"$tf\" is not on PATH; install it or set TERRAFORM_BINARY_NAME (terraform or tofu)"
tf=$(command -v "$tf")
# Stacks are planned from their own directories, so a relative path (.tools/bin/tofu) must become absolute.
[[ $tf == /* ]] || tf=$PWD/$tf
compgen -G "$out/*/manifest.json" >/dev/null || die "no $out/<environment>/manifest.json; run \"npm run synth\" first"

# "name<TAB>working directory" for each stack of each environment's manifest, in manifest order.
# shellcheck disable=SC2016 # the ${} below is JavaScript
mapfile -t manifest < <(node -e '
  const path = require("path");
  for (const file of process.argv.slice(1)) {
    const m = require(file);
    const dir = path.relative(process.cwd(), path.dirname(file));
    for (const [name, s] of Object.entries(m.stacks || {})) console.log(`${name}\t${dir}/${s.workingDirectory}`);
  }
' "$PWD"/$out/*/manifest.json)
((${#manifest[@]} > 0)) || die "the manifests in $out list no stacks"

declare -A dirs=()
all=()
for line in "${manifest[@]}"; do
  dirs[${line%%$'\t'*}]=${line#*$'\t'}
  all+=("${line%%$'\t'*}")
done
stacks=("$@")
((${#stacks[@]} > 0)) || stacks=("${all[@]}")
for s in "${stacks[@]}"; do
  [[ -n ${dirs[$s]+set} ]] || die "unknown stack \"$s\"; the manifest has: ${all[*]}"
done

# plan_stack DIR: init, plan, and save the plan as JSON and text. Steps are chained explicitly
# because `set -e` does not apply inside a function called from an `if`.
plan_stack() {
  local rc=0
  (cd "$1" && "$tf" init -input=false) || return 1
  (cd "$1" && "$tf" plan -input=false -lock-timeout=60s -detailed-exitcode -out=plan.tfplan) || rc=$?
  # -detailed-exitcode: 0 = no changes, 2 = changes, anything else = error.
  [[ $rc == 0 || $rc == 2 ]] || return 1
  (cd "$1" && "$tf" show -json plan.tfplan >plan.json && "$tf" show -no-color plan.tfplan >plan.txt)
}

args=()
failed=0
for s in "${stacks[@]}"; do
  dir=${dirs[$s]}
  rm -f "$dir/plan.tfplan" "$dir/plan.json" "$dir/plan.txt"
  echo "::group::plan $s"
  if plan_stack "$dir"; then
    args+=(--stack "$s=$dir/plan.json:$dir/plan.txt")
  else
    echo "::error::plan failed for stack $s"
    args+=(--failed "$s")
    failed=1
  fi
  echo "::endgroup::"
done

[[ -z $redact_env ]] || args+=(--redact-env "$redact_env")
[[ -z ${GITHUB_SHA:-} ]] || args+=(--commit "$GITHUB_SHA")
if [[ -n ${GITHUB_RUN_ID:-} && -n ${GITHUB_REPOSITORY:-} ]]; then
  args+=(--run-url "${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID")
fi
mkdir -p "$(dirname "$comment_file")"
node --require sucrase/register/ts scripts/plan-summary.ts "${args[@]}" >"$comment_file"
echo "pr-plan: wrote $comment_file"
exit "$failed"
