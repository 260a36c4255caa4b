"""Where the tracker's templates are, and the Jinja2 environment every renderer shares.

The templates live at the repository's top level (`templates/`, as the project's card
asks) and ship inside the wheel as the package data of `tracker.templates` (setuptools'
`package-dir` maps one to the other), so an installed tracker finds them beside its code
and a source checkout finds them beside the package. A library folder's own `templates/`
overrides any of them by name. The site (`tracker.publish`) and the digest
(`tracker.digest`) both render through `environment`, so neither imports the other for it.
"""

from __future__ import annotations

import html
import traceback
from datetime import datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateError, TemplateSyntaxError, select_autoescape

from tracker.safety import CONTENT_SECURITY_POLICY, doi_url, safe_url, slug

#: Template files: site pages and e-mail (HTML), feeds (XML), digest texts (Markdown).
TEMPLATE_SUFFIXES = (".html", ".xml", ".md", ".txt")


def _tracker_templates() -> Path:
    """The installed templates (a wheel puts them in the package), else the checkout's."""
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if (installed / "base.html").is_file() else package.parent / "templates"


TEMPLATES = _tracker_templates()


def environment(library_root: Path) -> Environment:
    """Templates: the library's own `templates/` first, then the tracker's."""
    loaders = [FileSystemLoader(str(library_root / "templates")), FileSystemLoader(str(TEMPLATES))]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], disabled_extensions=("md", "txt"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.globals.update(
        csp=CONTENT_SECURITY_POLICY, slug=slug, safe_url=safe_url, doi_url=doi_url, month_name=month_name
    )
    return env


def markdown_text(value: object) -> str:
    """Data written into Markdown: Markdown passes raw HTML through to the reader's page, so
    `<script>` in a title must arrive as text (`&lt;script&gt;`, which Markdown shows as
    written)."""
    return html.escape(str(value), quote=False)


def month_name(month: str) -> str:
    """ "2026-11" -> "November 2026" (the digest's issues are named by their month)."""
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


class TemplateRenderError(ValueError):
    """A template could not be rendered: one line naming the template's file and line."""


def template_problem(template: str, error: TemplateError) -> str:
    """A template's mistake as one line naming its file and line (a library's own template
    overrides the tracker's, so this is a user's mistake, not a crash)."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or template}:{error.lineno}: {error.message}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
    place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else template
    return f"{place}: {error}"
