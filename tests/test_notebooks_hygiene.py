"""Notebooks are committed ready for nbval: run in order, outputs stored, ignore-tags explained."""

from __future__ import annotations

import json

import pytest

from build_support import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ran_top_to_bottom_with_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: cells were not run once, in order: {counts}"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_ignore_tag_has_a_reason(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if any(t.startswith("nbval-") for t in tags):
            source = "".join(cell["source"])
            assert "# nbval:" in source, (
                f"{path.name} cell {i} is tagged {tags} but has no '# nbval: <reason>' comment beside the tag"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_imports_the_course_package(path):
    """Notebooks stay thin: code cells call backcourse rather than carrying logic of their own."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    if code.strip():
        assert "backcourse" in code
        assert "\ndef " not in "\n" + code and "\nclass " not in "\n" + code, f"{path.name} defines its own logic"
