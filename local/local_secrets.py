"""Secrets the local runtime makes for itself, so that `cvpath serve` works on a fresh clone.

In AWS the API's token-signing secret comes from SSM (``CVPATH_JWT_SECRET_PARAMETER``).
Locally, unless ``CVPATH_JWT_SECRET`` is set, a random one is made once and kept in
the state folder (git-ignored, readable by its owner only), so tokens survive a
restart of ``cvpath serve``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cvpath.config import get_settings


def ensure_jwt_secret() -> None:
    """Export ``CVPATH_JWT_SECRET`` for the handlers of this process when it is not configured."""
    settings = get_settings()
    if settings.auth_jwt_secret is not None:
        return
    path: Path = settings.state_dir / "jwt-secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
    os.environ["CVPATH_JWT_SECRET"] = path.read_text(encoding="utf-8").strip()
    get_settings.cache_clear()
