"""A document of a draft filled with sample answers, as an unsigned PDF marked CONTOH / PREVIEW.

The studio shows a designer what a document will look like before any case exists: the sample
answers and officer values of `builder.document_samples`, the agency's letterhead (sample
values where the agency has none yet), a number made from the pattern with sequence 1, and a
QR code of a verification address that can never exist (the code holds letters a real code
never has). Nothing is numbered, signed or stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from builder.document_samples import preview_document
from runtime.documents.issue import agency_data, local_date
from runtime.documents.pdf import render_pdf
from runtime.documents.verify import verification_url

SAMPLE_CODE = "CONTOH-PREVIEW"  # "O" is not in the verification alphabet: never a real code


def preview_pdf(
    session: Session,
    *,
    definition: Mapping[str, Any],
    document_id: str,
    agency_id: str,
    base_url: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The sample PDF of `document_id` (KeyError for an unknown document)."""
    today = local_date(now or dt.datetime.now(dt.UTC))
    rendered = preview_document(
        definition,
        document_id,
        agency_data(session, agency_id) or {"name": agency_id},
        today=today,
        verification_url=verification_url(base_url, SAMPLE_CODE),
    )
    return render_pdf(rendered)
