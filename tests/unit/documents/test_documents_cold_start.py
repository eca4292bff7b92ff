"""Cold start: importing the documents package must not import pypdf or python-docx."""

from __future__ import annotations

import subprocess
import sys


def test_importing_cvpath_documents_leaves_the_parsers_unloaded() -> None:
    # A fresh interpreter: this test process has imported pypdf already.
    probe = (
        "import sys, cvpath.documents; "
        "print(sorted(m for m in ('pypdf', 'docx', 'lxml', 'reportlab') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert completed.stdout.strip() == "[]"
