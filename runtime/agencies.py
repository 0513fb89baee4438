"""Agencies (OPD) and the data their letters need: plain-Python core of `loket agency` and the
administrator's agency pages.

An agency is created by an administrator (or, as before, when its first service is published).
Besides its name it holds what a letterhead and a signature block need: the parent government
("Pemerintah Kota Bandar Lampung"), the city letters are dated in, address, phone, e-mail,
website, a logo image and the default signatory (position, name, NIP). Every value is checked
here, so the command line and the web form refuse the same mistakes with the same messages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from builder.values import is_email, normalise_phone
from runtime.models import Agency, AgencyLogo
from runtime.uploads import sniff

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
NIP_PATTERN = re.compile(r"^\d{18}$")
WEBSITE_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d{1,5})?(?:/\S*)?$")
LOGO_TYPES = ("image/png", "image/jpeg")
MAX_LOGO_BYTES = 256 * 1024

# name -> (maximum length, label in Bahasa Indonesia, label in English); `name` is required
TEXT_FIELDS: dict[str, tuple[int, str, str]] = {
    "name": (200, "Nama lengkap instansi", "Full name of the agency"),
    "parent_government": (200, "Pemerintah induk", "Parent government"),
    "city": (100, "Kota tempat surat dibuat", "City letters are dated in"),
    "address": (500, "Alamat", "Address"),
    "phone": (30, "Telepon", "Phone"),
    "email": (254, "Surel", "E-mail"),
    "website": (300, "Situs web", "Website"),
    "signatory_position": (200, "Jabatan penanda tangan", "Signatory's position"),
    "signatory_name": (200, "Nama penanda tangan", "Signatory's name"),
    "signatory_nip": (18, "NIP penanda tangan", "Signatory's NIP"),
}


class AgencyError(Exception):
    """A refused change: `problems` maps a field name to a message in both languages."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


@dataclass(frozen=True)
class Logo:
    """A logo image checked by its content."""

    content: bytes
    content_type: str


def check_logo(content: bytes) -> Logo:
    """A PNG or JPEG of at most 256 KB, judged by its first bytes; AgencyError otherwise."""
    if len(content) > MAX_LOGO_BYTES:
        raise AgencyError({"logo": "Logo paling besar 256 KB. / The logo may be at most 256 KB."})
    kind = sniff(content[:16])
    if kind not in LOGO_TYPES:
        raise AgencyError(
            {"logo": "Logo harus berkas PNG atau JPEG. / The logo must be a PNG or JPEG file."}
        )
    return Logo(content, kind)


def clean_values(values: Mapping[str, str | None]) -> dict[str, str]:
    """The posted texts trimmed and checked; AgencyError lists every problem at once.

    Only the fields present in `values` are returned (an update changes only what it names).
    Empty optional fields are allowed; the phone is kept in +62 form.
    """
    cleaned: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, raw in values.items():
        if name not in TEXT_FIELDS or raw is None:
            continue
        limit, label_id, label_en = TEXT_FIELDS[name]
        value = " ".join(raw.split()) if name != "address" else raw.strip()
        if len(value) > limit:
            problems[name] = (
                f"{label_id} paling panjang {limit} karakter. / "
                f"{label_en} may be at most {limit} characters."
            )
            continue
        cleaned[name] = value
    if "name" in cleaned and not cleaned["name"]:
        problems["name"] = "Isi nama lengkap instansi. / Enter the agency's full name."
    if cleaned.get("email") and not is_email(cleaned["email"]):
        problems["email"] = (
            "Surel tidak sah; contoh: dukcapil@bandarlampungkota.go.id. / "
            "Not a valid e-mail address; e.g. dukcapil@bandarlampungkota.go.id."
        )
    if cleaned.get("phone"):
        phone = normalise_phone(cleaned["phone"])
        if phone is None:
            problems["phone"] = (
                "Nomor telepon Indonesia tidak sah; contoh: 0721 123456. / "
                "Not a valid Indonesian phone number; e.g. 0721 123456."
            )
        else:
            cleaned["phone"] = phone
    if cleaned.get("website") and not WEBSITE_PATTERN.match(cleaned["website"]):
        problems["website"] = (
            "Tulis alamat situs lengkap, mis. https://disdukcapil.bandarlampungkota.go.id. / "
            "Write the full address, e.g. https://disdukcapil.bandarlampungkota.go.id."
        )
    if cleaned.get("signatory_nip") and not NIP_PATTERN.match(cleaned["signatory_nip"]):
        problems["signatory_nip"] = (
            "NIP terdiri atas 18 angka tanpa spasi. / A NIP is 18 digits without spaces."
        )
    if problems:
        raise AgencyError(problems)
    return cleaned


