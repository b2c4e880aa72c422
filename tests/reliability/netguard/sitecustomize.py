"""Network guard for the privacy tests: loaded by every Python process started with this folder on PYTHONPATH.

Any attempt to reach another machine (connect, sendto, name lookup of a non-local name) fails with
OSError and is appended as one JSON line to $NETGUARD_LOG, with where in the code it came from.
Loopback (127.0.0.0/8, ::1, localhost) and Unix sockets stay allowed: the page listens on 127.0.0.1.
"""

import errno
import ipaddress
import json
import os
import socket
import traceback

_LOG = os.environ.get("NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "0.0.0.0", "::", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _blocked(kind: str, target) -> OSError:
    if _LOG:
        stack = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack()[-10:-2]]
        entry = {"pid": os.getpid(), "kind": kind, "target": repr(target), "stack": stack}
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
    return OSError(errno.ENETUNREACH, f"netguard: {kind} naar {target!r} geblokkeerd")


def _check_address(sock, address, kind: str) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise _blocked(kind, address)


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname
_gethostbyname_ex = socket.gethostbyname_ex


def connect(self, address):
    _check_address(self, address, "connect")
    return _connect(self, address)


def connect_ex(self, address):
    _check_address(self, address, "connect_ex")
    return _connect_ex(self, address)


def sendto(self, data, *args):
    _check_address(self, args[-1], "sendto")
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        raise socket.gaierror(_blocked("getaddrinfo", host).errno, f"netguard: {host!r} geblokkeerd")
    return _getaddrinfo(host, *args, **kwargs)


def gethostbyname(host):
    if not _is_local(host):
        raise _blocked("gethostbyname", host)
    return _gethostbyname(host)


def gethostbyname_ex(host):
    if not _is_local(host):
        raise _blocked("gethostbyname_ex", host)
    return _gethostbyname_ex(host)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.gethostbyname_ex = gethostbyname_ex
