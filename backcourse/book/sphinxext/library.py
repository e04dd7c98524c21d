"""The exercise library chapter, rendered at build time from ``data/exercises.yaml``.

Two directives, so the chapter's own prose can sit around them:

``{exercise-index}``
    A table of every exercise (name, category, phases, equipment, position, core role). A small script
    shipped with this extension (``static/library-sort.js``, no CDN) lets a reader sort it by any column.
``{exercise-library}``
    A section per exercise, grouped by category, each with the label ``ex-<id>`` so any page can link to
    it with ``{ref}`ex-bird-dog```: its drawing (an SVG written into the build, with alt text from the data),
    steps, tips, dose, cautions, phases, equipment, easier and harder versions, muscles, the evidence line
    with its citation, and the common claim it corrects (provenance: book/instructors/sources.md).

The entries are written as MyST text and parsed in place, so labels, cross-references and citations go
through Sphinx exactly as if the text were typed into the page; nothing about an exercise is copied by hand.
The page is rebuilt whenever the data file or the drawing code changes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from backcourse.library import drawings
from backcourse.library import model as exlib

#: Folder inside the HTML output that holds the drawings.
DRAWINGS_DIR = "_images/exercises"
STATIC = Path(__file__).parent / "static"

#: Sections of the library chapter, in order. Use-with-care entries get their own section at the end.
GROUPS = (
    ("stretch", "Stretches"),
    ("mobility", "Mobility"),
    ("strengthen", "Strengthening"),
    ("aerobic", "Aerobic activity"),
    ("self-massage", "Self-massage"),
    ("use-with-care", "Use with care"),
)


def group_of(ex: exlib.Exercise) -> str:
    return "use-with-care" if ex.use_with_care else ex.category


def _sources() -> list[Path]:
    """Files whose change must re-render the chapter."""
    return [exlib.DEFAULT_PATH, Path(exlib.__file__), Path(drawings.__file__), Path(__file__)]


#: A side-by-side drawing wider than this (CSS pixels) also gets a stacked version for phones.
STACK_ABOVE_PX = 430
#: Screens at most this wide show the stacked version.
PHONE_MEDIA = "(max-width: 600px)"


def _px(inches: float) -> int:
    return round(inches * 96)


def drawing_files(ex: exlib.Exercise) -> dict[str, tuple[int, int]]:
    """File names of an exercise's drawings and their sizes in CSS pixels (side by side, maybe stacked)."""
    w, h = drawings.drawing_size(ex)
    files = {f"{ex.id}.svg": (_px(w), _px(h))}
    if _px(w) > STACK_ABOVE_PX:
        sw, sh = drawings.drawing_size(ex, stacked=True)
        files[f"{ex.id}-stacked.svg"] = (_px(sw), _px(sh))
    return files


def write_drawings(library: exlib.Library, outdir: Path, only_missing: bool = False) -> list[Path]:
    """Write each exercise's drawings into ``<outdir>/_images/exercises/``.

    A file is rewritten only when its text changes, so an unchanged drawing keeps its date.
    """
    folder = Path(outdir) / DRAWINGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in library:
        for name in drawing_files(ex):
            path = folder / name
            if only_missing and path.exists():
                continue
            svg = drawings.exercise_svg(ex, stacked=name.endswith("-stacked.svg"))
            if not path.exists() or path.read_text(encoding="utf-8") != svg:
                path.write_text(svg, encoding="utf-8")
                written.append(path)
    return written


def picture_html(ex: exlib.Exercise, src_for) -> str:
    """The drawing as ``<picture>``: stacked on a phone when side by side would be too small to read."""
    files = drawing_files(ex)
    alt = html.escape(drawings.alt_text(ex))
    (main, (w, h)), *rest = files.items()
    parts = ['<picture class="exercise-drawing">']
    for name, (sw, sh) in rest:
        parts.append(f'<source media="{PHONE_MEDIA}" srcset="{html.escape(src_for(name))}" width="{sw}" height="{sh}">')
    parts.append(
        f'<img class="exercise-drawing" src="{html.escape(src_for(main))}" alt="{alt}" width="{w}" height="{h}" '
        f'loading="lazy">'
    )
    parts.append("</picture>")
    return "\n".join(parts)


