"""Plain data on the wire between the grader and a submission's child process.

Only numbers and arrays cross: a message is a JSON header plus raw ``.npy`` blobs, read back
with ``np.load(..., allow_pickle=False)``, so nothing a child sends can run code when read.

Frame layout: 8-byte big-endian length of the rest, 4-byte length of the JSON header, the
header (UTF-8), then the blobs back to back; ``header["sizes"]`` lists each blob's length.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_MESSAGE = 64 * 2**20  # a child may not send more than this in one message
NUMERIC_KINDS = "biuf"  # bool, signed/unsigned integers, floats


@dataclass(frozen=True)
class Result:
    """An argument that is item ``item`` of what an earlier call returned (call ``call``).

    Only the plain arrays a call sent back are passed on: the student's next function gets a
    fresh array, never an object the previous one made.
    """

    call: int
    item: int = 0


@dataclass(frozen=True)
class Probe:
    """An argument that is one of the grader's test functions, by name
    (:data:`course_utils.grading.probes.PROBES`)."""

    name: str


class ChannelError(Exception):
    """The other side closed the channel, sent garbage, or did not answer in time."""


class ChannelTimeout(ChannelError):
    """No complete message arrived before the deadline."""


class TooLarge(ChannelError):
    """A message longer than the receiver's limit (checked before it is read)."""


def text(value: Any, limit: int) -> str:
    """A string field of a received header, cut to ``limit`` characters, with any lone
    surrogate replaced (so it can be stored and written as UTF-8); anything else is refused."""
    if not isinstance(value, str):
        raise ChannelError("a text field is not a string")
    return value[:limit].encode("utf-8", "replace").decode("utf-8")


def array_to_bytes(array: np.ndarray) -> bytes:
    """Serialise a numeric array as ``.npy`` bytes (never pickled)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def bytes_to_array(blob: bytes) -> np.ndarray:
    """Read ``.npy`` bytes; reject pickled objects and non-numeric dtypes."""
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as error:
        raise ChannelError(f"unreadable array: {type(error).__name__}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in NUMERIC_KINDS:
        raise ChannelError("an array on the wire must be numeric")
    return array


def pack(header: dict[str, Any], blobs: list[bytes] = ()) -> bytes:
    """One frame: lengths, JSON header, blobs."""
    header = {**header, "sizes": [len(b) for b in blobs]}
    head = json.dumps(header, allow_nan=True).encode()
    body = struct.pack(">I", len(head)) + head + b"".join(blobs)
    return struct.pack(">Q", len(body)) + body


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks = []
    while n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout("timed out")
            sock.settimeout(remaining)
        try:
            chunk = sock.recv(min(n, 1 << 20))
        except TimeoutError:
            raise ChannelTimeout("timed out") from None
        except OSError as error:
            raise ChannelError(f"channel broken: {error}") from None
        if not chunk:
            raise ChannelError("channel closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def recv(
    sock: socket.socket, deadline: float | None = None, limit: int = MAX_MESSAGE
) -> tuple[dict[str, Any], list[bytes]]:
    """Read one frame; raise :class:`ChannelError` on anything malformed or too large."""
    (size,) = struct.unpack(">Q", _recv_exact(sock, 8, deadline))
    if size > limit:
        raise TooLarge(f"message of {size} bytes refused (the limit is {limit})")
    if size < 4:
        raise ChannelError("malformed frame")
    body = _recv_exact(sock, size, deadline)
    (head_len,) = struct.unpack(">I", body[:4])
    if head_len > size - 4:
        raise ChannelError("malformed frame")
    try:
        header = json.loads(body[4 : 4 + head_len].decode())
    except (UnicodeDecodeError, ValueError, RecursionError):  # also too deep, too many digits
        raise ChannelError("malformed header") from None
    if not isinstance(header, dict):
        raise ChannelError("malformed header")
    sizes = header.get("sizes", [])
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise ChannelError("malformed blob sizes")
    if 4 + head_len + sum(sizes) != size:
        raise ChannelError("blob sizes do not add up")
    blobs, offset = [], 4 + head_len
    for s in sizes:
        blobs.append(body[offset : offset + s])
        offset += s
    return header, blobs


def send(sock: socket.socket, header: dict[str, Any], blobs: list[bytes] = ()) -> None:
    """Write one frame."""
    sock.settimeout(None)
    sock.sendall(pack(header, blobs))


def encode_values(values: list[Any]) -> tuple[list[Any], list[bytes]]:
    """Encode arguments (arrays, numbers, strings, None, :class:`Result`, :class:`Probe`) as
    JSON-able specs plus blobs."""
    specs, blobs = [], []
    for value in values:
        if isinstance(value, Result):
            specs.append({"result": [value.call, value.item]})
        elif isinstance(value, Probe):
            specs.append({"probe": value.name})
        elif isinstance(value, np.ndarray) or isinstance(value, np.generic):
            specs.append({"blob": len(blobs)})
            blobs.append(array_to_bytes(np.asarray(value)))
        elif value is None or isinstance(value, (bool, int, float, str)):
            specs.append({"plain": value})
        else:
            raise TypeError(f"cannot send a {type(value).__name__} to a submission")
    return specs, blobs


def decode_values(specs: Any, blobs: list[bytes]) -> list[Any]:
    """Inverse of :func:`encode_values`."""
    values = []
    for spec in specs:
        if "blob" in spec:
            values.append(bytes_to_array(blobs[spec["blob"]]))
        elif "result" in spec:
            values.append(Result(int(spec["result"][0]), int(spec["result"][1])))
        elif "probe" in spec:
            values.append(Probe(str(spec["probe"])))
        else:
            values.append(spec["plain"])
    return values
