"""Logic behind the self-study course on lower back pain.

The notebooks stay thin: they import this package, call it, and show the result. Modules are named for
what they hold (``evidence``, ``figures``, ``style`` ...), logic is in pure functions, and records are
dataclasses.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The repository checkout this package was imported from (the course's data lives beside it).
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Course data shipped with the repository (exercise library, synthetic sample diary).
DATA_DIR = REPO_ROOT / "data"

__all__ = ["REPO_ROOT", "DATA_DIR", "__version__"]
