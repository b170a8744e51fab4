"""A URL is untrusted input: refuse file:// and private, loopback and link-local addresses, also after redirects.

The check runs where the connection is made (socket.getaddrinfo, in the downloading thread only), so it covers the
page, every redirect hop, and the media URLs a page points to, whatever yt-dlp's network layer does internally.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from urllib.parse import urlparse

from pipeline.errors import UserError

_guard = threading.local()
_real_getaddrinfo = socket.getaddrinfo
_install_lock = threading.Lock()


def is_url(text: str) -> bool:
    return "://" in str(text)[:12]


def allowed_networks(allow: bool | list[str]) -> list | None:
    """None means everything is allowed; a list holds the private networks the config lets through."""
    if allow is True:
        return None
    try:
        return [ipaddress.ip_network(net, strict=False) for net in (allow or [])]
    except ValueError as error:
        raise UserError(f'allow_private_urls: {error}; use true or a list of networks like ["127.0.0.0/8"]') from None


def _public(address: str, allowed: list) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if any(ip in net for net in allowed):
        return True
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
    )


def check_url(url: str) -> None:
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise UserError(
            f"{url}: only http(s) URLs are fetched ({scheme}:// is refused); pass a local file path instead"
        )


def _guarded_getaddrinfo(host, *args, **kwargs):
    results = _real_getaddrinfo(host, *args, **kwargs)
    allowed = getattr(_guard, "allowed", None)
    if allowed is not None:
        for *_, sockaddr in results:
            if not _public(sockaddr[0], allowed):
                raise PrivateAddressRefused(f"{host} resolves to the private address {sockaddr[0]}")
    return results


class PrivateAddressRefused(OSError):
    """Raised inside the network layer; reported to the user as a refused URL."""


@contextlib.contextmanager
def egress_guard(allow: bool | list[str]):
    """Within this block, this thread may connect to public addresses only (plus the allowed networks)."""
    allowed = allowed_networks(allow)
    with _install_lock:
        if socket.getaddrinfo is not _guarded_getaddrinfo:
            socket.getaddrinfo = _guarded_getaddrinfo
    previous = getattr(_guard, "allowed", None)
    _guard.allowed = allowed
    try:
        yield
    finally:
        _guard.allowed = previous
