"""The AWS tools accept the template: `sam validate --lint`, cfn-lint with the serverless rules, `sam build`.

These need the SAM CLI environment (`make infra-tools`); CI must run them, so a
missing tool fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
# Same default as the Makefile: pyenv puts the Lambda runtime's python3.12 on PATH for `sam build`.
PYENV_VERSIONS = "3.11.7:3.12.1:3.13.0"


def tool(name: str) -> Path:
    bin_dir = Path(os.environ.get("CVPATH_SAM_BIN_DIR") or ROOT / ".cvpath" / "tools" / "sam" / "bin")
    path = bin_dir / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make infra-tools`")
    return path


def run(args: list[str], *, timeout_s: int, env: dict[str, str] | None = None) -> str:
    environment = {**os.environ, "SAM_CLI_TELEMETRY": "0", **(env or {})}
    done = subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args[:2])} failed:\n{output[-4000:]}"
    return output


def test_sam_validate_lint_accepts_the_template() -> None:
    output = run([str(tool("sam")), "validate", "--lint", "--template", str(TEMPLATE)], timeout_s=120)
    assert "is a valid SAM Template" in output


def test_cfn_lint_with_serverless_rules_finds_nothing() -> None:
    output = run([str(tool("cfn-lint")), str(TEMPLATE), "-a", "cfn_lint_serverless.rules"], timeout_s=120)
    assert output.strip() == ""


@pytest.mark.timeout(600)
def test_sam_build_packages_every_function_and_the_layer(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    run(
        [str(tool("sam")), "build", "--template", str(TEMPLATE), "--build-dir", str(build_dir)],
        timeout_s=540,
        env={"PYENV_VERSION": os.environ.get("PYENV_VERSION", PYENV_VERSIONS)},
    )
    assert (build_dir / "template.yaml").is_file()
    assert (build_dir / "CvpathLayer" / "python" / "cvpath" / "config.py").is_file()
    assert (build_dir / "RenderFunction" / "cvpath_render" / "tasks.py").is_file()
    # The migrations ship inside the pipeline package (sql/ is a symlink in the source tree).
    bundled = sorted(
        p.name for p in (build_dir / "MigrationsFunction" / "cvpath_pipeline" / "sql").glob("*.sql")
    )
    assert bundled == sorted(p.name for p in (ROOT / "sql").glob("*.sql"))
