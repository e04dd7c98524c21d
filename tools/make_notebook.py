"""Write a notebook from a short Python description, then run it top to bottom so its outputs are stored.

Why: notebooks are committed with outputs (nbval compares them), and writing .ipynb JSON by hand is
error-prone. Usage: ``python tools/make_notebook.py notebooks/NAME.ipynb`` re-executes an existing notebook
in place; the course's notebooks are edited in JupyterLab or with nbformat and re-run with this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute_in_place(path: Path) -> None:
    """Run every cell in order from the notebook's folder and save the outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        execute_in_place(Path(name))
        print(f"executed {name}")
