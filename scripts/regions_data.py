"""Make builder/data/regions.tsv.gz from the npm package idn-area-data.

Usage (in a scratch folder):
    npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    python scripts/regions_data.py package/ builder/data/regions.tsv.gz

The output holds one line per area, `code<TAB>name`, under a header naming the source
version. The parent of an area is its code without the last part, so provinces,
regencies/cities, districts (kecamatan) and villages (kelurahan/desa) fit one list. Lines are
ordered by parent, then by name, so the areas under a parent come together in the order a
list shows them and reading the file needs no sorting. The file is
written with a fixed gzip time stamp, so making it twice gives the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")


def build(package: Path, out: Path) -> int:
    """Write the compact file; return the number of areas."""
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    rows: dict[str, str] = {}
    for name in FILES:
        with (package / "data" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code, label = row["code"].strip(), " ".join(row["name"].split())
                if "\t" in label or not code:
                    raise SystemExit(f"{name}: unusable row {row!r}")
                rows[code] = label
    lines = [f"# {meta['name']} {meta['version']} (data: ODbL 1.0)"]
    order = sorted(rows, key=lambda c: (c.rpartition(".")[0], rows[c].casefold(), c))
    lines += [f"{code}\t{rows[code]}" for code in order]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    count = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} areas -> {sys.argv[2]}")
