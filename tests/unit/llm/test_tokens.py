"""Offline token counting: cl100k_base from the bundled file, never from the network."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from cvpath.llm.tokens import ENCODING_NAME, count_tokens, encoding


def test_counts_match_the_official_cl100k_ids() -> None:
    # Given the bundled vocabulary, When a known phrase is encoded
    ids = encoding().encode_ordinary("hello world")
    # Then the ids are cl100k_base's (15339 "hello", 1917 " world")
    assert ids == [15339, 1917]
    assert count_tokens("hello world") == 2


def test_the_encoding_is_loaded_once_per_process() -> None:
    assert encoding() is encoding()
    assert encoding().name == ENCODING_NAME


def test_empty_text_has_no_tokens() -> None:
    assert count_tokens("") == 0


def test_special_token_markers_in_user_text_are_plain_text() -> None:
    # Given a CV that happens to contain a control-token marker
    text = "Skills: <|endoftext|> and <|fim_prefix|>"
    # When it is counted, Then it neither raises nor collapses into one control token
    assert count_tokens(text) > 3


def test_first_load_needs_no_network_and_no_cache(tmp_path: Path) -> None:
    # Given a fresh interpreter whose sockets raise and whose tiktoken cache is empty
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise RuntimeError("network used")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from cvpath.llm.tokens import count_tokens
        print(count_tokens("offline tokens"))
        """
    )
    env = {"TIKTOKEN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    # When it counts tokens
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    # Then the bundled vocabulary is used and nothing tried to connect
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) == 2
