"""The signature: HMAC-SHA256 over "t.body"; verify() refuses a tampered body, an old or future timestamp,
another secret and a malformed header."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from casedesk.hooks import signing
from casedesk.hooks.signing import SignatureError, verify

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SECRET = "whsec_test"
BODY = b'{"event":"case.opened","id":7}'


def test_the_header_is_t_and_v1_over_timestamp_dot_body() -> None:
    header = signing.header(SECRET, BODY, NOW)
    t = int(NOW.timestamp())
    expected = hmac.new(SECRET.encode(), f"{t}.".encode() + BODY, hashlib.sha256).hexdigest()  # by hand
    assert header == f"t={t},v1={expected}"
    assert verify(SECRET, header, BODY, NOW) == t


def test_a_tampered_body_is_refused() -> None:
    header = signing.header(SECRET, BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, header, BODY.replace(b"7", b"8"), NOW)


def test_another_secret_is_refused() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        verify("whsec_other", signing.header(SECRET, BODY, NOW), BODY, NOW)


def test_an_old_timestamp_is_refused_a_recent_one_taken() -> None:
    header = signing.header(SECRET, BODY, NOW - timedelta(minutes=6))
    with pytest.raises(SignatureError, match="more than 300 s"):
        verify(SECRET, header, BODY, NOW)
    assert verify(SECRET, signing.header(SECRET, BODY, NOW - timedelta(minutes=4)), BODY, NOW)
    with pytest.raises(SignatureError, match="more than 60 s"):
        verify(SECRET, header, BODY, NOW, tolerance=60)
    with pytest.raises(SignatureError):  # from the future as well
        verify(SECRET, signing.header(SECRET, BODY, NOW + timedelta(minutes=6)), BODY, NOW)


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", "t=1764590400", "garbage"])
def test_a_malformed_header_is_refused(header: str) -> None:
    with pytest.raises(SignatureError):
        verify(SECRET, header, BODY, NOW)


def test_any_one_of_several_signatures_may_match() -> None:
    t = int(NOW.timestamp())
    header = f"t={t},v1={'0' * 64},v1={signing.sign(SECRET, BODY, t)}"
    assert verify(SECRET, header, BODY, NOW) == t


def test_the_readmes_receiver_accepts_a_delivery_and_refuses_a_tampered_one() -> None:
    import time
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Webhooks") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    namespace: dict[str, object] = {}
    exec(code[: code.index("```")], namespace)
    readme_verify = namespace["verify"]
    assert callable(readme_verify)
    now = datetime.fromtimestamp(time.time(), UTC)
    assert readme_verify(SECRET, signing.header(SECRET, BODY, now), BODY) is True
    assert readme_verify(SECRET, signing.header(SECRET, BODY, now), BODY + b" ") is False
    assert readme_verify(SECRET, signing.header(SECRET, BODY, now - timedelta(minutes=6)), BODY) is False
