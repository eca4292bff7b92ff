"""The offline CV_TAILOR: select and reorder a CV's content for a job, rewriting nothing.

Bullets are kept word for word (each citing its own source id); what changes is
the order of sections, entries, bullets and skills, and which bullets of long
entries are shown. A summary is written only when the CV has none, and only
from the CV's own words.
"""

from cvpath.agents.offline.cv_tailor.tailor import tailor

__all__ = ["tailor"]
