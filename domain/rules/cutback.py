"""Underwriter cutback: who gets how many shares when an offering must be cut (§2(b)(ii)-(iv)).

The priority claim (the Company's own shares in a primary, the demanding holder's in a
secondary) is filled first. What is left is shared pro rata among the other holders, never
above a holder's request; what a capped holder cannot take is shared again among the rest.
Whole shares are handed out by largest remainder, ties going to the holder named first.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Basis = Literal["owned", "requested"]


@dataclass(frozen=True)
class HolderClaim:
    name: str
    requested: int
    owned: int


@dataclass(frozen=True)
class Cutback:
    by_owned: dict[str, int]
    by_requested: dict[str, int]


def cutback(capacity: int, priority: tuple[str, int], holders: list[HolderClaim]) -> Cutback:
    """Both allocations: pro rata by shares owned (§2(b)(ii)/(iii)) and requested (§2(b)(iv))."""
    return Cutback(
        by_owned=allocate(capacity, priority, holders, "owned"),
        by_requested=allocate(capacity, priority, holders, "requested"),
    )


def allocate(
    capacity: int, priority: tuple[str, int], holders: list[HolderClaim], basis: Basis
) -> dict[str, int]:
    priority_name, priority_requested = priority
    first = min(priority_requested, capacity)
    shares = _pro_rata(capacity - first, holders, basis)
    return {priority_name: first, **shares}


def _pro_rata(room: int, holders: list[HolderClaim], basis: Basis) -> dict[str, int]:
    granted: dict[str, Fraction] = {h.name: Fraction(0) for h in holders}
    sharing = [h for h in holders if h.requested > 0]
    left = Fraction(room)
    # Share what is left by weight; a holder whose share would pass its request is capped
    # at the request and drops out, and the surplus is shared again among the rest.
    while sharing and left > 0:
        weights = {h.name: Fraction(h.owned if basis == "owned" else h.requested) for h in sharing}
        total = sum(weights.values())
        if total == 0:
            weights = {h.name: Fraction(1) for h in sharing}
            total = Fraction(len(sharing))
        capped = [
            h for h in sharing if left * weights[h.name] / total >= h.requested - granted[h.name]
        ]
        if not capped:
            for h in sharing:
                granted[h.name] += left * weights[h.name] / total
            left = Fraction(0)
            break
        for h in capped:
            left -= h.requested - granted[h.name]
            granted[h.name] = Fraction(h.requested)
        sharing = [h for h in sharing if h not in capped]
    return _largest_remainder(granted, holders)


def _largest_remainder(granted: dict[str, Fraction], holders: list[HolderClaim]) -> dict[str, int]:
    whole = {name: int(share) for name, share in granted.items()}
    spare = round(sum(granted.values())) - sum(whole.values())
    order = sorted(
        range(len(holders)),
        key=lambda i: (-(granted[holders[i].name] - whole[holders[i].name]), i),
    )
    for i in order[:spare]:
        whole[holders[i].name] += 1
    return whole
