"""Self-check questions are called "Question 1", "Question 2", ... numbered on each page.

Why: sphinx-exercise numbers its ``{exercise}`` boxes "Exercise 19" across the whole book. In a course about
physical exercise that reads as an instruction to exercise, and a number from another page means nothing to a
reader. Every self-check uses ``:nonumber:`` (tests/test_chapters.py holds that), and this transform, which
runs while a page is read, renames each un-numbered box in page order. It runs before sphinx-exercise's own
post-transforms, which build "Question 2 (title)" and "Solution to Question 2 (title)" from the renamed node.
"""

from __future__ import annotations

from docutils import nodes
from docutils.transforms import Transform
from sphinx_exercise.nodes import exercise_node, exercise_title

WORD = "Question"


def question_title(number: int) -> str:
    """The label a reader sees for the n-th self-check question on a page."""
    return f"{WORD} {number}"


class NumberQuestionsPerPage(Transform):
    """Rename every un-numbered exercise box on the page to "Question N", in page order."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        env = getattr(self.document.settings, "env", None)
        registry = getattr(env, "sphinx_exercise_registry", {})
        for number, node in enumerate(self.document.findall(exercise_node), start=1):
            title = node.children[0] if node.children else None
            if isinstance(title, exercise_title) and title.children and isinstance(title.children[0], nodes.Text):
                title.replace(title.children[0], nodes.Text(question_title(number)))
                node["title"] = question_title(number)
            # Solutions take their title ("Solution to Question 2 ...") from the registry's copy of the node.
            entry = registry.get(node.get("label", ""))
            if entry is not None:
                entry["node"] = node


def setup(app):
    app.add_transform(NumberQuestionsPerPage)
