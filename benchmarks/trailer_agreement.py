"""How often okrops and ``git log`` agree on the ``Okr-*`` trailers of generated commit messages.

Commits a large generated corpus (tests/trailer_corpus.py: prose and trailer
paragraphs, ``Key : value``, CRLF, comment paragraphs, continuation lines,
whitespace-only lines, trailer-only messages, Signed-off-by mixtures, unicode,
invalid UTF-8, huge values) into a new repository and compares, commit by
commit, okrops' (key, value) list with ``git log --format=%(trailers:only,unfold)``
filtered to ``Okr-*`` keys. The goal is 100%.

    python benchmarks/trailer_agreement.py [--messages 20000] [--seed 8]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)

    import trailer_corpus

    with tempfile.TemporaryDirectory(prefix="okrops-trailers-") as folder:
        repo = Path(folder)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
        began = time.perf_counter()
        trailer_corpus.commit_corpus(repo, args.messages, args.seed)
        made = time.perf_counter() - began
        began = time.perf_counter()
        commits, agree, with_okr, disagree = trailer_corpus.agreement(repo)
        compared = time.perf_counter() - began
    share = 100.0 * agree / commits if commits else 0.0
    result = {"messages": commits, "agree": agree, "share_percent": round(share, 3), "with_okr_trailers": with_okr,
              "disagree": disagree[:20], "seed": args.seed, "commit_s": round(made, 2), "compare_s": round(compared, 2)}
    print(f"{commits:,} generated messages ({with_okr:,} with Okr trailers by git's reading): okrops and git agree on "
          f"{agree:,} ({share:.3f}%)")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "trailer_agreement.json").write_text(json.dumps(result, indent=2))
    return 0 if agree == commits else 1


if __name__ == "__main__":
    sys.exit(main())
