"""Letter templates: Jinja2 in a sandbox, then a small line-based markup turned into blocks.

Templates may be edited by administrators (copies stored in the database) and previewed, so they run
in the sealed environment of ``privdesk.letters.sandbox`` (Jinja's ``ImmutableSandboxedEnvironment``
over read-only copies of every value, with time, step and size limits) with ``StrictUndefined``: a
misspelt name, an attempt to reach Python internals or to change a shared value, or a runaway loop
is reported as a ``TemplateError`` naming the line, never executed.

Every value printed with ``{{ ... }}`` is escaped for ReportLab paragraph markup (``& < >``) and for
the line markup below (``| *`` anywhere, ``# - =`` at the start, newlines become ``<br/>``), so a
consumer called ``Smith & <b>Jones</b>`` prints literally and cannot add a table row or a heading.
The template's own text is trusted: it may use ReportLab inline tags such as ``<i>`` and ``<u>``.

Line markup, applied to the rendered text (leading spaces ignored):
    # Heading                  a heading
    - item                     a bullet
    | a | b |                  a table row; rows form one table (blank lines between them allowed, so
                               a row per loop pass works); the first row is the header
    ---                        a horizontal rule
    ===                        start a new page (e.g. a form to sign and return)
    @signature                 the signature block and enclosure list (added at the end if absent)
    (blank line)               paragraph break; lines of one paragraph keep their line breaks
A line holding only a ``{% ... %}`` tag renders as a blank line, i.e. it ends the paragraph.
    **bold**                   bold, within any line
"""

from __future__ import annotations

import contextvars
import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from privdesk.domain.errors import DomainError
from privdesk.domain.letterdata import JurisdictionFamily, LetterData
from privdesk.domain.types import DenialReason, RequestType, VerificationLevel
from privdesk.letters.resources import templates_dir
from privdesk.letters.sandbox import LetterSandbox, RenderLimitExceeded, bounded_render, read_only

INLINE_TEMPLATE_NAME = "<template>"


class TemplateError(DomainError):
    """A template that cannot be rendered; the message names the line and the problem."""

    def __init__(self, problem: str, line: int | None = None, template: str = "") -> None:
        self.problem = problem
        self.line = line
        self.template = template
        where = template or "template"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")


# --- blocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingBlock:
    text: str
    line: int


@dataclass(frozen=True)
class ParagraphBlock:
    text: str
    line: int


@dataclass(frozen=True)
class BulletBlock:
    text: str
    line: int


