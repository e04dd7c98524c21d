"""Launch and repository buttons only where they work, and only once their addresses are set.

Why: the addresses are set in one place, ``_config.yml`` (see "WHERE THE COURSE LIVES" there). While
``repository.url`` is empty no repository, issue or launch button is shown, and while
``launch_buttons.jupyterhub_url`` is empty no JupyterHub button: a learner never meets a link to a made-up address.

Chapters written as MyST Markdown notebooks (a ``.md`` file with code cells) would also get launch buttons that
open the raw ``.md`` file, which JupyterLab shows as text; chapters are read in the book (``assign`` links a chapter
to its book page), so only pages built from ``.ipynb`` keep launch buttons.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The theme's header button groups this module may remove.
LAUNCH_GROUP = "launch-buttons"
HUB_BUTTON_TEXT = "JupyterHub"
#: The repository address written in ``html.extra_footer``; replaced by ``repository.url`` (or unlinked while unset).
PLACEHOLDER_REPO = "https://github.com/backcourse/moving-again"


def addresses(theme_options: dict) -> tuple[str, str]:
    """(repository URL, JupyterHub URL) from the theme options jupyter-book made from ``_config.yml``."""
    repo = str(theme_options.get("repository_url") or "").strip()
    hub = str((theme_options.get("launch_buttons") or {}).get("jupyterhub_url") or "").strip()
    return repo, hub


def buttons_to_keep(buttons: list[dict], is_ipynb: bool, repo_url: str, hub_url: str) -> list[dict]:
    """The header buttons a page may show: no launch group without a repository or on a non-.ipynb page,
    no JupyterHub entry without a hub address, and no empty launch group."""
    kept = []
    for button in buttons:
        if button.get("label") == LAUNCH_GROUP:
            if not (is_ipynb and repo_url):
                continue
            inner = [b for b in button.get("buttons", []) if hub_url or b.get("text") != HUB_BUTTON_TEXT]
            inner = [b for b in inner if "colab" not in str(b.get("url", ""))]
            if not inner:
                continue
            button = dict(button, buttons=inner)
        kept.append(button)
    return kept


def repository_buttons(app, config):
    """Turn on the repository and issue buttons exactly when ``repository.url`` is set."""
    options = config.html_theme_options
    repo_url, _ = addresses(options)
    options["use_repository_button"] = bool(repo_url)
    options["use_issues_button"] = bool(repo_url)
    footer = str(options.get("extra_footer") or "")
    if PLACEHOLDER_REPO in footer:
        # The footer's "Report a mistake" link names the course's repository: point it at the configured one, or
        # keep only its words while none is set.
        options["extra_footer"] = (footer.replace(PLACEHOLDER_REPO, repo_url.rstrip("/")) if repo_url
                                   else re.sub(r'<a href="%s[^"]*">([^<]*)</a>' % re.escape(PLACEHOLDER_REPO),
                                               r"\1", footer))
    if not repo_url:
        # No repository, nothing to launch: the theme then adds no launch buttons at all (and does not fail
        # trying to split an empty address into organisation and repository).
        options["launch_buttons"] = {}


def drop_unready_launch_buttons(app, pagename, templatename, context, doctree):
    """After the theme has added its buttons, remove those that would not work."""
    buttons = context.get("header_buttons")
    if not buttons:
        return
    is_ipynb = pagename in app.env.all_docs and Path(app.env.doc2path(pagename)).suffix == ".ipynb"
    repo_url, hub_url = addresses(app.config.html_theme_options)
    buttons[:] = buttons_to_keep(buttons, is_ipynb, repo_url, hub_url)


def setup(app):
    app.connect("config-inited", repository_buttons)
    # sphinx-book-theme adds its launch buttons at priority 501; run after it.
    app.connect("html-page-context", drop_unready_launch_buttons, priority=502)
