"""The live part of `kg serve`: the store generation it answers from, and the switch to a newer
one while it serves.

A store opened from its folder (GraphStore.open_existing) is watched; when a writer makes a new
generation current, query workers start on it and, once they are ready, new requests go to it.
Requests in flight finish on the old generation, whose workers then stop and whose lease is let
go (kg.rdf.layout), so that the next writer may delete it."""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

from kg.errors import QdkgError, StoreError
from kg.rdf.layout import current_name, try_collect
from kg.rdf.store import GraphStore
from kg.serve.docs import render_page, store_stats
from kg.serve.workers import STARTUP_LIMIT, Pool

WATCH_INTERVAL = 0.2  # seconds between looks at the store's current generation


class Generation:
    """One generation of the store as the server answers from it: its store, its query
    workers and its cached pages, with a count of the requests still using it."""

    def __init__(self, store: GraphStore, pool: Pool):
        self.store, self.pool, self.busy, self.retired = store, pool, 0, False
        self._cache: dict[str, object] = {}
        self._cache_lock = threading.RLock()

    def cached(self, key: str, make):
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def stats(self) -> dict:
        return self.cached("stats", lambda: store_stats(self.store))

    def page(self) -> str:
        return self.cached("page", lambda: render_page(self.stats()["triples"]))

    def close(self) -> None:
        self.pool.close()
        if self.store.root is not None:
            self.store.close()


def _pool_for(store: GraphStore, workers: int, timeout: float, max_result: int) -> Pool:
    """Query workers over `store`, started; StoreError when they cannot open it."""
    source = ("path", str(store.path)) if store.path is not None else ("nquads", store.nquads())
    pool = Pool(source, max(1, workers), timeout, max_result)
    pool.ready.wait(STARTUP_LIMIT)
    if pool.failure:
        pool.close()
        raise StoreError(f"{pool.failure}; is the store readable? (kg build first)")
    return pool


class LiveStore:
    """The generation requests are answered from, followed as writers make new ones."""

    def __init__(self, store: GraphStore, *, workers: int, timeout: float, max_result: int, verbose: bool):
        self._workers, self._timeout, self._max_result, self.verbose = workers, timeout, max_result, verbose
        self._gen_lock = threading.Lock()
        self._stop = threading.Event()
        self._gen = Generation(store, _pool_for(store, workers, timeout, max_result))
        self.generation = current_name(store.root) if store.root is not None else None
        if store.root is not None:
            threading.Thread(target=self._watch, daemon=True).start()

    @property
    def store(self) -> GraphStore:
        return self._gen.store

    @property
    def pool(self) -> Pool:
        return self._gen.pool

    @contextmanager
    def using(self):
        """The current generation, held for the length of one request."""
        with self._gen_lock:
            gen = self._gen
            gen.busy += 1
        try:
            yield gen
        finally:
            with self._gen_lock:
                gen.busy -= 1
                done = gen.retired and gen.busy == 0
            if done:
                self._let_go(gen)

    def _watch(self) -> None:
        root = self.store.root
        while not self._stop.wait(WATCH_INTERVAL):
            name = current_name(root)
            if name is None or name == self.generation:
                continue
            try:
                self.switch_to(GraphStore.open_existing(root))
            except QdkgError as exc:  # e.g. swapped again meanwhile: the next look takes the newest
                if self.verbose:
                    sys.stderr.write(f"kept serving {self.generation}: {exc.message}\n")

    def switch_to(self, store: GraphStore) -> None:
        """Answer new requests from `store` (a newer generation) once its workers are ready."""
        try:
            gen = Generation(store, _pool_for(store, self._workers, self._timeout, self._max_result))
        except BaseException:
            store.close()
            raise
        with self._gen_lock:
            old, self._gen = self._gen, gen
            self.generation = store.path.name if store.path is not None else None
            old.retired = True
            idle = old.busy == 0
        if idle:
            self._let_go(old)
        if self.verbose:
            sys.stderr.write(f"now serving {self.generation}\n")

    def _let_go(self, gen: Generation) -> None:
        gen.close()
        if gen.store.root is not None and not self._stop.is_set():
            try_collect(gen.store.root)

    def close(self) -> None:
        """Stop following the store and stop the current generation's workers."""
        self._stop.set()
        with self._gen_lock:
            gen = self._gen
        gen.pool.close()
