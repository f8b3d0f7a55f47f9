"""Streaming, bounded decoding of artifact bodies: gzip layers recognised by magic bytes.

:class:`BodyDecoder` is sans-IO: feed it the raw body chunk by chunk, it yields the
decoded bytes in pieces of at most ``chunk_size``, and ``finish()`` checks the end. It
never holds more than about one input chunk plus one output piece per layer, whatever the
size of the body or of what it inflates to.

Each layer looks at its first bytes: ``1f 8b`` is gzip (inflated, member after member,
and the result looked at again, so a ``Content-Encoding: gzip`` around a ``.json.gz``
file or around plain JSON works whether or not httpx already removed it); otherwise the
bytes must look like the expected plain format (e.g. JSON: first non-whitespace byte
``{`` or ``[``) and pass through. Every layer's output counts against ``max_bytes``, and
the error is raised as soon as it is crossed, so a gzip bomb stops after a few
kilobytes.

Example::

    decoder = BodyDecoder(kind="JSON", accept=JSON_START.__contains__, received="application/gzip")
    for raw in response.iter_raw(65536):
        for piece in decoder.feed(raw):
            out.write(piece)
    for piece in decoder.finish():
        out.write(piece)

Why hand-written: ``gzip.GzipFile`` and ``gzip.decompress`` want a file object or the
whole body and inflate without a per-call output bound; httpx's ``GZipDecoder`` calls
``decompress()`` without ``max_length`` (one 64 KiB chunk may inflate to ~64 MiB) and only
runs when ``Content-Encoding`` says so. ``zlib.decompressobj(wbits=31)`` with
``max_length`` is the bound; this module is the member/layer bookkeeping around it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Literal

import httpx

from ._exceptions import ArtifactError

__all__ = ["GZIP_CODINGS", "GZIP_MAGIC", "JSON_START", "BodyDecoder", "content_codings"]

GZIP_MAGIC = b"\x1f\x8b"
# httpx would decode these itself, without a bound per chunk: the decoder peels them instead.
GZIP_CODINGS = frozenset({"gzip", "x-gzip"})
JSON_START = b"{["
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
# Leading whitespace is held until the first real byte shows what the body is; a body
# that is only whitespace for this long is rejected instead of held further.
_SNIFF_LIMIT = 64 * 1024
_HEX_SHOWN = 8


class _Gunzip:
    """One gzip layer: every member in turn, output in pieces of at most ``chunk_size``.

    Zero bytes between or after members are skipped, as ``gzip.decompress`` does.
    """

    def __init__(self, chunk_size: int, source: str) -> None:
        self._chunk_size = chunk_size
        self._source = source
        self._inflater: zlib._Decompress | None = zlib.decompressobj(wbits=31)
        self._gap = b""  # after a member: a lone 1f that may start the next one

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self._inflater is None:
                data = (self._gap + data).lstrip(b"\0")
                self._gap = b""
                if not data:
                    return
                if data == GZIP_MAGIC[:1]:
                    self._gap = data
                    return
                if not data.startswith(GZIP_MAGIC):
                    raise ArtifactError(
                        f"{self._source}: corrupt gzip: data after the end of the gzip "
                        f"stream, starting {_hex(data)}"
                    )
                self._inflater = zlib.decompressobj(wbits=31)
            inflater = self._inflater
            pending = data
            data = b""
            while True:
                try:
                    out = inflater.decompress(pending, self._chunk_size)
                except zlib.error as exc:
                    raise ArtifactError(f"{self._source}: corrupt gzip: {exc}") from exc
                if out:
                    yield out
                if inflater.eof:
                    # The next member (or padding) starts in what this one left over.
                    data = inflater.unused_data
                    self._inflater = None
                    break
                pending = inflater.unconsumed_tail
                # A full piece may mean more output waits inside zlib: ask again.
                if not pending and len(out) < self._chunk_size:
                    break

    def finish(self) -> None:
        if self._inflater is not None or self._gap:
            raise ArtifactError(
                f"{self._source}: truncated gzip: the body ended before the end of the gzip stream"
            )


class _Layer:
    """Decides what its input is, then inflates it (feeding an inner layer) or passes it."""

    def __init__(self, decoder: BodyDecoder, depth: int) -> None:
        self._decoder = decoder
        self._depth = depth
        self._mode: Literal["sniff", "gzip", "plain"] = "sniff"
        self._head = b""
        self._gunzip: _Gunzip | None = None
        self._inner: _Layer | None = None
        self._produced = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._mode == "sniff":
            self._head += data
            if not self._decide(final=False):
                return
            data, self._head = self._head, b""
        yield from self._route(data)

    def finish(self) -> Iterator[bytes]:
        if self._mode == "sniff":
            self._decide(final=True)
            data, self._head = self._head, b""
            yield from self._route(data)
        if self._gunzip is not None and self._inner is not None:
            self._gunzip.finish()
            yield from self._inner.finish()

    def _route(self, data: bytes) -> Iterator[bytes]:
        if self._gunzip is not None and self._inner is not None:
            for piece in self._gunzip.feed(data):
                self._count(len(piece))
                yield from self._inner.feed(piece)
            return
        size = self._decoder.chunk_size
        view = memoryview(data)
        for start in range(0, len(data), size):
            piece = bytes(view[start : start + size])
            self._count(len(piece))
            yield piece

    def _count(self, size: int) -> None:
        self._produced += size
        if self._produced > self._decoder.max_bytes:
            raise ArtifactError(
                f"{self._decoder.source}: the artifact decodes to more than "
                f"{self._decoder.max_bytes} bytes (max_bytes); stopped"
            )

    def _decide(self, *, final: bool) -> bool:
        """Settle the mode from the bytes seen so far; False when more are needed."""
        head = self._head
        if head.startswith(GZIP_MAGIC):
            if self._depth >= self._decoder.max_gzip_layers:
                raise ArtifactError(
                    f"{self._decoder.source}: gzip nested more than "
                    f"{self._decoder.max_gzip_layers} layers deep"
                )
            self._mode = "gzip"
            self._gunzip = _Gunzip(self._decoder.chunk_size, self._decoder.source)
            self._inner = _Layer(self._decoder, self._depth + 1)
            return True
        if not final and GZIP_MAGIC.startswith(head):  # b"" or a lone 1f
            return False
        body = head
        if body.startswith(_BOM):
            body = body[len(_BOM) :]
        elif not final and _BOM.startswith(body):
            return False
        text = body.lstrip(_WHITESPACE)
        if not text:
            if final:  # empty, or only whitespace: nothing to reject
                self._mode = "plain"
                return True
            if len(head) > _SNIFF_LIMIT:
                raise self._unexpected(head)
            return False
        if not self._decoder.accept(text[0]):
            raise self._unexpected(head)
        self._mode = "plain"
        return True

    def _unexpected(self, head: bytes) -> ArtifactError:
        received = self._decoder.received if self._depth == 0 else "gzip content"
        return ArtifactError(
            f"{self._decoder.source}: expected gzip (1f 8b) or {self._decoder.kind}, "
            f"got {received} starting {_hex(head)}"
        )


class BodyDecoder:
    """Decodes one response body, fed chunk by chunk.

    Args:
        kind: the plain format's name, for messages (``"JSON"``, ``"CSV"``).
        accept: whether a plain body may start with this byte (its first byte after an
            optional UTF-8 BOM and whitespace).
        max_bytes: the most bytes any layer may produce; beyond, ``ArtifactError``.
        chunk_size: the largest piece yielded (and inflated per zlib call).
        max_gzip_layers: how many gzip layers may nest (a ``Content-Encoding: gzip``
            around a ``.json.gz`` file is two).
        source: who sent the body, for messages (operation and URL).
        received: what the body claims to be (content type), for messages.

    ``feed()`` and ``finish()`` are generators: exhaust each before the next call.
    ``bytes_out`` counts what they yielded.
    """

    def __init__(
        self,
        *,
        kind: str,
        accept: Callable[[int], bool],
        max_bytes: int,
        chunk_size: int,
        max_gzip_layers: int = 2,
        source: str = "artifact",
        received: str = "no content type",
    ) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
        if max_bytes < 0:
            raise ValueError(f"max_bytes must not be negative, got {max_bytes}")
        self.kind = kind
        self.accept = accept
        self.max_bytes = max_bytes
        self.chunk_size = chunk_size
        self.max_gzip_layers = max_gzip_layers
        self.source = source
        self.received = received
        self.bytes_out = 0
        self._top = _Layer(self, 0)
        self._finished = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._finished:
            raise RuntimeError("BodyDecoder.feed() after finish()")
        for piece in self._top.feed(bytes(data)):
            self.bytes_out += len(piece)
            yield piece

    def finish(self) -> Iterator[bytes]:
        """The last pieces; raises ``ArtifactError`` if the body was cut short."""
        if self._finished:
            return
        self._finished = True
        for piece in self._top.finish():
            self.bytes_out += len(piece)
            yield piece


def content_codings(headers: httpx.Headers) -> list[str]:
    """The ``Content-Encoding`` codings of a response, lower-cased, ``identity`` left out."""
    codings = (c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True))
    return [c for c in codings if c and c != "identity"]


def _hex(data: bytes) -> str:
    shown = data[:_HEX_SHOWN].hex(" ")
    return shown + (" ..." if len(data) > _HEX_SHOWN else "")
