"""The Redactor: every form a server could echo a secret in is replaced, every token the client
used is known while it may be valid, and what it shows cannot forge a terminal or a log line."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datasync_grades import BearerToken, ClientCredentials
from datasync_grades._redact import (
    EXCERPT_LENGTH,
    MIN_SECRET_LENGTH,
    REDACTED,
    RETENTION,
    Redactor,
    _forms,
    escape_controls,
)


def redact(text: str, secrets: list[str]) -> str:
    return Redactor(*secrets).text(text)


def redact_value(value: object, secrets: list[str]) -> object:
    return Redactor(*secrets).value(value)


# "/", "+", ":", "%", " ", a quote and a non-ASCII letter: each encoding writes them differently.
SECRET = 's3cr3t/+:% "é-value'


FORMS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "percent-encoded": lambda s: quote(s, safe=""),
    "percent-encoded, / kept": quote,
    "percent-encoded, lower-case hex": lambda s: re.sub(
        "%[0-9A-F]{2}", lambda m: m.group().lower(), quote(s, safe="")
    ),
    "form-encoded": quote_plus,
    "JSON string": lambda s: json.dumps(s)[1:-1],
    "JSON string, not ASCII-escaped": lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    "JSON string, slashes escaped": lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),
    "JSON string of the form-encoding": lambda s: json.dumps(quote_plus(s))[1:-1],
    # What Java and .NET serializers write: \u002B, not \u002b.
    "JSON string, upper-case hex escapes": lambda s: re.sub(
        r"\\u[0-9a-f]{4}", lambda m: m.group().upper().replace("\\U", "\\u"), json.dumps(s)[1:-1]
    ),
    "HTML": html.escape,
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_each_form_of_a_secret_is_redacted_inside_other_text(form: Callable[[str], str]) -> None:
    shown = form(SECRET)
    assert shown != "" and SECRET[:4] not in REDACTED
    text = f"the server said: <{shown}> (end)"

    redacted = redact(text, [SECRET])

    assert shown not in redacted
    assert redacted.startswith("the server said: <") and redacted.endswith("> (end)")
    assert REDACTED in redacted


@pytest.mark.parametrize(
    "shown",
    [
        "client\\u002Bsecret\\u0026more=",  # .NET's System.Text.Json: upper-case hex
        "client+secret\\u0026more\\u003d",  # Gson: lower-case hex, "=" escaped too
    ],
)
def test_json_escapes_other_serializers_write_are_redacted(shown: str) -> None:
    secret = "client+secret&more="
    assert redact(f'{{"echo": "{shown}"}}', [secret]) == f'{{"echo": "{REDACTED}"}}'


def test_the_lower_case_hex_form_is_one_the_redaction_searches_for() -> None:
    lower = FORMS["percent-encoded, lower-case hex"](SECRET)
    assert lower == "s3cr3t%2f%2b%3a%25%20%22%c3%a9-value"  # the table tests what it says
    assert lower in set(_forms(SECRET))


def test_text_without_a_secret_is_returned_unchanged() -> None:
    text = "GET /exchanges -> 404: not found"
    assert redact(text, [SECRET, "another-long-secret"]) is text
    assert redact(text, []) is text


@pytest.mark.parametrize("secret", ["", "short", "x" * (MIN_SECRET_LENGTH - 1)])
def test_secrets_shorter_than_the_minimum_are_not_searched_for(secret: str) -> None:
    text = f"a body that mentions {secret or 'nothing'} in passing"
    assert redact(text, [secret]) == text


def test_a_secret_of_the_minimum_length_is_redacted() -> None:
    secret = "k" * MIN_SECRET_LENGTH
    assert redact(f"key={secret};", [secret]) == f"key={REDACTED};"


def test_a_secret_inside_another_is_redacted_with_it_whole() -> None:
    inner, outer = "token-abcdefgh", "prefix-token-abcdefgh-suffix"
    assert redact(f"[{outer}] [{inner}]", [inner, outer]) == f"[{REDACTED}] [{REDACTED}]"


def test_redact_value_redacts_keys_and_values_at_any_depth_and_copies() -> None:
    value = {
        "error": {"message": f"bad token {SECRET}", SECRET: [1, quote_plus(SECRET), None, True]},
        "list": [[{"deep": json.dumps(SECRET)}]],
        "count": 3,
    }
    before = json.dumps(value)

    redacted = redact_value(value, [SECRET])

    assert json.dumps(value) == before  # the original is untouched
    assert redacted == {
        "error": {"message": f"bad token {REDACTED}", REDACTED: [1, REDACTED, None, True]},
        "list": [[{"deep": f'"{REDACTED}"'}]],
        "count": 3,
    }


def test_redact_value_finds_a_secret_hidden_by_json_escapes_of_any_letter() -> None:
    # json.loads decodes "\u0073" to "s": the decoded value holds the raw secret.
    hidden = json.loads('"' + "".join(f"\\u{ord(c):04X}" for c in "abcdefgh12345678") + '"')
    assert redact_value({"echo": hidden}, ["abcdefgh12345678"]) == {"echo": REDACTED}


def test_redact_value_nested_deeper_than_the_recursion_limit_is_redacted_whole() -> None:
    value: object = SECRET
    for _ in range(20_000):
        value = [value]
    assert redact_value(value, [SECRET]) == REDACTED


def test_redact_value_without_secrets_returns_the_value_itself() -> None:
    value = {"a": ["b"]}
    assert redact_value(value, []) is value


def test_for_auth_is_the_auths_own_redactor_and_accepts_any_auth() -> None:
    credentials = ClientCredentials("client-1", SECRET)
    redactor = Redactor.for_auth(credentials)
    assert redactor is Redactor.for_auth(credentials)  # one per auth: clients share it
    assert redactor.secrets() == (SECRET,)
    assert Redactor.for_auth(BearerToken("fixed-token-value")).secrets() == ("fixed-token-value",)
    assert Redactor.for_auth(object()).secrets() == ()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_kept_while_valid_and_for_the_retention_after() -> None:
    clock = Clock()
    redactor = Redactor("client-secret", clock=clock)
    redactor.remember("token-expiring-late", expires_at=10 * RETENTION)
    redactor.remember("token-of-unknown-expiry")  # counted from its last use
    for n in range(500):  # a provider handing out a token per request: none is dropped early
        redactor.remember(f"per-request-token-{n:04}")
    assert len(redactor.secrets()) == 503

    clock.now = RETENTION - 1
    redactor.remember("token-of-unknown-expiry")  # used again: kept longer
    clock.now = RETENTION + 1
    assert set(redactor.secrets()) == {
        "client-secret",
        "token-expiring-late",
        "token-of-unknown-expiry",
    }
    clock.now = 11 * RETENTION
    assert redactor.secrets() == ("client-secret",)  # the fixed secrets stay for good
    redactor.remember("short")
    assert redactor.secrets() == ("client-secret",)  # too short to search for


def _jwt(claims: dict[str, object]) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.c2lnbmF0dXJl"


def test_a_jwt_is_kept_until_its_exp_however_long_unused() -> None:
    import time

    clock = Clock()
    redactor = Redactor(clock=clock)
    lasting = _jwt({"sub": "teacher", "exp": time.time() + 5 * RETENTION})
    redactor.remember(lasting)  # from a provider: no expiry given, the JWT tells it
    redactor.remember(_jwt({"sub": "no-exp"}))
    clock.now = 3 * RETENTION  # not used since, still valid
    assert redactor.secrets() == (lasting,)
    clock.now = 7 * RETENTION
    assert redactor.secrets() == ()


def test_a_secret_cut_at_the_end_of_a_text_leaves_no_piece_with_the_cut_flag() -> None:
    # A body cut at the error cap through a secret kept all but its last characters.
    for text in ["e" * 300 + SECRET[:k] for k in (4, 12, len(SECRET) - 1)]:
        shown = Redactor(SECRET).text(text, cut=True)
        assert text.startswith(shown) and len(shown) >= len(text) - 150
        assert [k for k in range(4, len(SECRET)) if SECRET[:k] in shown] == []
    assert Redactor(SECRET).text("e" * 300 + SECRET[:12]).endswith(SECRET[:12])  # not cut


@pytest.mark.parametrize(
    ("character", "escaped"),
    [
        ("\x1b", "\\x1b"),  # ESC: the start of a CSI sequence
        ("\x07", "\\x07"),  # BEL
        ("\x9b", "\\x9b"),  # CSI in C1
        ("\u202e", "\\u202e"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u2066", "\\u2066"),  # LEFT-TO-RIGHT ISOLATE
        ("\u200b", "\\u200b"),  # ZERO WIDTH SPACE
        ("\x00", "\\x00"),
        ("\x7f", "\\x7f"),
    ],
)
def test_controls_are_escaped_in_excerpts_headers_and_urls(character: str, escaped: str) -> None:
    redactor = Redactor()
    assert escape_controls(f"a{character}b") == f"a{escaped}b"
    assert redactor.excerpt(f"x{character}[31mred") == f"x{escaped}[31mred"
    assert redactor.headers({"x-note": f"a{character}b"}) == {"x-note": f"a{escaped}b"}


def test_an_excerpt_is_redacted_then_cut_and_collapses_whitespace() -> None:
    text = "x" * (EXCERPT_LENGTH - 10) + f" {SECRET}\n\n\tend" + "y" * 500
    shown = Redactor(SECRET).excerpt(text)
    assert shown.startswith("x" * (EXCERPT_LENGTH - 10) + " [redac")
    assert len(shown) == EXCERPT_LENGTH and shown.endswith("...")
    assert SECRET[:5] not in shown


def test_headers_are_redacted_by_name_and_by_value() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    redactor = Redactor(token)
    shown = redactor.headers({"authorization": "Bearer x", "x-echo": f"Bearer {token}"})
    assert shown == {"authorization": REDACTED, "x-echo": f"Bearer {REDACTED}"}
    assert redactor.url(f"https://u:p@api.example/x?echo={token}") == (
        f"https://api.example/x?echo={REDACTED}"
    )


_ALPHABET = st.characters(codec="utf-8", exclude_characters="[]")  # the marker's own brackets


@given(
    secret=st.text(_ALPHABET, min_size=MIN_SECRET_LENGTH, max_size=40),
    before=st.text(_ALPHABET, max_size=20),
    after=st.text(_ALPHABET, max_size=20),
)
def test_any_secret_in_any_text_is_redacted_in_every_form(
    secret: str, before: str, after: str
) -> None:
    for name, form in FORMS.items():
        shown = form(secret)
        assert shown not in redact(before + shown + after, [secret]), name
