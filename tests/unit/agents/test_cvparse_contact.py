"""Contact block: name, email, phone, links, personal location."""

from __future__ import annotations

from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.models.basics import Basics


def _basics(text: str) -> Basics:
    basics = parse_cv_text(text).basics
    assert basics is not None
    return basics


def test_given_a_pipe_separated_contact_line_when_parsed_then_every_item_is_found() -> None:
    basics = _basics(
        "Jake Ryan\n123-456-7890 | jake@su.edu | linkedin.com/in/jake | github.com/jake\nEducation\n"
    )
    assert (basics.name, basics.email, basics.phone) == ("Jake Ryan", "jake@su.edu", "123-456-7890")
    assert [(p.network, p.username, p.url) for p in basics.profiles] == [
        ("LinkedIn", "jake", "linkedin.com/in/jake"),
        ("GitHub", "jake", "github.com/jake"),
    ]
    assert basics.location is None


def test_given_international_phone_and_location_when_parsed_then_kept_as_printed() -> None:
    basics = _basics(
        "JOHN DOE\nSENIOR SOFTWARE ENGINEER\n"
        "john.doe@email.com , +1 (415) 555-0142 , San Francisco, CA , https://johndoe.dev/\nSUMMARY\n"
    )
    assert basics.name == "JOHN DOE"
    assert basics.label == "SENIOR SOFTWARE ENGINEER"
    assert basics.phone == "+1 (415) 555-0142"
    assert basics.url == "johndoe.dev"
    assert basics.location is not None
    assert (basics.location.city, basics.location.region) == ("San Francisco", "CA")


def test_given_a_uk_number_and_a_bullet_separated_line_when_parsed_then_found() -> None:
    basics = _basics("Jane Q. Smith\njane@mail.co.uk \u2022 +44 20 7946 0958 \u2022 London, UK\nExperience\n")
    assert (basics.name, basics.email, basics.phone) == (
        "Jane Q. Smith",
        "jane@mail.co.uk",
        "+44 20 7946 0958",
    )
    assert basics.location is not None
    assert basics.location.city == "London"


def test_given_icon_names_leaking_before_usernames_when_parsed_then_profiles_are_built() -> None:
    basics = _basics(
        "Bruce Wayne\n123 Gotham St\nGotham, USA\n(123) 456-7890\nbwayne@email.com\n"
        "/linkedin-in bwayne\n/github bwayne\nSkills\n"
    )
    assert [p.url for p in basics.profiles] == ["linkedin.com/in/bwayne", "github.com/bwayne"]
    assert basics.location is not None
    assert basics.location.address == "123 Gotham St\nGotham, USA"


def test_given_a_sidebar_before_the_name_when_parsed_then_the_name_is_found_near_the_contacts() -> None:
    basics = _basics(
        "Profiles\njohndoe\nLinkedIn\njohndoe\nStackOverflow\nReferences\nAvailable upon request\n"
        "John Doe\nCreative and Innovative Web Developer\n"
        "Pleasantville, CA 94588 (555) 123-4567 john.doe@gmail.com\nSummary\nBuilds websites.\n"
    )
    assert basics.name == "John Doe"
    assert basics.phone == "(555) 123-4567"
    assert basics.location is not None
    assert basics.location.postal_code == "94588"
    # A username without a derivable URL keeps its network and username, and no invented URL.
    assert [(p.network, p.username, p.url) for p in basics.profiles] == [
        ("LinkedIn", "johndoe", "linkedin.com/in/johndoe"),
        ("StackOverflow", "johndoe", None),
    ]


def test_given_only_a_name_when_parsed_then_only_the_name_is_set() -> None:
    cv = parse_cv_text("Marie Curie\n")
    assert cv.basics is not None
    assert cv.basics.model_dump(exclude_defaults=True) == {"name": "Marie Curie"}
    assert not (cv.work)
    assert not (cv.education)
    assert not (cv.skills)
    assert not (cv.projects)


def test_given_a_document_title_above_the_name_when_parsed_then_the_title_is_not_the_name() -> None:
    basics = _basics("Curriculum Vitae\nAda Lovelace\nada@example.org\n")
    assert basics.name == "Ada Lovelace"


def test_given_dates_and_decimals_in_the_header_when_parsed_then_they_are_not_phones() -> None:
    basics = _basics("Ada Lovelace\nLast updated 2019-2020, GPA 3.97\nada@example.org\nEducation\n")
    assert basics.phone is None
