"""Names of uploaded files: cleaned display names, download names of the detected type, and
`Content-Disposition` values with an ASCII fallback and the UTF-8 name."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.uploads import EXTENSIONS, clean_name, content_disposition, download_name

_HEADER = re.compile(r"^attachment; filename=\"([ -~]*)\"; filename\*=UTF-8''([A-Za-z0-9._~%-]+)$")


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("ktp.pdf.bat", "application/pdf", "ktp.pdf"),
        ("ktp.html", "application/pdf", "ktp.pdf"),
        ("ktp.pdf.exe", "image/png", "ktp.pdf.png"),
        ("scan", "application/pdf", "scan.pdf"),
        ("foto.JPEG", "image/jpeg", "foto.JPEG"),
        ("foto.jpg", "image/jpeg", "foto.jpg"),
        ("C:\\Users\\budi\\foto.heif", "image/heic", "foto.heif"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "application/pdf", "img src=x onerror=alert(1).pdf"),
        ("surat\u202efdp.exe", "application/pdf", "suratfdp.pdf"),
        ("...", "image/webp", "berkas.webp"),
        ("Surat Keterangan.v2.pdf", "application/pdf", "Surat Keterangan.v2.pdf"),
    ],
)
def test_download_names_take_the_detected_type(name: str, content_type: str, expected: str) -> None:
    assert download_name(name, content_type) == expected


def test_display_names_lose_dangerous_characters() -> None:
    assert clean_name('a;rm -rf $(x)`"|&.pdf') == "a rm -rf (x).pdf"
    assert clean_name("  .hidden  ") == "hidden"
    assert clean_name("line\nbreak\x00.pdf") == "line break.pdf"
    assert len(clean_name("x" * 500 + ".pdf")) == 120


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name() -> None:
    value = content_disposition("Surat Ñandú (1).pdf")
    assert value == (
        'attachment; filename="Surat Nandu (1).pdf"; '
        "filename*=UTF-8''Surat%20%C3%91and%C3%BA%20%281%29.pdf"
    )
    assert content_disposition("ктп.pdf").startswith('attachment; filename="berkas.pdf"; ')


@given(st.text(max_size=300), st.sampled_from(sorted(EXTENSIONS)))
def test_every_name_gives_a_safe_header(name: str, content_type: str) -> None:
    download = download_name(name, content_type)
    assert (
        download.lower().endswith(EXTENSIONS[content_type])
        or (content_type == "image/jpeg" and download.lower().endswith(".jpeg"))
        or (content_type == "image/heic" and download.lower().endswith(".heif"))
    )
    assert not set(download) & set("<>:\"/\\|?*;%$`'&{}^")
    assert len(download) <= 120
    value = content_disposition(download)
    match = _HEADER.match(value)
    assert match is not None, value
    assert match.group(1).strip("_ .")
    assert unquote(match.group(2)) == download
