"""Interface texts of the staff pages (back office, admin), merged into runtime.i18n.UI."""

from __future__ import annotations

OFFICE_UI: dict[str, tuple[str, str]] = {
    "login_title": ("Masuk untuk petugas", "Staff sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "forbidden": ("Akses ditolak", "Access denied"),
    "forbidden_text": ("Anda tidak punya hak untuk membuka halaman ini.", "You may not open this page."),
    "office": ("Kantor", "Office"),
    "admin_users": ("Pengguna dan peran", "Users and roles"),
}
