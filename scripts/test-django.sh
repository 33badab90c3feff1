#!/usr/bin/env bash
# The tests of the Django project the stack deploys (DJANGO_PROJECT_DIR, default django-app),
# against a real, throwaway PostgreSQL.
#
#   bash scripts/test-django.sh [test args...]
#
# django-app (the sample): pytest from its pinned requirements-dev.txt, the tests of the stack's
# settings overlay (constructs/project-image/tests), then checkov on its Dockerfile.
# Any other project: its dependencies installed the way its image installs them (uv.lock,
# poetry.lock, requirements.txt or pyproject.toml, plus what the image adds) into a venv outside the
# project (.tools/venvs/), `makemigrations --check`, then its tests (`manage.py test`, or pytest when
# the project configures it) through the stack's settings overlay, as the image runs it. Nothing is
# written into the project.
#
# Sets up everything itself (CI starts on a clean clone with no background processes): the venv
# (remade when a dependency file changes), Debian's PostgreSQL when its binaries are missing, and a
# cluster in a temp dir, owned by a non-root user, on a free loopback port, with a random password;
# stopped and removed on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kit=$root/constructs/project-image

say() { printf '\n== %s\n' "$*" >&2; }

# --- which project ------------------------------------------------------------------------------
info=$(cd "$root" && node --require sucrase/register/ts scripts/project-info.ts) || exit 2
field() { python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$info" "$1"; }
app=$(field dir)
sample=$(field sample)
say "project: $app ($(field build) Dockerfile)"

# --- venv ---------------------------------------------------------------------------------------
if [[ $sample == True ]]; then
  venv=$app/.venv
  want=$(cat "$app/requirements.txt" "$app/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
  if [[ ! -x $venv/bin/python || $(cat "$venv/.requirements-sha256" 2>/dev/null) != "$want" ]]; then
    say "creating $venv from requirements-dev.txt"
    python3 -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$app/requirements-dev.txt"
    echo "$want" >"$venv/.requirements-sha256"
  fi
else
  deps=$(mktemp -d)
  trap 'rm -rf "$deps"' EXIT
  # the dependency files the image installs from (or, for a project's own Dockerfile, those found)
  files=$(python3 -c 'import json, sys; d = json.loads(sys.argv[1]).get("dependencies"); print("\n".join(d["files"]) if d else "")' "$info")
  if [[ -z $files ]]; then
    for f in uv.lock poetry.lock pyproject.toml requirements.txt; do [[ -f $app/$f ]] && files+=$'\n'$f; done
  fi
  while IFS= read -r f; do
    [[ -z $f ]] && continue
    mkdir -p "$deps/$(dirname "$f")"
    cp "$app/$f" "$deps/$f"
  done <<<"$files"
  want=$( (cd "$deps" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$kit/requirements-added.txt" "$kit/django_cdktf/deps.py") | sha256sum | cut -c1-16)
  venv=$root/.tools/venvs/$want
  if [[ ! -x $venv/bin/python ]]; then
    say "creating $venv: the project's dependencies, as its image installs them"
    rm -rf "$venv.tmp"
    python3 -m venv --without-pip "$venv.tmp"
    python3 "$kit/django_cdktf/deps.py" "$deps" "$venv.tmp/bin/python"
    mv "$venv.tmp" "$venv"
  fi
fi
py=$venv/bin/python

# --- PostgreSQL binaries ------------------------------------------------------------------------
pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir ]] && echo "$dir"
}
bin=$(pg_bin || true)
if [[ -z $bin ]]; then
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  # Binaries only: no default cluster, so no server is left running in the background.
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin=$(pg_bin)
fi

# --- throwaway cluster --------------------------------------------------------------------------
# initdb and postgres refuse to run as root: as root, run them as the postgres user (Debian's
# package creates it) or as nobody.
as_db_user=()
if [[ $(id -u) == 0 ]]; then
  db_user=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
  as_db_user=(runuser -u "$db_user" --)
fi
tmp=$(mktemp -d)
cleanup() {
  if [[ -f $tmp/data/postmaster.pid ]]; then
    "${as_db_user[@]}" "$bin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$tmp" "${deps:-}"
}
trap cleanup EXIT
[[ ${#as_db_user[@]} -gt 0 ]] && chown "$db_user" "$tmp"

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$py" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$tmp/pwfile"
[[ ${#as_db_user[@]} -gt 0 ]] && chown "$db_user" "$tmp/pwfile"
chmod 0400 "$tmp/pwfile"

say "starting PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$port"
"${as_db_user[@]}" "$bin/initdb" -D "$tmp/data" -U postgres --pwfile="$tmp/pwfile" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$tmp/initdb.log"
"${as_db_user[@]}" "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp" start >/dev/null ||
  { tail -n 20 "$tmp/postgres.log" >&2; exit 1; }

# The tests read the password through the *_FILE variant, as the image does.
export DATABASE_ENGINE=postgresql DATABASE_HOST=127.0.0.1 DATABASE_PORT=$port \
  DATABASE_NAME=postgres DATABASE_USERNAME=postgres DATABASE_PASSWORD_FILE=$tmp/pwfile
export DEBUG=false PYTHONDONTWRITEBYTECODE=1
unset DJANGO_SECRET_KEY DJANGO_SECRET_KEY_FILE

if [[ $sample != True ]]; then
  # the project through the stack's settings overlay, as its image runs it; nothing written into it
  export PYTHONPATH=$kit DJANGO_SETTINGS_MODULE=django_cdktf.settings
  DJANGO_CDKTF_PROJECT_SETTINGS=$(field settingsModule)
  [[ -n $DJANGO_CDKTF_PROJECT_SETTINGS ]] || DJANGO_CDKTF_PROJECT_SETTINGS=$(sed -n "s/.*DJANGO_SETTINGS_MODULE['\"], *['\"]\([A-Za-z0-9_.]*\)['\"].*/\1/p" "$app/manage.py" | head -n 1)
  mkdir -p "$tmp/media" "$tmp/static"
  export DJANGO_CDKTF_PROJECT_SETTINGS DJANGO_MEDIA_ROOT=$tmp/media DJANGO_STATIC_ROOT=$tmp/static
  export DJANGO_SECRET_KEY
  DJANGO_SECRET_KEY=$("$py" -c 'import secrets; print(secrets.token_urlsafe(50))')
  cd "$app"
  manage=(manage.py)
  [[ -f manage.py ]] || manage=(-m django)
  say "makemigrations --check (models and migrations agree)"
  "$py" "${manage[@]}" makemigrations --check --dry-run
  if "$py" -c 'import pytest, pytest_django' 2>/dev/null &&
    { [[ -f pytest.ini || -f conftest.py ]] || grep -qs '^\[tool.pytest' pyproject.toml || grep -qs '^\[tool:pytest\]' setup.cfg; }; then
    say "pytest"
    "$py" -m pytest -p no:cacheprovider "$@"
  else
    say "manage.py test"
    "$py" "${manage[@]}" test "$@"
  fi
  exit 0
fi

cd "$app"
say "collectstatic (no secret key set, as at image build)"
"$py" manage.py collectstatic --noinput --clear --verbosity 0

say "makemigrations --check (models and migrations agree)"
"$py" manage.py makemigrations --check --dry-run

say "pytest"
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$("$py" -c 'import secrets; print(secrets.token_urlsafe(50))')
"$py" -m pytest "$@"

say "the stack's settings overlay (constructs/project-image/tests)"
(cd "$kit" && PYTHONPATH=$kit "$py" -m pytest -p no:cacheprovider -q tests)

say "checkov on django-app/Dockerfile and the stack's Dockerfile"
cd "$root"
# --skip-download: no calls to the vendor's platform (unreachable here, and nothing to fetch).
"$venv/bin/checkov" -f django-app/Dockerfile -f constructs/project-image/Dockerfile --framework dockerfile \
  --skip-download --compact --quiet
