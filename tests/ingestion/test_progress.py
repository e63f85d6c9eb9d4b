import io

from orientation.ingestion import base
from orientation.ingestion.base import Progress


def test_progress_in_a_log_says_it_is_alive_when_the_length_is_unknown(monkeypatch):
    clock = iter([0.0, 5.0, 11.0, 12.0, 23.0, 24.0])
    monkeypatch.setattr(base.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = Progress(stream, "formations", None, interactive=False)  # started at 0
    for _ in range(4):  # at 5 s, 11 s, 12 s, 23 s
        progress.advance(1000)
    lines = stream.getvalue().splitlines()
    assert lines == ["  formations : 2 000 en 11.0 s", "  formations : 4 000 en 23.0 s"]
    progress.finish()  # at 24 s
    assert stream.getvalue().splitlines()[-1] == "  formations : 4 000 en 24.0 s"


def test_progress_in_a_log_writes_each_tenth_when_the_length_is_known():
    stream = io.StringIO()
    progress = Progress(stream, "communes", 100, interactive=False)
    for _ in range(100):
        progress.advance()
    assert len(stream.getvalue().splitlines()) == 10


def test_progress_in_a_log_writes_one_line_for_a_leap_and_no_empty_line_at_the_end():
    from django.core.management.base import OutputWrapper

    stream = io.StringIO()
    progress = Progress(OutputWrapper(stream), "pages de la base copiées", 656, interactive=False)
    progress.advance(100)  # 15 %
    progress.advance(556)  # 100 % at once (SQLite copies a small database in one step)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert [line.split(" en ")[0] for line in lines] == [
        "  pages de la base copiées : 100/656 (15 %)",
        "  pages de la base copiées : 656/656 (100 %)",
    ]
