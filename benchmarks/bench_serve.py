"""Benchmark the live preview: from saving a cycle file to the rebuilt page being served.

Runs a real ``okrops site serve`` on 127.0.0.1 for a copy of a synthetic organisation (by default
/work/bench/org-1000, made by benchmarks/generate_org.py; the copy is made once into
benchmarks/out/serve-org/ and committed, the original is never touched), waits for the first
build, then edits one key result's title and value in one cycle file and polls the key result's
page until the served page shows the new title. The live reload server holds a page request while
a build runs, so the time measured is save -> rebuilt output -> page served, which is what a
browser reloaded by the live reload script fetches.

``--baseline DIR`` runs the same edits against another okrops source tree (for instance ``git
archive main okrops schema site | tar -x -C /tmp/okrops-main``: every change renders every page)
and reports both. Not a test: run it by hand::

    python benchmarks/bench_serve.py --edits 2
    python benchmarks/bench_serve.py --edits 2 --baseline /tmp/okrops-main
    python benchmarks/bench_serve.py --org /tmp/org-100 --edits 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DEFAULT_ORG = Path("/work/bench/org-1000")
TODAY = "2026-11-25"


def prepare(source: Path) -> Path:
    """A committed copy of ``source`` in benchmarks/out/serve-org-<name> (made once)."""
    return committed_copy(source, OUT / f"serve-org-{source.name}")


def committed_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` at ``target``, committed in a git repository of its own (made once)."""
    if not (target / "okrs").is_dir():
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, symlinks=True)
        git = ["git", "-C", str(target)]
        if not (target / ".git").exists():
            subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
        subprocess.run(git + ["add", "-A"], check=True)
        subprocess.run(git + ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q",
                              "--allow-empty", "-m", "Benchmark copy"], check=True)
    return target


def pick_key_result(org: Path) -> tuple[Path, str, str, str]:
    """(cycle file, unit, cycle, KR reference) of the first key result with a title, in a deep unit."""
    for path in sorted(org.glob("okrs/**/20*-Q*.yaml"), key=lambda p: (-len(p.parts), str(p))):
        text = path.read_text(encoding="utf-8")
        objective = re.search(r"^\s*- id: (O\d+)", text, re.M)
        kr = re.search(r"^\s*- id: (KR\d+)\s*\n\s*title: (.+)$", text, re.M)
        if objective and kr:
            unit = path.parent.name
            return path, unit, path.stem, f"units/{unit}/{path.stem}/{objective.group(1)}/{kr.group(1)}/"
    raise SystemExit(f"no key result found in {org}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_for(process, url: str, text: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"serve stopped:\n{process.stderr.read()[-4000:] if process.stderr else ''}")
        if text in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"{text!r} did not appear at {url} within {timeout:.0f} s")


def session(org: Path, edits: int, source: str, timeout: float) -> dict:
    """Serve ``org`` with this tree (or ``source``), then time each edit until the page shows it."""
    path, _unit, _cycle, page = pick_key_result(org)
    original = path.read_text(encoding="utf-8")
    port = free_port()
    env = dict(os.environ, OKROPS_TODAY=TODAY, NO_MKDOCS_2_WARNING="1")
    if source:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-serve-", suffix=".log", delete=False)
    code = f"from okrops.cli.site import site; site(['serve', '--dev-addr', '127.0.0.1:{port}', '--repo', {str(org)!r}])"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=OUT, stdout=subprocess.DEVNULL,
                               stderr=log, text=True)
    url = f"http://127.0.0.1:{port}/{page}"
    result: dict = {"source": source or "this tree", "page": page, "file": str(path.relative_to(org)), "edits": []}
    try:
        title = re.search(r"^\s*- id: KR\d+\s*\n\s*title: (.+)$", original, re.M).group(1).strip().strip("'\"")
        wait_for(process, url, title[:30], timeout)
        result["first_build_seconds"] = time.perf_counter() - started
        print(f"  first build: {result['first_build_seconds']:.1f} s", file=sys.stderr)
        for number in range(1, edits + 1):
            marker = f"Edited {number} {os.getpid()}"
            text = re.sub(r"^(\s*- id: KR\d+\s*\n\s*title: ).+$", rf"\g<1>{marker}", original, count=1, flags=re.M)
            time.sleep(1.5)  # the watcher and the file's time stamp settle
            path.write_text(text, encoding="utf-8")
            seconds = wait_for(process, url, marker, timeout)
            result["edits"].append(seconds)
            print(f"  edit {number}: page served with the change after {seconds:.1f} s", file=sys.stderr)
    finally:
        path.write_text(original, encoding="utf-8")
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        text = log.read()
        log.close()
        os.unlink(log.name)
    result["rendered"] = re.findall(r"okrops: rendering (\d+) of (\d+) pages", text)
    result["sources_seconds"] = [float(s) for s in re.findall(r"making every page.s source took ([\d.]+) s", text)]
    result["mkdocs_seconds"] = [float(s) for s in re.findall(r"Documentation built in ([\d.]+) seconds", text)]
    return result


def report(rows: list[dict]) -> str:
    lines = ["| okrops | first build | save -> page served (each edit) | pages rendered after an edit "
             "| of which: okrops reading and making every page's source | whole build (MkDocs' figure) |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        rendered = ", ".join(f"{a} of {b}" for a, b in r["rendered"]) or "all"
        sources = ", ".join(f"{s:.1f} s" for s in r.get("sources_seconds", [])) or "–"
        builds = ", ".join(f"{s:.1f} s" for s in r["mkdocs_seconds"][1:]) or "–"
        lines.append(f"| {r['source']} | {r['first_build_seconds']:.1f} s | "
                     f"{', '.join(f'{s:.1f} s' for s in r['edits'])} | {rendered} | {sources} | {builds} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", type=Path, default=DEFAULT_ORG, help=f"organisation to copy (default {DEFAULT_ORG})")
    parser.add_argument("--edits", type=int, default=2, help="edits timed in each session (default 2)")
    parser.add_argument("--baseline", metavar="DIR", help="another okrops source tree, served the same way first")
    parser.add_argument("--baseline-edits", type=int, default=1, help="edits timed with the baseline (default 1)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for a page (default 3600)")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    org = prepare(args.org.resolve())
    rows = []
    if args.baseline:
        print("baseline ...", file=sys.stderr)
        rows.append(session(org, args.baseline_edits, str(Path(args.baseline).resolve()), args.timeout))
    print("this tree ...", file=sys.stderr)
    rows.append(session(org, args.edits, "", args.timeout))
    table = report(rows)
    print(table)
    (OUT / "bench_serve.json").write_text(json.dumps(rows, indent=2))
    (OUT / "bench_serve.md").write_text(f"# Live preview ({date.today().isoformat()}, OKROPS_TODAY={TODAY}, "
                                        f"{args.org.name})\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
