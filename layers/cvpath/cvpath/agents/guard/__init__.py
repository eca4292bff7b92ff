"""The fabrication guard: what a tailored CV says must trace to the source CV.

An LLM (or any tailor) may reorder, select and reword; it may not add an
employer, title, institution, degree, date, number, organisation, skill or
contact detail. :func:`guard_tailored` removes (or restores from the source)
whatever does not trace, and reports each change; nothing untraceable is
rendered.
"""

from cvpath.agents.guard.guard import guard_tailored

__all__ = ["guard_tailored"]
