"""While serving, a rebuild makes the Markdown of only the pages of the units a change can affect.

A generated organisation (four levels of units) is served the way ``okrops site serve`` serves it, and
edited at random, one edit of one kind at a time: a key result's value, title, target or confidence,
an objective's note, a new check-in commit, a department's inherited settings, a key result shared
with another unit and then its value, a second parent for an objective and then a value below it,
a dependency, a privacy change, an objective added. After each rebuild:

* every page's Markdown digest the serve session holds (made again, or kept from the previous build)
  equals the digest a full build in a fresh process makes of it, so every page whose Markdown
  changed was among the pages made again;
* the output folder equals that full build's, byte for byte.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git_init
from test_site_incremental import ENV, URL, Session, env, tree  # noqa: F401 (env: a fixture)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# A full build in a fresh process, which also writes every generated page's Markdown digest.
FULL_BUILD = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from okrops.site import plugin
from okrops.site.incremental import digest

made = {}
on_files = plugin.OkropsPlugin.on_files
def recording(self, files, config):
    files = on_files(self, files, config)
    made.update({f.src_uri: digest(f.content_string).hex() for f in files if f.src_uri in self.generated})
    return files
plugin.OkropsPlugin.on_files = recording
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.site_url = sys.argv[3]
build(config, serve_url=sys.argv[3])
with open(sys.argv[4], "w") as out:
    json.dump(made, out)
"""


def generated_repo(root: Path) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate_org import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    from okrops.site import scaffold_files

    generate(root, units=24, objectives=2, key_results=2)
    for rel, text in scaffold_files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return git_init(root, "Q4 OKRs")


@pytest.fixture
def served(tmp_path, env):  # noqa: F811
    repo = generated_repo(tmp_path / "repo")
    session = Session(repo, tmp_path / "serve-out")
    session.repo = repo
    yield session
    session.close()


