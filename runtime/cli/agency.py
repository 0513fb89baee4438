"""`loket agency`: add, update and list agencies and their letterhead data.

The same checks as the administrator's web page (runtime/agencies.py). An agency may be added
before it has any service, so that designers can be granted a role in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

agency_app = typer.Typer(
    help="Agencies (OPD) and their letterhead data: add, update, list.", no_args_is_help=True
)

Text = Annotated[str | None, typer.Option()]


OPTION_FIELDS = {  # command option -> agency field (runtime.agencies.TEXT_FIELDS)
    "name": "name",
    "parent": "parent_government",
    "city": "city",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "signatory_position": "signatory_position",
    "signatory_name": "signatory_name",
    "signatory_nip": "signatory_nip",
}


def _values(options: dict[str, Any]) -> dict[str, str | None]:
    """The agency fields a command was given (options left out are not changed)."""
    return {
        field: options[option]
        for option, field in OPTION_FIELDS.items()
        if options.get(option) is not None
    }


def _logo(path: Path | None) -> bytes | None:
    from runtime import agencies

    if path is None:
        return None
    if not path.is_file():
        typer.secho(f"Bukan berkas / not a file: {path}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    with path.open("rb") as handle:
        return handle.read(agencies.MAX_LOGO_BYTES + 1)


def _refused(exc: Exception) -> typer.Exit:
    from runtime.agencies import AgencyError

    problems = exc.problems if isinstance(exc, AgencyError) else {"": str(exc)}
    for name, message in problems.items():
        typer.secho(f"{name}: {message}" if name else message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@agency_app.command("add")
def agency_add(
    agency_id: Annotated[str, typer.Argument(help="Id for addresses, e.g. disdukcapil.")],
    name: Annotated[str, typer.Option(help="Full name of the agency.")],
    parent: Annotated[str | None, typer.Option(help="Parent government.")] = None,
    city: Annotated[str | None, typer.Option(help="City letters are dated in.")] = None,
    address: Text = None,
    phone: Text = None,
    email: Text = None,
    website: Text = None,
    signatory_position: Text = None,
    signatory_name: Text = None,
    signatory_nip: Text = None,
    logo: Annotated[Path | None, typer.Option(help="PNG or JPEG, at most 256 KB.")] = None,
) -> None:
    """Add an agency (it needs no service yet)."""
    from runtime import agencies
    from runtime.cli.common import user_session

    values = _values(locals())
    with user_session() as session:
        try:
            picture = _logo(logo)
            agencies.add_agency(session, agency_id, values, picture)
        except agencies.AgencyError as exc:
            raise _refused(exc) from exc
        session.commit()
    typer.echo(f"ditambahkan / added: {agency_id}")


@agency_app.command("update")
def agency_update(
    agency_id: Annotated[str, typer.Argument()],
    name: Text = None,
    parent: Annotated[str | None, typer.Option(help="Parent government.")] = None,
    city: Annotated[str | None, typer.Option(help="City letters are dated in.")] = None,
    address: Text = None,
    phone: Text = None,
    email: Text = None,
    website: Text = None,
    signatory_position: Text = None,
    signatory_name: Text = None,
    signatory_nip: Text = None,
    logo: Annotated[Path | None, typer.Option(help="PNG or JPEG, at most 256 KB.")] = None,
    remove_logo: Annotated[bool, typer.Option("--remove-logo")] = False,
) -> None:
    """Change the given fields of an agency; an empty value ("") clears an optional field."""
    from runtime import agencies
    from runtime.cli.common import user_session

    values = _values(locals())
    with user_session() as session:
        try:
            picture = _logo(logo)
            agencies.update_agency(
                session,
                agency_id,
                values,
                picture,
                remove_logo=remove_logo,
            )
        except agencies.AgencyError as exc:
            raise _refused(exc) from exc
        session.commit()
    typer.echo(f"diperbarui / updated: {agency_id}")


@agency_app.command("list")
def agency_list() -> None:
    """Every agency: id, name, parent government and whether it has a logo."""
    from runtime import agencies
    from runtime.cli.common import user_session

    with user_session() as session:
        rows = agencies.list_agencies(session)
        with_logo = agencies.agencies_with_logo(session)
        for agency in rows:
            logo = "logo" if agency.id in with_logo else "-"
            typer.echo(f"{agency.id:24} {logo:5} {agency.name} | {agency.parent_government}")
