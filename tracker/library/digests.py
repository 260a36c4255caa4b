"""The curator's digest desk: every `mipex-tracker digest` command as a method, each in one
transaction on the library, with `bib/` written after it (see `tracker.library`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, TemplateError
from sqlmodel import Session, col, select

from tracker.digest import issues
from tracker.digest.image import digests_folder
from tracker.digest.issues import SUMMARY_FIELD, DigestError, Issue
from tracker.digest.render import issue_files
from tracker.digest.summaries import draft_summary, edit_buffer
from tracker.library.image import also_write
from tracker.models import Digest
from tracker.publish.settings import SettingsError, SiteSettings
from tracker.templating import environment, month_name, template_problem

if TYPE_CHECKING:
    from tracker.library import Library


def _render(env: Environment, template: str, context: dict[str, object]) -> str:
    """A standing text; a mistake in a library's own template is one line naming it."""
    try:
        return env.get_template(template).render(**context).strip()
    except TemplateError as error:
        raise DigestError(template_problem(template, error)) from error


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class DigestDesk:
    def __init__(self, library: Library) -> None:
        self.library = library

    def _find(self, session: Session, month: str) -> Digest:
        return issues.find_digest(session, month)

    def new(self, month: str, title: str | None = None, since: str | None = None, until: str | None = None) -> Issue:
        """Draft the issue of `month` from the studies added since the last published issue
        (or in [since, until)) and in no digest yet, with the standing texts."""
        issues.check_month(month)
        issues.check_title(title)
        issues.check_date(since, "--since")
        issues.check_date(until, "--until")
        env = environment(self.library.paths.root)
        context = {"month": month, "month_name": month_name(month), "title": title}
        with self.library.transaction() as session:
            if session.exec(select(Digest).where(Digest.month == month)).first():
                raise DigestError(f"a digest for {month} exists already: `digest show {month}`")
            if since is None:
                last = issues.last_published(session)
                since = last.published_at if last else None
            digest = Digest(
                month=month,
                title=title or f"MIPEX in Use: {month_name(month)}",
                intro=_render(env, "digest-intro.md", context),
                closing=_render(env, "digest-closing.md", context),
                created_at=_now(),
                period=[since or "", until or ""],
                entries=issues.propose_entries(session, since, until),
            )
            session.add(digest)
            session.flush()
            return issues.issue_of(session, digest)

    def preview(self, since: str | None = None, until: str | None = None) -> tuple[issues.Proposal, str | None]:
        """What `new` would propose (nothing written), and from when: `since`, else the
        last publication (None: every study so far)."""
        issues.check_date(since, "--since")
        issues.check_date(until, "--until")
        with self.library.session() as session:
            if since is None:
                last = issues.last_published(session)
                since = last.published_at if last else None
            return issues.proposal(session, since, until), since

    def show(self, month: str) -> Issue:
        with self.library.session() as session:
            return issues.issue_of(session, self._find(session, month))

    def list(self) -> list[Issue]:
        with self.library.session() as session:
            return [issues.issue_of(session, d) for d in session.exec(select(Digest).order_by(col(Digest.month)))]

    def drop(self, month: str) -> Issue:
        """Delete a draft (begun too early, or for the wrong month): its studies go back to
        waiting for an issue. A published issue is frozen: `revise` corrects it."""
        with self.library.transaction() as session:
            digest = self._find(session, month)
            if digest.status == "published":
                raise DigestError(
                    f"the {month} digest is published and frozen; correct it with `digest revise {month}`"
                )
            issue = issues.issue_of(session, digest)
            session.delete(digest)
            return issue

    def add(self, month: str, keys: list[str]) -> Issue:
        with self.library.transaction() as session:
            digest = self._find(session, month)
            issues.add_entries(session, digest, keys, self.library.find_study_key)
            return issues.issue_of(session, digest)

    def remove(self, month: str, keys: list[str]) -> Issue:
        with self.library.transaction() as session:
            digest = self._find(session, month)
            issues.remove_entries(session, digest, keys, self.library.find_study_key)
            return issues.issue_of(session, digest)

    def move(self, month: str, key: str, to: int) -> Issue:
        with self.library.transaction() as session:
            digest = self._find(session, month)
            issues.move_entry(session, digest, key, to, self.library.find_study_key)
            return issues.issue_of(session, digest)

    def summary(self, key: str) -> tuple[str, str, str | None]:
        """(summary, state, problem) of a study: the curator's, or a draft, or missing."""
        text, state = issues.summary_of(self.library.views([key])[0])
        return text, state, issues.summary_problem(text)

    def edit_buffer(self, key: str) -> str:
        """The file `summary --edit` opens: the present summary, with the study's title,
        abstract and draft as comment lines (see `edited_summary`)."""
        view = self.library.views([key])[0]
        present, state = issues.summary_of(view)
        abstract = str(view.fields.get("abstract", ""))
        return edit_buffer(
            present,
            str(view.fields.get("title", "")),
            abstract,
            draft_summary(abstract) if state != issues.MISSING else "",
        )

    def write_summary(self, key: str, text: str) -> str:
        """A curator's summary for the study: it belongs to the study (shown on its page,
        kept through merges and rebuilds as a curator's edit)."""
        if not text.strip():
            raise DigestError("the summary is empty; nothing was changed")
        return self.library.edit(key, {SUMMARY_FIELD: text}).key

    def accept_draft(self, key: str) -> str:
        view = self.library.views([key])[0]
        text, state = issues.summary_of(view)
        if state == issues.CURATOR:
            raise DigestError(f"{view.key} has a curator's summary already")
        if state == issues.MISSING:
            raise DigestError(f"{view.key} has no abstract to draft from: write the summary with --edit or --text")
        return self.write_summary(key, text)

    def publish(self, month: str, allow_drafts: bool = False) -> tuple[Issue, list[Path]]:
        """Freeze the issue and write its Markdown and e-mail to `bib/digests/`, in one unit:
        files that cannot be rendered leave the issue unpublished."""
        with self.library.transaction() as session:
            digest = self._find(session, month)
            issues.publish(session, digest, allow_drafts, _now())
            issue = issues.issue_of(session, digest)
            files = self._files(issue)
            also_write(session, files)
        return issue, list(files)

    def revise(self, month: str, reason: str, allow_drafts: bool = False) -> tuple[Issue, list[Path]]:
        """Correct a published issue: frozen again from the library, the reason recorded."""
        with self.library.transaction() as session:
            digest = self._find(session, month)
            issues.revise(session, digest, reason, allow_drafts, _now())
            issue = issues.issue_of(session, digest)
            files = self._files(issue)
            also_write(session, files)
        return issue, list(files)

    def sender(self) -> str:
        """The From of the digest's e-mail (`digest_from` in bib/site.toml), or ""."""
        try:
            return SiteSettings.load(self.library.paths.root).digest_from
        except SettingsError as error:
            raise DigestError(str(error)) from error

    def _files(self, issue: Issue) -> dict[Path, bytes]:
        root = self.library.paths.root
        try:
            sender = SiteSettings.load(root).digest_from
            return issue_files(environment(root), issue, digests_folder(self.library.paths.bib), sender)
        except TemplateError as error:
            raise DigestError(template_problem("digest.md", error)) from error
        except SettingsError as error:
            raise DigestError(str(error)) from error
        except ValueError as error:  # a header the e-mail cannot carry (a line break in a title)
            raise DigestError(f"the {issue.month} e-mail cannot be written: {error}") from error
