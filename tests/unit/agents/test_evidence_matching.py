"""find_evidence: statuses, verbatim quotes and reasons for skills, years, degrees and free text."""

from __future__ import annotations

from datetime import date

from evidence_builders import degree, job_entry, make_cv, make_job, requirement, strong_frontend_cv

from cvpath.agents.evidence import MAX_EVIDENCE, find_evidence, reference_date
from cvpath.models import CV, Job, MatchStatus, Requirement


def _req(text: str, kind: str = "skill", keywords: tuple[str, ...] = ()) -> Requirement:
    job: Job = make_job(must=[requirement(text, kind, keywords)])
    return job.must_have[0]


def _assert_verbatim(cv: CV, requirement_: Requirement) -> None:
    texts = cv.texts_by_id()
    for item in find_evidence(cv, requirement_).evidence:
        assert any(item.quote in text for text in texts[item.source_id]), item


def test_given_a_bullet_naming_the_skill_when_matched_then_met_citing_that_bullet() -> None:
    cv = strong_frontend_cv()
    found = find_evidence(cv, _req("Strong React experience", keywords=("React",)))
    assert found.status is MatchStatus.MET
    bullet = cv.work[0].highlights[0]
    assert found.evidence[0].source_id == bullet.id
    assert found.evidence[0].quote == bullet.text
    assert found.matched == ["React"]


def test_given_an_alias_in_the_cv_when_matched_then_the_canonical_skill_is_met() -> None:
    cv = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Tuned golang services for billing."])]
    )
    found = find_evidence(cv, _req("Go", keywords=("Go",)))
    assert found.status is MatchStatus.MET
    assert found.evidence[0].quote == "Tuned golang services for billing."


def test_given_only_a_same_family_skill_when_matched_then_partial_and_the_reason_says_so() -> None:
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=["Built dashboards in Vue.js."])])
    found = find_evidence(cv, _req("React", keywords=("React",)))
    assert found.status is MatchStatus.PARTIAL
    assert "Vue.js" in found.reason
    assert "React" in found.reason
    assert found.missing == ["React"]


def test_given_some_of_several_required_skills_when_matched_then_partial() -> None:
    cv = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Maintained Kubernetes clusters."])]
    )
    found = find_evidence(cv, _req("Kubernetes and Terraform", keywords=("Kubernetes", "Terraform")))
    assert found.status is MatchStatus.PARTIAL
    assert found.matched == ["Kubernetes"]
    assert found.missing == ["Terraform"]


def test_given_alternatives_when_one_is_shown_then_met() -> None:
    cv = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Built the shop front in Angular."])]
    )
    found = find_evidence(
        cv, _req("A framework such as React, Vue or Angular", keywords=("React", "Vue", "Angular"))
    )
    assert found.status is MatchStatus.MET


def test_given_no_mention_when_matched_then_missing_without_evidence() -> None:
    cv = make_cv(work=[job_entry("Barista", "Coffee Co", "2020-01", bullets=["Served coffee."])])
    found = find_evidence(cv, _req("Kubernetes", keywords=("Kubernetes",)))
    assert found.status is MatchStatus.MISSING
    assert found.evidence == []
    assert "Kubernetes" in found.reason


def test_given_the_skill_only_in_the_summary_when_matched_then_missing_because_nothing_is_citable() -> None:
    cv = make_cv(summary="Kubernetes enthusiast.", work=[job_entry("Barista", "Coffee Co", "2020-01")])
    found = find_evidence(cv, _req("Kubernetes", keywords=("Kubernetes",)))
    assert found.status is MatchStatus.MISSING
    assert "summary" in found.reason


def test_given_the_skill_in_a_bullet_and_the_skills_list_then_the_bullet_is_cited_first() -> None:
    cv = strong_frontend_cv()
    found = find_evidence(cv, _req("Git", keywords=("Git",)))
    assert found.evidence[0].source_id in cv.bullet_ids()
    skills_id = cv.skills[0].id
    assert all(item.source_id != skills_id for item in found.evidence[:1])


def test_given_the_skill_only_in_the_skills_list_then_the_skills_entry_is_cited_with_the_keyword() -> None:
    cv = make_cv(skills=["Docker", "Kubernetes"])
    found = find_evidence(cv, _req("Kubernetes", keywords=("Kubernetes",)))
    assert found.status is MatchStatus.MET
    assert found.evidence[0].source_id == cv.skills[0].id
    assert found.evidence[0].quote == "Kubernetes"


def test_given_many_mentions_then_evidence_is_capped_and_every_quote_is_verbatim() -> None:
    bullets = [f"Shipped React feature number {index}." for index in range(6)]
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=bullets)], skills=["React"])
    requirement_ = _req("React", keywords=("React",))
    assert len(find_evidence(cv, requirement_).evidence) == MAX_EVIDENCE
    _assert_verbatim(cv, requirement_)


