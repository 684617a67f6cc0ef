"""Cache keys change whenever what the cached answers depend on changes: here, installed package versions."""

import sys

from okrops import cache


def _site(tmp_path, *folders):
    site = tmp_path / "site-packages"
    site.mkdir(exist_ok=True)
    for folder in folders:
        (site / folder).mkdir()
    return site


def test_installed_packages_names_each_version_found_on_the_path(tmp_path, monkeypatch):
    site = _site(tmp_path, "PyYAML-6.0.1.dist-info", "jsonschema_specifications-2023.1.dist-info",
                 "fast_json-1.0.dist-info")
    monkeypatch.setattr(sys, "path", [str(site)])
    assert cache.installed_packages("pyyaml") == ["PyYAML-6.0.1.dist-info"]
    # A package whose name only starts the same is not the package.
    assert "jsonschema_specifications-2023.1.dist-info" not in cache.installed_packages("jsonschema")


def test_a_new_version_gives_a_new_key(tmp_path, monkeypatch):
    site = _site(tmp_path, "fastjsonschema-2.19.0.dist-info")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(site)])
    before = cache.installed_packages("fastjsonschema")
    (site / "fastjsonschema-2.19.0.dist-info").rename(site / "fastjsonschema-2.20.0.dist-info")
    after = cache.installed_packages("fastjsonschema")
    assert before != after and after == ["fastjsonschema-2.20.0.dist-info"]


def test_egg_info_counts_and_a_package_found_nowhere_is_asked_of_the_metadata(tmp_path, monkeypatch):
    site = _site(tmp_path, "PyYAML-5.4.egg-info")
    monkeypatch.setattr(sys, "path", [str(site)])
    found = cache.installed_packages("PyYAML", "no-such-package-okrops-test")
    assert found == ["PyYAML-5.4.egg-info", "no_such_package_okrops_test"]
