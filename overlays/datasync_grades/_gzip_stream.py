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

import attrs

from ._exceptions import ArtifactError
from ._http import httpx

__all__ = [
    "GZIP_CODINGS",
    "GZIP_MAGIC",
    "JSON_START",
    "MAX_GZIP_LAYERS",
    "BodyDecoder",
    "check_sizes",
    "content_codings",
    "unsupported",
]

GZIP_MAGIC = b"\x1f\x8b"
# The artifact's own gzip plus one Content-Encoding: gzip on top.
MAX_GZIP_LAYERS = 2
# httpx would decode these itself, without a bound per chunk: the decoder peels them instead.
GZIP_CODINGS = frozenset({"gzip", "x-gzip"})
JSON_START = b"{["
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
# Leading whitespace is held until the first real byte shows what the body is; a body
# that is only whitespace for this long is rejected instead of held further.
_SNIFF_LIMIT = 64 * 1024
_HEX_SHOWN = 8
_WIRE_SLACK = 64 * 1024


def check_sizes(max_bytes: int, chunk_size: int) -> None:
    """The ``ValueError`` a decoder (or a read that will build one) gives for bad sizes."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must not be negative, got {max_bytes}")


@attrs.define(kw_only=True, eq=False)
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

    The layers are a stack: one zlib inflater per gzip layer found, outermost first, and
    below the last one the plain body. Only the innermost layer is ever undecided: its
    first bytes wait in ``_head`` until they show gzip (a layer is pushed) or the format.
    """

    kind: str
    accept: Callable[[int], bool]
    max_bytes: int
    chunk_size: int
    max_gzip_layers: int = MAX_GZIP_LAYERS
    source: str = "artifact"
    received: str = "no content type"
    bytes_out: int = attrs.field(default=0, init=False)
    bytes_in: int = attrs.field(default=0, init=False)
    # Per gzip layer: its inflater (None between two members) and how much it produced.
    _inflaters: list[zlib._Decompress | None] = attrs.field(factory=list, init=False)
    _inflated: list[int] = attrs.field(factory=list, init=False)
    _head: bytes = attrs.field(default=b"", init=False)
    _plain: bool = attrs.field(default=False, init=False)
    _finished: bool = attrs.field(default=False, init=False)

    def __attrs_post_init__(self) -> None:
        check_sizes(self.max_bytes, self.chunk_size)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._finished:
            raise RuntimeError("BodyDecoder.feed() after finish()")
        # The wire counts too: zero padding and empty gzip members decode to nothing. gzip adds
        # at most ~0.1% to what it wraps, plus its headers.
        self.bytes_in += len(data)
        if self.bytes_in > self.max_bytes + self.max_bytes // 64 + _WIRE_SLACK:
            raise ArtifactError(
                f"{self.source}: more than {self.bytes_in - len(data)} bytes on the wire for at "
                f"most {self.max_bytes} decoded (max_bytes); stopped"
            )
        yield from self._into(0, bytes(data), final=False)

    def finish(self) -> Iterator[bytes]:
        """The last pieces; raises ``ArtifactError`` if the body was cut short."""
        if not self._finished:
            self._finished = True
            yield from self._into(0, b"", final=True)

    def _into(self, depth: int, data: bytes, *, final: bool) -> Iterator[bytes]:
        """Feed ``data`` to layer ``depth``: a gzip layer, or past the last one the body."""
        if depth < len(self._inflaters):
            for piece in self._inflate(depth, data):
                yield from self._into(depth + 1, piece, final=False)
            if final:
                if self._inflaters[depth] is not None:
                    raise ArtifactError(
                        f"{self.source}: truncated gzip: the body ended before the end of the "
                        "gzip stream"
                    )
                yield from self._into(depth + 1, b"", final=True)
            return
        if not self._plain:
            self._head += data
            if not self._decide(final=final):
                return
            data, self._head = self._head, b""
            if not self._plain:  # gzip: the layer just pushed takes the bytes
                yield from self._into(depth, data, final=final)
                return
        for start in range(0, len(data), self.chunk_size):
            piece = data[start : start + self.chunk_size]
            self.bytes_out += len(piece)
            self._count(self.bytes_out)
            yield piece

    def _inflate(self, depth: int, data: bytes) -> Iterator[bytes]:
        """One gzip layer's output for ``data``: member after member, each zlib call bounded.

        Zero bytes between or after members are skipped, as ``gzip.decompress`` does.
        """
        while True:
            inflater = self._inflaters[depth]
            if inflater is None:  # after a member: padding, or the next member's start
                data = data.lstrip(b"\0")
                if not data:
                    return
                if not GZIP_MAGIC.startswith(data[:2]):
                    raise ArtifactError(
                        f"{self.source}: corrupt gzip: data after the end of the gzip "
                        f"stream, starting {_hex(data)}"
                    )
                inflater = self._inflaters[depth] = zlib.decompressobj(wbits=31)
            try:
                out = inflater.decompress(data, self.chunk_size)
            except zlib.error as exc:
                raise ArtifactError(f"{self.source}: corrupt gzip: {exc}") from exc
            if out:
                self._inflated[depth] += len(out)
                self._count(self._inflated[depth])
                yield out
            if inflater.eof:
                # The next member (or padding) starts in what this one left over.
                data = inflater.unused_data
                self._inflaters[depth] = None
                continue
            data = inflater.unconsumed_tail
            # A full piece may mean more output waits inside zlib: ask again.
            if not data and len(out) < self.chunk_size:
                return

    def _count(self, produced: int) -> None:
        if produced > self.max_bytes:
            raise ArtifactError(
                f"{self.source}: the artifact decodes to more than {self.max_bytes} bytes "
                "(max_bytes); stopped"
            )

    def _decide(self, *, final: bool) -> bool:
        """Settle the innermost layer from its first bytes; False when more are needed."""
        head = self._head
        if head.startswith(GZIP_MAGIC):
            if len(self._inflaters) >= self.max_gzip_layers:
                raise ArtifactError(
                    f"{self.source}: gzip nested more than {self.max_gzip_layers} layers deep"
                )
            self._inflaters.append(zlib.decompressobj(wbits=31))
            self._inflated.append(0)
            return True
        # Nothing yet, a lone 1f, or part of a BOM: the next bytes decide.
        if not final and (GZIP_MAGIC.startswith(head) or _BOM.startswith(head)):
            return False
        text = head.removeprefix(_BOM).lstrip(_WHITESPACE)
        if (text and not self.accept(text[0])) or (not text and len(head) > _SNIFF_LIMIT):
            received = self.received if not self._inflaters else "gzip content"
            raise ArtifactError(
                f"{self.source}: expected gzip (1f 8b) or {self.kind}, got {received} starting "
                f"{_hex(head)}"
            )
        # Only whitespace so far waits for more; at the end (or empty) it is nothing to reject.
        self._plain = bool(text) or final
        return self._plain


def unsupported(codings: list[str]) -> str | None:
    """Why a body in ``codings`` is refused (None: gzip, at most ``MAX_GZIP_LAYERS`` deep, or
    none). httpx would decode the others itself, without a bound (``deflate, deflate``: 3.4 KB
    to 2 GiB in one call), and a thousand layers would recurse a thousand deep."""
    if all(c in GZIP_CODINGS for c in codings) and len(codings) <= MAX_GZIP_LAYERS:
        return None
    return (
        f"Content-Encoding {', '.join(codings)[:100]!r} is not supported "
        f"(only gzip, at most {MAX_GZIP_LAYERS} layers, or none)"
    )


def content_codings(headers: httpx.Headers) -> list[str]:
    """The ``Content-Encoding`` codings of a response, lower-cased, ``identity`` left out."""
    codings = (c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True))
    return [c for c in codings if c and c != "identity"]


def _hex(data: bytes) -> str:
    shown = data[:_HEX_SHOWN].hex(" ")
    return shown + (" ..." if len(data) > _HEX_SHOWN else "")
