"""The one place that makes outbound webhook requests.

Short timeouts, no redirects (a 3xx is a failed attempt), at most 2 KB of the answer read,
and SSRF protection: the host is resolved here, every address it resolves to is checked,
and the connection goes to the checked address (with the original Host header and TLS
server name), so a DNS answer cannot change between the check and the connect. Private,
loopback, link-local, multicast, reserved and unspecified addresses are refused unless
settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS (development and tests only; production forces it off).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
MAX_RESPONSE_BYTES = 2048
USER_AGENT = "FairTradeWorker-Webhooks/1.0"


class Refused(Exception):
    """The target is not allowed (scheme, address): no request was made."""


@dataclass
class Result:
    status: int | None
    body: str
    error: str
    duration_ms: int


def is_public_address(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Static checks, at registration and before each request: https (http only for a loopback
    host when private networks are allowed), no credentials, no private IP literal."""
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS if allow_private is None else allow_private
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise Refused("The URL needs a host name.")
    if parts.username or parts.password:
        raise Refused("Credentials in the URL are not allowed; authenticate with the signature instead.")
    if parts.scheme == "http":
        if not (allow_private and is_loopback_host(host)):
            raise Refused("Use an https:// URL (http:// is accepted only for a local receiver in development).")
    elif parts.scheme != "https":
        raise Refused("Use an https:// URL.")
    if not allow_private:
        if host == "localhost" or host.endswith(".localhost"):
            raise Refused("Loopback addresses are not allowed.")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return
        if not is_public_address(str(literal)):
            raise Refused(f"{host} is a private, loopback or link-local address.")


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"Could not resolve {host}: {exc.strerror or exc}.") from exc
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        bad = [a for a in addresses if not is_public_address(a)]
        if bad:  # any non-public answer refuses: a rebinding attacker controls the order
            raise Refused(f"{host} resolves to a private, loopback or link-local address ({bad[0]}).")
    return addresses[0]


def post(url: str, body: bytes, headers: dict[str, str]) -> Result:
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url, allow_private=allow_private)
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve(host, port, allow_private=allow_private)
    except Refused as exc:
        return Result(None, "", f"refused: {exc}", elapsed())

    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1,
                                           server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED")
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    all_headers = {"Host": host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    try:
        response = pool.urlopen("POST", path, body=body, headers=all_headers, redirect=False, retries=False,
                                preload_content=False, assert_same_host=False)
        try:
            text = response.read(MAX_RESPONSE_BYTES, decode_content=False).decode("utf-8", "replace")
        finally:
            response.release_conn()
        return Result(response.status, text, "", elapsed())
    except urllib3.exceptions.HTTPError as exc:
        return Result(None, "", f"{type(exc).__name__}: {exc}"[:300], elapsed())
    finally:
        pool.close()
