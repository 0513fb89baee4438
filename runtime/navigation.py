"""Where staff go: the areas a user's roles open, and the home they land on after signing in.

One list serves the staff navigation bar (on every staff page) and the landing after login, so
both always agree with the access rules of the areas themselves: the inbox and reports open to
anyone with a role in an agency, the studio to designers, the review queue to Diskominfo
reviewers, the accounts, agencies and outgoing messages pages to administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # runtime.auth imports runtime.web, which imports this module
    from runtime.auth import StaffUser

DESIGNER = "designer"
REVIEWER = "reviewer"
ADMIN = "admin"
STAFF_HOME = "/staf"  # redirects to `home_for(user)`


class Area(NamedTuple):
    """One link of the staff navigation: its path and the i18n key of its name."""

    path: str
    key: str


def areas(user: StaffUser) -> list[Area]:
    """The areas the user may open, in the order of the navigation bar."""
    found: list[Area] = []
    if any(user.roles_in(agency) - {DESIGNER} for agency in user.agencies):
        found += [Area("/kantor", "office"), Area("/kantor/laporan", "reports")]
    if any(DESIGNER in user.roles_in(agency) for agency in user.agencies):
        found.append(Area("/studio", "studio"))
    if user.has_global(REVIEWER):
        found.append(Area("/tinjau", "review_queue"))
    if user.has_global(ADMIN):
        found += [
            Area("/admin/pengguna", "admin_users"),
            Area("/admin/instansi", "admin_agencies"),
            Area("/admin/pesan", "admin_messages"),
            Area("/admin/webhook", "admin_webhooks"),
        ]
    return found


def home_for(user: StaffUser) -> str:
    """The first area the user may open (an account without roles sees the empty inbox)."""
    found = areas(user)
    return found[0].path if found else "/kantor"


def current_area(found: list[Area], path: str) -> str | None:
    """The area a request path belongs to (the longest matching path), for aria-current."""
    matches = [a.path for a in found if path == a.path or path.startswith(a.path + "/")]
    return max(matches, key=len) if matches else None
