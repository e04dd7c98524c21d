"""The ``{routine-rule}`id``` role: a routine-builder rule's plain title, with a stable anchor.

Why: the phases chapter explains every rule of the routine builder. Readers see each rule by the title their
plan shows them (``RULES[id].title`` in :mod:`backcourse.routine.engine`), never by its id as a code tag. The
id stays in the page as the anchor ``rule-<id>`` (``phases.html#rule-reps-by-pain``) and as a label, so
``{ref}`rule-reps-by-pain``` links to it from any page. The title is read from the engine, never typed, so
the chapter and the plans cannot name a rule differently.
"""

from __future__ import annotations

from docutils import nodes

from backcourse.routine import engine

ANCHOR = "rule-{id}"


def anchor(rule_id: str) -> str:
    """The HTML id (and Sphinx label) of a rule's explanation."""
    return ANCHOR.format(id=rule_id)


def routine_rule_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{routine-rule}`reps-by-pain``` -> "Let next-day pain set the pace", anchored as ``rule-reps-by-pain``."""
    rule_id = text.strip()
    rule = engine.RULES.get(rule_id)
    if rule is None:
        msg = inliner.reporter.error(
            f"routine-rule: no rule {rule_id!r} in backcourse.routine.engine.RULES "
            f"(known: {', '.join(engine.RULES)})", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    node = nodes.inline(rawtext, rule.title, ids=[anchor(rule_id)], classes=["routine-rule"])
    env = getattr(inliner.document.settings, "env", None)
    if env is not None:
        std = env.get_domain("std")
        std.anonlabels[anchor(rule_id)] = (env.docname, anchor(rule_id))
        std.labels[anchor(rule_id)] = (env.docname, anchor(rule_id), rule.title)
    return [node], []


def setup(app):
    app.add_role("routine-rule", routine_rule_role)
