"""Safety boxes rendered from :mod:`backcourse.safety`, so no page carries its own copy of the health text.

``{emergency}``
    The emergency signs, the numbers to call, and that one-sided leg pain is not an emergency.
``{red-flags}``
    The warning signs: both lists, or one with ``:level: emergency`` or ``:level: see-soon``.
``{pain-rule}``
    The one rule about pain during exercise (evidence brief 9).
``{first-days}``
    The "First days" card for someone in pain today (intro and start-here).
``{emergency-numbers}`call```
    A role: the example emergency numbers inside a sentence ("call {emergency-numbers}`call` now").
``{red-flag}`fever```
    A role: one warning sign's short phrase, by its id in ``data/red-flags.yaml`` ("a fever or chills"), so a
    page can quote a sign (for example to tell two similar signs apart) without retyping it.

Each box is an admonition whose body is written as MyST and parsed in place, so its citations resolve
through sphinxcontrib-bibtex as if typed into the page. Pages are rebuilt when the data file changes.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from backcourse import safety


class SafetyBox(SphinxDirective):
    """Base: render one :class:`backcourse.safety.Block` as an admonition."""

    has_content = False
    option_spec: dict = {}

    def blocks(self) -> list[safety.Block]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def run(self):
        self.env.note_dependency(str(safety.YAML_PATH))
        self.env.note_dependency(str(safety.JSON_PATH))
        self.env.note_dependency(safety.__file__)
        out = []
        for block in self.blocks():
            box = nodes.admonition(classes=[block.kind, "course-safety", f"course-safety-{self.name}"])
            title_text = block.title
            textnodes, messages = self.state.inline_text(title_text, self.lineno)
            box += nodes.title(title_text, "", *textnodes)
            box += messages
            body = StringList(safety.block_markdown(block).splitlines(), source=f"<{self.name}>")
            self.state.nested_parse(body, self.content_offset, box)
            out.append(box)
        return out


class Emergency(SafetyBox):
    def blocks(self):
        return [safety.emergency_block()]


class RedFlags(SafetyBox):
    option_spec = {"level": lambda arg: directives.choice(arg, safety.LEVELS)}

    def blocks(self):
        level = self.options.get("level")
        if level == safety.EMERGENCY:
            return [safety.emergency_block()]
        if level == safety.SEE_SOON:
            return [safety.see_soon_block()]
        return [safety.emergency_block(), safety.see_soon_block()]


class PainRule(SafetyBox):
    def blocks(self):
        return [safety.pain_rule_block()]


class FirstDays(SafetyBox):
    def blocks(self):
        return [safety.first_days_block()]


def emergency_numbers_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{emergency-numbers}`x``: the example emergency numbers, so a sentence never types them itself."""
    return [nodes.inline(rawtext, safety.EMERGENCY_NUMBERS, classes=["emergency-numbers"])], []


def red_flag_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{red-flag}`id``: the short phrase of one warning sign, read from the data; an unknown id is an error."""
    sign = safety.QUESTIONS_BY_ID.get(text.strip())
    if sign is None:
        msg = inliner.reporter.error(
            f"red-flag: no warning sign {text.strip()!r} in {safety.YAML_PATH.name} "
            f"(known: {', '.join(safety.QUESTIONS_BY_ID)})", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    return [nodes.inline(rawtext, sign.plain, classes=["red-flag", f"red-flag-{sign.level}"])], []


def setup(app):
    app.add_role("emergency-numbers", emergency_numbers_role)
    app.add_role("red-flag", red_flag_role)
    app.add_directive("emergency", Emergency)
    app.add_directive("red-flags", RedFlags)
    app.add_directive("pain-rule", PainRule)
    app.add_directive("first-days", FirstDays)
