"""Time limits for work that cannot be interrupted from Python (an Oxigraph query): run it in
a forked child process and kill the child when the time is up."""
from __future__ import annotations

import multiprocessing as mp

from kg.errors import QdkgError, QueryError, one_line


def _child(conn, fn, args, kwargs) -> None:
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except QdkgError as exc:
        conn.send(("error", exc))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, in one line
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def call_with_timeout(fn, timeout: float, *args, **kwargs):
    """fn(*args, **kwargs) in a child process, at most `timeout` seconds (0: no limit, in process)."""
    if not timeout:
        return fn(*args, **kwargs)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryError(f"the query did not finish within the {timeout:g} s time limit: add a LIMIT, "
                             "narrow the pattern, or raise --timeout")
        kind, value = parent.recv()
    except EOFError:
        raise QueryError("the query process died (out of memory?): narrow the query or add a LIMIT") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if kind == "error":
        raise value
    if kind == "crash":
        raise QueryError(f"the query failed: {one_line(value)}")
    return value