def test_given_a_long_bullet_then_the_quote_is_a_verbatim_sentence_of_at_most_300_chars() -> None:
    filler = "Coordinated many stakeholders across several regions and time zones " * 6
    text = f"{filler.strip()}. Rebuilt the checkout in React with server rendering. {filler.strip()}."
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=[text])])
    found = find_evidence(cv, _req("React", keywords=("React",)))
    quote = found.evidence[0].quote
    assert len(quote) <= 300
    assert quote in text
    assert "React" in quote


def test_given_years_asked_when_the_dates_cover_them_then_met_else_partial() -> None:
    cv = make_cv(
        work=[job_entry("Developer", "Acme", "2018-01", "2020-12", bullets=["Wrote Python services."])]
    )
    assert find_evidence(cv, _req("3+ years of Python", kind="experience")).status is MatchStatus.MET
    five = find_evidence(cv, _req("5+ years of Python", kind="experience"))
    assert five.status is MatchStatus.PARTIAL
    assert "3.0" in five.reason


def test_given_years_of_a_skill_then_only_jobs_mentioning_it_count() -> None:
    cv = make_cv(
        work=[
            job_entry("Developer", "Acme", "2021-01", "2021-12", bullets=["Wrote Python services."]),
            job_entry("Barista", "Coffee Co", "2015-01", "2020-12", bullets=["Served coffee."]),
        ]
    )
    found = find_evidence(cv, _req("3 years of Python experience", kind="experience", keywords=("Python",)))
    assert found.status is MatchStatus.PARTIAL
    assert found.evidence[0].source_id == cv.work[0].highlights[0].id


def test_given_an_ongoing_job_then_it_counts_up_to_the_reference_date_not_today() -> None:
    cv = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01")],
        education=[degree("BSc", "Physics", end="2023")],
    )
    assert reference_date(cv) == date(2023, 12, 31)
    requirement_ = _req("4 years of experience", kind="experience")
    assert find_evidence(cv, requirement_).status is MatchStatus.MET
    assert find_evidence(cv, requirement_, as_of=date(2021, 1, 1)).status is MatchStatus.PARTIAL


def test_given_a_degree_requirement_then_level_and_field_decide() -> None:
    requirement_ = _req("Bachelor's degree in Computer Science or a related field", kind="education")
    bachelor_cs = make_cv(education=[degree("Bachelor of Science", "Computer Science")])
    master_history = make_cv(education=[degree("MA", "History")])
    nothing = make_cv(education=[])
    met = find_evidence(bachelor_cs, requirement_)
    assert met.status is MatchStatus.MET
    assert met.evidence[0].quote == "Bachelor of Science"
    assert find_evidence(master_history, requirement_).status is MatchStatus.PARTIAL
    assert find_evidence(nothing, requirement_).status is MatchStatus.MISSING


def test_given_a_free_text_requirement_then_content_words_in_one_item_decide() -> None:
    cv = make_cv(
        work=[
            job_entry(
                "Teacher",
                "School",
                "2020-01",
                bullets=["Planned engaging phonics lessons for year 2 pupils."],
            ),
        ]
    )
    met = find_evidence(cv, _req("Plan engaging phonics lessons", kind="other"))
    assert met.status is MatchStatus.MET
    assert find_evidence(cv, _req("Negotiate freight contracts with carriers", kind="other")).status is (
        MatchStatus.MISSING
    )


def test_given_examples_after_such_as_then_they_are_alternatives_but_the_skill_before_is_required() -> None:
    requirement_ = _req("Frontend development with frameworks such as React, Vue or Angular")
    with_both = make_cv(
        work=[job_entry("Frontend Developer", "Acme", "2020-01", bullets=["Built React apps."])]
    )
    framework_only = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Built Angular apps."])]
    )
    assert find_evidence(with_both, requirement_).status is MatchStatus.MET
    partial = find_evidence(framework_only, requirement_)
    assert partial.status is MatchStatus.PARTIAL
    assert "Frontend development" in partial.missing


def test_given_a_list_joined_by_or_then_any_one_skill_is_enough() -> None:
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=["Wrote Java services."])])
    assert find_evidence(cv, _req("Python or Java", keywords=("Python", "Java"))).status is MatchStatus.MET
    assert (
        find_evidence(cv, _req("Python and Java", keywords=("Python", "Java"))).status is MatchStatus.PARTIAL
    )


def test_given_a_generic_skill_named_like_its_family_then_any_member_shows_it() -> None:
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=["Kept the monorepo in Git."])])
    found = find_evidence(cv, _req("Version control", keywords=("Version Control",)))
    assert found.status is MatchStatus.MET
    assert found.evidence[0].quote == "Kept the monorepo in Git."


def test_given_a_generic_skill_before_the_examples_then_it_stays_required_and_an_example_is_needed() -> None:
    requirement_ = _req("Version control tools such as Git or Mercurial")
    with_git = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Kept the monorepo in Git."])]
    )
    generic_only = make_cv(
        work=[job_entry("Developer", "Acme", "2020-01", bullets=["Set up version control for the team."])]
    )
    assert find_evidence(with_git, requirement_).status is MatchStatus.MET
    assert find_evidence(generic_only, requirement_).status is MatchStatus.PARTIAL
