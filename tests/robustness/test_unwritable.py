"""Outputs that cannot be written: a folder that is really a file, a read-only folder (when not
running as root), a full disk at rename or fsync time. Each gives one line on stderr, a
non-zero exit code, and leaves the previous file as it was (and no temporary file)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import api
from kg.cli.app import cli

ARTICLE = ("青岛日报2021年12月1日第3版\n市北：打造国际航运贸易金融创新中心\n"
           "市北区与中国远洋海运集团有限公司签署战略合作协议，共建航运服务平台。该平台由青岛港国际股份有限公司负责运营。\n")
OLD = b"@prefix old: <http://example.org/old#> .\nold:a old:b old:c .\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("unwritable")
    (base / "a.txt").write_text(ARTICLE, encoding="utf-8")
    api.build([base / "a.txt"], store=base / "S", out=base / "O")
    return base / "S"


def kg(store: Path, *args):
    return CliRunner().invoke(cli, ["--store", str(store), *map(str, args)])


def one_line_error(res, code: int = 4) -> str:
    assert res.exit_code == code, (res.exit_code, res.output)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("Error: "), err
    assert "Traceback" not in res.output
    return err


def test_export_works(store, tmp_path):
    res = kg(store, "export", "-o", tmp_path / "g.ttl")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "g.ttl").read_bytes().startswith(b"@prefix")


def test_export_into_a_path_under_a_file(store, tmp_path):
    blocker = tmp_path / "exports"
    blocker.write_bytes(OLD)  # a file where the output folder should be
    err = one_line_error(kg(store, "export", "-o", blocker / "qdkg.ttl"))
    assert str(blocker) in err and "choose" in err
    assert blocker.read_bytes() == OLD


def test_build_out_under_a_file_writes_nothing(store, tmp_path):
    blocker = tmp_path / "exports"
    blocker.write_bytes(OLD)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    err = one_line_error(kg(tmp_path / "S", "build", tmp_path / "a.txt", "--out", blocker / "sub"))
    assert str(blocker / "sub") in err
    assert blocker.read_bytes() == OLD
    assert not (tmp_path / "S").exists()  # checked before the store is touched


def test_view_into_a_path_under_a_file(store, tmp_path):
    blocker = tmp_path / "exports"
    blocker.write_bytes(OLD)
    one_line_error(kg(store, "view", "-o", blocker / "graph.html"))
    assert blocker.read_bytes() == OLD


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders; the other tests simulate the failure")
def test_export_into_read_only_folder(store, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "qdkg.ttl").write_bytes(OLD)
    folder.chmod(0o555)
    try:
        err = one_line_error(kg(store, "export", "-o", folder / "qdkg.ttl"))
        assert "permission denied" in err.lower()
        assert (folder / "qdkg.ttl").read_bytes() == OLD
    finally:
        folder.chmod(0o755)


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("call", ["replace", "fsync"])
def test_export_disk_full(store, tmp_path, monkeypatch, call):
    target = tmp_path / "qdkg.ttl"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, call, _enospc)  # at the OS boundary, under kg.out.files.write_atomic
    res = kg(store, "export", "-o", target)
    monkeypatch.undo()
    err = one_line_error(res)
    assert str(target) in err and "No space left on device" in err
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qdkg.ttl"]  # no temporary file left


# regression test (bug fixed): kg.out.files.write_atomic calls tempfile.mkstemp outside its try/except OSError: ENOSPC/EDQUOT/EROFS when creating the temporary file escape
def test_export_disk_full_at_mkstemp(store, tmp_path, monkeypatch):
    target = tmp_path / "qdkg.ttl"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, "open", _enospc)  # tempfile.mkstemp cannot create the temporary file
    res = kg(store, "export", "-o", target)
    monkeypatch.undo()
    err = one_line_error(res)
    assert str(target) in err or str(tmp_path) in err
    assert target.read_bytes() == OLD
