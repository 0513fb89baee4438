"""Interface texts of the staff pages (back office, admin), merged into runtime.i18n.UI."""

from __future__ import annotations

OFFICE_UI: dict[str, tuple[str, str]] = {
    "login_title": ("Masuk untuk petugas", "Staff sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "forbidden": ("Akses ditolak", "Access denied"),
    "forbidden_text": (
        "Anda tidak punya hak untuk membuka halaman ini.",
        "You may not open this page.",
    ),
    "office": ("Kantor", "Office"),
    "admin_users": ("Pengguna dan peran", "Users and roles"),
    # admin page and reports (runtime/routes/admin.py, runtime/routes/reports.py)
    "staff_menu": ("Menu petugas", "Staff menu"),
    "signed_in_as": ("Masuk sebagai {name}", "Signed in as {name}"),
    "reports": ("Laporan", "Reports"),
    "admin_intro": (
        "Kelola akun petugas, peran global, dan peran di tiap instansi.",
        "Manage staff accounts, global roles and roles in each agency.",
    ),
    "admin_done_added": ("Pengguna ditambahkan.", "User added."),
    "admin_done_disabled": (
        "Pengguna dinonaktifkan; sesinya diakhiri.",
        "User disabled; their sessions ended.",
    ),
    "admin_done_granted": ("Peran diberikan.", "Role granted."),
    "admin_done_revoked": ("Peran dicabut.", "Role revoked."),
    "admin_users_list": ("Daftar pengguna", "Users"),
    "admin_display_name": ("Nama tampilan", "Display name"),
    "admin_email": ("Alamat e-mail", "E-mail address"),
    "admin_email_hint": (
        "Untuk ringkasan tenggat harian yang dapat dipilih petugas.",
        "For the daily deadline digest officers may choose.",
    ),
    "admin_status": ("Status", "Status"),
    "admin_active": ("Aktif", "Active"),
    "admin_inactive": ("Nonaktif", "Disabled"),
    "admin_global_roles": ("Peran global", "Global roles"),
    "admin_memberships": ("Peran di instansi", "Roles in agencies"),
    "admin_none": ("–", "–"),
    "admin_yes": ("ada", "yes"),
    "admin_agencies": ("Instansi", "Agencies"),
    "admin_webhooks": ("Webhook", "Webhooks"),
    "admin_webhooks_intro": (
        "Alamat sistem lain (SP4N-LAPOR!, SRIKANDI, dasbor kota) yang menerima peristiwa "
        "permohonan sebuah instansi sebagai JSON bertanda tangan. Isinya tanpa data pribadi. "
        "Hanya alamat https; alamat loopback, link-local dan privat ditolak kecuali diizinkan.",
        "Addresses of other systems (SP4N-LAPOR!, SRIKANDI, a city dashboard) that receive an "
        "agency's case events as signed JSON. They hold no personal data. Only https "
        "addresses; loopback, link-local and private addresses are refused unless allowed.",
    ),
    "admin_webhook_url": ("Alamat (URL)", "Address (URL)"),
    "admin_webhook_url_hint": (
        "Contoh: https://dasbor.example.go.id/loket-webhook",
        "E.g. https://dashboard.example.go.id/loket-webhook",
    ),
    "admin_webhook_events": ("Peristiwa", "Events"),
    "admin_webhook_event": ("Peristiwa", "Event"),
    "admin_webhook_event_case_filed": ("Permohonan diajukan", "Case filed"),
    "admin_webhook_event_case_state_changed": ("Status permohonan berubah", "Case state changed"),
    "admin_webhook_event_document_issued": ("Dokumen diterbitkan", "Document issued"),
    "admin_webhook_private": ("Alamat privat diizinkan", "Private address allowed"),
    "admin_webhook_private_allow": (
        "Izinkan host ini walau alamatnya loopback, link-local atau privat",
        "Allow this host even if its address is loopback, link-local or private",
    ),
    "admin_webhook_private_hint": (
        "Hanya untuk sistem internal yang Anda kenal, misalnya dasbor di jaringan kantor.",
        "Only for an internal system you know, e.g. a dashboard on the office network.",
    ),
    "admin_webhook_history": ("Riwayat pengiriman", "Delivery history"),
    "admin_webhook_change": ("Ubah", "Change"),
    "admin_webhook_disable": ("Nonaktifkan", "Disable"),
    "admin_webhook_enable": ("Aktifkan", "Enable"),
    "admin_webhook_none": ("Belum ada webhook.", "No webhook yet."),
    "admin_webhook_add_title": ("Tambah webhook", "Add a webhook"),
    "admin_webhook_add": ("Tambah", "Add"),
    "admin_webhook_created": ("Webhook ke {url} ditambahkan.", "Webhook to {url} added."),
    "admin_webhook_secret": ("Rahasia penanda tangan", "Signing secret"),
    "admin_webhook_secret_once": (
        "Salin rahasia ini sekarang ke sistem penerima: rahasia ini hanya ditampilkan sekali. "
        "Penerima memakainya untuk memeriksa tanda tangan X-Loket-Signature.",
        "Copy this secret to the receiving system now: it is shown only once. The receiver "
        "uses it to check the X-Loket-Signature signature.",
    ),
    "admin_webhook_unknown_agency": ("Pilih instansi yang ada.", "Choose an existing agency."),
    "admin_webhook_refused": ("Alamat ditolak: {reason}", "Address refused: {reason}"),
    "admin_webhook_done_disabled": ("Webhook dinonaktifkan.", "Webhook disabled."),
    "admin_webhook_done_enabled": ("Webhook diaktifkan.", "Webhook enabled."),
    "admin_webhook_sent_at": ("Terkirim", "Sent"),
    "admin_webhook_no_deliveries": ("Belum ada pengiriman.", "No delivery yet."),
    "admin_webhook_status_pending": ("Menunggu", "Pending"),
    "admin_webhook_status_sent": ("Terkirim", "Sent"),
    "admin_webhook_status_failed": ("Gagal", "Failed"),
    "admin_webhook_status_skipped": ("Dilewati", "Skipped"),
    "admin_messages": ("Pesan keluar", "Outgoing messages"),
    "admin_messages_intro": (
        "Pemberitahuan yang gagal terkirim setelah percobaan terakhir, atau dilewati karena "
        "salurannya belum diatur. Isi pesan tidak ditampilkan. Kirim lagi menaruhnya kembali "
        "di antrean dengan hitungan percobaan baru; setiap pengiriman ulang dicatat.",
        "Notifications that failed after their last try, or were skipped because their channel "
        "is not configured. Message contents are not shown. Send again puts one back in the "
        "queue with a fresh count of tries; every send-again is recorded.",
    ),
    "admin_messages_time": ("Dibuat", "Created"),
    "admin_messages_kind": ("Jenis", "Kind"),
    "admin_messages_channel": ("Saluran", "Channel"),
    "admin_messages_recipient": ("Penerima", "Recipient"),
    "admin_messages_attempts": ("Percobaan", "Tries"),
    "admin_messages_error": ("Galat terakhir", "Last error"),
    "admin_messages_status_failed": ("Gagal", "Failed"),
    "admin_messages_status_skipped": ("Dilewati", "Skipped"),
    "admin_messages_send_again": ("Kirim lagi", "Send again"),
    "admin_messages_send_again_label": ("Kirim lagi pesan {id}", "Send message {id} again"),
    "admin_messages_none": ("Tidak ada pesan yang perlu ditangani.", "No message needs attention."),
    "admin_messages_done_queued": (
        "Pesan ditaruh kembali di antrean dan akan dikirim oleh pekerja latar.",
        "The message is back in the queue; a background worker will send it.",
    ),
    "admin_messages_done_unchanged": (
        "Pesan itu sudah tidak gagal atau dilewati; tidak ada yang diubah.",
        "That message is no longer failed or skipped; nothing was changed.",
    ),
    "admin_agencies_intro": (
        "Data kop surat dan penanda tangan setiap instansi (OPD). Instansi dapat ditambahkan "
        "sebelum punya layanan, agar perancangnya bisa diberi peran.",
        "The letterhead and signatory data of each agency (OPD). An agency can be added before "
        "it has a service, so that its designers can be given a role.",
    ),
    "admin_agency_id": ("Id instansi", "Agency id"),
    "admin_agency_id_hint": (
        "Huruf kecil, angka dan tanda hubung; dipakai di alamat web, mis. disdukcapil.",
        "Lower-case letters, digits and hyphens; used in web addresses, e.g. disdukcapil.",
    ),
    "admin_agency_name": ("Nama", "Name"),
    "admin_agency_parent": ("Pemerintah induk", "Parent government"),
    "admin_agency_logo": ("Logo", "Logo"),
    "admin_agency_logo_hint": (
        "Berkas PNG atau JPEG, paling besar 256 KB; untuk kop surat.",
        "A PNG or JPEG file of at most 256 KB; for the letterhead.",
    ),
    "admin_agency_logo_of": ("Logo {name}", "Logo of {name}"),
    "admin_agency_remove_logo": ("Hapus logo", "Remove the logo"),
    "admin_agency_add_title": ("Tambah instansi", "Add an agency"),
    "admin_agency_add": ("Tambah instansi", "Add the agency"),
    "admin_agency_save": ("Simpan", "Save"),
    "admin_agency_done_added": ("Instansi ditambahkan.", "The agency was added."),
    "admin_agency_done_updated": ("Data instansi disimpan.", "The agency's data was saved."),
    "admin_disable": ("Nonaktifkan", "Disable"),
    "admin_enable": ("Aktifkan lagi", "Enable again"),
    "admin_enable_label": ("Aktifkan lagi {name}", "Enable {name} again"),
    "admin_done_enabled": (
        "Pengguna aktif lagi; ia dapat masuk dengan kata sandinya.",
        "User enabled again; they can sign in with their password.",
    ),
    "admin_disable_label": ("Nonaktifkan {name}", "Disable {name}"),
    "admin_revoke": ("Cabut", "Revoke"),
    "admin_revoke_label": (
        "Cabut peran {role} di {agency} dari {name}",
        "Revoke {role} in {agency} from {name}",
    ),
    "admin_add_title": ("Tambah pengguna", "Add a user"),
    "admin_username_hint": (
        "3–64 huruf kecil, angka, titik, garis bawah atau tanda hubung, mis. petugas.disdukcapil.",
        "3–64 lower-case letters, digits, dots, underscores or hyphens, e.g. petugas.disdukcapil.",
    ),
    "admin_password_initial": ("Kata sandi awal", "Initial password"),
    "admin_password_hint": (
        "Paling sedikit 12 karakter, bukan kata sandi umum. Sampaikan kepada pengguna secara langsung.",
        "At least 12 characters, not a common password. Hand it to the user in person.",
    ),
    "admin_add": ("Tambah pengguna", "Add user"),
    "admin_grant_title": ("Beri peran di instansi", "Grant a role in an agency"),
    "admin_grant_user": ("Pengguna", "User"),
    "admin_grant_role": ("Instansi dan peran", "Agency and role"),
    "admin_grant": ("Beri peran", "Grant role"),
    "admin_choose": ("— pilih —", "— choose —"),
    "reports_intro": (
        "Jumlah {nouns} per status, yang melewati tenggat, dan waktu tengah (median) sampai keputusan.",
        "{Nouns} per state, overdue ones, and the median time to a decision.",
    ),
    "reports_none": (
        "Anda belum memiliki peran di instansi mana pun.",
        "You hold no role in any agency yet.",
    ),
    "reports_no_services": (
        "Instansi ini belum punya layanan terbit.",
        "This agency has no published service yet.",
    ),
    "reports_state": ("Status", "State"),
    "reports_count": ("Jumlah", "Count"),
    "reports_total": ("Jumlah {nouns}", "{Nouns}"),
    "reports_overdue": ("Melewati tenggat", "Overdue"),
    "reports_decided": ("Sudah diputuskan", "Decided"),
    "reports_median": ("Median waktu sampai keputusan", "Median time to decision"),
    "reports_final": ("akhir", "final"),
    "reports_as_of": (
        "Angka layanan besar ini dihitung di latar belakang tiap {minutes} menit dan sama di "
        "semua server; dihitung pada",
        "The figures of this large service are worked out in the background every {minutes} "
        "minutes, the same on every server; worked out at",
    ),
    "reports_stale": (
        "Pekerja latar belakang belum memperbarui angka layanan ini selama lebih dari {minutes} "
        "menit: periksa apakah loket worker berjalan.",
        "The background worker has not updated this service's figures for more than {minutes} "
        "minutes: check that loket worker is running.",
    ),
    "reports_preparing": (
        "Layanan ini memiliki banyak {nouns}; angkanya sedang dihitung di latar belakang, "
        "biasanya dalam satu menit. Muat ulang halaman ini nanti.",
        "This service has many {nouns}; its figures are being worked out in the background, "
        "usually within a minute. Reload this page later.",
    ),
    "reports_refresh": ("Hitung ulang sekarang", "Work them out now"),
    "reports_refresh_requested": (
        "Penghitungan ulang diminta pada {when}; angka baru tampil sekitar satu menit kemudian "
        "(muat ulang halaman ini).",
        "Fresh figures were asked for at {when}; they show about a minute later (reload this "
        "page).",
    ),
    "reports_export": ("Unduh data {nouns}", "Download the {nouns}"),
    "reports_export_csv": ("CSV", "CSV"),
    "reports_export_xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "reports_export_note": (
        "Satu baris per {noun}; waktu dalam WIB. NIK disamarkan (hanya kode wilayah dan empat angka terakhir). "
        "Data pribadi spesifik hanya disertakan bila diminta, dan hal itu dicatat di riwayat setiap {noun}. "
        "Isian yang dapat dibaca sebagai rumus (diawali = + - @, juga sesudah ; atau baris baru) diberi tanda petik "
        "di depannya, baik berkas dibuka dengan pemisah koma maupun titik koma.",
        "One row per {noun}; times in WIB. NIKs are masked (region code and last four digits only). "
        "Sensitive personal data is only included when asked for, and that is recorded on each {noun}. "
        "Anything a spreadsheet could read as a formula (starting with = + - @, also after ; or a line break) "
        "gets a leading apostrophe, whether the file is opened with comma or semicolon as the separator.",
    ),
    "reports_filed_dari": ("Diajukan sejak tanggal", "Filed from"),
    "reports_filed_sampai": ("Diajukan sampai tanggal", "Filed until"),
    "reports_headers": ("Judul kolom", "Column headers"),
    "reports_headers_label": ("Label pertanyaan", "Question labels"),
    "reports_headers_key": ("Kunci field (untuk diolah program)", "Field keys (for programs)"),
    "reports_include_sensitive": (
        "Sertakan data pribadi spesifik",
        "Include sensitive personal data",
    ),
    "reports_include_sensitive_hint": (
        "Misalnya penghasilan atau data kesehatan. Ekspor ini dicatat di riwayat setiap {noun} yang datanya ikut.",
        "Such as income or health data. The export is recorded on every {noun} whose data it holds.",
    ),
    "reports_export_fix": (
        "Data tidak diunduh: perbaiki isian di bawah.",
        "Nothing was downloaded: correct the fields below.",
    ),
    "reports_bad_date": (
        "Tulis tanggal seperti 31-12-2025 atau 2025-12-31.",
        "Enter a date such as 31-12-2025 or 2025-12-31.",
    ),
    "reports_bad_range": (
        "Tanggal akhir tidak boleh sebelum tanggal awal.",
        "The end date cannot be before the start date.",
    ),
    "reports_col_reference": ("Nomor permohonan", "Reference"),
    "reports_col_state": ("Status", "State"),
    "reports_col_created": ("Tanggal diajukan", "Filed"),
    "reports_col_due": ("Tenggat", "Due"),
    "reports_col_region_code": ("kode wilayah", "area code"),
    # review and publishing (Diskominfo reviewer)
    "review_queue": ("Antrean tinjauan", "Review queue"),
    "review_queue_empty": (
        "Tidak ada versi yang menunggu tinjauan.",
        "No version is waiting for review.",
    ),
    "review_age": ("{days} hari menunggu", "waiting {days} days"),
    "review_open": ("Tinjau", "Review"),
    "review_version_n": ("Versi {number}", "Version {number}"),
    "review_submitted_at": ("Diajukan", "Submitted"),
    "review_submitted_by": (
        "Diajukan oleh {name} pada {at}.",
        "Submitted by {name} on {at}.",
    ),
    "review_published": (
        "Versi {number} dari “{title}” sudah terbit. Pemohon baru mendapat versi ini.",
        "Version {number} of “{title}” is published. New applicants get this version.",
    ),
    "review_sent_back": (
        "Versi {number} dari “{title}” dikembalikan ke perancang dengan catatan Anda.",
        "Version {number} of “{title}” went back to its designers with your comments.",
    ),
    "review_live_services": ("Layanan yang berjalan", "Live services"),
    "review_history": ("Riwayat", "History"),
    "review_problems": ("Masalah pada definisi", "Problems in the definition"),
    "review_no_problems": (
        "Pemeriksa definisi tidak menemukan masalah.",
        "The builder found no problems.",
    ),
    "review_has_errors": (
        "Definisi masih punya galat; versi ini belum dapat diterbitkan.",
        "The definition still has errors; this version cannot be published yet.",
    ),
    "review_error": ("Galat", "Error"),
    "review_warning": ("Peringatan", "Warning"),
    "review_checklist": ("Daftar periksa", "Checklist"),
    "review_passed": ("Terpenuhi", "Passed"),
    "review_failed": ("Belum terpenuhi", "Not met"),
    "review_changes": (
        "Perubahan dibanding versi yang berjalan (versi {number})",
        "Changes from the live version (version {number})",
    ),
    "review_new_service": (
        "Layanan baru: belum ada versi yang berjalan.",
        "New service: nothing is live yet.",
    ),
    "review_no_changes": (
        "Tidak ada perubahan dibanding versi yang berjalan.",
        "Nothing changed from the live version.",
    ),
    "review_breaking": ("Berdampak pada kasus berjalan", "Affects running cases"),
    "review_removed_states": ("Status yang dihapus", "Removed states"),
    "review_open_cases": (
        "{count} kasus terbuka di status ini",
        "{count} open cases in this state",
    ),
    "review_map_to": ("Pindahkan kasus di status {state} ke", "Move the cases in state {state} to"),
    "review_map_intro": (
        "Kasus yang sedang berada di status yang dihapus harus dipindahkan ke status versi baru. "
        "Pemindahan dicatat dalam riwayat kasus dan layanan.",
        "Cases sitting in a removed state must move to a state of the new version. "
        "The move is recorded in the history of the cases and the service.",
    ),
    "review_waiting": ("{count} kasus di status {state}", "{count} cases in state {state}"),
    "review_publish": ("Terbitkan versi ini", "Publish this version"),
    "review_own_version": (
        "Anda ikut menyusun atau mengajukan versi ini, jadi peninjau lain yang menerbitkannya.",
        "You created, edited or submitted this version, so another reviewer publishes it.",
    ),
    "review_round_changes": (
        "Yang diubah perancang sejak putaran tinjauan {number}",
        "What the designer changed since review round {number}",
    ),
    "review_round_no_changes": (
        "Tidak ada perubahan sejak putaran sebelumnya.",
        "Nothing changed since the previous round.",
    ),
    "review_changed_since": (
        "Yang berubah sejak Anda membuka halaman ini",
        "What changed since you opened this page",
    ),
    "review_publish_intro": (
        "Setelah terbit, pemohon baru mendapat versi ini. Permohonan yang sudah diajukan tetap "
        "memakai versinya sampai selesai.",
        "Once published, new applicants get this version. Applications already filed stay on "
        "their version until they are done.",
    ),
    "review_request_changes": ("Minta perubahan", "Request changes"),
    "review_request_intro": (
        "Tulis catatan pada butir yang perlu diubah, atau catatan umum di bawah. Perancang akan "
        "melihatnya di Studio.",
        "Write a comment on the items that need to change, or a general comment below. The "
        "designers will see them in the Studio.",
    ),
    "review_comment_on": ("Catatan untuk butir ini", "Comment on this item"),
    "review_general_comment": ("Catatan umum", "General comment"),
    "review_not_in_review": (
        "Versi ini tidak sedang ditinjau (status: {state}).",
        "This version is not in review (status: {state}).",
    ),
    "review_retire": ("Pensiunkan layanan", "Retire the service"),
    "review_retire_intro": (
        "Layanan tidak lagi menerima permohonan baru; permohonan yang sedang berjalan tetap "
        "diproses sampai selesai.",
        "The service stops taking new applications; applications in progress continue to the end.",
    ),
    "review_status": ("Status", "Status"),
    "review_when": ("Waktu", "When"),
    "review_who": ("Oleh", "By"),
    "review_what": ("Kejadian", "What"),
    "review_where": ("Butir", "Item"),
    "review_system": ("Sistem (baris perintah)", "System (command line)"),
    "review_start_page": ("Halaman layanan", "Service page"),
    "svc_draft": ("Draf", "Draft"),
    "svc_in_review": ("Sedang ditinjau", "In review"),
    "svc_changes_requested": ("Perlu perubahan", "Changes requested"),
    "svc_published": ("Terbit", "Published"),
    "svc_published_with_draft": ("Terbit, ada draf baru", "Published, with a newer draft"),
    "svc_retired": ("Dipensiunkan", "Retired"),
    "svc_superseded": ("Digantikan", "Superseded"),
    "ev_created": ("Layanan dibuat", "Service created"),
    "ev_saved": ("Draf disimpan", "Draft saved"),
    "ev_submitted": ("Diajukan untuk ditinjau", "Sent for review"),
    "ev_changes_requested": ("Perubahan diminta", "Changes requested"),
    "ev_published": ("Diterbitkan", "Published"),
    "ev_retired": ("Dipensiunkan", "Retired"),
    "ev_state_mapped": (
        "{cases} kasus dipindahkan dari status {from_state} ke {to_state}",
        "{cases} cases moved from state {from_state} to {to_state}",
    ),
    # the studio (runtime/routes/studio.py, templates/studio/)
    "studio": ("Studio layanan", "Service studio"),
    "studio_services": ("Daftar layanan di studio", "Services in the studio"),
    "studio_new_service": ("Layanan baru", "New service"),
    "studio_service": ("Layanan", "Service"),
    "studio_status": ("Keadaan", "Status"),
    "studio_no_services": ("Belum ada layanan.", "No services yet."),
    "studio_status_draft": ("Draf", "Draft"),
    "studio_status_in_review": ("Sedang ditinjau", "In review"),
    "studio_status_changes_requested": ("Perlu perubahan", "Changes requested"),
    "studio_status_published": ("Terbit", "Published"),
    "studio_status_published_with_draft": (
        "Terbit, ada draf baru",
        "Published, with a newer draft",
    ),
    "studio_status_retired": ("Dihentikan", "Retired"),
    "studio_service_id": ("Id layanan (untuk alamat web)", "Service id (for the web address)"),
    "studio_service_id_hint": (
        "Huruf kecil, angka dan tanda hubung, misalnya surat-keterangan-usaha. Kosongkan untuk memakai id dari contoh atau berkas.",
        "Lower-case letters, digits and dashes, e.g. surat-keterangan-usaha. Leave empty to use the id of the example or file.",
    ),
    "studio_start_from": ("Mulai dari", "Start from"),
    "studio_from_blank": ("Kosong (kerangka sederhana)", "Blank (a simple skeleton)"),
    "studio_title": ("Judul layanan", "Service title"),
    "studio_from_example": ("Salah satu contoh", "One of the examples"),
    "studio_example": ("Contoh", "Example"),
    "studio_from_file": ("Berkas definisi (JSON)", "A definition file (JSON)"),
    "studio_file": ("Berkas JSON", "JSON file"),
    "studio_create": ("Buat draf", "Create the draft"),
    "studio_bad_slug": (
        "Id layanan harus 2–63 huruf kecil, angka dan tanda hubung, diawali huruf.",
        "The service id must be 2–63 lower-case letters, digits and dashes, starting with a letter.",
    ),
    "studio_choose_source": ("Pilih contoh atau berkas JSON.", "Choose an example or a JSON file."),
    "studio_json_tab": ("JSON", "JSON"),
    "studio_export_draft": ("Unduh draf (JSON)", "Download the draft (JSON)"),
    "studio_export_live": ("Unduh versi terbit (JSON)", "Download the live version (JSON)"),
    "studio_readonly": (
        "Versi ini sedang ditinjau Diskominfo dan tidak dapat diubah sampai ada keputusan.",
        "This version is being reviewed by Diskominfo and cannot change until they decide.",
    ),
    "studio_frozen": (
        "Versi ini sedang ditinjau atau sudah terbit; tidak dapat diubah.",
        "This version is under review or published; it cannot change.",
    ),
    "studio_check": ("Pemeriksaan", "Check"),
    "studio_counts": (
        "{errors} galat, {warnings} peringatan.",
        "{errors} errors, {warnings} warnings.",
    ),
    "studio_error": ("Galat", "Error"),
    "studio_warning": ("Peringatan", "Warning"),
    "studio_general_problems": ("Masalah umum", "General problems"),
    "studio_review_comments": ("Catatan peninjau", "Reviewer's comments"),
    "studio_reviewer_says": ("Catatan peninjau:", "Reviewer:"),
    "studio_n_problems": ("{n} masalah", "{n} problem(s)"),
    "studio_editor": ("Penyunting", "Editor"),
    "studio_texts": ("Judul dan ringkasan", "Title and summary"),
    "studio_standard": ("Standar pelayanan", "Service standard"),
    "studio_privacy": ("Pelindungan data pribadi", "Privacy"),
    "studio_edit": ("Ubah", "Edit"),
    "studio_close": ("Tutup", "Close"),
    "studio_edit_section": ("Ubah bagian ini", "Edit this section"),
    "studio_save": ("Simpan", "Save"),
    "studio_pages": ("Halaman dan pertanyaan", "Pages and questions"),
    "studio_page_n": ("Halaman {n}", "Page {n}"),
    "studio_edit_page": ("Ubah halaman", "Edit the page"),
    "studio_up": ("Naik", "Up"),
    "studio_down": ("Turun", "Down"),
    "studio_remove": ("Hapus", "Remove"),
    "studio_remove_page": ("Hapus halaman", "Remove the page"),
    "studio_page_title": ("Judul halaman baru", "Title of the new page"),
    "studio_add_page": ("Tambah halaman", "Add a page"),
    "studio_field_type": ("Jenis", "Type"),
    "studio_question": ("Pertanyaan", "Question"),
    "studio_add_field": ("Tambah pertanyaan", "Add a question"),
    "studio_add_to_group": ("Tambah ke grup", "Add to the group"),
    "studio_officer_fields": ("Isian petugas pada transisi", "Officer fields on the transition"),
    "studio_no_officer_fields": (
        "Petugas tidak mengisi apa pun pada transisi ini.",
        "The officer fills in nothing on this transition.",
    ),
    "studio_add_officer_field": ("Tambah isian petugas", "Add an officer field"),
    "studio_group_fields": ("Isian grup", "Fields of the group"),
    "studio_change_type": ("Ganti jenis", "Change the type"),
    "studio_required": ("wajib", "required"),
    "studio_conditional": ("bersyarat", "conditional"),
    "studio_condition": ("Tampilkan hanya bila", "Show only when"),
    "studio_condition_compound": (
        "Kondisi gabungan (ubah di tab JSON, atau ganti di sini):",
        "A combined condition (edit it in the JSON tab, or replace it here):",
    ),
    "studio_condition_none": (
        "Belum ada pertanyaan sebelumnya yang dapat dipakai sebagai syarat.",
        "There is no earlier question to depend on yet.",
    ),
    "studio_condition_field": ("Pertanyaan", "Question"),
    "studio_condition_always": ("— selalu tampil —", "— always shown —"),
    "studio_condition_operator": ("Syarat", "Test"),
    "studio_condition_value": ("Nilai", "Value"),
    "studio_condition_save": ("Simpan syarat", "Save the condition"),
    "studio_condition_next": ("Lanjut", "Next"),
    "studio_condition_clear": ("Hapus syarat", "Remove the condition"),
    "studio_roles": ("Peran", "Roles"),
    "studio_name": ("Nama", "Name"),
    "studio_label_id": ("Label (Bahasa Indonesia)", "Label (Bahasa Indonesia)"),
    "studio_label_en": ("Label (English)", "Label (English)"),
    "studio_actions": ("Tindakan", "Actions"),
    "studio_add_role": ("Tambah peran", "Add a role"),
    "studio_workflow": ("Alur kerja", "Workflow"),
    "studio_states": ("Status", "States"),
    "studio_public_label": ("Label untuk warga", "Label for citizens"),
    "studio_public_label_en": ("Label untuk warga (English)", "Label for citizens (English)"),
    "studio_sla": ("Batas waktu (hari kerja)", "Time limit (working days)"),
    "studio_final": ("Status akhir", "Final outcome"),
    "studio_not_final": ("bukan akhir", "not final"),
    "studio_final_approved": ("disetujui", "approved"),
    "studio_final_rejected": ("ditolak", "rejected"),
    "studio_final_withdrawn": ("dicabut", "withdrawn"),
    "studio_applicant_edits": ("Pemohon memperbaiki", "Applicant corrects"),
    "studio_initial": ("Status awal", "Initial state"),
    "studio_add_state": ("Tambah status", "Add a state"),
    "studio_transitions": ("Transisi (tindakan)", "Transitions (actions)"),
    "studio_action_name": ("Aksi", "Action"),
    "studio_button_label": ("Label tombol", "Button label"),
    "studio_from": ("Dari", "From"),
    "studio_to": ("Ke", "To"),
    "studio_action": ("Tindakan", "Action"),
    "studio_comment": ("Komentar", "Comment"),
    "studio_comment_none": ("tanpa komentar", "no comment"),
    "studio_comment_optional": ("boleh", "optional"),
    "studio_comment_required": ("wajib", "required"),
    "studio_comment_to_applicant": ("untuk pemohon", "to the applicant"),
    "studio_distinct_actor": ("petugas lain", "another officer"),
    "studio_new": ("baru", "new"),
    "studio_add_transition": ("Tambah transisi", "Add a transition"),
    "studio_workflow_picture": ("Gambar alur kerja", "Workflow picture"),
    "studio_workflow_legend": (
        "Kotak adalah status, panah adalah tindakan. Hijau: disetujui, merah: ditolak, kuning: pemohon memperbaiki.",
        "Boxes are states, arrows are actions. Green: approved, red: rejected, yellow: the applicant corrects.",
    ),
    "studio_submit": ("Ajukan untuk ditinjau", "Submit for review"),
    "studio_submit_text": (
        "Diskominfo meninjau draf ini sebelum terbit. Selama ditinjau, draf tidak dapat diubah.",
        "Diskominfo reviews this draft before it goes live. While in review, it cannot change.",
    ),
    "studio_submit_button": ("Ajukan untuk ditinjau", "Submit for review"),
    "studio_submit_refused": (
        "Draf belum dapat diajukan: perbaiki dulu galat berikut.",
        "The draft cannot be submitted yet: fix these errors first.",
    ),
    "studio_preview": ("Pratinjau formulir warga", "Preview of the citizen's form"),
    "studio_preview_page": ("Halaman", "Page"),
    "studio_preview_show": ("Tampilkan", "Show"),
    "studio_preview_unavailable": (
        "Pratinjau belum tersedia sampai galat diperbaiki.",
        "The preview is unavailable until the errors are fixed.",
    ),
    "studio_back_to_editor": ("Kembali ke penyunting", "Back to the editor"),
    "studio_json_label": ("Definisi layanan (JSON)", "Service definition (JSON)"),
    "studio_json_save": ("Periksa dan simpan", "Check and save"),
    "studio_json_save_anyway": (
        "Tetap simpan sebagai draf, dengan galatnya",
        "Save as a draft anyway, with its errors",
    ),
    "studio_json_saved": ("Disimpan sebagai draf.", "Saved as the draft."),
    "studio_json_not_saved": (
        "Belum disimpan: definisi ini punya galat. Perbaiki, atau simpan saja sebagai draf.",
        "Not saved: this definition has errors. Fix them, or save it as a draft anyway.",
    ),
    "studio_json_unreadable": (
        "Belum disimpan: teks ini bukan definisi JSON yang dapat dibaca.",
        "Not saved: this text is not a readable JSON definition.",
    ),
    "studio_conflict": ("Draf sudah diubah orang lain", "Someone else changed this draft"),
    "studio_conflict_text": (
        "Draf ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda tidak disimpan, dan perubahan mereka tidak ditimpa.",
        "Someone else changed this draft since you opened it. Your change was not saved, and theirs was not overwritten.",
    ),
    "studio_reload": ("Muat ulang draf terbaru", "Reload the latest draft"),
    "studio_conflict_kept": (
        "Teks Anda (salin sebelum memuat ulang)",
        "Your text (copy it before reloading)",
    ),
    # -- back office: inbox and case pages (runtime/routes/office.py) --
    "office_inbox": ("Kotak masuk", "Inbox"),
    # {noun}, {Noun}, {nouns}, {Nouns}: what citizens send (runtime.i18n.kind_nouns)
    "office_inbox_intro": (
        "{Nouns} yang menunggu tindakan Anda, yang paling mendesak lebih dulu.",
        "{Nouns} waiting for you, most urgent first.",
    ),
    "office_service": ("Layanan", "Service"),
    "office_state": ("Status", "Status"),
    "office_all": ("Semua", "All"),
    "office_overdue_only": ("Hanya yang lewat batas waktu", "Overdue only"),
    "office_reference": ("Nomor {noun}", "Reference number"),
    "office_filter": ("Tampilkan", "Show"),
    "office_due": ("Batas waktu", "Due"),
    "office_overdue": ("Terlambat", "Overdue"),
    "office_escalated": ("Eskalasi", "Escalated"),
    "office_digest": ("Ringkasan tenggat lewat e-mail", "Deadline digest by e-mail"),
    "office_digest_intro": (
        "Setiap pagi hari kerja (07.00 WIB), e-mail berisi {nouns} yang terlambat dan yang"
        " jatuh tempo dalam beberapa hari kerja, di instansi yang Anda pilih.",
        "Every working day at 07:00 WIB, an e-mail listing the overdue {nouns} and those"
        " due within a few working days, in the agencies you choose.",
    ),
    "office_digest_off": ("Tidak dikirim", "Off"),
    "office_digest_days": ("Jatuh tempo dalam {days} hari kerja", "Due within {days} working days"),
    "office_digest_save": ("Simpan pilihan ringkasan", "Save digest choices"),
    "office_digest_saved": ("Pilihan ringkasan disimpan.", "Digest choices saved."),
    "office_digest_no_email": (
        "Akun Anda belum punya alamat e-mail; minta administrator mengisinya agar ringkasan"
        " dapat dikirim.",
        "Your account has no e-mail address; ask an administrator to add one so that the"
        " digest can be sent.",
    ),
    "office_escalated_to": (
        "Dieskalasi kepada {role}: {days} hari kerja melewati batas waktu.",
        "Escalated to {role}: {days} working days past the due date.",
    ),
    "office_ev_escalated": ("Eskalasi", "Escalation"),
    # joint approval (a transition's "approvals")
    "office_approval_given": (
        "persetujuan {given} dari {required} ({role})",
        "approval {given} of {required} ({role})",
    ),
    "office_approvals": ("Persetujuan bersama", "Joint approval"),
    "office_approvals_progress": (
        "{given} dari {required} persetujuan",
        "{given} of {required} approvals",
    ),
    # assignment (disposisi), runtime/casework/assignments.py
    "office_ev_assigned": ("Disposisi", "Assignment"),
    "office_assigned_to": ("kepada {name}", "to {name}"),
    "office_assignment": ("Disposisi", "Assignment"),
    "office_assignee": ("Ditugaskan kepada", "Assigned to"),
    "office_unassigned": ("Belum ditugaskan", "Not assigned"),
    "office_assigned_since": ("sejak {when}", "since {when}"),
    "office_assigned_to_me": ("Ditugaskan kepada saya", "Assigned to me"),
    "office_assign_to": ("Tugaskan kepada", "Assign to"),
    "office_assign_note": ("Catatan disposisi (internal)", "Assignment note (internal)"),
    "office_assign": ("Tugaskan", "Assign"),
    "office_reassign": ("Alihkan", "Reassign"),
    "office_take": ("Ambil kasus ini", "Take this case"),
    "office_assign_changed": (
        "Disposisi kasus ini baru saja berubah. Periksa lagi sebelum menugaskan.",
        "This case's assignment has just changed. Check again before assigning.",
    ),
    "office_empty": (
        "Tidak ada {noun} yang menunggu Anda.",
        "No {nouns} are waiting for you.",
    ),
    "office_next_page": ("Halaman berikutnya", "Next page"),
    "office_bad_reference": (
        "Nomor {noun} ini tidak dikenali. Periksa penulisannya, misalnya LKT-7K3M9-QXP4C.",
        "This reference number is not valid. Check it, for example LKT-7K3M9-QXP4C.",
    ),
    "office_back_inbox": ("Kembali ke kotak masuk", "Back to the inbox"),
    "office_case_status": ("Status {noun}", "Status of the {noun}"),
    "office_citizen_sees": ("Yang dilihat pemohon", "What the applicant sees"),
    "office_paused": (
        "Dihentikan sementara: menunggu perbaikan dari pemohon",
        "Paused: waiting for the applicant's correction",
    ),
    "office_filed": ("Diajukan pada", "Filed on"),
    "office_actions": ("Tindakan", "Actions"),
    "office_no_actions": (
        "Tidak ada tindakan yang dapat Anda lakukan pada status ini.",
        "There is nothing for you to do in this state.",
    ),
    "office_comment": ("Catatan", "Note"),
    "office_required": ("(wajib)", "(required)"),
    "office_questioned_legend": ("Jawaban yang perlu diperbaiki", "Answers to correct"),
    "office_questioned_hint": (
        "Centang jawaban yang harus diperbaiki pemohon; halaman perbaikannya menandai jawaban "
        "itu. Jelaskan apa yang salah di catatan.",
        "Tick the answers the applicant must correct; their correction pages mark those "
        "answers. Say what is wrong in the note.",
    ),
    "office_questioned_timeline": ("Jawaban ditandai", "Answers marked"),
    "office_questioned_unknown": (
        "Jawaban yang ditandai tidak ada di formulir layanan ini: {keys}. Muat ulang halaman "
        "kasus dan pilih lagi.",
        "The marked answers are not in this service's form: {keys}. Reload the case page and "
        "choose again.",
    ),
    "office_questioned_not_sent_back": (
        "Jawaban hanya dapat ditandai saat kasus dikembalikan kepada pemohon untuk diperbaiki.",
        "Answers can only be marked when the case is sent back to the applicant for correction.",
    ),
    "office_comment_public": (
        "Catatan ini ditampilkan kepada pemohon.",
        "This note is shown to the applicant.",
    ),
    "office_comment_shared": ("untuk pemohon", "for the applicant"),
    "office_answers": ("Jawaban pemohon", "The applicant's answers"),
    "office_attachments": ("Berkas", "Files"),
    "office_no_attachments": ("Tidak ada berkas.", "No files."),
    "office_officer_fields": ("Isian petugas: {action}", "Entered by the officer: {action}"),
    "office_fields_legend": ("Isian untuk aksi ini", "To fill in for this action"),
    "office_file_again": (
        "Berkas belum disimpan karena ada kesalahan; pilih berkasnya lagi.",
        "The file was not kept because of an error; choose it again.",
    ),
    "status_officer_fields": ("Keterangan dari petugas", "From the officer"),
    "office_show_nik": ("Tampilkan", "Show"),
    "office_nik_logged": (
        "NIK disamarkan dan data pribadi spesifik disembunyikan. Setiap kali NIK lengkap atau "
        "data pribadi spesifik ditampilkan atau berkas diunduh, hal itu dicatat.",
        "NIKs are partly hidden and sensitive personal data is hidden. Showing a full NIK or "
        "sensitive data, or downloading a file, is recorded.",
    ),
    "office_sensitive_hidden": ("••••••", "••••••"),
    "office_sensitive_tag": ("data pribadi spesifik", "sensitive personal data"),
    "office_applicant": ("Pemohon", "Applicant"),
    "office_system": ("Sistem", "System"),
    "office_ev_view_nik": ("Melihat NIK lengkap", "Viewed a full NIK"),
    "office_ev_download": ("Mengunduh berkas", "Downloaded a file"),
    "office_ev_download_document": ("Mengunduh dokumen terbit", "Downloaded an issued document"),
    "office_ev_revoke_document": ("Mencabut dokumen", "Revoked a document"),
    "office_documents": ("Dokumen terbit", "Issued documents"),
    "office_no_documents": ("Belum ada dokumen terbit.", "No document issued yet."),
    "office_doc_audited": (
        "Setiap unduhan dokumen dicatat.",
        "Every download of a document is recorded.",
    ),
    "office_doc_hidden": (
        "Tidak untuk petugas (hanya pemohon)",
        "Not for officers (applicant only)",
    ),
    "office_doc_not_applicant": ("Tidak ditampilkan ke pemohon", "Not shown to the applicant"),
    "office_revoke": ("Cabut dokumen", "Revoke document"),
    "office_revoke_reason": ("Alasan pencabutan", "Reason for revoking"),
    "office_revoke_confirm": (
        "Saya mengerti: dokumen {number} tidak berlaku lagi setelah dicabut, pemohon dan "
        "halaman verifikasi akan menampilkannya sebagai dicabut, dan pencabutan tidak dapat "
        "dibatalkan.",
        "I understand: document {number} is no longer valid once revoked, the applicant and "
        "the verification page will show it as revoked, and this cannot be undone.",
    ),
    "office_revoke_reason_missing": (
        "Tuliskan alasan pencabutan.",
        "Write the reason for revoking.",
    ),
    "office_revoke_confirm_missing": (
        "Centang pernyataan untuk mengonfirmasi pencabutan.",
        "Tick the statement to confirm the revocation.",
    ),
    "office_revoke_not_valid": (
        "Dokumen ini sudah tidak berlaku (dicabut atau diganti); tidak ada yang diubah.",
        "This document is no longer valid (revoked or superseded); nothing was changed.",
    ),
    "office_ev_view_sensitive": ("Melihat data pribadi spesifik", "Viewed sensitive personal data"),
    "office_ev_export_sensitive": (
        "Mengekspor data pribadi spesifik",
        "Exported sensitive personal data",
    ),
    "office_already_processed": ("Kasus ini sudah diproses", "This case was already processed"),
    "office_already_processed_text": (
        "Orang lain memproses kasus ini lebih dulu, jadi tindakan Anda tidak disimpan. "
        "Status sekarang:",
        "Someone else processed this case first, so your action was not saved. Current status:",
    ),
    "office_open_case": ("Buka lagi {noun}", "Back to {noun}"),
    # -- the inbox's deadlines, the case page's layout, corrections and confirmations ----------
    "office_filed_short": ("Diajukan", "Filed"),
    "office_days_left": ("{days} hari kerja lagi", "{days} working days left"),
    "office_due_today": ("Batas waktunya hari ini", "Due today"),
    "office_days_late": ("terlambat {days} hari kerja", "{days} working days late"),
    "office_hours_left": ("{hours} jam lagi", "{hours} hours left"),
    "office_hours_late": ("terlambat {hours} jam", "{hours} hours late"),
    "office_calendar_days_left": ("{days} hari kalender lagi", "{days} calendar days left"),
    "office_calendar_days_late": ("terlambat {days} hari kalender", "{days} calendar days late"),
    "office_sla": ("Batas waktu status", "Time limit of the state"),
    "office_corrected": (
        "Diperbaiki pemohon · {when}",
        "Corrected by the applicant · {when}",
    ),
    "office_applicant_sent": (
        "Dikirim pemohon: {action} · {when}",
        "Sent by the applicant: {action} · {when}",
    ),
    "office_corrections": ("Yang diubah pemohon", "What the applicant changed"),
    "office_corrected_none": (
        "Pemohon mengirim lagi tanpa mengubah jawaban.",
        "The applicant sent it again without changing an answer.",
    ),
    "office_change_before": ("Sebelumnya", "Before"),
    "office_change_after": ("Sekarang", "Now"),
    "office_change_empty": ("(kosong)", "(empty)"),
    "office_change_hidden": (
        "(data pribadi spesifik, diubah)",
        "(sensitive personal data, changed)",
    ),
    "office_confirm_final": (
        'Saya yakin: keputusan "{action}" ini final. {Noun} selesai dengan status '
        '"{state}" dan tidak dapat diproses lagi.',
        'I am sure: the decision "{action}" is final. The {noun} ends as "{state}" '
        "and cannot be worked on again.",
    ),
    "office_confirm_missing": (
        "Centang pernyataan untuk mengonfirmasi keputusan final ini.",
        "Tick the statement to confirm this final decision.",
    ),
    "office_final_tag": ("keputusan final", "final decision"),
}
