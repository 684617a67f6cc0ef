"""Privacy fails closed: what okrops cannot read for certain never reaches the site or a PR comment.

Real repositories, real git history, real site builds (``okrops site build`` in a subprocess)
and real ``okrops diff`` runs. Every piece of text that must not be published starts with
UNSURE (unit folders too), so one case-insensitive search of every output file finds a leak.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_site import PRIVATE_MARKERS, TODAY, commit_history, git, kr, write_repo

ENV = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}


def put(root: Path, rel: str, data) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    from okrops.yamlio import dump_roundtrip

    path.write_text(data if isinstance(data, str) else dump_roundtrip(data), encoding="utf-8")
    return path


def okrs_of(marker: str, **objective) -> dict:
    return {"objectives": [{"id": "O1", "title": f"{marker} objective", "why": f"{marker} why",
                            "key_results": [kr("KR1", f"{marker} key result", 0, 10, 4)], **objective}]}


# (folder under okrs/acme, what is wrong, the finding's file relative to okrs/acme, its line)
UNSURE_UNITS = [
    ("unsure-a", "visibility: Private\n", "unsure-a/unit.yaml", 2),
    ("unsure-b", "visibility: PRIVATE\n", "unsure-b/unit.yaml", 2),
    ("unsure-c", "visibility: hidden\n", "unsure-c/unit.yaml", 2),
    ("unsure-d", "visibility: internal\n", "unsure-d/unit.yaml", 2),
    ("unsure-e", "visiblity: private\n", "unsure-e/unit.yaml", 2),  # a mistyped key: schema error
    ("unsure-f", "visibility: [private\n", "unsure-f/unit.yaml", 3),  # a YAML syntax error
]


def add_unsure_parts(root: Path, outside: Path) -> None:
    """Parts of the organisation whose visibility cannot be read for certain, each with its own markers."""
    acme = "okrs/acme"
    for folder, wrong, _file, _line in UNSURE_UNITS:
        put(root, f"{acme}/{folder}/unit.yaml", f"name: {folder.upper()} unit\n{wrong}")
        put(root, f"{acme}/{folder}/2026-Q4.yaml", okrs_of(folder.upper()))
        # A unit below it that says it is public: it is below a unit of unknown visibility.
        put(root, f"{acme}/{folder}/{folder}-kid/unit.yaml", {"name": f"{folder.upper()} kid", "visibility": "public"})
        put(root, f"{acme}/{folder}/{folder}-kid/2026-Q4.yaml", okrs_of(f"{folder.upper()}-KID"))
    # No unit.yaml at all, and misspelt ones.
    put(root, f"{acme}/unsure-g/2026-Q4.yaml", okrs_of("UNSURE-G"))
    put(root, f"{acme}/unsure-g/unsure-g-kid/unit.yaml", {"name": "UNSURE-G kid"})
    put(root, f"{acme}/unsure-g/unsure-g-kid/2026-Q4.yaml", okrs_of("UNSURE-G-KID"))
    put(root, f"{acme}/unsure-h/Unit.yaml", {"name": "UNSURE-H unit", "visibility": "private"})
    put(root, f"{acme}/unsure-h/2026-Q4.yaml", okrs_of("UNSURE-H"))
    put(root, f"{acme}/unsure-i/unit.YAML", {"name": "UNSURE-I unit", "visibility": "private"})
    put(root, f"{acme}/unsure-i/2026-Q4.yaml", okrs_of("UNSURE-I"))
    # Cycle files of a public unit that cannot be read: a mistyped objective visibility, an upper-case extension.
    put(root, f"{acme}/sales/2026-Q3.yaml", okrs_of("UNSURE-J", visibility="Private"))
    put(root, f"{acme}/sales/FY2026.YAML", okrs_of("UNSURE-K"))
    # Symbolic links to files and folders outside the repository, which say "public".
    put(outside, "unit.yaml", {"name": "UNSURE-L unit", "visibility": "public"})
    put(root, f"{acme}/unsure-l/2026-Q4.yaml", okrs_of("UNSURE-L"))
    os.symlink(outside / "unit.yaml", root / acme / "unsure-l" / "unit.yaml")
    put(outside, "cycle.yaml", okrs_of("UNSURE-M"))
    os.symlink(outside / "cycle.yaml", root / acme / "engineering" / "FY2026.yaml")
    put(outside, "folder/unit.yaml", {"name": "UNSURE-N unit"})
    put(outside, "folder/2026-Q4.yaml", okrs_of("UNSURE-N"))
    os.symlink(outside / "folder", root / acme / "unsure-n")
    put(root, f"{acme}/Unsure_O/unit.yaml", {"name": "UNSURE-O unit"})  # not a safe folder name
    put(root, f"{acme}/Unsure_O/2026-Q4.yaml", okrs_of("UNSURE-O"))
    # Public objectives that point at the parts above: owner, parent, an initiative moving only their key results.
    sales = yaml.safe_load((root / acme / "sales" / "2026-Q4.yaml").read_text())
    sales["objectives"].append({
        "id": "O2", "title": "Partners resell robot hours", "owner": "unsure-g",
        "aligns_to": {"parent": "unsure-a/2026-Q4/O1/KR1"},
        "key_results": [kr("KR1", "Partner contracts from 0 to 5", 0, 5, 1)]})
    sales["initiatives"] = [{"id": "I1", "title": "UNSURE-P initiative", "key_results": ["unsure-a/2026-Q4/O1/KR1",
                                                                                        "unsure-g/2026-Q4/O1/KR1"]}]
    put(root, f"{acme}/sales/2026-Q4.yaml", sales)


WITHHELD = [f"okrs/acme/{file}:{line}" for _folder, _wrong, file, line in UNSURE_UNITS] + [
    "okrs/acme/unsure-g", "okrs/acme/unsure-h/Unit.yaml", "okrs/acme/unsure-i/unit.YAML",
    "okrs/acme/sales/2026-Q3.yaml:", "okrs/acme/sales/FY2026.YAML", "okrs/acme/unsure-l/unit.yaml",
    "okrs/acme/engineering/FY2026.yaml", "okrs/acme/unsure-n", "okrs/acme/Unsure_O",
]


@pytest.fixture(scope="module")
def unsure_repo(tmp_path_factory) -> Path:
    from okrops.record.checkin import Request, checkin, parse_date
    from okrops.repository import load

    base = tmp_path_factory.mktemp("privacy")
    root = write_repo(base / "repo")
    add_unsure_parts(root, base / "outside")
    old = os.environ.get("OKROPS_TODAY")
    os.environ["OKROPS_TODAY"] = TODAY
    try:
        commit_history(root)
        org = load(root).organisation
        moment = parse_date("2026-11-20T10:00:00+00:00")
        checkin(org, [Request("unsure-g/2026-Q4/O1/KR1", 6, 0.5, "UNSURE-NOTE in a unit without unit.yaml"),
                      Request("unsure-a/2026-Q4/O1/KR1", 5, 0.5, "UNSURE-NOTE in a mistyped private unit")],
                when=moment, author=("Sam Checker", "sam@example.com"), commit_date=moment)
        hand_edit(root, {"okrs/acme/sales/2026-Q4.yaml": 3, "okrs/acme/engineering/platform/2026-Q4.yaml": 7},
                  "UNSURE-SUBJECT: a hand edit of a public and a private key result")
    finally:
        if old is None:
            os.environ.pop("OKROPS_TODAY", None)
        else:
            os.environ["OKROPS_TODAY"] = old
    return root


def hand_edit(root: Path, values: dict[str, float], subject: str) -> None:
    """One commit without check-in trailers that sets KR1 of the last objective in each file to a value."""
    from okrops.yamlio import dump_roundtrip, load_roundtrip

    for rel, value in values.items():
        path = root / rel
        document = load_roundtrip(path.read_text(encoding="utf-8"))
        document["objectives"][-1]["key_results"][0]["current"] = value
        path.write_text(dump_roundtrip(document), encoding="utf-8")
    git(root, "add", *values)
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-21T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-21T10:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "-m", subject], cwd=root, check=True, env=env)


def site_build(repo: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", str(out), *options],
                          cwd=repo, capture_output=True, text=True, env=ENV)


def leaks(out: Path) -> list[tuple[str, str]]:
    """(file, marker) for every marker of a withheld or private part found in any output file."""
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            # Titles are UNSURE-..., folders unsure-... and Unsure_O ("unsure" alone is an English word).
            found += [(str(path.relative_to(out)), m) for m in ("UNSURE", "unsure-", "Unsure_") if m.encode() in data]
            found += [(str(path.relative_to(out)), m) for m in PRIVATE_MARKERS if m.lower().encode() in data.lower()]
    return found


def test_a_build_with_unreadable_visibility_fails_naming_every_file_and_line(unsure_repo, tmp_path):
    result = site_build(unsure_repo, tmp_path / "out")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "the site is not built" in result.stderr and "--partial" in result.stderr
    for where in WITHHELD:
        assert where in result.stderr, where
    assert 'okrs/acme/unsure-a/unit.yaml:2: "Private" is not allowed; use one of: public, private' in result.stderr
    assert "unknown key 'visiblity'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_partial_build_keeps_every_uncertain_part_out_and_says_why(unsure_repo, tmp_path):
    out = tmp_path / "out"
    result = site_build(unsure_repo, out, "--partial")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "kept off the site" in line]
    assert len(warnings) == len(WITHHELD)
    for where in WITHHELD:
        assert any(where in line for line in warnings), where
    assert leaks(out) == []
    # The public parts are all there, and references to the withheld ones read "(private)".
    sales = (out / "units" / "sales" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    assert "Partners resell robot hours" in sales and "Close the first robot-hour contracts" in sales
    assert sales.count('<span class="okr-private">(private)</span>') == 2  # the owner and the parent
    assert 'id="initiatives"' not in sales  # its one initiative moves only withheld key results
    assert (out / "units" / "platform" / "2026-Q4" / "O1" / "KR1" / "index.html").is_file()
    units = sorted(p.name for p in (out / "units").iterdir() if p.is_dir())  # and units/index.html, the index
    assert units == ["acme", "engineering", "labs", "platform", "sales"]
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("Partners resell robot hours" in doc["text"] for doc in index["docs"])
    # The hand edit of the public key result is shown, without the subject of a commit that also edited a private one.
    partners = (out / "units" / "sales" / "2026-Q4" / "O2" / "KR1" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><td class="okr-when">2026-11-21</td>.*?</tr>', partners).group(0)
    assert "1 → 3 users" in row and "edit" in row and '<td class="okr-note"><span class=okr-muted>–</span></td>' in row


def test_plugin_option_partial_works_for_a_plain_mkdocs_build(unsure_repo, tmp_path):
    config = unsure_repo / "site" / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "out")]
    refused = subprocess.run(command, capture_output=True, text=True, env=ENV)
    assert refused.returncode == 1 and "the site is not built" in refused.stderr
    config.write_text(text.replace("  - okrops\n", "  - okrops:\n      partial: true\n"), encoding="utf-8")
    try:
        built = subprocess.run(command, capture_output=True, text=True, env=ENV)
    finally:
        config.write_text(text, encoding="utf-8")
    assert built.returncode == 0, built.stderr
    assert leaks(tmp_path / "out") == []


def test_strict_and_partial_still_fails_on_the_warnings(unsure_repo, tmp_path):
    result = site_build(unsure_repo, tmp_path / "out", "--partial", "--strict")
    assert result.returncode == 1
    assert "kept off the site" in result.stderr


# -- the model: what counts as private ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["Private", "PRIVATE", "hidden", "internal", "yes", "true", "''", "null", "[public]",
                                   "Public", "PUBLIC", "'public '"])
def test_a_unit_visibility_that_is_not_exactly_public_or_private_makes_it_private(org, value):
    from okrops.repository import load
    from okrops.site.view import public_view, withheld
    from okrops.validate import validate

    org.standard()
    org.write("okrs/acme/eng/unit.yaml", f"name: Engineering\nvisibility: {value}\n")
    result = load(org.root)
    full = result.organisation
    assert full.is_private_unit("eng") and full.is_private_unit("platform")  # and everything below it
    view = public_view(full)
    assert sorted(view.units) == ["acme"] and view.units["acme"].children == []
    assert not any(o.unit in ("eng", "platform") for o in view.objectives.values())
    assert [(w.path, w.unit) for w in withheld(full)] == [("okrs/acme/eng/unit.yaml", "acme")]
    (finding,) = [f for f in validate(org.root).findings if f.file == "okrs/acme/eng/unit.yaml"]
    assert finding.line == 2
    if value not in ("[public]",):
        assert "use one of: public, private" in finding.message


@pytest.mark.parametrize("key,value", [("visibility", "Private"), ("visibility", "hidden"), ("visibility", "internal"),
                                       ("visibility", "PUBLIC"), ("visibility", "no"), ("visiblity", "private"),
                                       ("Visibility", "private")])
def test_an_objective_visibility_typo_keeps_its_file_off_the_site(org, key, value):
    from okrops.repository import load
    from okrops.site.view import public_view, withheld

    org.standard()
    path = org.root / "okrs/acme/eng/2026-Q4.yaml"
    data = yaml.safe_load(path.read_text())
    data["objectives"][1][key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    full = load(org.root).organisation
    assert not any(o.unit == "eng" for o in public_view(full).objectives.values())
    assert [w.path for w in withheld(full)] == ["okrs/acme/eng/2026-Q4.yaml"]


def test_nothing_unreadable_inside_a_private_unit_is_reported_as_withheld(org):
    """A broken file below a unit that is private anyway changes nothing on the site: no failure for it."""
    from okrops.repository import load
    from okrops.site.view import withheld

    org.standard()
    org.write("okrs/acme/eng/unit.yaml", "name: Engineering\nvisibility: private\n")
    org.write("okrs/acme/eng/platform/unit.yaml", "name: Platform\nvisibility: Private\n")
    org.write("okrs/acme/eng/platform/2026-Q3.YAML", "objectives: []\n")
    full = load(org.root).organisation
    assert full.is_private_unit("platform")
    assert withheld(full) == []


def test_initiatives_are_as_private_as_the_key_results_they_move(org):
    from okrops.repository import load
    from okrops.site.view import public_view

    org.standard()
    path = org.root / "okrs/acme/eng/2026-Q4.yaml"
    data = yaml.safe_load(path.read_text())
    data["objectives"][1]["visibility"] = "private"
    data["initiatives"] = [
        {"id": "I1", "title": "Only private", "key_results": ["O2/KR1", "O2/KR2"]},
        {"id": "I2", "title": "Mixed", "key_results": ["O2/KR1", "O1/KR1", "platform/2026-Q4/O1/KR1"]},
        {"id": "I3", "title": "Moves nothing named"},
        {"id": "I4", "title": "Names a missing one only", "key_results": ["O9/KR1"]},
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    full = load(org.root).organisation
    view = public_view(full)
    kept = {i.id: i.key_results for i in view.cycle_files[("eng", "2026-Q4")].initiatives}
    assert kept == {"I2": ["eng/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR1"], "I3": []}
    # In a private unit every initiative is private.
    org.write("okrs/acme/eng/unit.yaml", "name: Engineering\nvisibility: private\n")
    assert ("eng", "2026-Q4") not in public_view(load(org.root).organisation).cycle_files


def test_a_cycle_file_with_only_private_objectives_gives_its_unit_no_page_for_that_cycle(org):
    from okrops.repository import load
    from okrops.site.view import public_view

    org.standard()
    org.okrs_file("acme/eng", "2026-Q3", [{"id": "O1", "title": "Secret", "visibility": "private",
                                          "key_results": [{"id": "KR1", "title": "K", "target": 1}]}])
    view = public_view(load(org.root).organisation)
    assert ("eng", "2026-Q3") not in view.cycle_files
    assert [c.id for c in view.cycles_in_use()] == ["FY2026", "2026-Q4"]


# -- okrops diff --format markdown: a pull-request comment ---------------------------------------------


def _diff_repo(org) -> Path:
    org.standard()
    org.unit("acme/eng/vault", "UNSURE-VAULT-NAME", visibility="private")
    org.okrs_file("acme/eng/vault", "2026-Q4", [{"id": "O1", "title": "UNSURE-VAULT objective",
                                                "key_results": [{"id": "KR1", "title": "UNSURE-VAULT kr", "target": 9}]}])
    path = org.root / "okrs/acme/eng/2026-Q4.yaml"
    data = yaml.safe_load(path.read_text())
    data["objectives"][1].update(visibility="private", title="UNSURE-OLD-TITLE")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    org.git_init()
    data["objectives"][1].update(title="UNSURE-NEW-TITLE", why="UNSURE-NEW-WHY")
    data["objectives"][1]["key_results"][0].update(target=150, current=120, title="UNSURE-KR-TITLE")
    data["objectives"][0]["key_results"][0]["current"] = 170
    data["objectives"].append({"id": "O4", "title": "UNSURE-ADDED", "visibility": "private",
                               "key_results": [{"id": "KR1", "title": "UNSURE-ADDED-KR", "target": 3}]})
    data["initiatives"] = [{"id": "I1", "title": "UNSURE-INITIATIVE", "key_results": ["O2/KR1"]}]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    org.okrs_file("acme/eng/vault", "2026-Q4", [{"id": "O1", "title": "UNSURE-VAULT objective reworded",
                                                "key_results": [{"id": "KR1", "title": "UNSURE-VAULT kr", "target": 7}]}])
    org.write("okrs/acme/eng/vault/unit.yaml", "name: UNSURE-VAULT-RENAMED\nvisibility: private\n")
    return org.root


def okrops_diff(repo: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", "diff", "HEAD", *options], cwd=repo,
                          capture_output=True, text=True, env=ENV)


def test_markdown_diff_marks_private_changes_and_withholds_their_text(org):
    repo = _diff_repo(org)
    result = okrops_diff(repo, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    comment = result.stdout
    assert "UNSURE" not in comment
    lines = [line for line in comment.splitlines() if line.lstrip().startswith("- 🔒")]
    refs = {re.search(r"\*\*([^*]+)\*\*", line).group(1) for line in lines}
    # eng's O2, its key result, an added objective and initiative; the private unit vault, its objective and KR.
    assert refs == {"O2", "O2/KR1", "O4", "O4/KR1", "I1", "O1", "O1/KR1", "vault"}
    assert "- 🔒 Objective **O2** (private) changed: title, why" in comment
    assert "  - 🔒 Key result **O2/KR1** (private) changed: title, target, current ⚠️" in comment
    assert "### vault · 2026-Q4 🔒" in comment
    assert "170" in comment  # the public check-in is shown in full
    assert "target lowered" in comment and "details withheld" in comment  # the flag, without its values
    assert "--show-private" in comment


def test_markdown_diff_shows_private_text_only_when_asked(org):
    repo = _diff_repo(org)
    comment = okrops_diff(repo, "--format", "markdown", "--show-private").stdout
    assert "UNSURE-NEW-TITLE" in comment and "UNSURE-VAULT objective reworded" in comment
    assert "🔒 (private)" in comment and "post this comment only where" in comment
    data = json.loads(okrops_diff(repo, "--format", "json").stdout)
    private = {c["ref"] for c in data["changes"] if c["private"]}
    assert "eng/2026-Q4/O2" in private and "vault/2026-Q4/O1" in private and "eng/2026-Q4/O1/KR1" not in private
    assert "(private)" in okrops_diff(repo).stdout
    assert "--show-private" in subprocess.run([sys.executable, "-m", "okrops", "diff", "--help"],
                                              capture_output=True, text=True).stdout


def test_a_unit_that_could_not_be_read_and_becomes_public_is_flagged(org):
    org.standard()
    org.write("okrs/acme/eng/unit.yaml", "name: Engineering\nvisibility: Public\n")
    org.git_init()
    org.write("okrs/acme/eng/unit.yaml", "name: Engineering\nvisibility: public\n")
    data = json.loads(okrops_diff(org.root, "--format", "json").stdout)
    assert [(f["ref"], f["id"]) for f in data["flags"]] == [("eng", "made-public")]