def check_id(agency_id: str) -> str:
    """A new agency's id: lower-case letters, digits and hyphens (it appears in addresses)."""
    if not ID_PATTERN.match(agency_id):
        raise AgencyError(
            {
                "id": "Id instansi hanya huruf kecil, angka dan tanda hubung (mis. disdukcapil). / "
                "An agency id has only lower-case letters, digits and hyphens (e.g. disdukcapil)."
            }
        )
    return agency_id


def list_agencies(session: Session) -> list[Agency]:
    """Every agency, by name."""
    return list(session.exec(select(Agency).order_by(col(Agency.name), col(Agency.id))).all())


def _checked(
    values: Mapping[str, str | None], logo: bytes | None
) -> tuple[dict[str, str], Logo | None, dict[str, str]]:
    """The cleaned values, the checked logo and every problem of both."""
    problems: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    picture = None
    try:
        cleaned = clean_values(values)
    except AgencyError as exc:
        problems.update(exc.problems)
    if logo is not None:
        try:
            picture = check_logo(logo)
        except AgencyError as exc:
            problems.update(exc.problems)
    return cleaned, picture, problems


def add_agency(
    session: Session, agency_id: str, values: Mapping[str, str | None], logo: bytes | None = None
) -> Agency:
    """Create an agency (it may have no service yet); refuses a taken id."""
    problems: dict[str, str] = {}
    try:
        check_id(agency_id)
    except AgencyError as exc:
        problems.update(exc.problems)
    cleaned, picture, found = _checked({"name": "", **values}, logo)
    problems.update(found)
    if not problems and session.get(Agency, agency_id) is not None:
        problems["id"] = f"Instansi '{agency_id}' sudah ada. / Agency '{agency_id}' exists."
    if problems:
        raise AgencyError(problems)
    agency = Agency(id=agency_id, **cleaned)
    session.add(agency)
    session.flush()
    if picture is not None:
        _set_logo(session, agency_id, picture)
    return agency


def update_agency(
    session: Session,
    agency_id: str,
    values: Mapping[str, str | None],
    logo: bytes | None = None,
    *,
    remove_logo: bool = False,
) -> Agency:
    """Change the named fields of an agency (others stay as they are)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise AgencyError(
            {"id": f"Instansi tidak dikenal: {agency_id}. / Unknown agency: {agency_id}."}
        )
    cleaned, picture, problems = _checked(values, logo)
    if problems:
        raise AgencyError(problems)
    for name, value in cleaned.items():
        setattr(agency, name, value)
    session.add(agency)
    session.flush()
    if picture is not None:
        _set_logo(session, agency_id, picture)
    elif remove_logo and (old := session.get(AgencyLogo, agency_id)) is not None:
        session.delete(old)
        session.flush()
    return agency


def agencies_with_logo(session: Session) -> set[str]:
    """Ids of the agencies that have a logo."""
    return set(session.exec(select(AgencyLogo.agency_id)).all())


def logo_of(session: Session, agency_id: str) -> AgencyLogo | None:
    """The agency's logo, if it has one."""
    return session.get(AgencyLogo, agency_id)


def _set_logo(session: Session, agency_id: str, logo: Logo) -> None:
    row = session.get(AgencyLogo, agency_id) or AgencyLogo(
        agency_id=agency_id, content_type=logo.content_type, content=b"", sha256=""
    )
    row.content, row.content_type = logo.content, logo.content_type
    row.sha256 = hashlib.sha256(logo.content).hexdigest()
    session.add(row)
    session.flush()
