"""Skills, spoken languages and interests: lists of items, maybe under group labels.

Skills come as "Group: a, b, c" rows (wrapped rows continue on the next line), as a
label line over an item line (with a level line between, as sidebar templates print
them), or as plain comma lists. Items are split on commas and semicolons outside
parentheses and kept as printed ("C/C++", "SQL (Postgres)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.agents.offline.cv_parser.dates import fold_text
from cvpath.agents.offline.cv_parser.lines import Line
from cvpath.agents.offline.cv_parser.shapes import is_sentence_like, word_set, words

_GROUP_RE = re.compile(r"^(?P<label>[^:,;()]{1,40}?)\s*:\s*(?P<items>\S.*)$")
_LEVELS = word_set(
    """beginner elementary basic basics novice intermediate advanced expert proficient professional fluent
    native bilingual conversational working limited full mother tongue native speaker upper lower
    grundkenntnisse gut sehr fließend fliessend muttersprache verhandlungssicher débutant debutant
    courant bilingue natif langue maternelle básico basico intermedio avanzado nativo fluido
    a1 a2 b1 b2 c1 c2"""
)
_SPOKEN = word_set(
    """english german french spanish italian portuguese dutch russian chinese mandarin cantonese japanese
    korean arabic hindi urdu bengali punjabi tamil telugu marathi gujarati turkish polish ukrainian czech
    slovak hungarian romanian bulgarian greek hebrew persian farsi swedish norwegian danish finnish
    icelandic estonian latvian lithuanian serbian croatian bosnian slovenian albanian macedonian
    vietnamese thai indonesian malay filipino tagalog swahili amharic yoruba hausa igbo zulu afrikaans
    catalan basque galician irish welsh latin esperanto
    englisch deutsch französisch franzosisch spanisch italienisch portugiesisch niederländisch
    russisch chinesisch japanisch türkisch polnisch arabisch
    anglais allemand français francais espagnol italien portugais néerlandais russe chinois japonais arabe
    inglés ingles alemán aleman francés frances español espanol italiano portugués portugues chino japonés
    deutsch"""
)
_ITEM_SPLIT_RE = re.compile(r"[,;\u2022\u00b7|]")
_MAX_ITEM = 80


@dataclass
class SkillGroup:
    name: str | None
    level: str | None = None
    text: str = ""

    @property
    def items(self) -> list[str]:
        return [piece for item in split_items(self.text) for piece in split_conjunction(item)]


def split_conjunction(item: str) -> list[str]:
    """ "Docker and Kubernetes" -> both, when each side is a known skill and the whole is not one.

    Why both sides must be known: "Research and Development" is one skill even
    though "Research" alone is one too.
    """
    left, sep, right = item.partition(" and ")
    if not sep or " and " in right or len(words(item)) > 8:
        return [item]
    from cvpath.agents.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    if taxonomy.is_skill(item) or not (taxonomy.is_skill(left) and taxonomy.is_skill(right)):
        return [item]
    return [left.strip(), right.strip()]


def split_items(text: str) -> list[str]:
    """Comma/semicolon/bullet separated items, not splitting inside parentheses."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        if depth == 0 and _ITEM_SPLIT_RE.match(char):
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    cleaned = [item.strip(" .\t") for item in items]
    return [item for item in cleaned if item and len(item) <= _MAX_ITEM]


def is_level(text: str) -> bool:
    tokens = [t.casefold() for t in re.split(r"[\s()/-]+", text) if t]
    return bool(tokens) and len(tokens) <= 4 and all(t in _LEVELS for t in tokens)


def _wraps(text: str, width: int) -> bool:
    # A row that ends on a comma, or fills the line, goes on in the next line.
    return text.rstrip().endswith((",", ";")) or len(text) >= 0.75 * width


def skill_groups(lines: list[Line], width: int) -> list[SkillGroup]:
    """The skill groups of a skills section, in order (see the module docstring)."""
    groups: list[SkillGroup] = []
    pending_label: str | None = None
    pending_level: str | None = None
    continuing = labelled = False
    for line in lines:
        text = line.text
        row = _GROUP_RE.match(text)
        if row is not None and not is_sentence_like(row.group("label")):
            groups.append(SkillGroup(row.group("label").strip(), None, row.group("items")))
            pending_label = pending_level = None
            labelled = True
            continuing = _wraps(text, width)
            continue
        elif is_level(text):
            if pending_label is not None:
                pending_level = text
            elif groups and groups[-1].level is None:
                groups[-1].level = text
            continue
        elif groups and not line.bullet and (continuing or (labelled and len(split_items(text)) > 1)):
            # A label-less row right under a "Label: items" row goes on with that group.
            groups[-1].text += " " + text
            continuing = _wraps(text, width)
            continue
        elif pending_label is not None and len(split_items(text)) == 1 and not line.bullet:
            # Two one-item lines in a row: the first was an item, not a group label.
            groups.append(SkillGroup(None, None, pending_label))
            pending_label = text
            continue
        elif len(split_items(text)) > 1 or line.bullet or pending_label is not None:
            groups.append(SkillGroup(pending_label, pending_level, text))
            pending_label = pending_level = None
        elif len(words(text)) <= 4 and not is_sentence_like(text):
            pending_label = text
            continuing = labelled = False
            continue
        continuing = _wraps(text, width)
        labelled = False
    if pending_label is not None:
        # A last label with no items under it is itself an item (one-skill-per-line lists).
        groups.append(SkillGroup(None, None, pending_label))
    return _merge_single_items(groups)


def _merge_single_items(groups: list[SkillGroup]) -> list[SkillGroup]:
    # Consecutive unlabelled one-item groups are a one-skill-per-line list.
    merged: list[SkillGroup] = []
    for group in groups:
        if merged and group.name is None and merged[-1].name is None and len(group.items) == 1:
            merged[-1].text += ", " + group.text
        else:
            merged.append(group)
    return [g for g in merged if g.items]


def is_spoken_language(text: str) -> bool:
    tokens = words(text)
    return bool(tokens) and fold_text(tokens[0]) in {fold_text(s) for s in _SPOKEN}


def spoken_languages(lines: list[Line]) -> list[tuple[str, str | None]] | None:
    """(language, fluency) pairs, or None when the items are not spoken languages (a skills group)."""
    pairs: list[tuple[str, str | None]] = []
    for line in lines:
        for item in split_items(line.text):
            if is_level(item) and pairs and pairs[-1][1] is None:
                pairs[-1] = (pairs[-1][0], item)
                continue
            match = re.match(
                r"^(?P<lang>[^\W\d_][\w\s]*?)\s*(?:[(:\-\u2013\u2014]\s*(?P<level>[^)]*)\)?)?$", item
            )
            if match is None:
                continue
            language = match.group("lang").strip()
            level = (match.group("level") or "").strip() or None
            pairs.append((language, level))
    if not pairs:
        return None
    spoken = sum(1 for language, _ in pairs if is_spoken_language(language))
    return pairs if spoken * 2 > len(pairs) else None