def shown_aliases(ex: exlib.Exercise) -> list[str]:
    """Aliases worth showing: not just the name with a dash or a plural s (those stay for searching)."""
    name = exlib._normal(ex.name)
    out: list[str] = []
    for alias in ex.aliases:
        a = exlib._normal(alias)
        if a in (name, name + "s") or a.replace(" ", "") == name.replace(" ", ""):
            continue
        out.append(alias)
    return out


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _escape_myst(text: str) -> str:
    """Keep data text literal in MyST: no accidental emphasis, roles or HTML."""
    return re.sub(r"([*_`<>\[\]\\{}])", r"\\\1", text)


def facts_line(ex: exlib.Exercise) -> str:
    """The at-a-glance line: category, core role, position, equipment, phases."""
    needs = [exlib.label(e) for e in ex.equipment if e != "none"] or ["nothing"]
    parts = [
        f"**{exlib.label(ex.category).capitalize()}**" + (f" ({ex.kind})" if ex.kind != "exercise" else ""),
        f"core: {exlib.label(ex.core_role)}",
        exlib.label(ex.position),
        f"needs: {_join(needs)}" + (f" ({_join([exlib.label(c) for c in ex.comfort])} for comfort)" if ex.comfort else ""),
        f"phases: {exlib.phase_names(ex.phases)}",
    ]
    return " · ".join(parts)


def entry_markdown(ex: exlib.Exercise, src_for) -> list[str]:
    """The MyST text of one exercise's section (heading level 3 under its group)."""
    e = _escape_myst
    lines = [f"({ex.anchor})=", f"### {ex.name}", ""]
    if ex.use_with_care:
        lines += [
            "```{admonition} Use with care",
            ":class: warning",
            e(ex.correction or ""),
            "```",
            "",
        ]
    lines += [f"{e(ex.summary)}", "", facts_line(ex), ""]
    aliases = shown_aliases(ex)
    if aliases:
        lines += [f"*Also called:* {e(_join(aliases))}.", ""]
    lines += [
        picture_html(ex, src_for),
        "",
        "**How to do it**",
        "",
    ]
    lines += [f"{i}. {e(step)}" for i, step in enumerate(ex.steps, 1)] + [""]
    if ex.cues:
        lines += ["**Tips**", ""] + [f"- {e(cue)}" for cue in ex.cues] + [""]
    minutes = max(1, round(ex.dose.session_seconds() / 60))
    lines += [f"**Dose to start with:** {e(ex.dose.describe())} (about {minutes} min each time).", ""]
    lines += ["```{admonition} When to skip it or stop", ":class: caution"]
    lines += [f"- {e(c)}" for c in ex.cautions] + ["```", ""]
    links = []
    if ex.easier:
        links.append("**Easier:** " + ", ".join(f"{{ref}}`ex-{ref}`" for ref in ex.easier))
    if ex.harder:
        links.append("**Harder:** " + ", ".join(f"{{ref}}`ex-{ref}`" for ref in ex.harder))
    if links:
        lines += [" · ".join(links), ""]
    lines += [f"**Muscles:** {e(_join(ex.muscles))}.", ""]
    cite = f" {{cite:p}}`{ex.evidence_key}`" if ex.evidence_key else ""
    lines += [f"**Evidence:** {e(ex.evidence)}{cite}", ""]
    if ex.correction and not ex.use_with_care:
        lines += [
            "```{admonition} A common claim",
            ":class: note",
            e(ex.correction),
            "```",
            "",
        ]
    return lines


def index_markdown(library: exlib.Library) -> list[str]:
    """A MyST list-table of every exercise, for the sortable index."""
    lines = [
        "```{list-table} Every exercise in the library. Select a column heading to sort by it.",
        ":header-rows: 1",
        ":class: exercise-index",
        ":name: exercise-index-table",
        "",
        "* - Exercise",
        "  - Category",
        "  - Phases",
        "  - Equipment",
        "  - Position",
        "  - Core role",
    ]
    for ex in library:
        needs = [exlib.label(e) for e in ex.equipment if e != "none"] or ["none"]
        category = "use with care" if ex.use_with_care else exlib.label(ex.category)
        lines += [
            f"* - {{ref}}`{_escape_myst(ex.name)} <{ex.anchor}>`",
            f"  - {category}",
            f"  - {exlib.phase_names(ex.phases)}",
            f"  - {_join(needs)}",
            f"  - {exlib.label(ex.position)}",
            f"  - {exlib.label(ex.core_role)}",
        ]
    lines.append("```")
    return lines


