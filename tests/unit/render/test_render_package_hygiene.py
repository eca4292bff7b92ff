"""What the render package imports, and what its PDFs say about themselves."""

from __future__ import annotations

import io
import subprocess
import sys

from pypdf import PdfReader
from render_testkit import example_cv, small_cv

from cvpath_render import render_cv_pdf

_IMPORT_CHECK = """
import sys
import cvpath_render
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'reportlab', 'pypdf', 'docx'})
print(','.join(heavy))
"""


def test_importing_the_package_imports_no_boto3_and_no_document_libraries() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""


def test_a_render_does_not_import_boto3() -> None:
    script = (
        "import sys, json\n"
        "from cvpath_render import load_cv, render_package\n"
        "cv = load_cv({'basics': {'name': 'Ada'}, 'work': [{'name': 'Acme', 'highlights': ['Did it.']}]})\n"
        "render_package(cv)\n"
        "print('boto3' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_pdf_metadata_names_the_cv_and_its_author_and_leaks_no_paths() -> None:
    reader = PdfReader(io.BytesIO(render_cv_pdf(example_cv()).pdf))
    info = reader.metadata
    assert info is not None
    assert info.title == "Helena Marsh \u2013 CV"
    assert info.author == "Helena Marsh"
    assert info.subject == "Senior Data Platform Engineer"
    assert info.creator == "CVPath"
    assert info.producer == "CVPath"
    for key in ("/Title", "/Author", "/Subject", "/Creator", "/Producer", "/Keywords"):
        assert "/" not in str(info[key])  # no file system paths, no tool versions
    assert info["/CreationDate"] == "D:20000101000000+00'00'"  # fixed: no clock in the bytes
    assert "Languages" in str(info.get("/Keywords"))


def test_page_sizes() -> None:
    a4 = PdfReader(io.BytesIO(render_cv_pdf(small_cv()).pdf)).pages[0].mediabox
    letter = PdfReader(io.BytesIO(render_cv_pdf(small_cv(), page_size="letter").pdf)).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_contact_details_are_real_text_and_links() -> None:
    pdf = render_cv_pdf(example_cv()).pdf
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "helena.marsh@example.com" in page.extract_text()
    uris = {annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])}
    assert {"mailto:helena.marsh@example.com", "https://github.com/hmarsh"} <= uris


def test_pages_hold_no_images() -> None:
    reader = PdfReader(io.BytesIO(render_cv_pdf(example_cv()).pdf))
    assert all(not page.images for page in reader.pages)
