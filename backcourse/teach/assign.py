"""Print the one link an instructor pastes into a course page to assign a notebook or a chapter.

Why: on a JupyterHub, an nbgitpuller link both fetches (or updates) the course in the learner's own home folder
and opens the assigned notebook, so the learner needs no git and no set-up. The repository address and branch
come from ``_config.yml`` (the same values the book's launch buttons use), so the links and the buttons agree.
The hub and book addresses default to ``launch_buttons.jupyterhub_url`` and ``html.baseurl`` there. While a value
a link needs is empty, ``assign`` refuses and names the setting to fill in: it never prints a made-up address.

Hub addresses must be ``https://``: learners type their password into the hub. Plain ``http://`` is accepted only
for this machine (127.0.0.1, localhost), the local class trial of ``make hub``.

Notebooks get an nbgitpuller link to your hub. Chapters are MyST pages: in JupyterLab they open as raw text, so a
chapter's link is its page in the built book instead (give ``--book-url``, the address where you publish it).

Example::

    python -m backcourse.teach.assign --hub https://hub.your-school.edu --page notebooks/pain-diary.ipynb
    python -m backcourse.teach.assign --book-url https://your-school.edu/moving-again --page book/phases
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode, urlsplit

import yaml

from backcourse import REPO_ROOT
from backcourse.book.sphinxext.chapters import toc_pages

#: JupyterHub URL prefixes for the two interfaces sphinx-book-theme's launch buttons support.
INTERFACES = {"jupyterlab": "lab/tree", "classic": "tree"}
#: Hosts where a plain http:// hub is acceptable: the traffic never leaves this machine.
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CONFIG_HELP = "(see 'WHERE THE COURSE LIVES' at the top of _config.yml)"


class AssignError(ValueError):
    """A link cannot be made; the message names the value that is wrong and what to give instead."""


@dataclass(frozen=True)
class Repository:
    """Where learners' hubs pull the course from (``repository`` and ``launch_buttons`` in ``_config.yml``)."""

    url: str
    branch: str
    path_to_book: str = ""
    interface: str = "jupyterlab"

    @property
    def folder(self) -> str:
        """The folder nbgitpuller clones into, in the learner's home: the repository URL's last part, as it is
        (nbgitpuller 1.3 keeps a ``.git`` ending: ``.../course.git`` is cloned into ``course.git``)."""
        return PurePosixPath(urlsplit(self.url).path.rstrip("/")).name


def configured_addresses(config_path: Path = REPO_ROOT / "_config.yml") -> tuple[str, str]:
    """(JupyterHub URL, published book URL) from ``_config.yml``; empty strings while unset."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    hub = str((config.get("launch_buttons") or {}).get("jupyterhub_url") or "").strip()
    book = str((config.get("html") or {}).get("baseurl") or "").strip()
    return hub, book


def read_repository(config_path: Path = REPO_ROOT / "_config.yml") -> Repository:
    """The repository settings of the book, as the launch buttons read them."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    repo = config.get("repository") or {}
    url = str(repo.get("url") or "").strip()
    if not url:
        raise AssignError(
            f"repository.url in {config_path.name} is empty, so a hub has nothing to pull: set it to your copy of "
            f"the course, e.g. https://github.com/your-school/moving-again {CONFIG_HELP}, or give --repo"
        )
    interface = (config.get("launch_buttons") or {}).get("notebook_interface", "classic")
    return Repository(
        url=str(url).rstrip("/"),
        branch=str(repo.get("branch") or "main"),
        path_to_book=str(repo.get("path_to_book") or "").strip("/"),
        interface=interface,
    )


def override(config_path: Path, repo_url: str | None, branch: str | None) -> Repository:
    """The configured repository, or the one given on the command line (a fork, a local trial's file:// URL)."""
    if repo_url:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        repo = config.get("repository") or {}
        return Repository(
            url=repo_url.strip().rstrip("/"), branch=branch or str(repo.get("branch") or "main"),
            path_to_book=str(repo.get("path_to_book") or "").strip("/"),
            interface=(config.get("launch_buttons") or {}).get("notebook_interface", "classic"),
        )
    configured = read_repository(config_path)
    return Repository(configured.url, branch or configured.branch, configured.path_to_book, configured.interface)


def _base_url(value: str, option: str) -> str:
    """An http(s) address without a trailing slash; a clear error for anything else."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        example = "https://" + (value.strip() if value.strip() and "://" not in value else "hub.your-school.edu")
        raise AssignError(f"{option} {value!r} is not a web address: write it in full, like {example}")
    return value.strip().rstrip("/")


def _secure(value: str, option: str) -> str:
    """Refuse plain http:// except on this machine: learners would send their password unencrypted."""
    parts = urlsplit(value)
    if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK:
        raise AssignError(
            f"{option} {value!r} uses plain http://, which sends learners' passwords unencrypted: use "
            f"https://{parts.netloc}{parts.path} (http:// is accepted only for 127.0.0.1 or localhost)"
        )
    return value


