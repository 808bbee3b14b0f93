"""The entry point: ``LetterRenderer().render(data) -> bytes`` (a PDF)."""

from __future__ import annotations

from collections.abc import Sequence

from privdesk.domain.letterdata import LetterData, text_fields
from privdesk.letters import fonts, templating
from privdesk.letters.layout import PreparedLetter, build_pdf, recipient_font_size
from privdesk.letters.templating import (
    Block,
    BulletBlock,
    HeadingBlock,
    ParagraphBlock,
    TableBlock,
    date_style_for,
    default_template_name,
)


def _block_texts(blocks: Sequence[Block]) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for block in blocks:
        if isinstance(block, ParagraphBlock | HeadingBlock | BulletBlock):
            texts.append((f"template text (line {block.line})", block.text))
        elif isinstance(block, TableBlock):
            for row in (block.header, *block.rows):
                texts.extend((f"template table (line {block.line})", cell) for cell in row)
    return texts


def prepare(
    data: LetterData, template_source: str | None = None, *, check_address: bool = True
) -> PreparedLetter:
    """Check the data is printable, render the template and check its text; no PDF yet."""
    fonts.register_fonts()
    fonts.check_printable(text_fields(data))
    if check_address:  # an address that does not fit the window is refused before any PDF
        recipient_font_size(data)
    if template_source is None:
        name = default_template_name(data.kind, data.jurisdiction_family)
        blocks = templating.render_bundled(name, data)
    else:
        name = templating.INLINE_TEMPLATE_NAME
        blocks = templating.render_template_text(template_source, data)
    fonts.check_printable(_block_texts(blocks))
    return PreparedLetter(data, tuple(blocks), name, date_style_for(data.jurisdiction_family))


class LetterRenderer:
    """Renders letters to PDF bytes. Stateless apart from the process-wide font registration."""

    def __init__(self) -> None:
        fonts.register_fonts()

    def render(self, data: LetterData, template_source: str | None = None) -> bytes:
        """One letter as a PDF. ``template_source`` None means the bundled template for kind and family.

        Raises ``TemplateError`` (bad template), ``UnprintableTextError`` (characters without a glyph)
        or ``ValidationError`` (e.g. an address too long for the window) before any PDF is produced.
        """
        return build_pdf([prepare(data, template_source)])

    def render_prepared(self, letters: Sequence[PreparedLetter]) -> bytes:
        """Several prepared letters in one PDF (each from a new sheet, numbered on its own)."""
        return build_pdf(letters)

    @staticmethod
    def default_template_source(kind: str, family: str) -> str:
        return templating.default_template_source(kind, family)