class _LibraryDirective(SphinxDirective):
    has_content = False

    def _library(self) -> exlib.Library:
        for path in _sources():
            self.env.note_dependency(str(path))
        try:
            return exlib.load_library()
        except exlib.LibraryError as exc:
            raise self.error(str(exc)) from exc


def groups_in(library: exlib.Library) -> list[tuple[str, str, list[exlib.Exercise]]]:
    """(group, title, exercises) for each group of GROUPS that has exercises, in the page's order."""
    out = []
    for group, title in GROUPS:
        members = [ex for ex in library if group_of(ex) == group]
        if members:
            out.append((group, title, members))
    return out


def jump_markdown(library: exlib.Library) -> list[str]:
    """One line of links to each category's section, with how many exercises it holds."""
    links = [f"{{ref}}`{title} ({len(members)}) <library-{group}>`" for group, title, members in groups_in(library)]
    return ["```{container} exercise-jump", "**Jump to:** " + " · ".join(links), "```", ""]


def compact_index_markdown(library: exlib.Library) -> list[str]:
    """The index for a phone: per category, the exercise names as links (the table's other columns are in each
    entry). CSS shows it instead of the table on narrow screens."""
    lines = ["````{container} exercise-index-compact"]
    for _group, title, members in groups_in(library):
        names = " · ".join(f"{{ref}}`{_escape_myst(ex.name)} <{ex.anchor}>`" for ex in members)
        lines += [f"**{title}:** {names}", ""]
    lines.append("````")
    return lines


class ExerciseIndex(_LibraryDirective):
    """A line of jump links to each category, a sortable table of every exercise (desktop) and a compact list
    of names by category (phone), each name linking to its section."""

    def run(self):
        library = self._library()
        container = nodes.container(classes=["exercise-index-wrapper"], ids=["exercise-index"])
        lines = jump_markdown(library) + compact_index_markdown(library) + [""] + index_markdown(library)
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return [container]


class ExerciseLibrary(_LibraryDirective):
    """A section per exercise, grouped by category, with drawing, steps, dose, cautions and evidence."""

    def run(self):
        library = self._library()
        app = self.env.app
        write_drawings(library, Path(app.outdir))
        page_uri = app.builder.get_target_uri(self.env.docname)
        lines: list[str] = []
        for group, title, members in groups_in(library):
            lines += [f"({'library-' + group})=", f"## {title}", "",
                      "```{container} exercise-back", '<a href="#exercise-index">Back to the index</a>', "```", ""]
            for ex in members:
                lines += entry_markdown(ex, lambda name: relative_uri(page_uri, f"{DRAWINGS_DIR}/{name}"))
        # Headings are allowed here: the sections join the page's own tree, after the directive's place.
        holder = nodes.container()
        self.state.nested_parse(StringList(lines), self.content_offset, holder, match_titles=True)
        return holder.children


def _add_static(app) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    """Load the sorting script and the library styles only on pages that show the library."""
    if doctree is not None and any("exercise-index" in node.get("classes", []) for node in doctree.findall(nodes.table)):
        app.add_js_file("library-sort.js", loading_method="defer")


def _ensure_drawings(app, exception) -> None:
    """After a build from cached pages into a fresh folder, write drawings that are missing."""
    if exception is None and app.builder.format == "html":
        try:
            write_drawings(exlib.load_library(), Path(app.outdir), only_missing=True)
        except exlib.LibraryError:
            pass  # the directive has already reported it as a build error


def setup(app):
    app.add_directive("exercise-index", ExerciseIndex)
    app.add_directive("exercise-library", ExerciseLibrary)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _ensure_drawings)