@dataclass(frozen=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int


@dataclass(frozen=True)
class RuleBlock:
    line: int


@dataclass(frozen=True)
class PageBreakBlock:
    line: int


@dataclass(frozen=True)
class SignatureBlock:
    """Where the signature (name, title, organization) and the enclosure list go."""

    line: int


Block = HeadingBlock | ParagraphBlock | BulletBlock | TableBlock | RuleBlock | PageBreakBlock | SignatureBlock


# --- plain words for codes ----------------------------------------------------------------------

REASON_WORDS: dict[DenialReason, str] = {
    DenialReason.UNVERIFIABLE: (
        "We could not verify your identity to the degree the law requires for this request."
    ),
    DenialReason.NOT_A_CONSUMER: (
        "The law that grants this right does not apply to you or to this information."
    ),
    DenialReason.EXEMPTION_GLBA: (
        "The information is covered by the federal Gramm-Leach-Bliley Act and the California Financial "
        "Information Privacy Act, which exempt it from this request; it remains protected under our separate "
        "financial privacy notice."
    ),
    DenialReason.EXEMPTION_HIPAA_CMIA: (
        "The information is medical information governed by HIPAA and the California Confidentiality of "
        "Medical Information Act, which exempt it from this request."
    ),
    DenialReason.EXEMPTION_FCRA: (
        "The information is governed by the federal Fair Credit Reporting Act, which exempts it from "
        "this request."
    ),
    DenialReason.LEGAL_OBLIGATION: "We are required by law to keep the information.",
    DenialReason.FREQUENCY_LIMIT: (
        "The law does not require us to answer more requests of this kind from you this year."
    ),
    DenialReason.MANIFESTLY_UNFOUNDED: "The request is manifestly unfounded or excessive.",
    DenialReason.FRAUD: "We have a good-faith, documented reason to believe the request is fraudulent.",
    DenialReason.OTHER: "Another reason applies, as explained below.",
}

_DEFAULT_COMPLAINT_AUTHORITY = {
    JurisdictionFamily.UK_GDPR: "the Information Commissioner's Office (ico.org.uk, telephone 0303 123 1113)",
    JurisdictionFamily.GDPR: (
        "a data protection supervisory authority, in particular in the EU Member State where you live, "
        "work or where the alleged infringement took place"
    ),
}

_DAY_FIRST_FAMILIES = frozenset({JurisdictionFamily.GDPR, JurisdictionFamily.UK_GDPR})

# Date style of the letter being rendered ("us": November 20, 2026; "day_first": 20 November 2026).
_date_style: contextvars.ContextVar[str] = contextvars.ContextVar("letter_date_style", default="us")


def format_date(value: date, style: str | None = None) -> str:
    style = style or _date_style.get()
    if style == "day_first":
        return f"{value.day} {value:%B} {value.year}"
    return f"{value:%B} {value.day}, {value.year}"


def date_style_for(family: str) -> str:
    return "day_first" if family in _DAY_FIRST_FAMILIES else "us"


# --- escaping -----------------------------------------------------------------------------------

_ANYWHERE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "*": "&#42;", "\r": ""})
_LINE_START = {"#": "&#35;", "-": "&#45;", "=": "&#61;", "@": "&#64;"}


def escape_value(text: str) -> str:
    """Escape a value for ReportLab markup and for the line markup; newlines become ``<br/>``."""
    escaped = text.translate(_ANYWHERE)
    stripped = escaped.lstrip()
    if stripped and stripped[0] in _LINE_START:
        cut = len(escaped) - len(stripped)
        escaped = escaped[:cut] + _LINE_START[stripped[0]] + stripped[1:]
    return escaped.replace("\n", "<br/>")  # one line: a value cannot start a new markup line


def _display_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, DenialReason):
        return REASON_WORDS[value]
    if isinstance(value, RequestType):
        return value.label
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):  # the template's own markup, or a filter that already escaped
        return value
    return Markup(escape_value(_display_text(value)))


def _join(values: Iterable[Any], separator: str = ", ") -> Markup:
    return Markup(Markup(separator).join(_finalize(v) for v in values))


def _and_list(values: Iterable[Any], conjunction: str = "and") -> Markup:
    parts = [_finalize(v) for v in values]
    if len(parts) <= 1:
        return Markup("").join(parts)
    return Markup(Markup(", ").join(parts[:-1]) + Markup(f" {conjunction} ") + parts[-1])


def _isodate(value: date | None) -> str:
    return value.isoformat() if value else ""


def _longdate(value: date | None) -> str:
    return format_date(value) if value else ""


def _reason(value: Any) -> str:
    return REASON_WORDS[DenialReason(value)]


# --- environment --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> LetterSandbox:
    env = LetterSandbox(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=False,  # a tag at a line's end must not glue that line to the next one
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=200,
    )
    env.filters.update(
        join=_join,
        escape=_finalize,
        e=_finalize,
        and_list=_and_list,
        isodate=_isodate,
        longdate=_longdate,
        reason=_reason,
    )
    return env.seal()  # after the filters: every filter is guarded by the render limits


