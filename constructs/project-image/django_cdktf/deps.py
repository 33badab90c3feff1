"""Installs a project's dependencies into the image's venv (run by the image build, and by
scripts/test-django.sh for a project's tests on the host).

    python deps.py DEPS_DIR TARGET_PYTHON

DEPS_DIR holds the project's dependency files the stack chose (config/django-project.ts), in this
order of precedence: uv.lock (with pyproject.toml: ``uv export``), poetry.lock (with pyproject.toml:
``poetry export``), requirements.txt (and the files it includes), pyproject.toml's
``[project].dependencies``. Lock files are followed exactly, hashes included. Then whatever the
project lacks of a WSGI server, a PostgreSQL driver and WhiteNoise is added (requirements-added.txt).

On failure, the last lines say what failed; pip's own output is just above them.
Standard library only (tomllib: Python 3.11+).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
ADDED = KIT / "requirements-added.txt"
TOOLS = KIT / "requirements-tools.txt"
#: What the image needs of a project, by import name, and the requirement that provides it.
NEEDED = {
    ("gunicorn",): "gunicorn",
    ("psycopg", "psycopg2"): "psycopg",
    ("whitenoise",): "whitenoise",
}


class Failed(Exception):
    pass


def say(message: str) -> None:
    print(f"django-cdktf: {message}", flush=True)


def run(argv: list[str], what: str, cwd: Path | None = None) -> None:
    print("+ " + " ".join(argv), flush=True)
    code = subprocess.call(argv, cwd=cwd)
    if code != 0:
        raise Failed(f"{what} failed (exit code {code}); its output is above")


def pip(python: str, *args: str, what: str) -> None:
    run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python, "install", *args], what)


def tools(names: list[str], workdir: Path) -> Path:
    """A throwaway venv holding the tools that read lock files; returns its bin directory."""
    venv = workdir / "tools"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], "making a venv for the lock-file tools")
    pip(str(venv / "bin" / "python"), "--constraint", str(TOOLS), *names, what=f"installing {', '.join(names)}")
    return venv / "bin"


def requirements_of(deps: Path, workdir: Path) -> tuple[Path, str]:
    """A requirements file holding the project's dependencies, and where they came from."""
    exported = workdir / "requirements.txt"
    if (deps / "uv.lock").is_file():
        uv = tools(["uv"], workdir) / "uv"
        run(
            [str(uv), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header",
             "--format", "requirements.txt", "--output-file", str(exported)],
            "uv export (reading uv.lock)",
            cwd=deps,
        )
        return exported, "uv.lock"
    if (deps / "poetry.lock").is_file():
        poetry = tools(["poetry", "poetry-plugin-export"], workdir) / "poetry"
        run(
            [str(poetry), "export", "--only", "main", "--format", "requirements.txt", "--output", str(exported)],
            "poetry export (reading poetry.lock)",
            cwd=deps,
        )
        return exported, "poetry.lock"
    if (deps / "requirements.txt").is_file():
        return deps / "requirements.txt", "requirements.txt"
    if (deps / "pyproject.toml").is_file():
        with open(deps / "pyproject.toml", "rb") as handle:
            pyproject = tomllib.load(handle)
        listed = pyproject.get("project", {}).get("dependencies")
        if (not isinstance(listed, list) or not listed) and "poetry" in pyproject.get("tool", {}):
            raise Failed(
                "pyproject.toml is a Poetry project without poetry.lock: run `poetry lock` and commit "
                "poetry.lock (the image installs exactly what it pins)"
            )
        if not isinstance(listed, list) or not listed:
            raise Failed(
                "pyproject.toml lists no [project].dependencies (and there is no uv.lock, poetry.lock or "
                "requirements.txt): list the project's dependencies there"
            )
        exported.write_text("\n".join(listed) + "\n", encoding="utf-8")
        return exported, "pyproject.toml [project].dependencies"
    raise Failed("no uv.lock, poetry.lock, requirements.txt or pyproject.toml to install from")


def missing(python: str) -> list[str]:
    """The requirements of requirements-added.txt whose import name the target cannot find."""
    pins = {}
    for line in ADDED.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pins[line.split("[")[0].split("=")[0].strip().lower()] = line
    wanted = []
    for modules, requirement in NEEDED.items():
        probe = "import importlib.util, sys; sys.exit(0 if any(importlib.util.find_spec(m) for m in sys.argv[1:]) else 1)"
        if subprocess.call([python, "-c", probe, *modules]) != 0:
            wanted.append(pins[requirement])
    return wanted


def install(deps: Path, python: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        requirements, source = requirements_of(deps, Path(tmp))
        say(f"installing the project's dependencies from {source}")
        # from the requirements file's own directory: its -r/-c includes are relative to it
        pip(python, "--requirement", str(requirements), what=f"pip install (dependencies from {source})")
    added = missing(python)
    if added:
        say(f"the project's dependencies lack {', '.join(added)}: adding them")
        pip(python, *added, what="pip install (what the image adds)")
    else:
        say("the project's dependencies already hold a WSGI server, a PostgreSQL driver and WhiteNoise")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    deps, python = Path(argv[0]), argv[1]
    os.environ.setdefault("PIP_NO_CACHE_DIR", "1")
    try:
        install(deps, python)
    except Failed as error:
        say(f"{error}")
        say("fix the project's dependency files (DJANGO_PROJECT_DIR) and deploy again")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
