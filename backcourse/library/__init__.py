"""The exercise library: the data model and loading (``model``), the drawings (``drawings``) and the
explorer widget (``widgets``).

Public: ``default_library``, ``load_library``, ``Library``, ``Exercise``, ``LibraryError``, ``label``,
``exercise_svg``, ``strip_figure``, ``alt_text``, ``ExplorerApp``, ``cards_view``.
Nothing here imports ``routine`` or ``diary``.
"""

from backcourse._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "default_library": "model", "load_library": "model", "Library": "model", "Exercise": "model",
    "LibraryError": "model", "label": "model",
    "exercise_svg": "drawings", "strip_figure": "drawings", "alt_text": "drawings",
    "ExplorerApp": "widgets", "cards_view": "widgets",
})
