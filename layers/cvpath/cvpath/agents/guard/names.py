"""Organisation-like names in free text: the runs of capitalised words a fabricated claim hides in.

Only the candidates are found here; whether a candidate traces to the source CV
is decided by the caller. A candidate is a run of capitalised words (joined by
"of", "and", "&", ...) that has two or more name words ("Goldman Sachs", "Bank of
America"), or ends like a company ("Initech Systems", "Acme Corp"), or follows a
word that introduces an organisation ("at Google", "for Microsoft"). Why the
sentence's first word never counts: English capitalises it ("Led",
"Spearheaded"), so it says nothing about being a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Internal dots belong to the word ("J.P", "Node.js"); a final one ends the sentence. A word never
# starts inside another ("$18M", "4M+" are numbers, not the name "M").
_TOKEN_RE = re.compile(r"(?<!\w)[^\W\d_](?:[\w'\u2019&+#-]|\.(?=\w))*|&|[.!?;:•·|()\[\],]")
_SENTENCE_BREAKS = frozenset(".!?;:•·|()[]")
_RUN_BREAKS = _SENTENCE_BREAKS | {","}
_CONNECTORS = frozenset({"of", "and", "&", "de", "del", "der", "du", "la", "le", "van", "von", "the"})
_INTRODUCERS = frozenset({"at", "for", "with", "from", "joined", "by", "client", "clients", "partner"})

# Capitalised words that are common English or CV vocabulary, not organisations.
_STOP_WORDS_TEXT = """
    a an the this that these those our my his her their its it i we you they he she each every all any some
    no not one two three four five six seven eight nine ten first second third new
    in on at for with from by to of and or as into onto over under across within via per after before during
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    spring summer autumn fall winter present current now today
    team teams department division group unit office company companies client clients customer customers
    user users partner partners vendor vendors stakeholder stakeholders board committee
    senior junior lead principal staff chief head associate assistant intern trainee
    engineer engineers engineering developer developers development manager managers management director
    analyst scientist designer consultant architect administrator specialist coordinator officer
    executive president founder cofounder co-founder owner
    ceo cto cfo coo cio vp svp evp hr it qa ux ui pm api apis sdk kpi kpis okr okrs roi sla slas mvp poc
    b2b b2c saas paas iaas etl seo sem crm erp
    project projects product products program programme platform platforms service services system systems
    solution solutions application applications app apps tool tools framework frameworks library
    data cloud web mobile backend frontend front back end full stack fullstack infrastructure security
    network networks database databases server servers software hardware internal external global
    research operations sales marketing finance legal support quality customer success growth strategy
    north south east west central
    agile scrum kanban lean waterfall devops mlops
    bachelor bachelors master masters phd doctorate degree diploma certificate certification
    university college school institute academy
    award awards prize winner honors honours dean deans list gpa
    remote hybrid onsite on-site
    leadership cross-functional cross-team end-to-end real-time open-source best practices
    mr mrs ms dr prof
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


# Words that make a capitalised run an organisation's name ("Acme Corp", "Sequoia Capital").
ORGANISATION_SUFFIXES = frozenset(
    {
        "inc", "ltd", "llc", "llp", "plc", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "bv",
        "pty", "limited", "group", "holdings", "capital", "partners", "ventures", "labs", "technologies",
        "bank", "university", "college", "institute", "foundation", "agency", "consulting", "systems",
    }
)  # fmt: skip


@dataclass(frozen=True)
class NameCandidate:
    text: str
    words: tuple[str, ...]
    introduced_by: str | None

    @property
    def has_organisation_suffix(self) -> bool:
        return any(word.strip(".").casefold() in ORGANISATION_SUFFIXES for word in self.text.split())


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def name_candidates(text: str) -> list[NameCandidate]:
    """Organisation-like capitalised runs in ``text``, in order; stop words are not name words."""
    tokens = _TOKEN_RE.findall(text)
    candidates: list[NameCandidate] = []
    index = 0
    sentence_start = True
    previous: str | None = None
    while index < len(tokens):
        token = tokens[index]
        if token in _RUN_BREAKS:
            sentence_start = sentence_start or token in _SENTENCE_BREAKS
            previous = None
            index += 1
            continue
        if not _is_capitalised(token) or sentence_start:
            sentence_start = False
            previous = token
            index += 1
            continue
        run = [token]
        end = index + 1
        while end < len(tokens):
            nxt = tokens[end]
            if _is_capitalised(nxt):
                run.append(nxt)
                end += 1
            elif nxt.casefold() in _CONNECTORS and end + 1 < len(tokens) and _is_capitalised(tokens[end + 1]):
                run.extend(tokens[end : end + 2])
                end += 2
            else:
                break
        words = tuple(word for word in run if _name_word(word))
        introducer = previous.casefold() if previous and previous.casefold() in _INTRODUCERS else None
        candidate = NameCandidate(text=" ".join(run), words=words, introduced_by=introducer)
        if len(words) >= 2 or (words and (introducer or candidate.has_organisation_suffix)):
            candidates.append(candidate)
        previous = run[-1]
        index = end
    return candidates


def _name_word(word: str) -> bool:
    key = word.strip(".'\u2019").casefold()
    # Words with digits ("Q3", "Web3") are periods or versions; numbers are checked on their own.
    return (
        bool(key) and key not in STOP_WORDS and key not in _CONNECTORS and not any(c.isdigit() for c in key)
    )
