"""Reading a feed in a second process: items arrive in order, errors come back whole."""

import os

import pytest

from orientation.ingestion.errors import InputError
from orientation.ingestion.pipeline import ReaderCrashed, in_background


def numbers(count):
    def produce():
        yield from range(count)

    return produce


def test_items_arrive_in_order_across_batches():
    assert list(in_background(numbers(1000), batch_size=7)) == list(range(1000))


def test_items_come_from_another_process():
    def produce():
        yield os.getpid()

    [pid] = in_background(produce)
    assert pid != os.getpid()


def test_an_input_error_in_the_reader_is_raised_here_with_where_and_why():
    def produce():
        yield 1
        raise InputError("flux.xml", "XML mal formé : Premature end of data", line=81234, record="F-1")

    items = in_background(produce)
    assert next(items) == 1
    with pytest.raises(InputError) as error:
        next(items)
    assert error.value.problem.line == 81234
    assert error.value.problem.describe() == (
        "flux.xml, ligne 81234, enregistrement F-1: XML mal formé : Premature end of data"
    )


def test_a_reader_that_dies_is_reported():
    def produce():
        yield 1
        os._exit(3)

    with pytest.raises(ReaderCrashed, match="code 3"):
        list(in_background(produce))


def test_stopping_early_stops_the_reader():
    def produce():
        while True:
            yield os.getpid()

    items = in_background(produce)
    child = next(items)
    items.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
