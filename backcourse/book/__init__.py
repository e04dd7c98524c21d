"""Everything that makes the book: chapter figures (``figures``), the reading-grade check (``readability``),
page metadata (``pages``), the Sphinx extensions (``sphinxext``) and the student edition (``edition``).

Public: ``recovery_curve`` (and the other chapter figures in ``figures``). Command lines:
``python -m backcourse.book.readability`` and ``python -m backcourse.book.edition student``.
"""

from backcourse._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {"recovery_curve": "figures"})
