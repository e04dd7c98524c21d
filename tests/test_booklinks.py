"""Links from the notebooks to the book: plain links to the book's address, relative again inside the book."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from hypothesis import given, strategies as st

from backcourse import REPO_ROOT
from backcourse.book import links
from backcourse.book.sphinxext import booklinks

URL = "https://course.example.org/back/"


def make_root(tmp_path: Path) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book" / "safety.md").write_text("---\nx: 1\n---\n# Safety: red flags\n\n(safety-now)=\n## Get help now\n")
    (tmp_path / "notebooks" / "diary.ipynb").write_text(
        '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Your pain diary\\n"]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    (tmp_path / "_config.yml").write_text("title: x\n")
    return tmp_path


def test_roles_become_links_with_the_page_title(tmp_path):
    root = make_root(tmp_path)
    text = "See {doc}`../book/safety` and the {doc}`diary <diary>`, and {ref}`safety-now`."
    assert links.rewrite_markdown(text, URL, "notebooks", root) == (
        f"See [Safety: red flags]({URL}book/safety.html) and the [diary]({URL}notebooks/diary.html), "
        f"and [Get help now]({URL}book/safety.html#safety-now).")


def test_a_missing_page_or_label_is_refused_by_name(tmp_path):
    root = make_root(tmp_path)
    with pytest.raises(links.LinkError, match="book/nowhere"):
        links.rewrite_markdown("{doc}`../book/nowhere`", URL, "notebooks", root)
    with pytest.raises(links.LinkError, match="no-such-label"):
        links.rewrite_markdown("{ref}`no-such-label`", URL, "notebooks", root)


def test_links_move_to_a_new_address_and_other_links_stay(tmp_path):
    root = make_root(tmp_path)
    text = f"[a]({links.LOCAL_BOOK_URL}book/safety.html#safety-now) [b](https://nhs.uk/x.html)"
    assert links.rewrite_markdown(text, URL, "notebooks", root) == (
        f"[a]({URL}book/safety.html#safety-now) [b](https://nhs.uk/x.html)")


@given(st.lists(st.sampled_from(["{doc}`../book/safety`", "{ref}`safety-now`", "plain words ", "[x](https://a.b/c.html)",
                                 "{doc}`t <diary>`", "\n"]), max_size=8))
def test_rewriting_twice_changes_nothing_more(tmp_path_factory, parts):
    root = make_root(tmp_path_factory.mktemp("root"))
    once = links.rewrite_markdown("".join(parts), URL, "notebooks", root)
    assert links.rewrite_markdown(once, URL, "notebooks", root) == once
    assert "{doc}" not in once and "{ref}" not in once


def test_book_address_comes_from_config_or_the_local_build(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("html:\n  baseurl: https://course.example.org/back\n")
    assert links.book_url(config) == URL
    config.write_text("html:\n  use_issues_button: false\n")
    assert links.book_url(config) == links.LOCAL_BOOK_URL


def test_the_notebooks_link_to_the_configured_book():
    """JupyterLab cannot follow {doc}/{ref} roles: every notebook link to the book uses the book's address."""
    assert links.stale_notebooks(links.book_url(REPO_ROOT / "_config.yml")) == []


def _fake_app(docs):
    builder = SimpleNamespace(get_relative_uri=lambda frm, to: f"REL({frm}->{to}).html")
    return SimpleNamespace(config=SimpleNamespace(html_baseurl=URL), env=SimpleNamespace(all_docs=docs),
                           builder=builder)


def test_book_links_become_relative_in_the_build():
    app = _fake_app({"book/safety": 1})
    para = nodes.paragraph()
    para += nodes.reference("", "a", refuri=f"{URL}book/safety.html#safety-now", classes=["external"])
    para += nodes.reference("", "b", refuri=f"{links.LOCAL_BOOK_URL}book/safety.html")
    para += nodes.reference("", "c", refuri="https://nhs.uk/page.html")
    booklinks.relative_book_links(app, para, "notebooks/diary")
    refs = list(para.findall(nodes.reference))
    assert refs[0]["refuri"] == "REL(notebooks/diary->book/safety).html#safety-now" and refs[0]["classes"] == []
    assert refs[1]["refuri"] == "REL(notebooks/diary->book/safety).html"
    assert refs[2]["refuri"] == "https://nhs.uk/page.html"


def test_a_book_link_to_a_missing_page_warns(monkeypatch):
    app = _fake_app({"book/safety": 1})
    para = nodes.paragraph()
    para += nodes.reference("", "a", refuri=f"{URL}book/gone.html")
    warned = []
    # Sphinx's logger needs a running app to print; record what it is asked to warn instead.
    monkeypatch.setattr(booklinks.logger, "warning", lambda *a, **k: warned.append(a), raising=False)
    booklinks.relative_book_links(app, para, "notebooks/diary")
    assert warned and "book/gone" in repr(warned[0])
    assert next(iter(para.findall(nodes.reference)))["refuri"] == f"{URL}book/gone.html"
