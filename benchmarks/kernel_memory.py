"""Memory one learner needs on a JupyterHub: a JupyterLab server plus a kernel that ran a course notebook.

Why: Zero to JupyterHub asks for a memory guarantee and limit per user (``singleuser.memory``). The class-scale
page quotes the figures this script prints. For each notebook in ``notebooks/`` it starts a fresh Python kernel,
runs every cell (as "Run All" does), and samples the kernel's resident set size (RSS, with psutil) every 50 ms,
so it reports the peak and the size after the run. It also starts an idle JupyterLab server and reports its RSS.

Run from the repository root:  python benchmarks/kernel_memory.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def tree_rss(proc: psutil.Process) -> int:
    """RSS of a process and its children (a kernel may start helpers)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def measure_notebook(path: Path, diary_dir: Path) -> tuple[int, int, float]:
    """(peak RSS, RSS after the run, seconds) of a fresh kernel running ``path`` from its own folder."""
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(path.parent), env=dict(os.environ, MPLBACKEND="Agg",
                                                   BACKCOURSE_DIARY=str(diary_dir / f"{path.stem}.csv")))
    try:
        proc = psutil.Process(km.provisioner.process.pid)
        peak = tree_rss(proc)
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        took = time.monotonic() - started
        time.sleep(0.2)
        done.set()
        sampler.join()
        after = tree_rss(proc)
        return max(peak, after), after, took
    finally:
        km.shutdown_kernel(now=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_jupyterlab(home: Path) -> int:
    """RSS of an idle JupyterLab server, 10 s after start (what each user's server costs before any kernel)."""
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    port = free_port()
    proc = subprocess.Popen(
        [jupyter, "lab", "--no-browser", f"--port={port}", "--ServerApp.token=", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={ROOT}", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime")),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {proc.returncode}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        time.sleep(10)
        return tree_rss(psutil.Process(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"python {sys.version.split()[0]}, psutil {psutil.__version__}, {os.cpu_count()} cores")
    peaks, afters = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebooks:
            peak, after, took = measure_notebook(path, Path(tmp))
            peaks.append(peak)
            afters.append(after)
            print(f"kernel running {path.name:28s} peak RSS {peak / MB:6.0f} MB, after run {after / MB:6.0f} MB,"
                  f" {took:5.1f} s")
        server = measure_jupyterlab(Path(tmp))
    print(f"idle JupyterLab server RSS {server / MB:6.0f} MB")
    print(f"one learner, one notebook open (server + the largest kernel peak): {(server + max(peaks)) / MB:.0f} MB")
    print(f"one learner, every notebook left open (server + each kernel after its run): "
          f"{(server + sum(afters)) / MB:.0f} MB")


if __name__ == "__main__":
    main()
