"""The kill switch: with ``llm_forbid_network`` on, only loopback hosts are reachable.

The test suite turns it on, so a forgotten real provider call fails loudly with
``RealCallForbidden`` instead of spending money or leaking a prompt. The check
looks at the URL only, so it runs before any DNS lookup or socket.
"""

from __future__ import annotations

import ipaddress

import httpx

from cvpath.config import get_settings
from cvpath.errors import RealCallForbidden


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or the literal name ``localhost``; never a name that merely resolves there."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ensure_network_allowed(url: str) -> None:
    """Raise ``RealCallForbidden`` when the kill switch is on and ``url`` leaves this machine."""
    if not get_settings().llm_forbid_network:
        return
    host = httpx.URL(url).host
    if not is_loopback_host(host):
        raise RealCallForbidden(
            f"real LLM call to {host or url!r} refused: CVPATH_LLM_FORBID_NETWORK is on, "
            "so only loopback servers (such as the fake providers) may be called",
            details={"host": host},
        )
