"""``kind: command``: a program whose standard output is the number (only where the organisation allows it)."""

from __future__ import annotations

import os
import signal
import subprocess

from okrops.collect.sources.base import MAX_RESPONSE, Fetched, MetricSource, SourceFailed, as_number, one_line


class CommandSource(MetricSource):
    kind = "command"

    def describe(self) -> str:
        return one_line("command: " + " ".join(self.spec["run"]))

    def fetch(self) -> Fetched:
        if not self.context.allow_commands:
            raise SourceFailed("command sources are not allowed: set collect: {commands: true} in okrs/okrops.yaml")
        argv = [self.expand(str(a), "run") for a in self.spec["run"]]
        try:
            process = subprocess.Popen(argv, cwd=self.context.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, env=dict(self.context.environ), start_new_session=True)
        except OSError as exc:
            raise SourceFailed(f"cannot run {argv[0]}: {exc.strerror}") from None
        try:
            out, err = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise SourceFailed(f"timed out after {self.timeout:g} s (the command was stopped)") from None
        if process.returncode != 0:
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise SourceFailed(f"the command exited with status {process.returncode}" + (f": {one_line(last[0], 150)}" if last[0] else ""))
        if len(out) > MAX_RESPONSE:
            raise SourceFailed("the command printed too much")
        text = out.decode("utf-8", "replace").strip()
        if not text:
            raise SourceFailed("the command printed nothing")
        if len(text.split()) > 1:
            raise SourceFailed(f"the command printed more than one value ({one_line(text, 40)!r}); it must print one number")
        return Fetched(as_number(text, "the command's output"), out)


def _kill(process: subprocess.Popen) -> None:
    """Stop the command and everything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.communicate()
