"""Section headings: a vocabulary (English, German, French, Spanish, ...) plus layout cues.

A heading is a short line on its own (no bullet, no digits, no sentence punctuation),
capitalised or in capitals, whose words are a known heading, optionally with a modifier
("Work Experience", "Selected Honors", "SKILLS & AWARDS"). Headings that are not in the
vocabulary are accepted only in capitals, and only when the CV's known headings are in
capitals too: a capitalised line alone cannot be told from an employer or a project name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from cvpath.agents.offline.cv_parser.dates import fold_text
from cvpath.agents.offline.cv_parser.lines import Line
from cvpath.agents.offline.cv_parser.shapes import is_all_caps, word_set, words


class SectionKind(StrEnum):
    SUMMARY = "summary"
    WORK = "work"
    EDUCATION = "education"
    SKILLS = "skills"
    PROJECTS = "projects"
    CERTIFICATES = "certificates"
    AWARDS = "awards"
    PUBLICATIONS = "publications"
    LANGUAGES = "languages"
    INTERESTS = "interests"
    VOLUNTEER = "volunteer"
    REFERENCES = "references"
    PROFILES = "profiles"
    CONTACT = "contact"
    OTHER = "other"


_K = SectionKind
# Folded (lower-case, accent-free) heading phrases.
_VOCABULARY: dict[SectionKind, str] = {
    _K.SUMMARY: """summary|profile|about|about me|objective|career objective|objectives|overview|introduction|
        personal statement|professional profile|career summary|executive summary|highlights|
        profil|kurzprofil|zusammenfassung|uber mich|resume professionnel|a propos|a propos de moi|
        perfil|perfil profesional|resumen|sobre mi|objetivo|profilo|sommario|sobre mim""",
    _K.WORK: """experience|experiences|work experience|professional experience|employment|employment history|
        work history|career history|career|professional background|work|positions|internships|
        internship|relevant experience|industry experience|research experience|teaching experience|
        berufserfahrung|berufliche erfahrung|erfahrung|beruflicher werdegang|werdegang|praxiserfahrung|
        berufspraxis|experience professionnelle|experiences professionnelles|parcours professionnel|
        parcours|experiencia|experiencia laboral|experiencia profesional|trayectoria profesional|
        esperienza|esperienze|esperienza lavorativa|esperienze lavorative|experiencia|
        experiencia profissional|werkervaring|ervaring""",
    _K.EDUCATION: """education|academic background|academics|education and training|qualifications|
        academic qualifications|educational background|studies|schooling|
        ausbildung|bildung|bildungsweg|studium|schulbildung|akademischer werdegang|formation|formations|
        education et formation|etudes|educacion|formacion|formacion academica|estudios|istruzione|
        formazione|educacao|formacao|formacao academica|opleiding|opleidingen""",
    _K.SKILLS: """skills|technical skills|skill set|skillset|competencies|core competencies|expertise|
        areas of expertise|key skills|technologies|tools and technologies|technical proficiencies|
        proficiencies|tech stack|technical expertise|hard skills|soft skills|abilities|
        kenntnisse|fahigkeiten|fachkenntnisse|kompetenzen|it-kenntnisse|edv-kenntnisse|
        technische kenntnisse|competences|competences techniques|habilidades|competencias|
        conocimientos|aptitudes|competenze|competencias|vaardigheden""",
    _K.PROJECTS: """projects|project|personal projects|academic projects|selected projects|key projects|
        side projects|open source|open source projects|portfolio|projekte|projets|proyectos|progetti|
        projetos|projecten""",
    _K.CERTIFICATES: """certifications|certificates|certification|licenses|licenses and certifications|
        licences|courses|training|trainings|coursework|zertifikate|zertifizierungen|weiterbildung|
        weiterbildungen|fortbildungen|certificats|certificaciones|certificados|cursos|certificazioni""",
    _K.AWARDS: """awards|honors|honours|honors and awards|awards and honors|achievements|accomplishments|
        scholarships|fellowships|grants|distinctions|recognition|auszeichnungen|preise|prix|
        recompenses|premios|reconocimientos|logros|premi|premios""",
    _K.PUBLICATIONS: """publications|papers|selected publications|research papers|publikationen|
        veroffentlichungen|publicaciones|pubblicazioni|publicacoes""",
    _K.LANGUAGES: """languages|language skills|spoken languages|sprachen|sprachkenntnisse|langues|
        competences linguistiques|idiomas|lenguas|lingue|talen""",
    _K.INTERESTS: """interests|hobbies|hobbies and interests|interests and hobbies|personal interests|
        activities|interessen|hobbys|freizeit|centres d'interet|centres d interet|loisirs|intereses|
        aficiones|interessi|interesses""",
    _K.VOLUNTEER: """volunteer|volunteering|volunteer experience|volunteer work|community service|
        community involvement|ehrenamt|ehrenamtliches engagement|engagement|benevolat|voluntariado|
        volontariato""",
    _K.REFERENCES: "references|referees|referenzen|references professionnelles|referencias|referenze",
    _K.PROFILES: "profiles|links|social|online profiles|social media|online presence",
    _K.CONTACT: """contact|contact information|contact details|personal details|personal information|
        personal data|kontakt|personliche daten|coordonnees|contacto|datos personales|contatti""",
    _K.OTHER: """patents|talks|invited talks|presentations|conferences|teaching|leadership|
        extracurricular activities|extracurriculars|extracurricular|memberships|affiliations|
        professional affiliations|service|research|additional information|miscellaneous|other|
        declaration|strengths|leadership and activities|campus involvement""",
}
PHRASES: dict[str, SectionKind] = {}
for _kind, _phrases in _VOCABULARY.items():
    for _phrase in _phrases.split("|"):
        PHRASES.setdefault(" ".join(_phrase.split()), _kind)

# Modifiers that may precede a heading word ("Relevant Experience", "Selected Honors").
_MODIFIERS = word_set(
    """professional relevant work technical selected select key core other additional academic prior
    previous recent related personal industry notable major main"""
)
# Words allowed only inside a compound heading ("Tools & Technologies"), never alone,
# because alone they are skill group labels.
_COMPOUND_ONLY = {"tools": _K.SKILLS, "frameworks": _K.SKILLS, "technologies": _K.SKILLS}
_SPLIT_RE = re.compile(r"\s*(?:&|\+|/|,|\band\b|\bund\b|\bet\b|\by\b)\s*")
_DECORATION_RE = re.compile(r"^[\s\-\u2013\u2014=_*#~|:.]+|[\s\-\u2013\u2014=_*#~|:.]+$")
MAX_HEADING_CHARS = 48


@dataclass(frozen=True)
class Heading:
    index: int
    title: str
    kind: SectionKind


def _phrase_kind(phrase: str) -> SectionKind | None:
    if phrase in PHRASES:
        return PHRASES[phrase]
    tokens = phrase.split()
    while len(tokens) > 1 and tokens[0] in _MODIFIERS:
        tokens = tokens[1:]
        if " ".join(tokens) in PHRASES:
            return PHRASES[" ".join(tokens)]
    return None


def vocabulary_kind(text: str) -> SectionKind | None:
    """The section a heading text names, by vocabulary alone; None if it names none."""
    folded = " ".join(_DECORATION_RE.sub("", fold_text(text)).split())
    if not folded or len(folded) > MAX_HEADING_CHARS:
        return None
    kind = _phrase_kind(folded)
    if kind is not None:
        return kind
    parts = [p for p in _SPLIT_RE.split(folded) if p]
    if len(parts) < 2:
        return None
    kinds = [_phrase_kind(p) or _COMPOUND_ONLY.get(p) for p in parts]
    if any(k is None for k in kinds):
        return None
    return kinds[0]


def _heading_shaped(line: Line) -> bool:
    text = line.text
    if line.bullet or len(text) > MAX_HEADING_CHARS or any(c.isdigit() for c in text) or "@" in text:
        return False
    stripped = text.rstrip()
    if stripped.endswith((".", ",", ";", "!", "?")):
        return False
    tokens = words(text)
    if not tokens or len(tokens) > 6:
        return False
    first = tokens[0]
    return first[0].isupper()


def find_headings(lines: list[Line]) -> list[Heading]:
    """The heading lines, in order. See the module docstring for the rules."""
    found: list[Heading] = []
    for index, line in enumerate(lines):
        if not _heading_shaped(line):
            continue
        kind = vocabulary_kind(line.text)
        if kind is not None:
            found.append(Heading(index, _DECORATION_RE.sub("", line.text), kind))
    capital_headings = [h for h in found if is_all_caps(h.title)]
    if len(found) >= 2 and len(capital_headings) == len(found):
        known = {h.index for h in found}
        first = found[0].index
        for index, line in enumerate(lines):
            if (
                index > first
                and index not in known
                and _heading_shaped(line)
                and is_all_caps(line.text)
                and len(words(line.text)) <= 4
                and "," not in line.text
            ):
                found.append(Heading(index, _DECORATION_RE.sub("", line.text), _K.OTHER))
        found.sort(key=lambda h: h.index)
    return found
