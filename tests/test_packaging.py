"""The wheel ships the JSON Schemas, the site sources and the example organisation, identical to the repository's."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_schemas_are_found_from_the_source_tree():
    from okrops import schemas

    assert (schemas.schema_dir() / "okrs.json").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (found,) = out.glob("okrops-*.whl")
    return found


def test_wheel_contains_the_schemas_unchanged(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for schema in sorted((ROOT / "schema").glob("*.json")):
            inside = f"okrops/schema/{schema.name}"
            assert inside in names
            assert archive.read(inside) == schema.read_bytes()
        site = ROOT / "site"
        for source in sorted(p for part in ("mkdocs.yml", "docs", "overrides") for p in
                             ([site / part] if (site / part).is_file() else (site / part).rglob("*")) if p.is_file()):
            inside = f"okrops/site/scaffold/{source.relative_to(site).as_posix()}"
            assert archive.read(inside) == source.read_bytes(), inside
        assert not any(n.startswith("okrops/site/scaffold/screenshots") for n in names)
        assert "okrops/example/okrops.yaml" in names
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        text = archive.read(entry_points).decode()
        assert "okrops = okrops.cli:main" in text
        assert "okrops = okrops.site.plugin:OkropsPlugin" in text


def test_wheel_ships_the_lint_word_lists_and_profiles(wheel):
    data = sorted(p for p in (ROOT / "okrops" / "lint").rglob("*") if p.suffix in (".yaml", ".md"))
    assert {p.name for p in data} >= {"en.yaml", "es.yaml", "fr.yaml", "de.yaml", "pt.yaml", "names.yaml", "profiles.yaml"}
    with zipfile.ZipFile(wheel) as archive:
        for path in data:
            assert archive.read(path.relative_to(ROOT).as_posix()) == path.read_bytes(), path


def test_wheel_ships_the_init_templates_and_the_hook_manifest(wheel):
    templates = sorted(p for p in (ROOT / "okrops/rhythm/templates").rglob("*") if p.is_file())
    assert templates
    with zipfile.ZipFile(wheel) as archive:
        for path in templates:
            assert archive.read(path.relative_to(ROOT).as_posix()) == path.read_bytes(), path
        assert archive.read("okrops/rhythm/pre-commit-hooks.yaml") == (ROOT / ".pre-commit-hooks.yaml").read_bytes()


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """An sdist and a wheel built the way the release workflow builds them (hatchling, no network)."""
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    script = ("import sys; from hatchling.build import build_sdist, build_wheel; "
              "print(build_sdist(sys.argv[1])); print(build_wheel(sys.argv[1]))")
    subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, check=True, capture_output=True)
    (sdist,) = out.glob("okrops-*.tar.gz")
    (whl,) = out.glob("okrops-*.whl")
    return {"sdist": sdist, "wheel": whl}


def test_release_files_pass_twine_check_and_carry_the_metadata(dists):
    from email.parser import Parser

    from packaging.metadata import Metadata

    from okrops import __version__

    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed")
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dists["sdist"]), str(dists["wheel"])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2
    with zipfile.ZipFile(dists["wheel"]) as archive:
        text = archive.read(f"okrops-{__version__}.dist-info/METADATA").decode()
    metadata = Metadata.from_email(text, validate=True)  # the core metadata spec, field by field
    assert metadata.name == "okrops" and str(metadata.version) == __version__
    assert metadata.project_urls["Repository"] == "https://github.com/okrops/okrops"
    assert any(str(r).startswith("openpyxl") for r in metadata.requires_dist)
    assert Parser().parsestr(text).get_content_type() == "text/plain"  # headers, then the README as the body
    assert metadata.description_content_type == "text/markdown"


def test_sdist_holds_what_a_release_needs(dists):
    import tarfile

    from okrops import __version__

    with tarfile.open(dists["sdist"]) as archive:
        tops = {n.split("/", 1)[0] for n in archive.getnames()}
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert tops == {f"okrops-{__version__}"}
    for needed in ("pyproject.toml", "README.md", "CHANGELOG.md", "action.yml", ".pre-commit-hooks.yaml",
                   "okrops/rhythm/templates/github/okrs.yml", "schema/okrs.json", "tests/test_packaging.py"):
        assert needed in names, needed


def test_the_wheel_alone_makes_a_repository_that_validates(dists, tmp_path):
    """Installed from the wheel (not the source tree), okrops init finds its templates and hook list."""
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target),
                    str(dists["wheel"])], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "OKROPS_TODAY": "2026-11-20"}

    def okrops(*args):
        return subprocess.run([sys.executable, "-c", "from okrops.cli import main; main()", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-c", "import okrops; print(okrops.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target)), where
    created = okrops("init", "acme", "--org", "Acme", "--no-git")
    assert created.returncode == 0, created.stdout + created.stderr
    assert "uses: okrops/okrops@v" in (tmp_path / "acme/.github/workflows/okrs.yml").read_text()
    assert "okrops-codeowners" in (tmp_path / "acme/.pre-commit-config.yaml").read_text()
    validated = okrops("validate", "acme")
    assert validated.returncode == 0, validated.stdout + validated.stderr
