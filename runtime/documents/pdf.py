"""A `RenderedDocument` laid out as an A4 PDF letter (surat dinas) with ReportLab.

Layout, top to bottom: the letterhead (kop surat: logo on the left, parent government, agency
name and address lines centred, a thick and a thin rule), the title (bold, underlined), the
number, the body (justified paragraphs and label–value rows), then the place and date and the
signatory block on the right with the verification QR code on the left, and on every page a
footer. Long bodies flow onto further pages; the signature block is kept together.

Fonts: Caladea (regular, bold, italic, bold italic) from the `font-caladea` package, embedded as
subsets, so the PDF shows the same on every reader and Indonesian text (and names with
diacritics such as "Renée" or "Ōkawa") prints as written. The QR code is drawn as vector
squares from `segno`'s matrix, so it stays sharp at any zoom and on any printer.

Every text of the document is escaped before ReportLab's paragraph markup sees it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

import segno
from reportlab.lib.colors import black, white
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from builder.document_model import RenderedDocument, Rows

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 15 * mm
BOTTOM_MARGIN = 22 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
LOGO_SIZE = 24 * mm
QR_SIZE = 30 * mm
QR_ERROR_LEVEL = "m"  # 15 % of the code may be damaged (a stamp, a fold) and it still reads

FONT = "LoketSerif"
FONT_BOLD = "LoketSerif-Bold"
FONT_ITALIC = "LoketSerif-Italic"
FONT_BOLD_ITALIC = "LoketSerif-BoldItalic"

DEFAULT_LABELS = {"number": "Nomor", "nip": "NIP."}


class PdfError(ValueError):
    """The document cannot be laid out (for example a logo that is not a PNG or JPEG image)."""


_register_lock = threading.Lock()


@cache
def _fonts() -> str:
    """Register the embedded font family once per process; return its name."""
    import font_caladea

    files = font_caladea.font_files
    with _register_lock:
        for name, key in (
            (FONT, "Caladea"),
            (FONT_BOLD, "CaladeaBold"),
            (FONT_ITALIC, "CaladeaItalic"),
            (FONT_BOLD_ITALIC, "CaladeaBoldItalic"),
        ):
            pdfmetrics.registerFont(TTFont(name, files[key]))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
    return FONT


def _style(name: str, *, size: float = 12, bold: bool = False, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=size * 1.35,
        **extra,
    )


def _text(value: str) -> str:
    """Plain text made safe for ReportLab's paragraph markup; newlines kept as line breaks."""
    return escape(value).replace("\n", "<br/>")


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code drawn as vector squares (dark modules) with its quiet zone."""

    def __init__(self, data: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.matrix = qr_matrix(data)
        self.width = self.height = size

    def draw(self) -> None:
        canvas = self.canv
        count = len(self.matrix)
        module = self.width / (count + 8)  # four modules of quiet zone on each side
        canvas.saveState()
        canvas.setFillColor(white)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(black)
        for y, row in enumerate(self.matrix):
            x = 0
            while x < count:
                if row[x]:
                    start = x
                    while x < count and row[x]:
                        x += 1
                    canvas.rect(
                        (start + 4) * module,
                        self.height - (y + 5) * module,
                        (x - start) * module,
                        module,
                        stroke=0,
                        fill=1,
                    )
                else:
                    x += 1
        canvas.restoreState()


def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (True = dark), row by row, without quiet zone."""
    code = segno.make(data, error=QR_ERROR_LEVEL, micro=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


def qr_png(data: str, scale: int = 4) -> bytes:
    """The same QR code as a PNG image (for the web page that shows a document's code)."""
    buffer = io.BytesIO()
    segno.make(data, error=QR_ERROR_LEVEL, micro=False).save(
        buffer, kind="png", scale=scale, border=4
    )
    return buffer.getvalue()


class _Rule(Flowable):  # type: ignore[misc]
    """The letterhead's double rule: a thick line over a thin one, the full text width."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width
        self.height = 4

    def draw(self) -> None:
        self.canv.setLineWidth(2)
        self.canv.line(0, 3.5, self.width, 3.5)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0.5, self.width, 0.5)


def _logo(data: bytes) -> Image:
    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception as exc:
        raise PdfError("the logo is not a readable PNG or JPEG image") from exc
    if width <= 0 or height <= 0:
        raise PdfError("the logo has no size")
    scale = min(LOGO_SIZE / width, LOGO_SIZE / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def _letterhead(doc: RenderedDocument) -> list[Flowable]:
    head = doc.letterhead
    lines: list[Flowable] = []
    if head.parent_government:
        lines.append(
            Paragraph(
                _text(head.parent_government), _style("p", size=14, bold=True, alignment=TA_CENTER)
            )
        )
    lines.append(
        Paragraph(_text(head.agency_name), _style("a", size=16, bold=True, alignment=TA_CENTER))
    )
    address = _style("ad", size=10, alignment=TA_CENTER)
    lines.extend(Paragraph(_text(line), address) for line in head.address_lines if line)
    if head.logo:
        side = LOGO_SIZE + 4 * mm
        table = Table(
            [[_logo(head.logo), lines, ""]],
            colWidths=[side, TEXT_WIDTH - 2 * side, side],
        )
    else:
        table = Table([[lines]], colWidths=[TEXT_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 12),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 2 * mm), _Rule(TEXT_WIDTH), Spacer(1, 6 * mm)]


def _rows(rows: Sequence[tuple[str, str]], body: ParagraphStyle) -> Table:
    widest = max(
        (pdfmetrics.stringWidth(label, FONT, body.fontSize) for label, _ in rows), default=0
    )
    label_width = min(max(widest + 3 * mm, 30 * mm), TEXT_WIDTH * 0.4)
    left = _style("row", size=body.fontSize, alignment=TA_LEFT)
    data = [
        [Paragraph(_text(label), left), ":", Paragraph(_text(value), left)] for label, value in rows
    ]
    indent = 10 * mm
    table = Table(
        data,
        colWidths=[label_width, 4 * mm, TEXT_WIDTH - indent - label_width - 4 * mm],
        hAlign="RIGHT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, body.fontSize),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ]
        )
    )
    return table


def _signature(doc: RenderedDocument) -> Flowable:
    """Place and date and the signatory on the right, the QR code on the left, kept together."""
    labels = {**DEFAULT_LABELS, **doc.labels}
    block = _style("sig", alignment=TA_LEFT)
    signer = doc.signatory
    right: list[Flowable] = [Paragraph(_text(doc.place_and_date), block)]
    right.append(Paragraph(_text(signer.position), block))
    right.append(Spacer(1, 18 * mm))
    right.append(Paragraph(f"<b><u>{_text(signer.name)}</u></b>", block))
    if signer.nip:
        right.append(Paragraph(_text(f"{labels['nip']} {signer.nip}"), block))
    left: list[Flowable] = []
    if doc.verification_url:
        left.append(QrCode(doc.verification_url))
        left.append(Spacer(1, 1 * mm))
        left.append(Paragraph(_text(doc.verification_url), _style("url", size=7, wordWrap="CJK")))
    half = TEXT_WIDTH / 2
    table = Table([[left, right]], colWidths=[half, half])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 12),
                ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 12 * mm),
            ]
        )
    )
    return KeepTogether([Spacer(1, 8 * mm), table])


def _story(doc: RenderedDocument) -> list[Flowable]:
    labels = {**DEFAULT_LABELS, **doc.labels}
    story = _letterhead(doc)
    story.append(
        Paragraph(
            f"<u>{_text(doc.title)}</u>", _style("t", size=13, bold=True, alignment=TA_CENTER)
        )
    )
    if doc.number:
        story.append(
            Paragraph(_text(f"{labels['number']}: {doc.number}"), _style("n", alignment=TA_CENTER))
        )
    story.append(Spacer(1, 8 * mm))
    body = _style("body", alignment=TA_JUSTIFY, spaceAfter=2 * mm)
    for block in doc.body:
        if isinstance(block, Rows):
            if block.rows:
                story.extend([_rows(block.rows, body), Spacer(1, 2 * mm)])
        else:
            story.append(Paragraph(_text(block), body))
    story.append(_signature(doc))
    return story


def _watermark(canvas: Canvas, text: str) -> None:
    """`text` in large light letters across the page, under the content (a sample's mark)."""
    canvas.saveState()
    canvas.setFillGray(0.82)
    canvas.setFont(FONT_BOLD, 54)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, 0, text)
    canvas.restoreState()


def _footer(footer: str, title: str, watermark: str = "") -> object:
    style = _style("f", size=8, alignment=TA_CENTER)

    def draw(canvas: Canvas, template: SimpleDocTemplate) -> None:
        if watermark:
            _watermark(canvas, watermark)
        canvas.saveState()
        canvas.setLineWidth(0.4)
        canvas.line(
            LEFT_MARGIN, BOTTOM_MARGIN - 4 * mm, PAGE_WIDTH - RIGHT_MARGIN, BOTTOM_MARGIN - 4 * mm
        )
        text = footer
        if template.page > 1:
            text = (
                f"{footer}  ·  {title} — {template.page}"
                if footer
                else f"{title} — {template.page}"
            )
        if text:
            paragraph = Paragraph(_text(text), style)
            _, height = paragraph.wrap(TEXT_WIDTH, BOTTOM_MARGIN)
            paragraph.drawOn(canvas, LEFT_MARGIN, BOTTOM_MARGIN - 6 * mm - height)
        canvas.restoreState()

    return draw


def render_pdf(doc: RenderedDocument) -> bytes:
    """Lay out one document as an A4 PDF with embedded fonts; raise PdfError on a bad logo."""
    _fonts()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN + 8 * mm,
        title=doc.title,
        subject=doc.number,
        author=doc.letterhead.agency_name,
        creator="Loket",
        lang="id-ID",
        initialFontName=FONT,  # no unembedded Helvetica in the resources
    )
    footer = _footer(doc.footer, doc.title, doc.watermark)
    template.build(_story(doc), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
