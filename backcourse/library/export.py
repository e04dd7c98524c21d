"""Write the checked exercise library as plain JSON (``data/exercises.json``) for the standard-library engine.

Run: ``python -m backcourse.library.export`` after changing ``data/exercises.yaml``. The YAML is first
checked by :func:`backcourse.library.model.load_library` (pydantic); only a valid library is written.
``tests/test_library_export.py`` fails when the JSON no longer matches the YAML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backcourse import files
from backcourse.library import model
from backcourse.library.plain import DEFAULT_JSON


def export_text(library: model.Library | None = None) -> str:
    """The JSON text of the checked library: vocabularies, then every exercise in file order."""
    library = model.load_library() if library is None else library
    data = {
        "generated_from": "data/exercises.yaml by python -m backcourse.library.export (do not edit by hand)",
        "vocabulary": {
            "categories": list(model.CATEGORIES), "core_roles": list(model.CORE_ROLES),
            "spine_motions": list(model.SPINE_MOTIONS), "positions": list(model.POSITIONS),
            "equipment": list(model.EQUIPMENT), "comfort": list(model.COMFORT), "phases": list(model.PHASES),
        },
        "exercises": [ex.model_dump(mode="json") for ex in library.exercises.values()],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    path = Path(argv[0]) if argv else DEFAULT_JSON
    files.write_new(path, export_text(), overwrite=True)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
