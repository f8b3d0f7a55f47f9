"""Streaming, bounded decoding of response bodies: gzip layers recognised by magic bytes.

:class:`BodyDecoder` is sans-IO: feed it the raw body chunk by chunk, it yields the
decoded bytes in pieces of at most ``chunk_size``, and ``finish()`` checks the end. It
never holds more than about one input chunk plus one output piece per layer, whatever the
size of the body or of what it inflates to.

Each layer looks at its first bytes: ``1f 8b`` is gzip (inflated, member after member,
and the result looked at again, so a ``Content-Encoding: gzip`` around a ``.json.gz``
file or around plain JSON works; httpx never decodes a body: the send path, whose
``Sender.body()`` is this decoder's one user, refuses every other coding); otherwise the
bytes must look like the expected plain format (e.g. JSON: first non-whitespace byte
``{`` or ``[``) and pass through. Every layer's output counts against ``max_bytes``, and
so do the bytes on the wire (zero padding and empty gzip members decode to nothing); the
error is raised as soon as a cap is crossed, so a gzip bomb stops after a few kilobytes.
A plain body's leading whitespace passes through as it comes (nothing is held), checked once
its first other byte arrives. Why hand-written: see "Bounded gzip" in docs/design.md.

Example::

    decoder = BodyDecoder(kind="JSON", max_bytes=2**20, chunk_size=65536)
    for raw in (b"\x1f\x8b...", b"..."):  # the raw chunks Sender.body() reads
        out.writelines(decoder.feed(raw))
    out.writelines(decoder.finish())
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import attrs

from ._exceptions import ArtifactError
from ._http import httpx

__all__ = ["MAX_GZIP_LAYERS", "BodyDecoder", "gzip_layers"]

GZIP_MAGIC = b"\x1f\x8b"
# The artifact's own gzip plus one Content-Encoding: gzip on top (or gzip declared twice).
MAX_GZIP_LAYERS = 2
# The bytes a plain body of a kind may start with (past a UTF-8 BOM and whitespace); a body
# of another kind (an API answer: "body") may start with any.
_STARTS = {"JSON": b"{[", "CSV": bytes(b for b in range(256) if b != ord("<"))}
_BLANK = b" \t\r\n\xef\xbb\xbf"  # whitespace, and a UTF-8 BOM's bytes
_WIRE_SLACK = 64 * 1024


@attrs.define(kw_only=True, eq=False)
class BodyDecoder:
    """Decodes one response body, fed chunk by chunk.

    ``kind`` names the plain format ("JSON" and "CSV" are checked by their first byte: not an
    HTML error page); ``max_bytes`` caps what any layer produces, ``chunk_size`` each piece
    fed to zlib and yielded; ``max_gzip_layers`` how many gzip layers may nest (0: the body is
    passed as it is, whatever its first bytes); ``source`` names the body in messages.
    ``feed()`` and ``finish()`` are generators: exhaust each before the next call.

    The layers are a stack, outermost first: one inflater per gzip layer found (None between
    two members), and below the last one the plain body, undecided while its first bytes
    could still be gzip's (they wait in ``_head``; None once decided).
    """

    kind: str
    max_bytes: int
    chunk_size: int
    max_gzip_layers: int = MAX_GZIP_LAYERS
    source: str = "artifact"
    _wire: int = attrs.field(default=0, init=False)
    _inflaters: list[zlib._Decompress | None] = attrs.field(factory=list, init=False)
    # What each layer produced: one count per gzip layer, the last for the plain body.
    _produced: list[int] = attrs.field(factory=lambda: [0], init=False)
    _head: bytes | None = attrs.field(default=b"", init=False)
    _accepted: bool = attrs.field(default=False, init=False)

    def feed(self, data: bytes) -> Iterator[bytes]:
        # gzip adds at most ~0.1% to what it wraps, plus its headers.
        self._wire += len(data)
        if self._wire > self.max_bytes + self.max_bytes // 64 + _WIRE_SLACK:
            raise ArtifactError(f"{self.source}: too many bytes on the wire for max_bytes")
        for start in range(0, len(data), self.chunk_size):  # each zlib call's input bounded
            yield from self._into(0, data[start : start + self.chunk_size], final=False)

    def finish(self) -> Iterator[bytes]:
        """The last pieces; raises ``ArtifactError`` if the body was cut short."""
        return self._into(0, b"", final=True)

    def _into(self, depth: int, data: bytes, *, final: bool) -> Iterator[bytes]:
        """Feed ``data`` to layer ``depth``: a gzip layer, or past the last one the body."""
        if depth < len(self._inflaters):
            for piece in self._inflate(depth, data):
                yield from self._into(depth + 1, piece, final=False)
            if final and self._inflaters[depth] is not None:
                raise ArtifactError(f"{self.source}: truncated gzip: the body ended mid-stream")
            if final:
                yield from self._into(depth + 1, b"", final=True)
            return
        if self._head is not None and self.max_gzip_layers:  # (0: the body as it is)
            data, self._head = self._head + data, None
            if data.startswith(GZIP_MAGIC):
                if len(self._inflaters) >= self.max_gzip_layers:
                    raise ArtifactError(f"{self.source}: gzip nested over {self.max_gzip_layers}")
                self._inflaters.append(None)
                self._produced.append(0)
                self._head = b""
                yield from self._into(depth, data, final=final)
                return
            if not final and GZIP_MAGIC.startswith(data):  # nothing yet, or a lone 1f
                self._head = data
                return
        if not self._accepted and (text := data.lstrip(_BLANK)):
            if text[0] not in _STARTS.get(self.kind, range(256)):  # (shown in hex: no controls)
                raise ArtifactError(
                    f"{self.source}: expected gzip (1f 8b) or {self.kind}, got bytes starting "
                    f"{text[:8].hex(' ')}{' inside gzip' if self._inflaters else ''}"
                )
            self._accepted = True
        for start in range(0, len(data), self.chunk_size):
            yield self._count(depth, data[start : start + self.chunk_size])

    def _inflate(self, depth: int, data: bytes) -> Iterator[bytes]:
        """One gzip layer's output for ``data``: member after member, each zlib call bounded.

        Zero bytes between or after members are skipped, as ``gzip.decompress`` does.
        """
        while True:
            inflater = self._inflaters[depth]
            if inflater is None:  # after a member: padding, or the next member's start
                if not (data := data.lstrip(b"\0")):
                    return
                if not GZIP_MAGIC.startswith(data[:2]):
                    raise ArtifactError(f"{self.source}: corrupt gzip: data after its end")
                inflater = self._inflaters[depth] = zlib.decompressobj(wbits=31)
            try:
                out = inflater.decompress(data, self.chunk_size)
            except zlib.error as exc:
                raise ArtifactError(f"{self.source}: corrupt gzip: {exc}") from exc
            if out:
                yield self._count(depth, out)
            if inflater.eof:  # the next member (or padding) starts in what it left over
                data, self._inflaters[depth] = inflater.unused_data, None
            # A full piece may mean more output waits inside zlib: ask again.
            elif not (data := inflater.unconsumed_tail) and len(out) < self.chunk_size:
                return

    def _count(self, depth: int, piece: bytes) -> bytes:
        self._produced[depth] += len(piece)
        if self._produced[depth] > self.max_bytes:
            raise ArtifactError(f"{self.source}: more than {self.max_bytes} bytes (max_bytes)")
        return piece


def gzip_layers(headers: httpx.Headers, source: str) -> int:
    """How many gzip layers a body's ``Content-Encoding`` lists (``identity`` left out), or
    ``ArtifactError`` for any other coding, or more than ``MAX_GZIP_LAYERS``: httpx would decode
    the others itself, without a bound (``deflate, deflate``: 3.4 KB to 2 GiB in one call), and
    a thousand layers would recurse a thousand deep."""
    codings = (c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True))
    listed = [c for c in codings if c and c != "identity"]
    if any(c not in ("gzip", "x-gzip") for c in listed) or len(listed) > MAX_GZIP_LAYERS:
        shown = ", ".join(listed)[:100]
        problem = f"Content-Encoding {shown!r} is not supported (only gzip, 2 at most)"
        raise ArtifactError(f"{source}: {problem}")
    return len(listed)
