"""Web links and online profiles in the contact block, as printed minus the scheme.

Profile networks are known by domain. Where a template prints only a username next to
a network's icon, the icon's name often leaks into the text ("/linkedin-in jdoe") or
the network is written out ("GitHub: jdoe"); the username is then kept, and the URL is
built only for networks whose profile URL is a pure function of the username.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.agents.offline.cv_parser.shapes import word_set

_TLDS = word_set(
    """com org net io dev me ai co app tech info xyz page site online blog cloud edu gov us uk de fr es it nl
    eu ca au in ch se no dk fi pl cz at be pt ie nz br mx ar jp cn kr sg hk tw ru ua tr il za ng ke gr hu ro
    bg sk si hr rs lt lv ee is lu ly gg to tv fm cc ws biz name pro design studio works codes engineer
    science academy today email live space inc"""
)
_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.)?[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*"
    r"\.(?P<tld>[a-z]{2,12})(?::[0-9]{1,5})?(?:/[^\s]*)?",
    re.IGNORECASE,
)
_TOKEN_SPLIT_RE = re.compile(r"[\s|\u2022\u00b7,;<>\[\]]+")
_NETWORKS: tuple[tuple[str, str, str | None], ...] = (
    # (domain, network, url template for a username)
    ("linkedin.com", "LinkedIn", "linkedin.com/in/{}"),
    ("github.com", "GitHub", "github.com/{}"),
    ("gitlab.com", "GitLab", "gitlab.com/{}"),
    ("bitbucket.org", "Bitbucket", None),
    ("stackoverflow.com", "StackOverflow", None),
    ("twitter.com", "Twitter", None),
    ("x.com", "X", None),
    ("medium.com", "Medium", None),
    ("kaggle.com", "Kaggle", None),
    ("behance.net", "Behance", None),
    ("dribbble.com", "Dribbble", None),
    ("scholar.google.com", "Google Scholar", None),
    ("orcid.org", "ORCID", None),
    ("researchgate.net", "ResearchGate", None),
    ("leetcode.com", "LeetCode", None),
    ("hackerrank.com", "HackerRank", None),
    ("xing.com", "XING", None),
)
_NETWORK_NAMES = {
    "linkedin": "LinkedIn", "github": "GitHub", "gitlab": "GitLab", "stackoverflow": "StackOverflow",
    "stack overflow": "StackOverflow", "twitter": "Twitter", "x": "X", "medium": "Medium", "kaggle": "Kaggle",
    "behance": "Behance", "dribbble": "Dribbble", "bitbucket": "Bitbucket", "orcid": "ORCID",
    "researchgate": "ResearchGate", "leetcode": "LeetCode", "xing": "XING",
    "google scholar": "Google Scholar",
}  # fmt: skip
_TEMPLATES = {network: template for _, network, template in _NETWORKS}
ICON_USER_RE = re.compile(
    r"(?:^|\s)/?(?P<net>linkedin|github|gitlab|stackoverflow|stack-overflow|twitter|x-twitter|medium|kaggle|xing)"
    r"(?:-in|-square|-alt|-alt-square|-o)?\s?:?\s+@?(?P<user>[A-Za-z0-9][A-Za-z0-9_.-]{0,38})\s*$",
    re.IGNORECASE,
)
_USERNAME_RE = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9_.-]{1,38}$")


@dataclass(frozen=True)
class Link:
    url: str | None
    network: str | None = None
    username: str | None = None


def display_url(raw: str) -> str:
    """A printed URL without scheme, trailing slash or trailing punctuation."""
    url = re.sub(r"^https?://", "", raw.strip(), flags=re.IGNORECASE).rstrip(".,;:)")
    return url.rstrip("/")


def network_name(text: str) -> str | None:
    """The canonical network for a printed network name ("LinkedIn", "Stack Overflow")."""
    return _NETWORK_NAMES.get(" ".join(text.casefold().split()))


def profile_link(network: str, username: str) -> Link:
    template = _TEMPLATES.get(network)
    user = username.lstrip("@")
    return Link(template.format(user) if template else None, network, user)


def _network_of(url: str) -> tuple[str | None, str | None]:
    host, _, path = url.partition("/")
    host = host.casefold().removeprefix("www.")
    for domain, network, _template in _NETWORKS:
        if host == domain or host.endswith("." + domain):
            segments = [s for s in path.split("/") if s]
            if segments and segments[0] in {"in", "pub", "u", "users", "company"} and len(segments) > 1:
                return network, segments[1]
            return network, segments[0] if segments else None
    return None, None


def find_links(text: str) -> list[Link]:
    """URL-shaped tokens of ``text`` (a contact line), in order; emails and file names excluded."""
    found: list[Link] = []
    icon = ICON_USER_RE.search(text[:200])
    if icon is not None:
        named = network_name(icon.group("net").replace("-", " ").replace(" twitter", "")) or "X"
        found.append(profile_link(named, icon.group("user")))
    for token in _TOKEN_SPLIT_RE.split(text[:400]):
        token = token.strip("()\"'")
        if "@" in token or len(token) > 200 or "." not in token:
            continue
        match = _URL_RE.fullmatch(token.rstrip(".,;:"))
        schemed = token.casefold().startswith(("http://", "https://"))
        if match is None or (match.group("tld").casefold() not in _TLDS and not schemed):
            continue
        url = display_url(token)
        network, username = _network_of(url)
        found.append(Link(url, network, username))
    return found


def is_username(text: str) -> bool:
    return _USERNAME_RE.match(text) is not None and " " not in text
