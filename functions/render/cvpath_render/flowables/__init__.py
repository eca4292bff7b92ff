"""ReportLab flowables for the CV: the header and one class per section."""

from cvpath_render.flowables.base import SectionFlowable, SectionHeading
from cvpath_render.flowables.header import HeaderFlowable
from cvpath_render.flowables.sections import SECTION_FLOWABLES, section_flowable

__all__ = ["SECTION_FLOWABLES", "HeaderFlowable", "SectionFlowable", "SectionHeading", "section_flowable"]
