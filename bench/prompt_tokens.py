"""Benchmark: prompt tokens of a context block as compact JSON, indented JSON and TOON.

Usage: .venv/bin/python bench/prompt_tokens.py [--cv FILE]

The CV is ``examples/cv.json`` when it exists, else the sample resume of the
model tests; it is parsed into the canonical model and dumped as the agents send
it. Tokens are counted offline with cl100k_base. For each block the table shows
the three encodings, the one the PromptBuilder picks (the smaller of compact
JSON and TOON; indented JSON is shown only as the naive baseline) and how much
that saves against indented JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import toon_format

from cvpath.llm.context_encoding import compact_json, encode_block
from cvpath.llm.tokens import count_tokens, encoding
from cvpath.models import cv_from_json_resume

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [
    ROOT / "examples" / "cv.json",
    ROOT / "tests" / "unit" / "models" / "testdata" / "sample_resume.json",
]

# A uniform table, as an analysis or a skills inventory is: TOON's best case.
SKILLS_TABLE = [
    {"name": name, "level": level, "years": years, "lastUsed": last}
    for name, level, years, last in [
        ("Python", "Expert", 9, 2026),
        ("PostgreSQL", "Advanced", 7, 2026),
        ("AWS Lambda", "Advanced", 5, 2026),
        ("Step Functions", "Intermediate", 3, 2025),
        ("TypeScript", "Intermediate", 4, 2025),
        ("Terraform", "Intermediate", 3, 2024),
        ("Kubernetes", "Beginner", 1, 2023),
        ("Rust", "Beginner", 1, 2024),
        ("Data modelling", "Advanced", 8, 2026),
        ("Technical writing", "Advanced", 6, 2026),
        ("Go", "Intermediate", 2, 2025),
        ("Kafka", "Intermediate", 3, 2024),
    ]
]


def blocks(cv_path: Path) -> dict[str, Any]:
    raw = json.loads(cv_path.read_text(encoding="utf-8"))
    cv = cv_from_json_resume(raw).model_dump(mode="json", exclude_none=True)
    return {
        "cv (canonical)": cv,
        "cv.work": cv.get("work", []),
        "cv.skills": cv.get("skills", []),
        "skills table": {"skills": SKILLS_TABLE},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cv", type=Path, default=next((p for p in CANDIDATES if p.exists()), CANDIDATES[-1])
    )
    args = parser.parse_args()

    started = time.perf_counter()
    encoding()
    print(f"cl100k_base loaded offline in {(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"CV: {args.cv.relative_to(ROOT) if args.cv.is_relative_to(ROOT) else args.cv}\n")

    columns = ("compact JSON", "indented JSON", "TOON")
    header = (
        f"{'block':<16} {columns[0]:>12} {columns[1]:>13} {columns[2]:>6}  {'chosen':<6} {'vs indented':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, value in blocks(args.cv).items():
        indented = count_tokens(json.dumps(value, ensure_ascii=False, indent=2))
        compact = count_tokens(compact_json(value))
        toon = count_tokens(toon_format.dumps(value))
        block = encode_block(value)
        assert (block.json_tokens, block.toon_tokens) == (compact, toon)
        saving = 100 * (indented - block.tokens) / indented if indented else 0.0
        print(f"{name:<16} {compact:>12,} {indented:>13,} {toon:>6,}  {block.encoding:<6} {saving:>10.1f}%")

    value = blocks(args.cv)["cv (canonical)"]
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        encode_block(value)
    per_call = (time.perf_counter() - started) / runs * 1000
    print(
        f"\nencode_block on the whole CV (both encodings + counts): {per_call:.2f} ms per block ({runs} runs)"
    )


if __name__ == "__main__":
    main()
