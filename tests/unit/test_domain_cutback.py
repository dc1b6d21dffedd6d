"""§2(b)(ii)-(iv) cutback: priority first, then pro rata, capped at requests, largest remainder."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.cutback import HolderClaim, allocate, cutback


def test_worked_example_by_owned_and_by_requested() -> None:
    holders = [
        HolderClaim("investor", 300, 1000),
        HolderClaim("bob", 300, 500),
        HolderClaim("carol", 50, 5000),
    ]
    result = cutback(1000, ("company", 600), holders)
    # 400 left. By owned, carol's 5000/6500 share would pass her 50 requested: she gets 50,
    # and 350 is shared 2:1 → 233⅓ and 116⅔ → bob's larger remainder takes the spare share.
    assert result.by_owned == {"company": 600, "investor": 233, "bob": 117, "carol": 50}
    # By requested: 400 * 300/650 = 184.6 twice, * 50/650 = 30.8 → 184, 184, 30 and two spare
    # shares to the largest remainders: carol (.77), then investor (tie with bob, named first).
    assert result.by_requested == {"company": 600, "investor": 185, "bob": 184, "carol": 31}


def test_priority_larger_than_capacity_takes_everything() -> None:
    result = cutback(100, ("demanding", 500), [HolderClaim("a", 10, 10)])
    assert result.by_owned == {"demanding": 100, "a": 0}


def test_room_for_everyone_gives_every_request_in_full() -> None:
    assert allocate(
        1000, ("co", 100), [HolderClaim("a", 10, 1), HolderClaim("b", 20, 1)], "owned"
    ) == {
        "co": 100,
        "a": 10,
        "b": 20,
    }


def test_ties_go_to_the_holder_named_first() -> None:
    equal = [HolderClaim(n, 10, 1) for n in ("a", "b", "c")]
    assert allocate(10, ("co", 0), equal, "owned") == {"co": 0, "a": 4, "b": 3, "c": 3}


claims = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 50_000)), min_size=1, max_size=7)


@given(
    st.integers(0, 60_000), st.integers(0, 20_000), claims, st.sampled_from(["owned", "requested"])
)
def test_allocation_invariants(
    capacity: int, priority: int, raw: list[tuple[int, int]], basis: str
) -> None:
    holders = [HolderClaim(f"h{i}", requested, owned) for i, (requested, owned) in enumerate(raw)]
    result = allocate(capacity, ("p", priority), holders, basis)  # type: ignore[arg-type]
    assert set(result) == {"p", *(h.name for h in holders)}
    assert result["p"] == min(priority, capacity)
    assert all(0 <= result[h.name] <= h.requested for h in holders)
    assert sum(result.values()) == min(capacity, priority + sum(h.requested for h in holders))
