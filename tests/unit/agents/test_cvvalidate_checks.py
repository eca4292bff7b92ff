"""The offline CV_VALIDATOR: issues flagged, safe repairs only, the quality gate, the language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cvpath.agents.offline.cv_validator import validate_cv
from cvpath.agents.offline.language import detect_language
from cvpath.errors import UnparseableCV
from cvpath.models import CV, Severity, ValidationReport

TODAY = date(2024, 6, 15)


def _cv(**data: Any) -> CV:
    return CV.model_validate(data)


def _work(name: str, start: str | None, end: str | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "position": "Engineer", **extra}
    if start:
        entry["startDate"] = start
    if end:
        entry["endDate"] = end
    return entry


def _validate(cv: CV, text: str | None = None) -> ValidationReport:
    return validate_cv(cv, text, today=TODAY)


def _codes(report: ValidationReport) -> dict[tuple[str, str], Severity]:
    return {(issue.code, issue.path): issue.severity for issue in report.issues}


FULL_BASICS = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000"}


def test_given_missing_contact_data_then_it_is_flagged_and_never_filled() -> None:
    cv = _cv(
        basics={"name": "Ada Lovelace"}, work=[_work("Acme", "2020-01")], education=[{"institution": "UCL"}]
    )
    report = _validate(cv, "Ada Lovelace\nada@example.com\nAcme 2020 - now")

    codes = _codes(report)
    assert codes[("missing_email", "basics.email")] == Severity.WARNING
    assert codes[("missing_phone", "basics.phone")] == Severity.INFO
    assert ("email_not_parsed", "basics.email") in codes
    assert report.cv.basics is not None
    assert report.cv.basics.email is None
    assert report.cv.basics.phone is None


def test_given_a_cv_of_only_a_name_then_it_passes_with_issues() -> None:
    report = _validate(_cv(basics={"name": "Ada Lovelace"}))

    codes = _codes(report)
    assert ("no_entries", "") in codes
    assert ("missing_email", "basics.email") in codes
    assert report.cv == _cv(basics={"name": "Ada Lovelace"})
    assert report.repairs == []


@pytest.mark.parametrize(
    "cv",
    [_cv(), _cv(basics={}), _cv(basics={"name": "  ", "label": "Dev"}), _cv(basics={"summary": "Hi there."})],
)
def test_given_a_parse_with_nothing_in_it_then_it_is_unparseable(cv: CV) -> None:
    with pytest.raises(UnparseableCV) as raised:
        validate_cv(cv, "%PDF garbage")
    assert raised.value.details["reason"] == "nothing_parsed"
    assert raised.value.details["entries"] == 0
    assert raised.value.asl_name == "UnparseableCV"


def test_given_no_name_but_entries_then_it_is_not_unparseable() -> None:
    report = _validate(_cv(work=[_work("Acme", "2020-01")]))
    assert _codes(report)[("missing_name", "basics.name")] == Severity.ERROR


def test_given_entries_out_of_order_then_they_are_sorted_newest_first_and_reported() -> None:
    cv = _cv(
        basics=FULL_BASICS,
        work=[_work("Old", "2012", "2014"), _work("New", "2019-03"), _work("Mid", "2015", "2018")],
    )
    report = _validate(cv)

    assert [work.name for work in report.cv.work] == ["New", "Mid", "Old"]
    assert any(repair.startswith("work: entries sorted newest first") for repair in report.repairs)


def test_given_entries_in_order_then_nothing_is_moved() -> None:
    cv = _cv(
        basics=FULL_BASICS,
        work=[_work("New", "2019-03"), _work("Mid", "2015", "2018"), _work("Old", "2012", "2014")],
    )
    report = _validate(cv)
    assert report.cv == cv
    assert report.repairs == []


def test_given_out_of_order_entries_with_an_undated_one_then_nothing_is_moved_but_it_is_reported() -> None:
    cv = _cv(
        basics=FULL_BASICS, work=[_work("Old", "2012", "2014"), _work("Undated", None), _work("New", "2019")]
    )
    report = _validate(cv)

    assert [work.name for work in report.cv.work] == ["Old", "Undated", "New"]
    codes = _codes(report)
    assert ("entries_out_of_order", "work") in codes
    assert codes[("missing_dates", "work.1")] == Severity.WARNING


def test_given_overlapping_jobs_then_an_info_issue_is_raised() -> None:
    cv = _cv(
        basics=FULL_BASICS,
        work=[_work("Side gig", "2019-06", "2021-01"), _work("Main", "2018-01", "2020-12")],
    )
    assert _codes(_validate(cv))[("overlapping_dates", "work.1")] == Severity.INFO


def test_given_a_change_of_job_in_the_same_year_then_no_overlap_is_raised() -> None:
    cv = _cv(basics=FULL_BASICS, work=[_work("New", "2019", "2021"), _work("Old", "2018", "2019")])
    assert not [issue for issue in _validate(cv).issues if issue.code == "overlapping_dates"]


def test_given_exact_duplicates_then_they_are_dropped_and_reported() -> None:
    job = _work("Acme", "2020-01", highlights=[{"text": "Built X"}, {"text": "Built X"}, {"text": "Ran Y"}])
    cv = _cv(basics=FULL_BASICS, work=[job, job, _work("Initech", "2018", "2019")], education=[{}])
    report = _validate(cv)

    assert [work.name for work in report.cv.work] == ["Acme", "Initech"]
    assert [bullet.text for bullet in report.cv.work[0].highlights] == ["Built X", "Ran Y"]
    assert report.cv.education == []
    assert "work.1: removed an exact duplicate of work.0" in report.repairs
    assert "education.0: removed an empty entry" in report.repairs
    assert ("duplicate_entry", "work") in _codes(report)


def test_given_future_dates_then_they_are_flagged() -> None:
    cv = _cv(
        basics=FULL_BASICS,
        work=[_work("Next", "2025-01")],
        education=[{"institution": "MIT", "startDate": "2021", "endDate": "2026"}],
    )
    codes = _codes(_validate(cv))
    assert codes[("future_date", "work.0.startDate")] == Severity.WARNING
    assert codes[("future_date", "education.0.endDate")] == Severity.INFO


def test_given_missing_employer_and_institution_then_they_are_flagged() -> None:
    cv = _cv(
        basics=FULL_BASICS,
        work=[{"position": "Engineer", "startDate": "2020"}],
        education=[{"area": "Physics"}],
    )
    codes = _codes(_validate(cv))
    assert ("missing_employer", "work.0.name") in codes
    assert ("missing_institution", "education.0.institution") in codes
    assert ("missing_dates", "education.0") in codes


def test_given_a_german_cv_text_then_the_language_is_de() -> None:
    text = (
        "Berufserfahrung\nSoftwareentwickler bei der Muster GmbH, Berlin, seit 2019\n"
        "Verantwortlich für die Entwicklung von Webanwendungen mit Python und Django "
        "sowie die Betreuung der Kunden.\n"
        "Ausbildung\nStudium der Informatik an der Technischen Universität München\nKenntnisse und Sprachen"
    )
    assert detect_language(text) == "de"
    report = _validate(_cv(basics={"name": "Max Muster"}), text)
    assert report.language == "de"


def test_given_a_french_cv_text_then_the_language_is_fr() -> None:
    text = (
        "Expérience professionnelle\nDéveloppeur logiciel chez Dupont à Paris depuis 2019, responsable du "
        "développement des applications web avec Python et de la gestion des projets pour les clients.\n"
        "Formation\nMaster en informatique, Université de Lyon\nCompétences et langues"
    )
    assert detect_language(text) == "fr"


def test_given_no_text_then_the_language_comes_from_the_cv_itself() -> None:
    cv = _cv(
        basics={
            "name": "Ada",
            "summary": "Engineer with ten years of experience in the design of data systems "
            "and the tools that run them.",
        },
        work=[
            _work(
                "Acme",
                "2020",
                highlights=[{"text": "Led the migration of the billing platform to the cloud"}],
            )
        ],
    )
    assert _validate(cv).language == "en"


@pytest.mark.parametrize("text", ["", "Python SQL Docker", "2019 2020 2021 +44 20"])
def test_given_too_little_text_then_the_language_is_unknown(text: str) -> None:
    assert detect_language(text) is None


def test_given_the_same_cv_twice_then_the_report_is_identical() -> None:
    cv = _cv(
        basics={"name": "Ada"},
        work=[_work("Old", "2012", "2014"), _work("New", "2019"), _work("New", "2019")],
    )
    assert _validate(cv).model_dump() == _validate(cv).model_dump()
