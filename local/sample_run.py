"""The bundled sample run: fixed ids, a guest owner, ``examples/sample_cv.txt`` and ``sample_job.txt``.

The events in ``events/`` name this run, so ``cvpath agent invoke NAME --event
events/NAME.json`` works on a fresh database: the run is created the first time
an event names it, and kept afterwards (its snapshots and outputs are
immutable). Why fixed ids: an event file is static, and ``sam local invoke``
reads the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run, load_run
from cvpath.errors import RunNotFound

SAMPLE_RUN_ID = UUID("5a3b1e00-0000-4000-8000-000000000001")
SAMPLE_GUEST_ID = UUID("5a3b1e00-0000-4000-8000-0000000000a1")
SAMPLE_IMPORT_ID = UUID("5a3b1e00-0000-4000-8000-0000000000c1")
SAMPLE_JOB_ID = UUID("5a3b1e00-0000-4000-8000-0000000000d1")
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
SAMPLE_CV = EXAMPLES_DIR / "sample_cv.txt"
SAMPLE_JOB = EXAMPLES_DIR / "sample_job.txt"


def is_sample_event(event: object) -> bool:
    return isinstance(event, dict) and str(event.get("run_id", "")).lower() == str(SAMPLE_RUN_ID)


def ensure_sample_run(conn: psycopg.Connection[Any]) -> bool:
    """Create the sample run and its snapshots unless the run exists; True when it was created.

    One transaction, and every insert is ``ON CONFLICT DO NOTHING``: two
    invocations racing on a fresh database both succeed.
    """
    try:
        load_run(conn, SAMPLE_RUN_ID)
        return False
    except RunNotFound:
        pass
    owner = Owner(guest_id=SAMPLE_GUEST_ID)
    with conn.transaction():
        insert_guest(conn, SAMPLE_GUEST_ID)
        import_id = insert_import(
            conn,
            owner,
            raw_text=SAMPLE_CV.read_text(encoding="utf-8"),
            file_name=SAMPLE_CV.name,
            import_data_id=SAMPLE_IMPORT_ID,
        )
        job_id = insert_job_text(
            conn, owner, SAMPLE_JOB.read_text(encoding="utf-8"), job_data_id=SAMPLE_JOB_ID
        )
        insert_run(conn, owner, import_data_id=import_id, job_data_id=job_id, run_id=SAMPLE_RUN_ID)
    return True
