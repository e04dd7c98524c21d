"""Assigning pages: the links `python -m backcourse.teach.assign` prints, and the book's own launch buttons.

The expected values come from `_config.yml` and `_toc.yml` (read here with yaml), never from the code under test.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from backcourse.teach import assign
from conftest import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
ORG, REPO_NAME = urlsplit(REPO_URL).path.strip("/").split("/")[:2]
UI = {"jupyterlab": "lab/tree", "classic": "tree"}[CONFIG["launch_buttons"]["notebook_interface"]]


def toc_notebooks() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f for f in files if (ROOT / f"{f}.ipynb").is_file()]


def run_assign(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backcourse.teach.assign", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def single(query: dict[str, list[str]], key: str) -> str:
    values = query.get(key)
    assert values and len(values) == 1, f"query field {key!r} should appear once, got {values}"
    return values[0]


@pytest.mark.parametrize("notebook", toc_notebooks())
def test_printed_link_pulls_the_configured_repository_and_opens_the_notebook(notebook):
    result = run_assign("--hub", "https://hub.example.edu", "--page", f"{notebook}.ipynb")
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"repo", "branch", "urlpath"}
    assert single(query, "repo") == REPO_URL
    assert single(query, "branch") == BRANCH
    urlpath = single(query, "urlpath")
    assert urlpath == f"{UI}/{REPO_NAME}/{notebook}.ipynb"
    # The path inside the clone names a real file of the repository.
    assert (ROOT / PurePosixPath(urlpath).relative_to(f"{UI}/{REPO_NAME}")).is_file()


def test_several_pages_give_one_link_each_in_order():
    notebooks = toc_notebooks()[:2]
    result = run_assign("--hub", "https://hub.example.edu", *[a for n in notebooks for a in ("--page", n)])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [single(parse_qs(urlsplit(line).query), "urlpath").rsplit("/", 1)[1] for line in lines] == [
        PurePosixPath(n).name + ".ipynb" for n in notebooks
    ]


@pytest.mark.parametrize(
    "hub, base",
    [
        ("https://hub.example.edu/", "https://hub.example.edu"),
        ("https://example.edu/jupyter", "https://example.edu/jupyter"),
        ("https://example.edu/jupyter/hub/home", "https://example.edu/jupyter"),
        ("http://localhost:8000", "http://localhost:8000"),
    ],
)
def test_hub_address_keeps_its_prefix_and_loses_pasted_hub_pages(hub, base):
    result = run_assign("--hub", hub, "--page", toc_notebooks()[0])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(base + "/hub/user-redirect/git-pull?")


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://"])
def test_hub_without_web_scheme_is_refused_by_name(hub):
    result = run_assign("--hub", hub, "--page", toc_notebooks()[0])
    assert result.returncode == 2 and result.stdout == ""
    assert f"--hub {hub!r}" in result.stderr and "https://" in result.stderr


def test_unknown_page_is_refused_by_name_with_the_choices():
    result = run_assign("--hub", "https://hub.example.edu", "--page", "notebooks/no-such-notebook.ipynb")
    assert result.returncode == 2 and result.stdout == ""
    assert "'notebooks/no-such-notebook.ipynb'" in result.stderr
    assert toc_notebooks()[0] in result.stderr


def test_a_file_outside_the_toc_is_not_assignable():
    result = run_assign("--hub", "https://hub.example.edu", "--page", "README.md")
    assert result.returncode == 2 and "'README.md'" in result.stderr


def test_chapter_links_to_its_page_in_the_published_book():
    result = run_assign("--book-url", "https://example.edu/moving-again/", "--page", "book/safety.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://example.edu/moving-again/book/safety.html"


def test_chapter_without_book_address_says_what_to_give():
    result = run_assign("--hub", "https://hub.example.edu", "--page", "book/safety")
    assert result.returncode == 2 and "--book-url" in result.stderr and "book/safety" in result.stderr


def test_notebook_without_hub_says_what_to_give():
    result = run_assign("--page", toc_notebooks()[0])
    assert result.returncode == 2 and "--hub" in result.stderr


def test_repo_and_branch_can_be_overridden_for_a_fork():
    result = run_assign("--hub", "https://hub.example.edu", "--page", toc_notebooks()[0],
                        "--repo", "https://github.com/someone/my-course.git", "--branch", "spring-2026")
    query = parse_qs(urlsplit(result.stdout.strip()).query)
    assert single(query, "repo") == "https://github.com/someone/my-course.git"
    assert single(query, "branch") == "spring-2026"
    # nbgitpuller 1.3 clones https://.../my-course.git into the folder "my-course.git" (its handlers.py takes the
    # URL's last part as it is), so the link must open the notebook there.
    assert single(query, "urlpath").startswith(f"{UI}/my-course.git/")


segment = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)


@given(
    branch=segment,
    owner=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,15}", fullmatch=True),
    name=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True).filter(lambda s: not s.endswith(".git")),
    path=st.lists(segment.filter(lambda s: "/" not in s and s not in (".", "..")), min_size=1, max_size=3),
)
def test_every_query_field_round_trips(branch, owner, name, path):
    """Whatever the branch or file name (spaces, &, =, #, +, accents), the hub reads back exactly what was meant."""
    repo = assign.Repository(url=f"https://github.com/{owner}/{name}", branch=branch)
    file_path = "/".join(path)
    link = assign.nbgitpuller_link("https://hub.example.edu", repo, file_path)
    parts = urlsplit(link)
    assert parts.fragment == "" and parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert single(query, "repo") == repo.url
    assert single(query, "branch") == branch
    assert single(query, "urlpath") == f"lab/tree/{name}/{file_path}"


def test_guide_example_is_what_the_command_prints():
    """The instructor guide shows a command and its output; they must agree with the real command."""
    text = (ROOT / "book" / "instructors" / "guide.md").read_text(encoding="utf-8")
    match = re.search(r"```bash\n(python -m backcourse\.assign --hub [^\n]+)\n```\s*\n[^`]*```text\n([^\n]+)\n```", text)
    assert match, "the guide no longer shows an assign example followed by its output"
    args = match.group(1).split()[3:]
    result = run_assign(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == match.group(2).strip()


# --- The launch buttons of the built book ------------------------------------------------------------------


def launch_links(page_html: str) -> dict[str, str]:
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page_html)]
    found = {}
    for name, needle in (("binder", CONFIG["launch_buttons"]["binderhub_url"]),
                         ("jupyterhub", "/hub/user-redirect/git-pull?"),
                         ("colab", CONFIG["launch_buttons"]["colab_url"])):
        matches = [h for h in hrefs if needle in h]
        assert matches, f"no {name} launch link on the page"
        found[name] = matches[0]
    return found