def full_build(session: Session, name: str) -> tuple[Path, dict[str, bytes]]:
    out = session.out.parent / f"full-{name}"
    sources = session.out.parent / f"full-{name}.json"
    result = subprocess.run([sys.executable, "-c", FULL_BUILD, session.config_file, str(out), URL, str(sources)],
                            capture_output=True, text=True, env={**os.environ, **ENV}, cwd=out.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, {uri: bytes.fromhex(h) for uri, h in json.loads(sources.read_text()).items()}


def check(session: Session, name: str, before: dict[str, bytes]) -> set[str]:
    """The serve session's pages equal a full build's; returns the pages made again."""
    held = session.plugin.incremental.previous.sources
    made = set(session.plugin.generated) - session.plugin.unmade
    out, full = full_build(session, name)
    assert sorted(held) == sorted(full)
    changed = {uri for uri in full if before.get(uri) != full[uri]}
    missed = sorted(changed - made)
    assert missed == [], f"{name}: these pages changed but were not made again: {missed[:10]}"
    wrong = sorted(uri for uri in full if held[uri] != full[uri])
    assert wrong == [], f"{name}: pages whose Markdown differs from a full build's: {wrong[:10]}"
    expected, actual = tree(out), tree(session.out)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == [], name
    return made


# -- edits -------------------------------------------------------------------------------------------

def cycle_files(repo: Path) -> list[Path]:
    return sorted(repo.glob("okrs/**/2026-Q4.yaml"))


def deepest(repo: Path, rng: random.Random) -> Path:
    files = cycle_files(repo)
    depth = max(len(p.parts) for p in files)
    return rng.choice([p for p in files if len(p.parts) == depth])


def slug_of(path: Path) -> str:
    return path.parent.name


def replace_nth(path: Path, pattern: str, make, rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    found = list(re.finditer(pattern, text, re.M))
    assert found, (pattern, path)
    match = rng.choice(found)
    path.write_text(text[:match.start()] + make(match) + text[match.end():], encoding="utf-8")


def edit_value(repo, rng):
    replace_nth(deepest(repo, rng), r"^(\s+current: )[\d.]+$", lambda m: f"{m.group(1)}{rng.randint(1, 99)}", rng)


def edit_title(repo, rng):
    replace_nth(rng.choice(cycle_files(repo)), r"^(\s+- id: KR\d\n\s+title: ).+$",
                lambda m: f"{m.group(1)}Renamed {rng.randint(1, 999)}", rng)


def edit_target(repo, rng):
    replace_nth(rng.choice(cycle_files(repo)), r"^(\s+target: )[\d.]+$", lambda m: f"{m.group(1)}{rng.randint(100, 999)}", rng)


def edit_confidence(repo, rng):
    replace_nth(deepest(repo, rng), r"^(\s+confidence: )[\d.]+$", lambda m: f"{m.group(1)}0.{rng.randint(1, 9)}", rng)


def edit_note(repo, rng):
    replace_nth(rng.choice(cycle_files(repo)), r"^(\s+why: ).+$", lambda m: f"{m.group(1)}A new reason {rng.randint(1, 99)}",
                rng)


def checkin_commit(repo, rng):
    from okrops.record.checkin import Request, checkin, parse_date
    from okrops.repository import load

    org = load(repo).organisation
    refs = sorted(ref for ref in org.key_results if "/2026-Q4/" in ref and not org.is_private_objective(
        org.objectives[org.key_results[ref].objective_ref]))
    moment = parse_date(f"2026-11-{rng.randint(10, 20)}T10:00:00+00:00")
    checkin(org, [Request(rng.choice(refs), rng.randint(1, 99), 0.5, f"Week note {rng.randint(1, 99)}")],
            when=moment, author=("Sam Checker", "sam@example.com"), commit_date=moment)


def share(repo, rng):
    """A key result shared with a unit elsewhere in the tree; then its value changes (a second edit)."""
    path = deepest(repo, rng)
    other = slug_of(rng.choice([p for p in cycle_files(repo) if p.parent.parent != path.parent.parent]))
    replace_nth(path, r"^(\s+- id: KR1\n)(\s+)(title: .+)$",
                lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}\n{m.group(2)}contributors: [{other}]", rng)
    return path


def second_parent(repo, rng):
    """An objective aligned to a second parent in another department; then a value in it changes."""
    from okrops.repository import load

    org = load(repo).organisation
    path = deepest(repo, rng)
    parents = [o.ref for o in org.objectives.values() if o.cycle == "2026-Q4" and o.unit != slug_of(path)
               and not org.is_private_objective(o) and o.unit != org.units[slug_of(path)].parent]
    replace_nth(path, r"^(\s+parent: )(\S+)$", lambda m: f"{m.group(1)}[{m.group(2)}, {rng.choice(parents)}]", rng)
    return path


def dependency(repo, rng):
    from okrops.repository import load

    org = load(repo).organisation
    path = deepest(repo, rng)
    providers = [o.ref for o in org.objectives.values() if o.cycle == "2026-Q4" and o.unit != slug_of(path)
                 and not org.is_private_objective(o)]
    replace_nth(path, r"^(\s+)(type: committed)$",
                lambda m: f"{m.group(1)}{m.group(2)}\n{m.group(1)}depends_on:\n{m.group(1)}  - {rng.choice(providers)}",
                rng)


def inherited_setting(repo, rng):
    """A department's scoring style and check-in cadence: the units below it inherit them."""
    path = rng.choice(sorted(repo.glob("okrs/*/*/unit.yaml")))
    path.write_text(path.read_text(encoding="utf-8") + "scoring:\n  style: commit-target-stretch\n"
                    "checkins:\n  cadence_days: 3\n", encoding="utf-8")


def private(repo, rng):
    replace_nth(rng.choice(cycle_files(repo)), r"^(\s+)(type: committed)$",
                lambda m: f"{m.group(1)}{m.group(2)}\n{m.group(1)}visibility: private", rng)


def new_objective(repo, rng):
    path = deepest(repo, rng)
    text = path.read_text(encoding="utf-8")
    assert "\nobjectives:\n" in text
    path.write_text(text.replace("\nobjectives:\n", (
        "\nobjectives:\n  - id: O9\n    title: A new objective\n    key_results:\n      - id: KR1\n"
        "        title: From 0 to 5\n        baseline: 0\n        target: 5\n        current: 1\n"), 1), encoding="utf-8")


EDITS = [edit_value, edit_title, edit_target, edit_confidence, edit_note, checkin_commit, share, second_parent,
         dependency, inherited_setting, private, new_objective]


def test_random_edits_make_again_every_page_they_change(served):
    rng = random.Random(16)
    served.build()
    check(served, "start", {})
    kept_some = 0
    for step, change in enumerate(EDITS + [rng.choice(EDITS[:5]) for _ in range(3)]):
        before = dict(served.plugin.incremental.previous.sources)
        followed = change(served.repo, rng)
        served.build()
        made = check(served, f"{step}-{change.__name__}", before)
        kept_some += len(made) < len(before)
        if followed is not None:  # a value below the new link: the linked unit's pages show it
            before = dict(served.plugin.incremental.previous.sources)
            replace_nth(followed, r"^(\s+current: )[\d.]+$", lambda m: f"{m.group(1)}{rng.randint(1, 99)}", rng)
            served.build()
            check(served, f"{step}-{change.__name__}-value", before)
    assert kept_some >= 5, "the rebuilds made every page again"


def test_an_edit_deep_in_the_tree_makes_its_ancestors_pages(served):
    """A value in a squad changes the roll-ups of its team, department and company: their pages are made."""
    served.build()
    path = deepest(served.repo, random.Random(1))
    chain = path.relative_to(served.repo / "okrs").parts[:-1]
    before = dict(served.plugin.incremental.previous.sources)
    replace_nth(path, r"^(\s+current: )[\d.]+$", lambda m: f"{m.group(1)}97531", random.Random(2))
    served.build()
    made = check(served, "deep", before)
    company = slug_of(served.repo / "okrs" / chain[0] / "2026-Q4.yaml")
    for slug in (company,) + chain[1:]:
        assert f"units/{slug}/2026-Q4/index.md" in made, slug
    assert served.plugin.unmade, "every page was made again"
