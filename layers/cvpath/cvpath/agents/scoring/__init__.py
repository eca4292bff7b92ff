"""The deterministic scorer: dimensions, weights and rows that can be recomputed from the CV and the job.

Dimensions and base weights (``weights.BASE_WEIGHTS``; a dimension with nothing to
measure is dropped and its weight shared out in proportion):

- ``must_have`` 0.45 and ``nice_to_have`` 0.10: requirement rows (3 and 1 points,
  half for partial) from :func:`cvpath.agents.evidence.find_evidence`;
- ``skills`` 0.15: share of the job's skills the CV names (aliases count);
- ``experience`` 0.15: years from the work dates against ``minYears``, and the
  latest title's level against the job's;
- ``sections`` 0.05: contact, summary, work, education, skills present;
- ``ats`` 0.10: structural checks (name, email, phone, titles, dates, no empty entries).

No dimension penalises extra content, so adding evidence never lowers a score.
"""

from cvpath.agents.scoring.scorer import compare, score_cv
from cvpath.agents.scoring.weights import BASE_WEIGHTS

__all__ = ["BASE_WEIGHTS", "compare", "score_cv"]
