"""How many Allowed Delay days are still to be had (§2(d)): the longest delay that could begin
on a day, and the most days a running delay could still be extended by."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.rules.allowed_delay import AllowedDelayRule, Delay


def longest_new_delay(rule: AllowedDelayRule, delays: list[Delay], start: date) -> int:
    """The most days a delay beginning on `start` could last; 0 if none could begin then."""
    if any(d.is_active_on(start) for d in delays):
        return 0
    return _most_days(rule, delays, lambda n: Delay(start, n))


def extension_room(rule: AllowedDelayRule, delays: list[Delay], running: Delay) -> int:
    """The most days `running`, one of `delays`, could still be extended by; 0 if none."""
    others = list(delays)
    others.remove(running)
    return _most_days(rule, others, lambda n: Delay(running.start, running.days + n))


def _most_days(
    rule: AllowedDelayRule, standing: list[Delay], with_days: Callable[[int], Delay]
) -> int:
    """The largest n (at most the cap) for which `standing` (which keep the caps, as replayed
    delays do) and `with_days(n)` break no cap, else 0. More days only ever add delay days, so
    the delays that fit are 1 .. n: a binary search, counting only delays near the new one
    (near the longest it could be, which is near every shorter one too)."""
    longest = with_days(rule.terms.max_days)
    standing = rule.within_reach(standing, longest.start, longest.expires)
    fits, too_many = 0, rule.terms.max_days + 1
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if rule.breach_adding(standing, with_days(middle)) is None:
            fits = middle
        else:
            too_many = middle
    return fits
