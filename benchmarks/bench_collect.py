"""What ``okrops collect`` costs for many sources: 1,000 http sources against a local HTTP server.

Writes an organisation of ``--units`` units with ``--sources`` KPIs between them, each with an http
source pointing at a real HTTP server on 127.0.0.1 (a threading server that answers after
``--latency`` seconds, like a remote API would), in a real git repository. Then, for each
``--jobs`` value, times:

* ``fetch``: :func:`okrops.collect.runner.run`, every source fetched, bounded parallelism;
* ``record``: :func:`okrops.collect.runner.record`, the one check-in commit of all changed values
  (run once, after the first fetch: every value changed).

Prints wall times and the speed-up of each bound over one source at a time.

    python benchmarks/bench_collect.py --sources 1000 --latency 0.02 --jobs 1 8 32
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from okrops.collect import runner  # noqa: E402
from okrops.repository import load  # noqa: E402


def serve(latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            time.sleep(latency)
            index = int(self.path.rsplit("/", 1)[-1])
            body = json.dumps({"data": {"value": 1000 + index, "sampled": "2026-11-30"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_org(root: Path, url: str, sources: int, units: int) -> None:
    okrs = root / "okrs"
    okrs.mkdir(parents=True)
    (okrs / "okrops.yaml").write_text("organisation: Bench\ncycles:\n  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n")
    per_unit = -(-sources // units)
    for unit in range(units):
        lines = [f"name: Unit {unit}", "kpis:"]
        for index in range(unit * per_unit, min(sources, (unit + 1) * per_unit)):
            lines += [f"  - id: k{index}", f"    title: KPI {index}", "    current: 0",
                      f"    source: {{kind: http, url: '{url}/metrics/{index}', path: $.data.value, timeout: 30}}"]
        (okrs / f"u{unit}").mkdir()
        (okrs / f"u{unit}" / "unit.yaml").write_text("\n".join(lines) + "\n")
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Bench"], ["config", "user.email", "b@example.com"],
                 ["add", "-A"], ["commit", "-qm", "OKRs"]):
        subprocess.run(["git", *args], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the server waits before answering")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 8, 32])
    options = parser.parse_args()
    server = serve(options.latency)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="okrops-bench-collect-") as tmp:
        root = Path(tmp) / "repo"
        write_org(root, url, options.sources, options.units)
        org = load(root).organisation
        targets = runner.select(org, [], org.config.cycles["2026-Q4"].start)
        print(f"{len(targets)} http sources in {options.units} units; the server answers after {options.latency * 1000:g} ms")
        times = {}
        recorded = False
        for jobs in options.jobs:
            started = time.perf_counter()
            outcomes = runner.run(org, targets, jobs=jobs)
            times[jobs] = time.perf_counter() - started
            failed = [o for o in outcomes if o.status == runner.FAILED]
            print(f"fetch, jobs={jobs:>3}: {times[jobs]:7.2f} s  ({len(targets) / times[jobs]:7.0f} sources/s, "
                  f"{len(failed)} failed)" + (f" e.g. {failed[0].reason}" if failed else ""))
            if not recorded:
                started = time.perf_counter()
                result = runner.record(org, outcomes)
                elapsed = time.perf_counter() - started
                print(f"record: one commit of {len(result.changes)} values in {elapsed:.2f} s")
                recorded = True
        base = times[options.jobs[0]]
        for jobs in options.jobs[1:]:
            print(f"speed-up of jobs={jobs} over jobs={options.jobs[0]}: {base / times[jobs]:.1f}x")
    server.shutdown()


if __name__ == "__main__":
    main()