@lru_cache(maxsize=64)
def _compile(source: str) -> jinja2.Template:
    try:
        return environment().from_string(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(err.message or "syntax error", err.lineno, err.name or "") from None
    except (RecursionError, MemoryError, OverflowError) as err:
        raise TemplateError(
            f"the template is too deeply nested or too large ({type(err).__name__})"
        ) from None


def template_names(kind: str, family: str) -> tuple[str, str]:
    """The bundled template for a kind, most specific first: ``<kind>.<family>.j2`` then ``<kind>.j2``."""
    return f"{kind}.{family}.j2", f"{kind}.j2"


def default_template_name(kind: str, family: str) -> str:
    folder = templates_dir()
    for name in template_names(kind, family):
        if (folder / name).is_file():
            return name
    raise TemplateError(f"no bundled template for letter kind {kind!r}")


def default_template_source(kind: str, family: str) -> str:
    """The text of the bundled template, e.g. to give an officer a copy to edit."""
    return (templates_dir() / default_template_name(kind, family)).read_text(encoding="utf-8")


def template_context(data: LetterData) -> dict[str, Any]:
    """The names a template can use: every ``LetterData`` field plus a few derived values."""
    context: dict[str, Any] = {f.name: getattr(data, f.name) for f in fields(data)}
    family = data.jurisdiction_family
    context.update(
        letter=data,
        org=data.letterhead,
        family=family,
        consumer_name=data.addressee_name,
        salutation=data.salutation or f"Dear {data.recipient.name},",
        declaration_needed=data.verification_level == VerificationLevel.REASONABLY_HIGH,
        complaint_authority=data.complaint_authority or _DEFAULT_COMPLAINT_AUTHORITY.get(family, ""),  # type: ignore[call-overload]
        has_appeal=family == JurisdictionFamily.US_STATE_WITH_APPEAL,
        has_complaint_right=family in _DAY_FIRST_FAMILIES,
        reason_words=REASON_WORDS,
        **_fact_context(data),
    )
    return {name: read_only(value) for name, value in context.items()}  # a template changes nothing shared


def _fact_context(data: LetterData) -> dict[str, Any]:
    """Derived facts the wording depends on, computed from real dates and the letter's data."""
    gdpr = data.jurisdiction_family in _DAY_FIRST_FAMILIES
    to_business = data.kind == "service_provider_notice"
    notice_by = [d for d in (i.extension_notice_by or i.respond_by for i in data.items) if d is not None]
    return {
        # GDPR letters speak of personal data and of the controller; US letters of personal information.
        "pi": "personal data" if gdpr else "personal information",
        # An agent's letter names the consumer it concerns.
        "on_behalf_of": data.consumer_name
        if data.consumer_name and not to_business and data.consumer_name != data.recipient.name
        else "",
        # Whether the letter goes out within the period in which the law requires the notice.
        "notice_in_time": bool(notice_by) and data.letter_date <= min(notice_by),
        "opt_out_offer": data.sells_or_shares and not data.opted_out,
        "only_opt_out_or_limit": bool(data.items)
        and all(
            i.request_type in (RequestType.OPT_OUT_SALE_SHARE, RequestType.LIMIT_SENSITIVE)
            for i in data.items
        ),
    }


def _error_line(err: BaseException) -> tuple[int | None, str]:
    """The template line (and template name) where a runtime error happened, from the traceback."""
    folder = str(templates_dir())
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename == INLINE_TEMPLATE_NAME:
            return frame.lineno, ""
        if frame.filename.startswith(folder) and frame.filename.endswith(".j2"):
            return frame.lineno, frame.filename[len(folder) :].lstrip("/\\")
    return None, ""


def render_source(template: jinja2.Template, context: Mapping[str, Any], family: str) -> str:
    token = _date_style.set(date_style_for(family))
    try:
        return bounded_render(template, context)
    except TemplateError:
        raise
    except RenderLimitExceeded as err:
        line, name = _error_line(err)
        raise TemplateError(str(err), line, name) from None
    except RecursionError as err:
        line, name = _error_line(err)
        raise TemplateError("the template calls itself too deeply (RecursionError)", line, name) from None
    except MemoryError as err:
        line, name = _error_line(err)
        raise TemplateError("the template needs too much memory (MemoryError)", line, name) from None
    except OverflowError as err:
        line, name = _error_line(err)
        raise TemplateError(f"a number is too large (OverflowError: {err})", line, name) from None
    except SecurityError as err:
        line, name = _error_line(err)
        raise TemplateError(f"not allowed in a letter template ({err})", line, name) from None
    except jinja2.UndefinedError as err:
        line, name = _error_line(err)
        problem = err.message or "undefined value"
        if "unsafe" in problem:
            problem = f"not allowed in a letter template ({problem})"
        raise TemplateError(problem, line, name) from None
    except jinja2.TemplateError as err:
        line, name = _error_line(err)
        raise TemplateError(str(err), line, name) from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, ZeroDivisionError) as err:
        line, name = _error_line(err)
        raise TemplateError(f"{type(err).__name__}: {err}", line, name) from None
    finally:
        _date_style.reset(token)


