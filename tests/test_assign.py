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
# The course ships with its addresses unset (see "WHERE THE COURSE LIVES" in _config.yml); the link tests give
# the repository of an imagined school's copy with --repo, as an instructor would before filling in _config.yml.
REPO_URL = "https://github.com/your-school/moving-again"
BRANCH = CONFIG["repository"]["branch"]
ORG, REPO_NAME = urlsplit(REPO_URL).path.strip("/").split("/")[:2]
UI = {"jupyterlab": "lab/tree", "classic": "tree"}[CONFIG["launch_buttons"]["notebook_interface"]]


def toc_notebooks() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f for f in files if (ROOT / f"{f}.ipynb").is_file()]


def run_assign(*args: str, repo: bool = True) -> subprocess.CompletedProcess:
    extra = ["--repo", REPO_URL] if repo and "--repo" not in args else []
    return subprocess.run(
        [sys.executable, "-m", "backcourse.teach.assign", *args, *extra], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
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
    match = re.search(r"```bash\n(python -m backcourse\.teach\.assign --hub [^\n]+)\n```\s*\n[^`]*```text\n([^\n]+)\n```", text)
    assert match, "the guide no longer shows an assign example followed by its output"
    args = match.group(1).split()[3:]
    result = run_assign(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == match.group(2).strip()


# --- The launch buttons of the built book ------------------------------------------------------------------


def test_addresses_ship_unset():
    """No made-up address in the shipped configuration: an instructor fills these in."""
    assert CONFIG["repository"]["url"] == ""
    assert CONFIG["launch_buttons"]["jupyterhub_url"] == ""
    assert CONFIG["html"]["baseurl"] == ""
    assert "colab_url" not in CONFIG["launch_buttons"]


def test_unset_repository_is_refused_naming_the_setting():
    result = run_assign("--hub", "https://hub.your-school.edu", "--page", toc_notebooks()[0], repo=False)
    assert result.returncode == 2 and result.stdout == ""
    assert "repository.url" in result.stderr and "_config.yml" in result.stderr and "--repo" in result.stderr


def test_unset_hub_is_refused_naming_the_setting():
    result = run_assign("--page", toc_notebooks()[0])
    assert result.returncode == 2 and "launch_buttons.jupyterhub_url" in result.stderr


def test_unset_book_address_is_refused_naming_the_setting():
    result = run_assign("--page", "book/safety")
    assert result.returncode == 2 and "html.baseurl" in result.stderr


@pytest.mark.parametrize("hub", ["http://hub.your-school.edu", "http://10.0.0.5:8000", "http://example.edu/jupyter"])
def test_plain_http_hub_is_refused_except_on_this_machine(hub):
    result = run_assign("--hub", hub, "--page", toc_notebooks()[0])
    assert result.returncode == 2 and result.stdout == ""
    assert "http://" in result.stderr and "https://" in result.stderr and repr(hub) in result.stderr


def test_local_trial_hub_over_http_is_accepted():
    result = run_assign("--hub", "http://127.0.0.1:18000", "--page", toc_notebooks()[0])
    assert result.returncode == 0 and result.stdout.startswith("http://127.0.0.1:18000/hub/user-redirect/git-pull?")


# --- The buttons of the built book (addresses unset, as shipped) ----------------------------------------------


@pytest.mark.build
def test_no_launch_or_repository_button_while_addresses_are_unset(book):
    """As shipped, no page links to a hub, Binder, Colab or a repository: those addresses are not set."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    found = []
    for name in names:
        page = (book.html / f"{name}.html").read_text(encoding="utf-8")
        for href in (html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)):
            if any(n in href for n in ("/hub/user-redirect/", "mybinder.org/v2/", "colab.research.google.com",
                                       "github.com/backcourse", "hub.example.edu")):
                found.append(f"{name}: {href}")
        if "launch-buttons" in page or "repository-button" in page:
            found.append(f"{name}: a launch or repository button")
    assert not found, "\n".join(found[:20])


def test_launch_buttons_kept_only_when_they_work():
    from backcourse.book.sphinxext.launch import buttons_to_keep

    hub = {"text": "JupyterHub", "url": "https://hub.your-school.edu/hub/user-redirect/git-pull?x"}
    binder = {"text": "Binder", "url": "https://mybinder.org/v2/gh/a/b/main"}
    colab = {"text": "Colab", "url": "https://colab.research.google.com/github/a/b"}
    group = {"label": "launch-buttons", "buttons": [binder, hub, colab]}
    other = {"label": "download-buttons"}
    repo = "https://github.com/your-school/moving-again"
    assert buttons_to_keep([group, other], True, repo, "https://hub.your-school.edu") == [
        {"label": "launch-buttons", "buttons": [binder, hub]}, other]
    assert buttons_to_keep([group, other], True, repo, "") == [{"label": "launch-buttons", "buttons": [binder]}, other]
    assert buttons_to_keep([group, other], True, "", "https://hub.your-school.edu") == [other]
    assert buttons_to_keep([group, other], False, repo, "https://hub.your-school.edu") == [other]
    assert buttons_to_keep([{"label": "launch-buttons", "buttons": [colab]}], True, repo, "") == []


def test_footer_report_link_follows_the_configured_repository():
    from types import SimpleNamespace

    from backcourse.book.sphinxext import launch

    footer = '<p>Code: MIT. <a href="https://github.com/backcourse/moving-again/issues">Report a mistake</a>.</p>'
    unset = {"repository_url": "", "extra_footer": footer}
    launch.repository_buttons(None, SimpleNamespace(html_theme_options=unset))
    assert unset["extra_footer"] == "<p>Code: MIT. Report a mistake.</p>"
    assert unset["use_repository_button"] is False and unset["launch_buttons"] == {}
    mine = {"repository_url": REPO_URL, "extra_footer": footer}
    launch.repository_buttons(None, SimpleNamespace(html_theme_options=mine))
    assert f'href="{REPO_URL}/issues"' in mine["extra_footer"] and mine["use_repository_button"] is True
