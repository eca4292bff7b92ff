"""The run report: report.json (:func:`build_report`) and its Markdown summary (:func:`render_markdown`)."""

from cvpath.reports.markdown import render_markdown
from cvpath.reports.run_report import build_report

__all__ = ["build_report", "render_markdown"]
