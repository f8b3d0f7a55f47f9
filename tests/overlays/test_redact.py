"""redact / redact_bytes / redact_value: every form a server could echo a secret in is replaced."""

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
    MIN_SECRET_LENGTH,
    REDACTED,
    _forms,
    redact,
    redact_bytes,
    redact_value,
    secrets_of,
)

# "/", "+", ":", "%", " ", a quote and a non-ASCII letter: each encoding writes them differently.
SECRET = 's3cr3t/+:% "é-value'


def _basic(user: str, secret: str) -> str:
    return base64.b64encode(f"{quote_plus(user)}:{quote_plus(secret)}".encode()).decode()


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
    "HTML": html.escape,
    "Basic pair": lambda s: _basic("client-1", s),
    "Basic pair, one more character of user": lambda s: _basic("client-12", s),
    "Basic pair, two more": lambda s: _basic("client-123", s),
    "base64 URL-safe of the raw secret": lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
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
    assert redact_bytes(text.encode(), [SECRET]).decode() == redacted


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


def test_redact_value_walks_nesting_deeper_than_the_recursion_limit() -> None:
    depth = 20_000
    value: object = SECRET
    for _ in range(depth):
        value = [value]

    redacted = redact_value(value, [SECRET])

    for _ in range(depth):
        assert isinstance(redacted, list) and len(redacted) == 1
        redacted = redacted[0]
    assert redacted == REDACTED


def test_redact_value_without_secrets_returns_the_value_itself() -> None:
    value = {"a": ["b"]}
    assert redact_value(value, []) is value


def test_secrets_of_asks_the_auth_and_accepts_any_auth() -> None:
    credentials = ClientCredentials("client-1", SECRET)
    assert SECRET in secrets_of(credentials)
    assert _basic("client-1", SECRET) in secrets_of(credentials)
    assert secrets_of(BearerToken("fixed-token-value")) == ("fixed-token-value",)
    assert secrets_of(object()) == ()


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


@given(
    secret=st.text(_ALPHABET, min_size=MIN_SECRET_LENGTH, max_size=40),
    before=st.binary(max_size=5),
    after=st.binary(max_size=5),
)
def test_base64_of_a_secret_at_any_offset_is_redacted(
    secret: str, before: bytes, after: bytes
) -> None:
    encoded = base64.b64encode(before + secret.encode() + after).decode()
    redacted = redact(encoded, [secret])
    assert redacted.count(REDACTED) == 1
    # What is left is about what encodes the bytes around the secret, not the secret itself
    # (a secret of 8 bytes or more takes 10 characters or more).
    left = len(redacted) - len(REDACTED)
    assert left <= (len(before) + len(after)) * 4 / 3 + 6
