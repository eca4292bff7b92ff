"""The skill taxonomy: ``get_taxonomy()`` loads the bundled ``skills.json`` once and shares it.

>>> tax = get_taxonomy()
>>> tax.canonical("postgres"), tax.family("React"), tax.same_family("React", "Vue.js")
('PostgreSQL', 'frontend', True)
"""

from __future__ import annotations

from functools import cache

from cvpath.agents.taxonomy.data import DOMAINS, load_bundled
from cvpath.agents.taxonomy.model import SkillInfo, SkillMention
from cvpath.agents.taxonomy.taxonomy import Taxonomy

__all__ = ["DOMAINS", "SkillInfo", "SkillMention", "Taxonomy", "get_taxonomy"]


@cache
def get_taxonomy() -> Taxonomy:
    return Taxonomy(load_bundled())
