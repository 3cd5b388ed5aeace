"""Run untrusted work in a child process under hard operating-system limits.

Why this module exists: some work the dashboard does on behalf of a user cannot be bounded
from inside the server process. DuckDB's memory limit does not cover a string or list built
in one expression, and its interrupt does not reach parsing or constant folding, so an SQL
box query could take the server's memory or time; a small, hostile workbook can expand to
gigabytes in a parser. Work of that kind runs here instead: a fresh Python process that
sets, before it imports anything else,

* ``RLIMIT_AS`` (address space): allocation beyond it fails inside the child only;
* ``RLIMIT_CPU`` (CPU seconds): the kernel stops a busy child;
* ``RLIMIT_FSIZE`` = 0 by default: the child cannot write to any file (a write fails with
  EFBIG); pipes to the parent are not files;
* ``RLIMIT_CORE`` = 0: no core dumps;

and the parent adds a wall clock (the child's whole process group is killed at the
deadline) and a cap on the bytes it reads back. The child runs in a new empty temporary
folder with a minimal environment. Its answer is bytes on standard output; the parent never
unpickles anything from it.

Entry points are ``"module:function"`` names of functions taking the payload bytes and
returning the answer bytes; only names under ``pmo_data.`` are accepted.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Status = Literal["ok", "timeout", "memory", "too_large", "crashed"]
_ROOT = Path(__file__).resolve().parent.parent  # the folder holding the pmo_data package
_MEMORY_EXIT = 86  # the child's exit code for MemoryError


@dataclass(frozen=True)
class Limits:
    """Hard limits of one child process.

    ``address_space_mb``: RLIMIT_AS. A DuckDB connection alone reserves about 0.9 GB of
    address space (thread stacks, allocator arenas), so this must be well above that.
    ``cpu_s``: RLIMIT_CPU seconds. ``wall_s``: seconds before the parent kills the child.
    ``max_output_bytes``: the most the parent reads back (more: status ``too_large``).
    ``allow_files``: False sets RLIMIT_FSIZE to 0 (no file can be written).
    """

    address_space_mb: int = 2048
    cpu_s: int = 30
    wall_s: float = 30.0
    max_output_bytes: int = 64 * 1024 * 1024
    allow_files: bool = False


@dataclass(frozen=True)
class Outcome:
    """What became of one child: ``status``, its answer (``ok`` only), seconds taken and, for
    logs only, the tail of its standard error."""

    status: Status
    output: bytes
    elapsed_s: float
    detail: str = ""


def _env(workdir: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT") or k.startswith("PMO_")}
    keep.update({
        "PYTHONPATH": str(_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "OPENBLAS_NUM_THREADS": "1",  # numpy's BLAS reserves address space per thread
        "OMP_NUM_THREADS": "1",
        "HOME": workdir,
        "TMPDIR": workdir,
    })
    return keep


def run(entry: str, payload: bytes, limits: Limits | None = None) -> Outcome:
    """Run ``entry(payload)`` in a child process under ``limits`` (see the module docstring).

    Never raises for the child's behaviour: a child killed at the wall clock or by the CPU
    limit gives ``timeout``; one that ran out of address space ``memory``; one that wrote more
    than ``max_output_bytes`` ``too_large``; any other failure ``crashed``.
    """
    if not entry.startswith("pmo_data.") or ":" not in entry:
        raise ValueError(f"not an isolated entry point: {entry}")
    limits = limits or Limits()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pmo-child-") as workdir:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-c", _BOOT, entry, json.dumps(asdict(limits))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=workdir, env=_env(workdir), start_new_session=True)
        out = bytearray()
        err = bytearray()
        overflow = threading.Event()

        def feed() -> None:
            try:
                proc.stdin.write(payload)  # type: ignore[union-attr]
                proc.stdin.close()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError):
                pass

        def drain() -> None:
            while chunk := proc.stdout.read(65536):  # type: ignore[union-attr]
                if len(out) + len(chunk) > limits.max_output_bytes:
                    overflow.set()
                    _kill(proc)
                    return
                out.extend(chunk)

        def drain_err() -> None:
            while chunk := proc.stderr.read(65536):  # type: ignore[union-attr]
                err.extend(chunk)
                del err[:-8192]  # keep the tail only

        threads = [threading.Thread(target=f, daemon=True) for f in (feed, drain, drain_err)]
        for t in threads:
            t.start()
        timed_out = False
        try:
            proc.wait(timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
            proc.wait()
        for t in threads:
            t.join(timeout=5)
        elapsed = round(time.monotonic() - started, 3)
        detail = err.decode("utf-8", "replace").strip()
        code = proc.returncode
        if overflow.is_set():
            return Outcome("too_large", b"", elapsed, detail)
        if timed_out or code in (-signal.SIGXCPU, -signal.SIGKILL, -signal.SIGALRM):
            return Outcome("timeout", b"", elapsed, detail)
        if code == _MEMORY_EXIT or (code is not None and code < 0 and _looks_like_memory(
                detail)) or "bad_alloc" in detail or "MemoryError" in detail:
            return Outcome("memory", b"", elapsed, detail)
        if code != 0:
            return Outcome("crashed", b"", elapsed, detail or f"exit code {code}")
        return Outcome("ok", bytes(out), elapsed, detail)


def _looks_like_memory(detail: str) -> bool:
    lowered = detail.lower()
    return any(word in lowered for word in ("memory", "alloc", "cannot allocate"))


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _apply_limits(limits: Limits) -> None:
    """Set the child's own hard limits (called first thing in the child)."""
    import resource

    space = limits.address_space_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (space, space))
    cpu = max(1, int(limits.cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if not limits.allow_files:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails (EFBIG), no signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def child_main(entry: str, limits_json: str) -> int:
    """The child's side: limits, then ``entry(stdin bytes)`` written to stdout."""
    _apply_limits(Limits(**json.loads(limits_json)))
    module_name, _, func_name = entry.partition(":")
    if not module_name.startswith("pmo_data."):
        return 2
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        answer = func(sys.stdin.buffer.read())
    except MemoryError:
        sys.stderr.write("MemoryError: the work needed more memory than it may use\n")
        return _MEMORY_EXIT
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


# ``-I`` (isolated mode) ignores PYTHONPATH, so the boot code puts the package folder on the
# path itself before importing anything from it.
_BOOT = (
    f"import sys; sys.path.insert(0, {str(_ROOT)!r}); "
    "from pmo_data.isolate import child_main; "
    "sys.exit(child_main(sys.argv[1], sys.argv[2]))"
)


def probe(payload: bytes) -> bytes:
    """A self-test entry for the limits (used by the tests): the payload names one action.

    ``alloc:N`` allocates N MB; ``spin`` burns CPU for ever; ``sleep`` sleeps for ever;
    ``write:PATH`` tries to write a file; ``emit:N`` answers N bytes; ``echo`` answers the
    payload. Each answers ``done`` (or what it was asked to emit) when it survives.
    """
    action, _, arg = payload.decode("utf-8").partition(":")
    if action == "alloc":
        block = bytearray(int(arg) * 1024 * 1024)
        return b"done %d" % len(block)
    if action == "spin":
        while True:
            pass
    if action == "sleep":
        time.sleep(3600)
    if action == "write":
        try:
            with open(arg, "wb") as handle:
                handle.write(b"x" * 1024)
        except OSError as exc:
            return f"refused {exc.errno}".encode()
        return b"written"
    if action == "emit":
        return b"x" * int(arg)
    return payload


def frame(header: dict[str, object], blobs: list[bytes] | tuple[bytes, ...] = ()) -> bytes:
    """One payload: a JSON header (with the blobs' sizes added) followed by the blobs."""
    raw = json.dumps({**header, "_sizes": [len(b) for b in blobs]}).encode("utf-8")
    return len(raw).to_bytes(8, "little") + raw + b"".join(blobs)


def unframe(payload: bytes) -> tuple[dict[str, object], list[bytes]]:
    """The header and blobs of a ``frame`` payload."""
    size = int.from_bytes(payload[:8], "little")
    header = json.loads(payload[8:8 + size])
    blobs, offset = [], 8 + size
    for n in header.pop("_sizes"):
        blobs.append(payload[offset:offset + n])
        offset += n
    return header, blobs
