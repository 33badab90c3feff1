"""Gunicorn's configuration: the project's gunicorn.conf.py kept, the stack's contract on top."""

import json
import os
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
CONF = KIT / "django_cdktf" / "gunicorn_conf.py"
SHOW = (
    "import json, runpy; ns = runpy.run_path(%r); "
    "print(json.dumps({k: ns.get(k) for k in ('bind', 'wsgi_app', 'workers', 'threads', 'worker_class', "
    "'worker_tmp_dir', 'timeout', 'accesslog', 'preload_app', 'on_starting', 'keepalive')}, default=lambda v: 'function'))"
) % str(CONF)


def load(project: Path, **env: str) -> subprocess.CompletedProcess:
    full = {
        "PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": f"{KIT}{os.pathsep}{project}",
        "DJANGO_CDKTF_PROJECT_SETTINGS": "mysite.settings",
        "DJANGO_SECRET_KEY": "k" * 50,
        **env,
    }
    return subprocess.run([sys.executable, "-c", SHOW], cwd=project, env=full, capture_output=True, text=True, timeout=60)


def config(project: Path, **env: str) -> dict:
    result = load(project, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def project(tmp_path: Path) -> Path:
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / "settings.py").write_text(
        "SECRET_KEY = 'x'\nINSTALLED_APPS = []\nWSGI_APPLICATION = 'mysite.wsgi.application'\n"
    )
    return tmp_path


def test_serves_wsgi_application_on_the_contracts_port(tmp_path):
    c = config(project(tmp_path), GUNICORN_WORKERS="3")
    assert c["bind"] == ["0.0.0.0:8000"]
    assert c["wsgi_app"] == "mysite.wsgi:application"
    assert (c["workers"], c["threads"], c["worker_class"]) == (3, 4, "gthread")
    assert (c["worker_tmp_dir"], c["accesslog"], c["preload_app"]) == ("/tmp", "-", True)
    assert c["keepalive"] == 5  # longer than the proxy keeps an idle connection (3 s)


def test_keeps_idle_connections_longer_than_the_proxy_whatever_the_project_says(tmp_path):
    p = project(tmp_path)
    (p / "gunicorn.conf.py").write_text("keepalive = 2\n")
    assert config(p)["keepalive"] == 5
    (p / "gunicorn.conf.py").write_text("keepalive = 75\n")
    assert config(p)["keepalive"] == 75
    (p / "gunicorn.conf.py").write_text("keepalive = '30'\n")  # gunicorn reads a digit string too
    assert config(p)["keepalive"] == 30


def test_refuses_a_keepalive_that_is_no_number_naming_it_and_the_fix(tmp_path):
    p = project(tmp_path)
    (p / "gunicorn.conf.py").write_text("keepalive = 'abc'\n")
    result = load(p)
    assert result.returncode != 0
    assert 'keepalive in gunicorn.conf.py must be a whole number of seconds, got "abc"' in result.stderr
    assert "set e.g. keepalive = 5" in result.stderr


def test_keeps_the_projects_gunicorn_conf_but_its_address(tmp_path):
    p = project(tmp_path)
    (p / "gunicorn.conf.py").write_text(
        "bind = '127.0.0.1:9000'\nworkers = 5\nworker_class = 'sync'\ntimeout = 120\n"
        "wsgi_app = 'mysite.other:app'\ndef on_starting(server):\n    pass\n"
    )
    c = config(p, GUNICORN_WORKERS="3")
    assert c["bind"] == ["0.0.0.0:8000"]  # where the proxy and the probes connect
    assert (c["wsgi_app"], c["workers"], c["worker_class"], c["timeout"]) == ("mysite.other:app", 5, "sync", 120)
    assert c["on_starting"] == "function"
