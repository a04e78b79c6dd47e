"""The client's address behind a reverse proxy, for the log-in lock-out (django-axes).

Behind nginx every request comes from the proxy's address, so a lock-out keyed on
``REMOTE_ADDR`` locks everyone out together. ``STYRKORT_TRUSTED_PROXIES`` names the
proxies (addresses or networks, comma-separated, e.g. ``127.0.0.1,10.0.0.0/24``): when
a request comes from one of them, the client is the right-most address in
``X-Forwarded-For`` that is not itself a trusted proxy. A header from anyone else is
ignored, so a client cannot choose its own address. Without the setting the address is
``REMOTE_ADDR``, as before.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(text: str | None = None) -> tuple[Network, ...]:
    """The networks of ``STYRKORT_TRUSTED_PROXIES``; a malformed entry raises ValueError
    (settings refuse to start rather than trust the wrong proxy)."""
    text = os.environ.get("STYRKORT_TRUSTED_PROXIES", "") if text is None else text
    out = []
    for item in text.split(","):
        item = item.strip()
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"STYRKORT_TRUSTED_PROXIES: ”{item}” är ingen adress eller nätverk."
                ) from exc
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [::1]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 1.2.3.4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(addr: Any, proxies: tuple[Network, ...]) -> bool:
    return any(addr.version == net.version and addr in net for net in proxies)


def client_address(meta: dict[str, Any], proxies: tuple[Network, ...]) -> str:
    remote = str(meta.get("REMOTE_ADDR") or "")
    addr = _address(remote)
    if not proxies or addr is None or not _trusted(addr, proxies):
        return remote
    hops = [h for h in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        hop_addr = _address(hop)
        if hop_addr is None:
            return str(addr)  # a malformed hop: trust nothing further left
        if not _trusted(hop_addr, proxies):
            return str(hop_addr)
        addr = hop_addr
    return str(addr)


def client_ip(request: Any) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: the client's address as the trusted proxy forwarded it."""
    from django.conf import settings

    return client_address(request.META, settings.STYRKORT_TRUSTED_PROXIES)
