#!/usr/bin/env bash
# Django's tests against a real, throwaway PostgreSQL, then checkov on the Dockerfile.
#
#   bash scripts/test-django.sh [pytest args...]
#
# Sets up everything itself (CI starts on a clean clone with no background processes):
# the venv django-app/.venv from the pinned requirements-dev.txt (remade when a requirements file
# changes), Debian's PostgreSQL when its binaries are missing, and a cluster in a temp dir, owned by
# a non-root user, on a free loopback port, with a random password; stopped and removed on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app=$root/django-app
venv=$app/.venv

say() { printf '\n== %s\n' "$*" >&2; }

# --- venv ---------------------------------------------------------------------------------------
want=$(cat "$app/requirements.txt" "$app/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || $(cat "$venv/.requirements-sha256" 2>/dev/null) != "$want" ]]; then
  say "creating $venv from requirements-dev.txt"
  python3 -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$app/requirements-dev.txt"
  echo "$want" >"$venv/.requirements-sha256"
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
  rm -rf "$tmp"
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

cd "$app"
say "collectstatic (no secret key set, as at image build)"
"$py" manage.py collectstatic --noinput --clear --verbosity 0

say "makemigrations --check (models and migrations agree)"
"$py" manage.py makemigrations --check --dry-run

say "pytest"
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$("$py" -c 'import secrets; print(secrets.token_urlsafe(50))')
"$py" -m pytest "$@"

say "checkov on django-app/Dockerfile"
cd "$root"
# --skip-download: no calls to the vendor's platform (unreachable here, and nothing to fetch).
"$venv/bin/checkov" -f django-app/Dockerfile --framework dockerfile --skip-download --compact --quiet
