"""The wheel ships the JSON Schemas, the site sources and the example organisation, identical to the repository's."""

from __future__ import annotations

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
