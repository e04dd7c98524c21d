"""The ``learning-overview`` directive: a page's Overview box, rendered from its ``learning`` metadata."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from backcourse.book import pages


class LearningOverview(SphinxDirective):
    """Render objectives, time to learn and prerequisites of the current page from its metadata."""

    has_content = False

    def run(self):
        root = Path(self.env.srcdir)
        try:
            info = pages.learning(self.env.docname, root)
        except (pages.PageMetadataError, FileNotFoundError) as exc:
            raise self.error(str(exc)) from exc
        # The page is rebuilt when its metadata changes (it lives in the same file).
        container = nodes.container(classes=["learning-overview"])
        para = nodes.paragraph()
        para += nodes.Text("By the end of this page you will be able to:")
        container += para
        items = nodes.bullet_list()
        for objective in info.objectives:
            item = nodes.list_item()
            item += nodes.paragraph(text=objective)
            items += item
        container += items
        time = nodes.paragraph()
        time += nodes.strong(text="Time to learn: ")
        time += nodes.Text(f"{info.time} minutes.")
        container += time
        pre = nodes.paragraph()
        pre += nodes.strong(text="Prerequisites: ")
        if not info.prerequisites:
            pre += nodes.Text("none.")
        for i, prerequisite in enumerate(info.prerequisites):
            if i:
                pre += nodes.Text("; ")
            if pages.is_page(prerequisite, root):
                target = "/" + str(PurePosixPath(prerequisite))
                xref = self._doc_reference(target)
                pre += xref
            else:
                pre += nodes.Text(prerequisite)
        container += pre
        return [container]

    def _doc_reference(self, target: str):
        from sphinx.addnodes import pending_xref

        node = pending_xref(
            "", refdomain="std", reftype="doc", reftarget=target, refexplicit=False, refwarn=True,
            refdoc=self.env.docname,
        )
        node += nodes.inline("", "", classes=["xref", "std", "std-doc"])
        return node


def setup(app):
    app.add_directive("learning-overview", LearningOverview)