def hub_base(hub: str) -> str:
    """The hub's base address. A pasted address inside the hub (``.../hub/home``) is cut back to its base."""
    base = _secure(_base_url(hub, "--hub"), "--hub")
    parts = urlsplit(base)
    segments = parts.path.split("/")
    if "hub" in segments:
        segments = segments[: segments.index("hub")]
    path = "/".join(segments).rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def resolve_page(name: str, pages: list[str]) -> str:
    """The toc page a user means by ``name`` (with or without .md/.ipynb); unknown names are an error."""
    wanted = name.strip().lstrip("./")
    stem = str(PurePosixPath(wanted).with_suffix("")) if PurePosixPath(wanted).suffix in (".md", ".ipynb") else wanted
    if stem in pages:
        return stem
    raise AssignError(
        f"unknown page {name!r}: it is not in the book's table of contents (_toc.yml). "
        f"Pages you can assign: {', '.join(pages)}"
    )


def page_file(page: str, root: Path = REPO_ROOT) -> str:
    """The page's file name relative to the book folder (``notebooks/pain-diary.ipynb``)."""
    for suffix in (".ipynb", ".md"):
        if (root / f"{page}{suffix}").is_file():
            return f"{page}{suffix}"
    raise AssignError(f"page {page!r} is in _toc.yml but has no .ipynb or .md file under {root}")


def nbgitpuller_link(hub: str, repo: Repository, path_in_repo: str) -> str:
    """A link that pulls ``repo`` into the learner's home on ``hub`` and opens ``path_in_repo`` there."""
    if repo.interface not in INTERFACES:
        raise AssignError(
            f"launch_buttons.notebook_interface {repo.interface!r} is not one of {sorted(INTERFACES)}"
        )
    query = urlencode(
        {
            "repo": repo.url,
            "branch": repo.branch,
            "urlpath": f"{INTERFACES[repo.interface]}/{repo.folder}/{path_in_repo}",
        },
        safe="/",
    )
    return f"{hub_base(hub)}/hub/user-redirect/git-pull?{query}"


def book_page_link(book_url: str, page: str) -> str:
    """The page's address in the built book published at ``book_url``."""
    return f"{_base_url(book_url, '--book-url')}/{page}.html"


def link_for(
    name: str,
    hub: str | None = None,
    book_url: str | None = None,
    repo: Repository | None = None,
    root: Path = REPO_ROOT,
    repo_url: str | None = None,
    branch: str | None = None,
) -> str:
    """The link to assign page ``name``: a hub link for a notebook, the book page for a chapter."""
    page = resolve_page(name, toc_pages(root / "_toc.yml"))
    filename = page_file(page, root)
    if filename.endswith(".ipynb"):
        if not hub:
            raise AssignError(
                f"{filename} is a notebook: give --hub, your JupyterHub's address (https://...), or set "
                f"launch_buttons.jupyterhub_url {CONFIG_HELP}"
            )
        if repo is None:
            repo = override(root / "_config.yml", repo_url, branch)
        in_repo = f"{repo.path_to_book}/{filename}" if repo.path_to_book else filename
        return nbgitpuller_link(hub, repo, in_repo)
    if not book_url:
        raise AssignError(
            f"{filename} is a chapter, which reads best in the built book: give --book-url, the address where "
            f"you publish the book (https://...), or set html.baseurl {CONFIG_HELP}. Notebooks get JupyterHub links."
        )
    return book_page_link(book_url, page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backcourse.teach.assign",
        description="Print one link per page to paste into your course page: notebooks open on your "
        "JupyterHub through nbgitpuller, chapters open in the published book.",
    )
    parser.add_argument("--page", action="append", required=True, metavar="PAGE",
                        help="a page from _toc.yml, e.g. notebooks/pain-diary.ipynb or book/phases (repeatable)")
    parser.add_argument("--hub", help="your JupyterHub's address, e.g. https://hub.your-school.edu (for notebooks; "
                        "default: launch_buttons.jupyterhub_url in _config.yml)")
    parser.add_argument("--book-url", help="where the built book is published (for chapters; default: html.baseurl "
                        "in _config.yml)")
    parser.add_argument("--repo", help="repository to pull (default: repository.url in _config.yml)")
    parser.add_argument("--branch", help="branch to pull (default: repository.branch in _config.yml)")
    args = parser.parse_args(argv)
    try:
        hub, book_url = configured_addresses()
        links = [link_for(name, args.hub or hub, args.book_url or book_url, None, REPO_ROOT,
                          repo_url=args.repo, branch=args.branch) for name in args.page]
    except AssignError as exc:
        parser.error(str(exc))
    print("\n".join(links))
    return 0


if __name__ == "__main__":
    sys.exit(main())
