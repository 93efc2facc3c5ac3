"""A bug met by one article (an exception in extraction, in-process or in a worker process)
names the file and the rest of the build goes on; --strict stops with one line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import kg.pipeline.run as run
from kg.cli.app import cli
from kg.errors import InputError
from kg.rdf.store import GraphStore

ARTICLES = {f"a{i}.txt": f"市北区第{i}号项目开工，青岛第{i}科技有限公司入驻产业园。" for i in range(6)}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "bad.txt").write_text("市南区召开大会。BOOM", encoding="utf-8")
    real = run.extract_source

    def flaky(src):
        if "BOOM" in src.text:
            raise ValueError("a bug met\nby this article")
        return real(src)
    monkeypatch.setattr(run, "extract_source", flaky)  # forked workers inherit it
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_failed_file_is_skipped_and_named(folder, jobs):
    store = GraphStore()
    report = run.build([folder], store, jobs=jobs)
    assert report.articles == len(ARTICLES)
    assert [str(s) for s in report.skipped] == [f"{folder / 'bad.txt'}: extraction failed (ValueError: a bug met by "
                                                "this article)"]


def test_strict_stops_at_the_failed_file(folder):
    with pytest.raises(InputError, match=r"bad\.txt: extraction failed \(ValueError"):
        run.build([folder], GraphStore(), jobs=2, strict=True)


def test_cli_prints_one_line_and_builds_the_rest(folder, tmp_path):
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(folder), "--out", str(tmp_path / "o"),
                                   "--jobs", "2"])
    assert res.exit_code == 0, res.output
    assert res.stderr == f"Skipped {folder / 'bad.txt'}: extraction failed (ValueError: a bug met by this article)\n"
    assert res.stdout.startswith("Read 7 file(s): 6 articles")
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(folder), "--strict",
                                   "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.output
