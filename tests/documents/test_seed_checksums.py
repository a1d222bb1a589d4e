"""The seed files are byte for byte the ones received, on every clone.

``fixtures/seeds/SHA256SUMS`` (``sha256sum`` format, so ``sha256sum -c SHA256SUMS`` checks it by
hand too) pins each seed's bytes. The comparison with the originals in ``../shared`` only runs
where that folder sits beside the checkout; this one needs nothing outside the repository. A seed
edited to make parsing easier, re-encoded, or re-saved with other line endings fails here.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.conftest import SEEDS_DIR

SUMS = SEEDS_DIR / "SHA256SUMS"
#: One ``sha256sum`` line: 64 hex digits, a space, a space (text) or ``*`` (binary), the name.
_LINE = re.compile(r"(?P<digest>[0-9a-f]{64}) [ *](?P<name>\S.*)")


def listed() -> dict[str, str]:
    """File name → digest, as ``SHA256SUMS`` states them."""
    sums: dict[str, str] = {}
    for number, line in enumerate(SUMS.read_text(encoding="utf-8").splitlines(), 1):
        found = _LINE.fullmatch(line)
        assert found, f"SHA256SUMS line {number} is not in sha256sum format: {line!r}"
        assert found["name"] not in sums, f"{found['name']} is listed twice"
        sums[found["name"]] = found["digest"]
    return sums


def test_checksums_list_exactly_the_seed_files():
    assert SUMS.is_file(), "fixtures/seeds/SHA256SUMS is missing"
    present = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert len(present) == 5
    assert sorted(listed()) == present


@pytest.mark.parametrize("path", sorted(SEEDS_DIR.glob("*.txt")), ids=lambda p: p.name[:3])
def test_each_seed_file_has_its_recorded_digest(path: Path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == listed()[path.name], f"{path.name} differs from the file received"
