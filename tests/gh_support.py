"""A recording ``gh`` for tests: a real executable on PATH that logs every call and answers from a file.

okrops calls GitHub only through :mod:`okrops.record.ghcli`, which runs ``gh``. Tests put this
script first on PATH as ``gh``: each call appends ``{"args": [...], "stdin": "..."}`` to
``calls.jsonl`` in its folder and answers from ``answers.json`` there: a list of
``{"match": [args prefix...], "stdout": "...", "exit": 0}`` (``gh api``'s ``--method`` and
``--input`` left out of the arguments compared), the first match wins (``"once": true``: only once). Without a
match a GET ``gh api`` fails like GitHub's 404, anything else answers ``{}``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

SCRIPT = r'''
import json, os, sys
from pathlib import Path
here = Path(os.environ["FAKE_GH_DIR"])
args = sys.argv[1:]
stdin = sys.stdin.read() if not sys.stdin.isatty() else ""
with open(here / "calls.jsonl", "a", encoding="utf-8") as log:
    log.write(json.dumps({"args": args, "stdin": stdin}) + "\n")
answers_path = here / "answers.json"
answers = json.loads(answers_path.read_text()) if answers_path.exists() else []
plain, skip = [], 0  # the arguments without gh api's --method X and --input -
for arg in args:
    if skip:
        skip -= 1
    elif arg in ("--method", "--input"):
        skip = 1
    else:
        plain.append(arg)
for index, answer in enumerate(answers):
    prefix = answer["match"]
    if plain[:len(prefix)] == prefix:
        if answer.get("once"):
            answers.pop(index)
            answers_path.write_text(json.dumps(answers))
        sys.stdout.write(answer.get("stdout", ""))
        sys.stderr.write(answer.get("stderr", ""))
        sys.exit(answer.get("exit", 0))
if args[:1] == ["api"] and ("--method" not in args or args[args.index("--method") + 1] == "GET"):
    sys.stderr.write("gh: Not Found (HTTP 404)\n")
    sys.exit(1)
sys.stdout.write("{}")
'''


class FakeGh:
    def __init__(self, folder: Path):
        self.folder = folder
        self.bin = folder / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        script = self.bin / "gh"
        script.write_text(f"#!{sys.executable}\n" + SCRIPT)
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        self.answers: list[dict] = []
        self.write()

    def answer(self, match: list[str], stdout="", exit: int = 0, once: bool = False, stderr: str = "") -> None:
        if not isinstance(stdout, str):
            stdout = json.dumps(stdout)
        self.answers.append({"match": match, "stdout": stdout, "exit": exit, "once": once, "stderr": stderr})
        self.write()

    def write(self) -> None:
        (self.folder / "answers.json").write_text(json.dumps(self.answers))

    def env(self, base: dict | None = None) -> dict:
        env = dict(os.environ if base is None else base)
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["FAKE_GH_DIR"] = str(self.folder)
        env.pop("OKROPS_GH", None)
        return env

    def calls(self) -> list[dict]:
        log = self.folder / "calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    def api_calls(self, method: str, path_part: str) -> list[dict]:
        found = []
        for call in self.calls():
            args = call["args"]
            if args[:1] != ["api"]:
                continue
            m = args[args.index("--method") + 1] if "--method" in args else "GET"
            if m == method and any(path_part in a for a in args):
                found.append(call)
        return found
