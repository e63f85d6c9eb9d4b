"""What the benchmarks share: percentiles of measured latencies."""

from __future__ import annotations

import statistics


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of the values (the value itself when there is one, NaN for none)."""
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]
