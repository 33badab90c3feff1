#!/usr/bin/env bash
# Image benchmark: the seed article's Dockerfile (bench/image/seed.Dockerfile) against ours
# (django-app/Dockerfile), in one run, with the same app, the same requirements.txt and the same base
# (the python stand-in), built with the classic builder. Prints a table of figures; asserts nothing.
#
#   bash bench/image/run.sh [READINESS_SAMPLES]      (default 5)
#
# For each image: bytes added above the base image; cold build time (images removed, build cache
# not used: --no-cache); rebuild time after a one-line edit of a Python source file, and whether the
# dependency install step re-ran. For ours: time from `docker run` to /readyz answering 200, beside
# a postgres stand-in with migrations applied first.
#
# A cold build is `--no-cache`: nothing else on the engine is pruned; the benchmark removes only
# its own images (their untagged layers go with them).
set -euo pipefail

samples=${1:-5}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools=$(cd "$root/../shared/tools" && pwd)
"$tools/docker-engine"
eval "$("$tools/base-images" --env)"
base=$STANDIN_PYTHON_IMAGE
postgres=$STANDIN_POSTGRES_IMAGE

id=bench-$$-$(date +%s)
work=$(mktemp -d)
cleanup() {
  docker rm -f -v "$id-web" "$id-db" >/dev/null 2>&1 || true
  docker network rm "$id-net" >/dev/null 2>&1 || true
  docker rmi -f "$id-seed" "$id-ours" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '%s\n' "$*" >&2; }

# Both contexts get the app as a clean clone has it (tracked and not-ignored files: no .venv,
# no caches), copied so that the edit below never touches the repository.
copy_app() {
  mkdir -p "$1"
  (cd "$root/django-app" && git ls-files -z --cached --others --exclude-standard . |
    while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
    xargs -0 cp --parents -p -t "$1")
}
copy_app "$work/ours"
copy_app "$work/seed"
# The article has no .dockerignore; its Dockerfile replaces ours.
rm -f "$work/seed/.dockerignore" "$work/seed/Dockerfile"
cp "$root/bench/image/seed.Dockerfile" "$work/seed/Dockerfile"

build() { # build NAME [docker build flags]: prints seconds; the log goes to $work/NAME.log
  local name=$1 start end
  shift
  start=$(now)
  DOCKER_BUILDKIT=0 docker build --force-rm "$@" --build-arg "PYTHON_IMAGE=$base" -t "$id-$name" "$work/$name" \
    >"$work/$name.log" 2>&1 || { tail -n 30 "$work/$name.log" >&2; return 1; }
  end=$(now)
  elapsed "$start" "$end"
}

clean_engine() {
  docker rmi -f "$id-seed" "$id-ours" >/dev/null 2>&1 || true
}

# "yes" when the classic builder ran the `pip ... install -r requirements` step, "no" when cached.
dependency_step_reran() {
  awk '/^Step [0-9]+\/[0-9]+ : RUN .*pip .*install .*-r / { found = 1; next }
       found { print (/Using cache/ ? "no" : "yes"); exit }' "$1"
}

added_bytes() { echo $(($(docker image inspect -f '{{.Size}}' "$1") - $(docker image inspect -f '{{.Size}}' "$base"))); }

declare -A cold rebuild reran bytes
for name in seed ours; do
  say "== $name: cold build"
  clean_engine
  cold[$name]=$(build "$name" --no-cache)
  # a cold build must show the install running, or the detector below is reading the log wrong
  [[ $(dependency_step_reran "$work/$name.log") == yes ]] || say "warning: no dependency install step found in $name's log"
  bytes[$name]=$(added_bytes "$id-$name")
  say "== $name: rebuild after a one-line edit of core/views.py"
  printf '# bench edit %s\n' "$(date +%s%N)" >>"$work/$name/core/views.py"
  rebuild[$name]=$(build "$name")
  reran[$name]=$(dependency_step_reran "$work/$name.log")
done

say "== ours: time from docker run to /readyz 200 ($samples samples)"
password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
key=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_')
docker network create "$id-net" >/dev/null
docker run -d --name "$id-db" --network "$id-net" --network-alias db \
  -e POSTGRES_USER=app -e POSTGRES_DB=app -e "POSTGRES_PASSWORD=$password" "$postgres" >/dev/null
until docker exec "$id-db" pg_isready -q -h 127.0.0.1 -U app; do sleep 0.2; done
app_flags=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --network "$id-net"
  -e DEBUG=false -e DATABASE_HOST=db -e DATABASE_NAME=app -e DATABASE_USERNAME=app
  -e "DATABASE_PASSWORD=$password" -e "DJANGO_SECRET_KEY=$key")
docker run --rm "${app_flags[@]}" "$id-ours" migrate >/dev/null
ready=()
for _ in $(seq "$samples"); do
  start=$(now)
  docker run -d --name "$id-web" "${app_flags[@]}" -p 127.0.0.1::8000 "$id-ours" >/dev/null
  port=$(docker port "$id-web" 8000/tcp | sed -n 's/^127\.0\.0\.1://p' | head -n 1)
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz") == 200 ]]; do sleep 0.05; done
  end=$(now)
  ready+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
  docker rm -f "$id-web" >/dev/null
done
median=$(printf '%s\n' "${ready[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

ratio=$(awk -v o="${bytes[ours]}" -v s="${bytes[seed]}" 'BEGIN { printf "%.3f", o / s }')
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
cat <<EOF

Image benchmark: same app, requirements and base ($base), classic builder, $(nproc) cores
                                              seed (article)      ours
  bytes added above the base                  $(printf '%-19s %s' "${bytes[seed]}" "${bytes[ours]}")
                                              $(printf '%-19s %s' "($(mb "${bytes[seed]}"))" "($(mb "${bytes[ours]}"))")
  ratio ours/seed                             $ratio (target <= 0.70)
  cold build, s                               $(printf '%-19s %s' "${cold[seed]}" "${cold[ours]}")
  rebuild after a one-line .py edit, s        $(printf '%-19s %s' "${rebuild[seed]}" "${rebuild[ours]}")
  dependency install re-ran on that rebuild   $(printf '%-19s %s' "${reran[seed]}" "${reran[ours]}")
  docker run -> /readyz 200, s (median)       $(printf '%-19s %s' "-" "$median   (samples: ${ready[*]})")
EOF
