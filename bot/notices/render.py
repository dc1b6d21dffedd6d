"""A notice as a Word document, from a template a firm can replace with its own letterhead.

The bundled templates are `bot/notices/templates/<kind>.docx`. A folder named by
REGRIGHTS_NOTICE_TEMPLATES is looked in first: a `delay.docx` there is used for Delay Notices,
and so on. A template is an ordinary Word document with docxtpl (Jinja) tags; the tags each
kind is given are those of `bot.notices.context.template_context`."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from docx.opc.coreprops import CoreProperties
from docxtpl import DocxTemplate

from bot.notices.context import template_context
from domain.rules.notices import NoticeDraft, NoticeKind


def template_for(kind: NoticeKind, directory: Path | None) -> Path | io.BytesIO:
    if directory is not None and (directory / f"{kind.value}.docx").is_file():
        return directory / f"{kind.value}.docx"
    bundled = resources.files("bot.notices") / "templates" / f"{kind.value}.docx"
    return io.BytesIO(bundled.read_bytes())


def render_notice(draft: NoticeDraft, directory: Path | None = None) -> bytes:
    document = DocxTemplate(template_for(draft.kind, directory))
    document.render(template_context(draft), autoescape=True)
    name_the_company_alone(document.docx.core_properties, draft.company.name)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def name_the_company_alone(properties: CoreProperties, company: str) -> None:
    """The file goes to the counterparty: its properties name the Company as author and
    nothing else, whatever the template (or the library that made it) left there."""
    for name in _TEXT_PROPERTIES:
        setattr(properties, name, "")
    properties.author = company
    properties.revision = 1
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)


_TEXT_PROPERTIES = (
    "title",
    "subject",
    "keywords",
    "comments",
    "category",
    "content_status",
    "identifier",
    "language",
    "last_modified_by",
    "version",
)


def notice_filename(draft: NoticeDraft) -> str:
    return f"{draft.kind.value}-notice-{draft.dated.isoformat()}.docx"
