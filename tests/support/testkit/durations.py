"""How the measuring scripts print a duration, so the bench and the figures agree."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """`1 h 08 min 19 s`, `3 min 00 s`, `0 s`: to the second, fixed width past a minute."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
