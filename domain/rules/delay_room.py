"""How many Allowed Delay days are still to be had (§2(d)): the longest delay that could begin
on a day, and the most days a running delay could still be extended by."""

from __future__ import annotations

from datetime import date

from domain.rules.allowed_delay import AllowedDelayRule, Delay


def longest_new_delay(rule: AllowedDelayRule, delays: list[Delay], start: date) -> int:
    """The most days a delay beginning on `start` could last; 0 if none could begin then."""
    if any(d.is_active_on(start) for d in delays):
        return 0
    return rule.longest_from(delays, start, rule.terms.max_days)


def extension_room(rule: AllowedDelayRule, delays: list[Delay], running: Delay) -> int:
    """The most days `running`, one of `delays`, could still be extended by; 0 if none."""
    others = list(delays)
    others.remove(running)
    most = running.days + rule.terms.max_days
    return max(0, rule.longest_from(others, running.start, most) - running.days)
