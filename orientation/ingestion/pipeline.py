"""Read a feed in a second process while this one writes: two cores instead of one.

A national feed costs as much to parse (XML, validation) as to write. ``in_background``
runs a reading generator in a forked child process and yields its items here, in
order, through a bounded queue: the child parses the next batches while the parent
writes the current one, and memory stays bounded by the queue. The child never
touches the database. An error raised in the child is raised again here; if the
parent stops early, the child is stopped.

Where ``fork`` does not exist (not Linux), the generator simply runs here.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import signal
import traceback
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

#: items sent together (one queue message)
BATCH = 200
#: batches waiting in the queue at most: the memory the child may run ahead by
QUEUE_SIZE = 8


class ReaderCrashed(RuntimeError):
    """The reading process failed on something that is not an error of the input."""


def _produce(produce: Callable[[], Iterator[T]], channel: Any, batch_size: int) -> None:
    # The parent may have its own handlers (a worker's graceful shutdown): the reader
    # has nothing to finish and must stop when told.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    batch: list[T] = []
    try:
        for item in produce():
            batch.append(item)
            if len(batch) >= batch_size:
                channel.put(("items", batch))
                batch = []
        channel.put(("items", batch))
        channel.put(("end", None))
    except BaseException as error:  # sent to the parent, which raises it after the items read before
        channel.put(("items", batch))
        try:
            channel.put(("error", error))
        except Exception:  # an exception that cannot be pickled: its text, at least
            channel.put(("crash", "".join(traceback.format_exception(error))))
    finally:
        channel.close()
        channel.join_thread()


def in_background(produce: Callable[[], Iterator[T]], *, batch_size: int = BATCH) -> Iterator[T]:
    """Yield what ``produce()`` yields, computed in a child process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from produce()
        return
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=QUEUE_SIZE)
    process = context.Process(target=_produce, args=(produce, channel, batch_size), daemon=True)
    process.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=1.0)
            except queue_module.Empty:
                if not process.is_alive():
                    raise ReaderCrashed(
                        f"le processus de lecture s’est arrêté sans finir (code {process.exitcode})"
                    ) from None
                continue
            if kind == "items":
                yield from payload
            elif kind == "end":
                break
            elif kind == "error":
                raise payload
            else:
                raise ReaderCrashed(f"le processus de lecture a échoué :\n{payload}")
    finally:
        if process.is_alive():
            process.kill()  # it only reads: nothing is lost
        process.join()
        channel.close()
