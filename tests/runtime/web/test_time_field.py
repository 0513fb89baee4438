"""The time field on the citizen's pages: a time input, checked by the server, shown the
Indonesian way."""

from __future__ import annotations

from .conftest import Loket, attr, error_texts, parse

SERVICE = "contoh/semua-jenis-field"


def test_the_time_input_names_its_range_and_checks_it_without_javascript(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    doc = parse(first)
    box = doc.css_first("input[name=jam_janji]")
    assert attr(box, "type") == "time"
    assert (attr(box, "min"), attr(box, "max")) == ("08:00", "15:30")
    hint = doc.css_first("#f-jam_janji-hint").text(deep=True)
    assert "antara pukul 08.00 dan 15.30" in hint
    assert "f-jam_janji-hint" in attr(box, "aria-describedby")

    late = citizen.post_form(first, {"jam_janji": "16.00", "nama": "Siti Aminah"})
    assert late.status_code == 422
    doc = parse(late)
    assert "Jam janji temu tidak boleh setelah pukul 15.30." in error_texts(doc)
    # kept, in the form a time box takes
    assert attr(doc.css_first("input[name=jam_janji]"), "value") == "16:00"
    assert attr(doc.css_first("input[name=nama]"), "value") == "Siti Aminah"

    wrong = citizen.post_form(late, {"jam_janji": "jam 3"})
    assert "Jam janji temu harus jam yang benar, misalnya 08.30 atau 14.00." in error_texts(
        parse(wrong)
    )


def test_the_range_in_english(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    english = citizen.get(first.url.path + "?lang=en")
    hint = parse(english).css_first("#f-jam_janji-hint").text(deep=True)
    assert "between 08:00 and 15:30" in hint


def test_a_time_is_stored_as_hh_mm_and_shown_as_14_30(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    check = citizen.fill_all()
    assert citizen.expected_answers()["jam_janji"] == "08:00"
    shown = [n.text(deep=True) for n in parse(check).css("dd")]
    assert "08.00" in shown
    receipt = citizen.submit(check)
    assert receipt.status_code in {200, 303}
    stored = loket.submissions()[-1].answers
    assert stored["jam_janji"] == "08:00"
