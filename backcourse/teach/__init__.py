"""Instructor tools: nbgitpuller assignment links (``assign``; ``python -m backcourse.teach.assign``).

Public: ``link_for``, ``AssignError``.
"""

from backcourse._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {"link_for": "assign", "AssignError": "assign"})
