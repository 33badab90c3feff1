"""How the image finds a project's dependencies (the installs themselves run in the docker suite)."""

import sys
from pathlib import Path

import pytest

from django_cdktf import deps


def test_requirements_txt_is_installed_as_it_is(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django==5.2.19\n")
    assert deps.requirements_of(tmp_path, tmp_path / "work") == (tmp_path / "requirements.txt", "requirements.txt")


def test_pyproject_dependencies_without_a_lock_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["Django==5.2.19", "dj-database-url"]\n')
    work = tmp_path / "work"
    work.mkdir()
    path, source = deps.requirements_of(tmp_path, work)
    assert source == "pyproject.toml [project].dependencies"
    assert path.read_text().splitlines() == ["Django==5.2.19", "dj-database-url"]


def test_a_poetry_project_without_its_lock_is_told_to_lock(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5.2"\n')
    with pytest.raises(deps.Failed, match="poetry lock"):
        deps.requirements_of(tmp_path, tmp_path)


def test_nothing_to_install_from_is_said(tmp_path):
    with pytest.raises(deps.Failed, match="no uv.lock, poetry.lock, requirements.txt or pyproject.toml"):
        deps.requirements_of(tmp_path, tmp_path)


def test_what_the_image_adds_is_what_the_target_lacks():
    # this interpreter has Django's test dependencies; whatever it lacks of the three is named
    missing = deps.missing(sys.executable)
    pins = Path(deps.ADDED).read_text()
    for requirement in missing:
        assert requirement in pins
    assert all("==" in r for r in missing)