@pytest.mark.build
@pytest.mark.parametrize("notebook", toc_notebooks())
def test_launch_buttons_open_this_notebook_from_the_configured_repository(book, notebook):
    page = (book.html / f"{notebook}.html").read_text(encoding="utf-8")
    links = launch_links(page)
    path_in_repo = f"{notebook}.ipynb"

    binder = urlsplit(links["binder"])
    assert f"{binder.scheme}://{binder.netloc}" == CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    assert binder.path == f"/v2/gh/{ORG}/{REPO_NAME}/{BRANCH}"
    assert single(parse_qs(binder.query), "urlpath") == f"{UI}/{path_in_repo}"

    hub = urlsplit(links["jupyterhub"])
    assert f"{hub.scheme}://{hub.netloc}" == CONFIG["launch_buttons"]["jupyterhub_url"].rstrip("/")
    query = parse_qs(hub.query)
    assert single(query, "repo") == REPO_URL
    assert single(query, "branch") == BRANCH
    assert single(query, "urlpath") == f"{UI}/{REPO_NAME}/{path_in_repo}"

    colab = urlsplit(links["colab"])
    assert colab.path == f"/github/{ORG}/{REPO_NAME}/blob/{BRANCH}/{path_in_repo}"
    assert (ROOT / path_in_repo).is_file()


@pytest.mark.build
def test_assign_and_the_jupyterhub_button_agree(book):
    """Two independent makers of the same link (sphinx-book-theme and backcourse.teach.assign) give the same fields."""
    notebook = toc_notebooks()[0]
    button = launch_links((book.html / f"{notebook}.html").read_text(encoding="utf-8"))["jupyterhub"]
    printed = run_assign("--hub", CONFIG["launch_buttons"]["jupyterhub_url"], "--page", notebook).stdout.strip()
    assert urlsplit(button)[:3] == urlsplit(printed)[:3]
    assert parse_qs(urlsplit(button).query) == parse_qs(urlsplit(printed).query)


@pytest.mark.build
def test_launch_buttons_only_open_notebooks_that_exist(book):
    """No page offers a launch link to a file a notebook server cannot open (a chapter's raw .md source)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    broken = []
    for name in names:
        page = (book.html / f"{name}.html").read_text(encoding="utf-8")
        for href in (html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)):
            target = None
            if href.startswith(CONFIG["launch_buttons"]["colab_url"]):
                target = urlsplit(href).path.split(f"/blob/{BRANCH}/", 1)[1]
            elif "/hub/user-redirect/git-pull?" in href:
                target = single(parse_qs(urlsplit(href).query), "urlpath").split(f"{REPO_NAME}/", 1)[1]
            elif href.startswith(CONFIG["launch_buttons"]["binderhub_url"]) and "urlpath=" in href:
                target = single(parse_qs(urlsplit(href).query), "urlpath").removeprefix(f"{UI}/")
            if target is not None and not (target.endswith(".ipynb") and (ROOT / target).is_file()):
                broken.append(f"{name}: {href}")
    assert not broken, "launch links that open no notebook:\n" + "\n".join(broken)
