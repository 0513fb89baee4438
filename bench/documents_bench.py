"""Time to render and sign one issued letter, and its size.

Renders the sample Surat Keterangan Domisili of the tests (letterhead with logo, rows, QR code,
Indonesian text) with `runtime.documents.pdf.render_pdf`, signs it with a development
certificate through `LocalSigner` (PAdES, RSA 2048, SHA-256), and reports p50/p95 over
``--runs`` runs of each step and of both together, after ``--warmup`` runs.

``--compare`` also lays out the same letter with fpdf2 (``pip install fpdf2``; not a
dependency of Loket) and with ReportLab's canvas, with the same embedded font, to repeat the
measurement behind the library choice in docs/documents.md.

Run: ``python -m bench.documents_bench --runs 50`` from the repository root.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time
from collections.abc import Callable

from runtime.documents.pdf import qr_png, render_pdf
from runtime.documents.signing import LocalSigner, create_development_certificate
from tests.runtime.documents.samples import sample_document


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _time(step: Callable[[], bytes], runs: int, warmup: int) -> tuple[float, float, int]:
    for _ in range(warmup):
        step()
    seconds = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(step())
        seconds.append(time.perf_counter() - start)
    p50, p95 = _percentiles(seconds)
    return p50, p95, size


def _fpdf2_letter() -> bytes:
    """The sample letter laid out with fpdf2 (for --compare only)."""
    import font_caladea
    from fpdf import FPDF

    from builder.document_model import Rows

    doc = sample_document()
    fonts = font_caladea.font_files
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 15, 20)
    pdf.add_page()
    pdf.add_font("Caladea", "", fonts["Caladea"])
    pdf.add_font("Caladea", "B", fonts["CaladeaBold"])
    head = doc.letterhead
    if head.logo:
        pdf.image(io.BytesIO(head.logo), x=25, y=15, h=24)
    pdf.set_font("Caladea", "B", 14)
    pdf.cell(0, 7, head.parent_government, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Caladea", "B", 16)
    pdf.multi_cell(0, 7, head.agency_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Caladea", "", 10)
    for line in head.address_lines:
        pdf.multi_cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.7)
    pdf.line(25, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(8)
    pdf.set_font("Caladea", "BU", 13)
    pdf.cell(0, 7, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Caladea", "", 12)
    pdf.cell(0, 6, f"Nomor: {doc.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for block in doc.body:
        if isinstance(block, Rows):
            for label, value in block.rows:
                pdf.set_x(35)
                pdf.cell(45, 6, label)
                pdf.cell(4, 6, ":")
                pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 6, block, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    y = pdf.get_y()
    pdf.set_x(110)
    pdf.multi_cell(0, 6, f"{doc.place_and_date}\n{doc.signatory.position}", new_x="LMARGIN")
    pdf.image(io.BytesIO(qr_png(doc.verification_url)), x=25, y=y, w=30)
    pdf.set_xy(110, y + 40)
    pdf.set_font("Caladea", "BU", 12)
    pdf.cell(0, 6, doc.signatory.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(110)
    pdf.set_font("Caladea", "", 12)
    pdf.cell(0, 6, f"NIP. {doc.signatory.nip}")
    pdf.set_font("Caladea", "", 8)
    pdf.set_xy(25, 270)
    pdf.multi_cell(0, 4, doc.footer, align="C")
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="also time fpdf2 (if installed)")
    args = parser.parse_args()

    document = sample_document()
    signer = LocalSigner(create_development_certificate("Bench", "bench"), "bench")
    unsigned = render_pdf(document)

    rows = [
        ("render_pdf (ReportLab platypus)", lambda: render_pdf(document)),
        (
            "sign (pyHanko, PAdES B-B, RSA 2048)",
            lambda: signer.sign(unsigned, reason="r", location="l"),
        ),
        (
            "render + sign",
            lambda: signer.sign(render_pdf(document), reason="r", location="l"),
        ),
    ]
    if args.compare:
        rows.append(("fpdf2 layout of the same letter (unsigned)", _fpdf2_letter))

    print(f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    print(f"{args.runs} runs after {args.warmup} warm-up runs\n")
    print("| step | p50 ms | p95 ms | bytes |")
    print("|---|---:|---:|---:|")
    for name, step in rows:
        p50, p95, size = _time(step, args.runs, args.warmup)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {size} |")


if __name__ == "__main__":
    main()
