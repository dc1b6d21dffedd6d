"""The text of an agreement file: plain text, Word (.docx) or PDF, for `profile draft`."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.failures import Failure
from domain.services.replies import ExitCode

MAX_AGREEMENT_BYTES = 20 << 20
READABLE = (".txt", ".docx", ".pdf")


def agreement_text(path: Path) -> str:
    """The agreement's words, one paragraph (or PDF line) a line. A Failure names why not."""
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise Failure(
            f"{path}: not an agreement file regrights reads (say {', '.join(READABLE)})",
            ExitCode.MALFORMED,
        )
    try:
        if path.stat().st_size > MAX_AGREEMENT_BYTES:
            raise Failure(
                f"{path}: larger than {MAX_AGREEMENT_BYTES >> 20} MiB", ExitCode.MALFORMED
            )
        if suffix == ".txt":
            return _plain(path)
        return _word(path) if suffix == ".docx" else _pdf(path)
    except OSError as exc:
        raise Failure(f"{path}: cannot be read ({exc.strerror})", ExitCode.MALFORMED) from exc


def _plain(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # EDGAR exhibits of the 1990s and 2000s are often Windows-1252.
        return data.decode("cp1252", errors="replace")


def _word(path: Path) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise Failure(f"{path}: not a Word (.docx) document ({exc})", ExitCode.MALFORMED) from exc
    # A blank line between paragraphs: each is where a section may begin.
    return "\n\n".join(paragraph.text for paragraph in document.paragraphs)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs each repair it tries on a damaged file; the one-line failure below says it.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError) as exc:
        raise Failure(f"{path}: not a readable PDF ({exc})", ExitCode.MALFORMED) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise Failure(
            f"{path}: the PDF holds no text (a scan?): run it through OCR first", ExitCode.MALFORMED
        )
    return text
