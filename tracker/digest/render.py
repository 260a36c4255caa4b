"""A published digest as the files MPG sends and keeps: Markdown (to paste into a
newsletter tool) and an e-mail (`.eml`: an HTML part with its CSS inlined, which survives
mail clients that drop <style>, and the Markdown as the text part).

Both come from the issue as frozen at publishing, through templates a library can override
(`digest.md`, `digest-email.html`), and are byte-identical for the same issue: the e-mail's
date, Message-ID and MIME boundary derive from the issue, not from the clock.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import css_inline
from jinja2 import Environment

from tracker.digest.issues import Issue
from tracker.safety import best_link
from tracker.templating import month_name


def _context(issue: Issue) -> dict[str, object]:
    links = {e.key: best_link(e.doi, e.url) for e in issue.entries}
    return {"issue": issue, "month_name": month_name(issue.month), "links": links}


def markdown(env: Environment, issue: Issue) -> str:
    return env.get_template("digest.md").render(**_context(issue))


def email_html(env: Environment, issue: Issue) -> str:
    """The HTML part, its stylesheet inlined into style attributes."""
    html = env.get_template("digest-email.html").render(**_context(issue))
    return css_inline.CSSInliner(keep_style_tags=False).inline(html)


def email_message(env: Environment, issue: Issue, sender: str = "") -> bytes:
    """The issue as an e-mail file (RFC 5322, CRLF line ends), ready to send or open."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = issue.title
    if sender:
        message["From"] = sender
    when = datetime.fromisoformat(issue.revisions[-1]["at"].replace("Z", "+00:00"))
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<mipex-in-use-{issue.month}-r{issue.revision}@mipex-tracker.invalid>"
    message.set_content(markdown(env, issue), subtype="plain", charset="utf-8")
    message.add_alternative(email_html(env, issue), subtype="html", charset="utf-8")
    message.set_boundary(f"=_mipex-in-use-{issue.month}-r{issue.revision}")
    return message.as_bytes()


def issue_files(env: Environment, issue: Issue, folder: Path, sender: str = "") -> dict[Path, bytes]:
    """`<month>.md` and `<month>.eml` for `folder` (bib/digests/), rendered in full before
    anything is written: a template or header that fails leaves the issue unpublished."""
    return {
        folder / f"{issue.month}.md": markdown(env, issue).encode(),
        folder / f"{issue.month}.eml": email_message(env, issue, sender),
    }
