"""Where a finding points, in words a reader of the report understands."""

from __future__ import annotations

from styrkort.core.findings import Source


def test_a_file_source_is_its_file_and_line() -> None:
    assert Source("drift.csv", 4).place == "drift.csv:4"
    assert Source("goals.yaml").place == "goals.yaml"


def test_a_web_source_names_the_screen_the_row_and_the_field() -> None:
    assert Source("web:indikator/I3/utfall").place == "skärmen Indikator, I3, fält utfall"
    assert Source("web:ekonomi/resultat").place == "skärmen Ekonomi, resultat"
    assert (
        Source("web:berättelse/inledning", 3).place
        == "skärmen Verksamhetsberättelse, inledning, rad 3"
    )
    assert (
        Source("web:risk/R1/sannolikhet").place
        == "skärmen Intern kontroll: risk, R1, fält sannolikhet"
    )
    assert Source("web:okänd").place == "skärmen okänd"