def render_template_text(source: str, data: LetterData | Mapping[str, Any]) -> list[Block]:
    """Render a template given as text with a letter's data (or a plain context) into blocks."""
    template = _compile(source)
    if isinstance(data, LetterData):
        context, family = template_context(data), data.jurisdiction_family
    else:
        context, family = {k: read_only(v) for k, v in data.items()}, str(data.get("family", ""))
    return parse_markup(render_source(template, context, family), source)


def render_bundled(name: str, data: LetterData) -> list[Block]:
    try:
        template = environment().get_template(name)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(err.message or "syntax error", err.lineno, name) from None
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template {name!r} not found") from None
    text = render_source(template, template_context(data), data.jurisdiction_family)
    return parse_markup(text, template_name=name)


# --- line markup --------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _source_line(rendered_line: str, source: str | None, fallback: int) -> int:
    """Best guess of the template line a rendered line came from (exact text match), else its own."""
    if source:
        wanted = rendered_line.strip()
        for number, line in enumerate(source.splitlines(), start=1):
            if line.strip() == wanted:
                return number
    return fallback


def _inline(text: str, line: int, source: str | None, template_name: str) -> str:
    converted = _BOLD.sub(r"<b>\1</b>", text)
    if "**" in converted:
        raise TemplateError(
            "'**' opens bold text that is not closed on the same line",
            _source_line(text, source, line),
            template_name,
        )
    return converted


def _cells(text: str) -> list[str]:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def parse_markup(text: str, source: str | None = None, template_name: str = "") -> list[Block]:
    """Turn rendered template text into blocks. Line numbers refer to the rendered text."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_line = 0
    table_rows: list[list[str]] = []
    table_line = 0

    def flush_paragraph() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(ParagraphBlock("<br/>".join(paragraph), paragraph_line))
            paragraph = []

    def flush_table() -> None:
        nonlocal table_rows
        if table_rows:
            header, *rows = table_rows
            for offset, row in enumerate(rows, start=1):
                if len(row) != len(header):
                    raise TemplateError(
                        f"table row has {len(row)} cells but the header has {len(header)}",
                        table_line + offset,
                        template_name,
                    )
            blocks.append(TableBlock(tuple(header), tuple(tuple(r) for r in rows), table_line))
            table_rows = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("|"):
            flush_paragraph()
            cells = _cells(line)
            if all(c and set(c) <= set("-: ") for c in cells):
                continue  # a Markdown-style separator row: | --- | --- |
            if not table_rows:
                table_line = number
            table_rows.append([_inline(c, number, source, template_name) for c in cells])
            continue
        if not line:
            flush_paragraph()
            continue  # a table may continue after blank lines (loop tags leave them)
        flush_table()
        if line == "---":
            flush_paragraph()
            blocks.append(RuleBlock(number))
        elif line == "===":
            flush_paragraph()
            blocks.append(PageBreakBlock(number))
        elif line == "@signature":
            flush_paragraph()
            blocks.append(SignatureBlock(number))
        elif line.startswith("# "):
            flush_paragraph()
            blocks.append(HeadingBlock(_inline(line[2:].strip(), number, source, template_name), number))
        elif line.startswith("- "):
            flush_paragraph()
            blocks.append(BulletBlock(_inline(line[2:].strip(), number, source, template_name), number))
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(_inline(line, number, source, template_name))
    flush_paragraph()
    flush_table()
    return blocks
