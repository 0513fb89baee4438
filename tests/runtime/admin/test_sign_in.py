"""Signing in: throttling per (account, address) that an attacker cannot turn into a lock-out.

Everything here goes through HTTP requests to the app, each visitor with its own address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func
from sqlmodel import select

from runtime import auth, login_attempts
from runtime.app import create_app
from runtime.models import LoginAttempt, WebSession, utcnow
from tests import kit

from .conftest import PASSWORDS, Site, csrf, page

OFFICER = "petugas.dukcapil"
ATTACKER = "198.51.100.7"
OFFICE = "203.0.113.20"


def visitor(site: Site, address: str) -> TestClient:
    """A browser at `address` (own cookies, redirects not followed)."""
    client = TestClient(site.app, follow_redirects=False, client=(address, 50000))
    site.clients.append(client)
    return client


def sign_in(client: TestClient, username: str, password: str) -> Response:
    """One attempt through the login form."""
    response: Response = kit.sign_in(client, username, password, "/kantor")
    return response


def attempts(site: Site) -> int:
    """Login attempts kept in the database."""
    with site.session() as session:
        return int(session.exec(select(func.count()).select_from(LoginAttempt)).one())


def test_an_attacker_cannot_lock_an_officer_out(site: Site) -> None:
    attacker = visitor(site, ATTACKER)
    statuses = [sign_in(attacker, OFFICER, f"salah-tebakan-{n:04}").status_code for n in range(5)]
    assert statuses == [401] * 5
    refused = sign_in(attacker, OFFICER, "salah-tebakan-lagi")
    assert refused.status_code == 429
    assert "1 menit" in refused.text

    # the officer, from the office's address, gets in at once with the right password
    officer = visitor(site, OFFICE)
    assert sign_in(officer, OFFICER, PASSWORDS[OFFICER]).status_code == 303
    assert officer.get("/kantor").status_code == 200


def test_refused_attempts_do_not_extend_the_wait(site: Site) -> None:
    attacker = visitor(site, ATTACKER)
    for n in range(5):
        sign_in(attacker, OFFICER, f"salah-tebakan-{n:04}")
    kept = attempts(site)
    for n in range(30):
        response = sign_in(attacker, OFFICER, f"lagi-dan-lagi-{n:04}")
        assert response.status_code == 429
        assert "1 menit" in response.text  # the wait stays at its first step
    assert attempts(site) == kept  # refused attempts are not counted
    # the right password from the throttled address waits too (only that pair is slowed down)
    assert sign_in(attacker, OFFICER, PASSWORDS[OFFICER]).status_code == 429


def test_a_crowded_office_address_is_not_locked_out(site: Site) -> None:
    """Many colleagues behind one NAT mistyping their passwords do not block each other."""
    office = visitor(site, OFFICE)
    for n in range(30):
        assert sign_in(office, "petugas.dinsos", f"keliru-{n:04}-sandi").status_code in (401, 429)
    assert sign_in(visitor(site, OFFICE), OFFICER, PASSWORDS[OFFICER]).status_code == 303
    assert sign_in(visitor(site, OFFICE), "admin", PASSWORDS["admin"]).status_code == 303


def test_guessing_account_names_is_slowed_per_address(site: Site) -> None:
    guesser = visitor(site, ATTACKER)
    statuses = [sign_in(guesser, f"tebak.{n:03}", "tebakan-sandi-1").status_code for n in range(20)]
    assert statuses == [401] * 20
    assert sign_in(guesser, "tebak.baru", "tebakan-sandi-1").status_code == 429
    # existing accounts are not affected, from that address or any other
    assert sign_in(guesser, OFFICER, PASSWORDS[OFFICER]).status_code == 303
    assert sign_in(visitor(site, OFFICE), "tebak.lain", "tebakan-sandi-1").status_code == 401


def test_the_wait_grows_and_ends(site: Site) -> None:
    start = utcnow()
    with site.session() as session:
        for n in range(5):
            session.add(
                LoginAttempt(
                    username=OFFICER,
                    address=ATTACKER,
                    known=True,
                    ok=False,
                    at=start + dt.timedelta(seconds=n),
                )
            )
        session.commit()
        last = start + dt.timedelta(seconds=4)

        def wait(at: dt.datetime) -> dt.timedelta:
            return login_attempts.check(
                session, username=OFFICER, address=ATTACKER, known=True, now=at
            ).wait

        assert wait(last) == dt.timedelta(minutes=1)
        assert wait(last + dt.timedelta(minutes=1)) <= dt.timedelta(0)
        session.add(
            LoginAttempt(
                username=OFFICER,
                address=ATTACKER,
                known=True,
                ok=False,
                at=last + dt.timedelta(minutes=1),
            )
        )
        session.commit()
        assert wait(last + dt.timedelta(minutes=1)) == dt.timedelta(minutes=2)
        # a success clears the pair
        session.add(
            LoginAttempt(
                username=OFFICER,
                address=ATTACKER,
                known=True,
                ok=True,
                at=last + dt.timedelta(minutes=4),
            )
        )
        session.commit()
        assert wait(last + dt.timedelta(minutes=4)) <= dt.timedelta(0)


def test_the_delay_doubles_up_to_a_ceiling() -> None:
    delays = [login_attempts.delay_after(n, 5) for n in range(12)]
    assert delays[:5] == [dt.timedelta(0)] * 5
    assert [d.total_seconds() / 60 for d in delays[5:]] == [1, 2, 4, 8, 15, 15, 15]


def test_old_attempts_are_pruned(site: Site) -> None:
    now = utcnow()
    with site.session() as session:
        for hours in (0, 1, 23, 25, 48):
            session.add(
                LoginAttempt(
                    username=OFFICER,
                    address=ATTACKER,
                    ok=False,
                    at=now - dt.timedelta(hours=hours),
                )
            )
        session.commit()
        assert login_attempts.prune_login_attempts(session, now) == 2
        session.commit()
        assert login_attempts.prune_login_attempts(session, now) == 0
        left = session.exec(select(LoginAttempt.at)).all()
    assert sorted(now - at for at in left) == [dt.timedelta(hours=h) for h in (0, 1, 23)]


# -- forwarded addresses --------------------------------------------------------------------------


def behind_proxy(site: Site, trusted: tuple[str, ...]) -> Site:
    """The same database served by an app with LOKET_TRUSTED_PROXIES = `trusted`."""
    settings = dataclasses.replace(site.app.state.settings, trusted_proxies=trusted)
    return Site(create_app(settings), site.engine, site.clients)


def forwarded(client: TestClient, address: str) -> TestClient:
    """`client` claiming, through X-Forwarded-For, to act for `address`."""
    client.headers["x-forwarded-for"] = address
    return client


def test_forwarded_addresses_are_ignored_by_default(site: Site) -> None:
    """From loopback too: a forged X-Forwarded-For does not escape the throttle."""
    for n in range(5):
        attacker = forwarded(visitor(site, "127.0.0.1"), f"192.0.2.{n}")
        assert sign_in(attacker, OFFICER, f"salah-tebakan-{n:04}").status_code == 401
    attacker = forwarded(visitor(site, "127.0.0.1"), "192.0.2.99")
    assert sign_in(attacker, OFFICER, "salah-tebakan-lagi").status_code == 429


def test_a_listed_proxy_is_believed(site: Site) -> None:
    proxied = behind_proxy(site, ("127.0.0.0/8",))
    attacker = forwarded(visitor(proxied, "127.0.0.1"), ATTACKER)
    for n in range(5):
        assert sign_in(attacker, OFFICER, f"salah-tebakan-{n:04}").status_code == 401
    assert sign_in(attacker, OFFICER, "salah-tebakan-lagi").status_code == 429
    officer = forwarded(visitor(proxied, "127.0.0.1"), OFFICE)
    assert sign_in(officer, OFFICER, PASSWORDS[OFFICER]).status_code == 303
    # a visitor that is not a listed proxy cannot claim another address
    outsider = forwarded(visitor(proxied, ATTACKER), OFFICE)
    assert sign_in(outsider, OFFICER, "salah-tebakan-lagi").status_code == 429


# -- CSRF tokens and cookies ------------------------------------------------------------------------


def test_a_token_from_before_the_login_is_refused_after_it(site: Site) -> None:
    client = site.client()
    old_token = csrf(page(client.get("/masuk")))
    old_cookie = client.cookies.get("loket_csrf")
    response = client.post(
        "/masuk",
        data={
            "username": OFFICER,
            "password": PASSWORDS[OFFICER],
            "csrf_token": old_token,
            "next": "/kantor",
        },
    )
    assert response.status_code == 303
    assert client.cookies.get("loket_csrf") not in (None, old_cookie)  # a new cookie at login
    assert client.post("/keluar", data={"csrf_token": old_token}).status_code == 403
    assert client.get("/kantor").status_code == 200  # still signed in
    # a planted CSRF cookie with its old token does not work either: the token needs the session
    client.cookies.set("loket_csrf", old_cookie or "", path="/")
    assert client.post("/keluar", data={"csrf_token": old_token}).status_code == 403
    assert client.get("/kantor").status_code == 200


def test_a_token_from_the_session_is_refused_after_logout(site: Site) -> None:
    client = site.login(OFFICER)
    session_token = csrf(page(client.get("/kantor")))
    cookie = client.cookies.get("loket_csrf")
    assert client.post("/keluar", data={"csrf_token": session_token}).status_code == 303
    assert client.cookies.get("loket_csrf") not in (None, cookie)  # a new cookie at logout
    assert client.get("/kantor").status_code == 303  # signed out
    response = client.post(
        "/masuk",
        data={
            "username": OFFICER,
            "password": PASSWORDS[OFFICER],
            "csrf_token": session_token,
            "next": "/kantor",
        },
    )
    assert response.status_code == 403


def test_cookies_get_the_host_prefix_on_https(site: Site) -> None:
    settings = dataclasses.replace(
        site.app.state.settings, base_url="https://layanan.example.go.id"
    )
    app = create_app(settings)
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    site.clients.append(client)
    login_page = client.get("/masuk")
    assert "__Host-loket_csrf=" in login_page.headers["set-cookie"]
    response = client.post(
        "/masuk",
        data={
            "username": OFFICER,
            "password": PASSWORDS[OFFICER],
            "csrf_token": csrf(page(login_page)),
            "next": "/kantor",
        },
    )
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    for name in ("__Host-loket_session=", "__Host-loket_csrf="):
        (line,) = [c for c in cookies if c.startswith(name)]
        assert "Secure" in line and "Path=/" in line and "HttpOnly" in line
        assert "Domain" not in line
    assert not [c for c in cookies if c.startswith("loket_")]
    assert client.get("/kantor").status_code == 200
    token = csrf(page(client.get("/kantor")))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 303
    assert client.get("/kantor").status_code == 303


# -- idle timeout ---------------------------------------------------------------------------------


def test_the_idle_timeout_runs_from_the_last_request(site: Site) -> None:
    settings = dataclasses.replace(site.app.state.settings, session_idle_minutes=1)
    start = utcnow()
    with site.session() as session:
        token = auth.login(
            session,
            username=OFFICER,
            password=PASSWORDS[OFFICER],
            address=OFFICE,
            settings=settings,
            now=start,
        )
        # a request every 50 seconds keeps the session alive, however long it goes on
        for step in range(1, 8):
            at = start + dt.timedelta(seconds=50 * step)
            assert auth.current_user(session, token, settings, now=at) is not None, step
        last = start + dt.timedelta(seconds=350)
        (stored,) = session.exec(select(WebSession)).all()
        assert stored.last_seen_at == last
        # a minute without a request ends it
        assert (
            auth.current_user(session, token, settings, now=last + dt.timedelta(minutes=1)) is None
        )


def test_the_last_seen_time_is_written_at_most_once_a_minute(site: Site) -> None:
    settings = dataclasses.replace(site.app.state.settings, session_idle_minutes=30)
    start = utcnow()
    with site.session() as session:
        token = auth.login(
            session,
            username=OFFICER,
            password=PASSWORDS[OFFICER],
            address=OFFICE,
            settings=settings,
            now=start,
        )
        for seconds in (10, 30, 59):
            at = start + dt.timedelta(seconds=seconds)
            assert auth.current_user(session, token, settings, now=at) is not None
        (stored,) = session.exec(select(WebSession)).all()
        assert stored.last_seen_at == start  # three requests within the minute: no write
        later = start + dt.timedelta(seconds=61)
        assert auth.current_user(session, token, settings, now=later) is not None
        session.refresh(stored)
        assert stored.last_seen_at == later
