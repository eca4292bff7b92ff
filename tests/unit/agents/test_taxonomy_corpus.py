"""The taxonomy against the corpus labels: labelled skills it recognises, and the jake's CV text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cvpath.agents.taxonomy import get_taxonomy
from cvpath.documents import extract_text


def _recognised(item: str) -> bool:
    tax = get_taxonomy()
    return tax.canonical(item) is not None or bool(tax.find(item))


def _rate(items: list[str]) -> float:
    return sum(1 for item in items if _recognised(item)) / len(items)


@cache
def _cv_text(path: Path) -> str:
    return extract_text(path.read_bytes(), filename=path.name).text


def test_given_cv_labels_then_at_least_90_percent_of_labelled_skills_are_recognised(corpus_dir: Path) -> None:
    items = [
        skill
        for label in sorted((corpus_dir / "labels").glob("*.json"))
        for skill in json.loads(label.read_text(encoding="utf-8")).get("skills") or []
    ]
    assert items
    rate = _rate(items)
    print(f"CV label skills recognised: {rate:.3f} of {len(items)}")
    assert rate >= 0.9


def test_given_job_labels_then_at_least_90_percent_of_labelled_skills_are_recognised(
    corpus_dir: Path,
) -> None:
    items: list[str] = []
    for label in sorted((corpus_dir / "labels" / "jobs").glob("*.json")):
        data = json.loads(label.read_text(encoding="utf-8"))
        items += (data.get("must_have_skills") or []) + (data.get("nice_to_have_skills") or [])
    assert items
    rate = _rate(items)
    print(f"job label skills recognised: {rate:.3f} of {len(items)}")
    assert rate >= 0.9


def test_given_jakes_resume_text_then_its_tricky_skills_are_found(corpus_dir: Path) -> None:
    text = _cv_text(corpus_dir / "cvs" / "jakes_resume.pdf")
    found = {mention.canonical for mention in get_taxonomy().find(text)}
    expected = {"SQL", "PostgreSQL", "C", "C++", "HTML", "CSS", "Node.js", "Material-UI", "R", "Java",
                "Google Cloud Platform", "Travis CI", "VS Code", "pandas", "NumPy", "Matplotlib"}  # fmt: skip
    assert expected <= found, sorted(expected - found)


def test_given_every_corpus_cv_then_each_labelled_skill_is_found_in_its_text(corpus_dir: Path) -> None:
    tax = get_taxonomy()
    found_total = labelled_total = 0
    for label in sorted((corpus_dir / "labels").glob("*.json")):
        data = json.loads(label.read_text(encoding="utf-8"))
        pdf = corpus_dir / "cvs" / f"{label.stem}.pdf"
        if not pdf.exists() or not data.get("skills"):
            continue
        in_text = {mention.canonical for mention in tax.find(_cv_text(pdf))}
        for skill in data["skills"]:
            wanted = {mention.canonical for mention in tax.find(skill)} | {tax.canonical(skill) or ""}
            labelled_total += 1
            found_total += bool(wanted & in_text)
    print(f"labelled CV skills found in the CV text: {found_total}/{labelled_total}")
    assert labelled_total
    assert found_total / labelled_total >= 0.9
