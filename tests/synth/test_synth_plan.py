"""The chunk plan: chunk sizes, and counts dealt to the chunks as a random permutation would."""

from __future__ import annotations

import math

import numpy as np
import pytest

from olistctl.synth.plan import Dealer, Part, Plan, chunk_sizes
from olistctl.synth.sampling import Scale, stage_rng


def plan(orders: int, chunk: int, seed: int = 3) -> Plan:
    return Plan(seed, Scale(orders=orders, real_orders=99_441), chunk_orders=chunk)


@pytest.mark.parametrize(
    ("orders", "chunk", "sizes"),
    [
        (10, 3, [3, 3, 2, 2]),
        (1, 20_000, [1]),
        (20_000, 20_000, [20_000]),
        (20_001, 20_000, [10_001, 10_000]),
    ],
)
def test_chunk_sizes_are_the_fewest_near_equal_chunks(orders, chunk, sizes):
    assert chunk_sizes(orders, chunk).tolist() == sizes


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError, match="chunk size 0 is not positive"):
        chunk_sizes(10, 0)


def test_a_dealer_hands_out_exactly_the_totals():
    dealer = Dealer(stage_rng(1, "t"), [5, 0, 7, 3])
    parts = [dealer.take(n) for n in (4, 6, 0, 5)]
    assert [int(p.sum()) for p in parts] == [4, 6, 0, 5]
    assert np.sum(parts, axis=0).tolist() == [5, 0, 7, 3]
    assert all(p[1] == 0 for p in parts)
    with pytest.raises(ValueError, match="cannot take 1 of the 0 items left"):
        dealer.take(1)


def test_a_dealer_deals_like_cutting_a_random_permutation():
    # The first 10 of a random permutation of 30 reds and 70 blues hold a hypergeometric
    # number of reds: mean 3, variance 10 * 0.3 * 0.7 * 90 / 99.
    reds = np.array([Dealer(stage_rng(seed, "t"), [30, 70]).take(10)[0] for seed in range(4_000)])
    assert reds.mean() == pytest.approx(3.0, abs=0.06)
    assert reds.var() == pytest.approx(10 * 0.3 * 0.7 * 90 / 99, rel=0.08)
    assert set(reds.tolist()) > {0, 1, 2, 3, 4, 5, 6}


def test_deal_fills_each_part_and_each_label_and_is_fixed_per_key():
    p = plan(10_000, 1_500)  # 7 chunks
    counts = [5_000, 3_000, 1_999, 1]
    dealt = p.deal("x", counts)
    assert dealt.shape == (7, 4)
    assert dealt.sum(axis=1).tolist() == p.sizes.tolist()
    assert dealt.sum(axis=0).tolist() == counts
    assert p.deal("x", counts) is dealt  # drawn once per key ...
    assert (plan(10_000, 1_500).deal("x", counts) == dealt).all()  # ... from the seed
    assert not (plan(10_000, 1_500, seed=4).deal("x", counts) == dealt).all()
    # Each chunk's share is near its proportional share.
    assert np.abs(dealt[:, 0] - 5_000 * p.sizes / 10_000).max() < 80
    with pytest.raises(ValueError, match="y: 9 items for parts of 10000"):
        p.deal("y", [9])


def test_split_chooses_members_of_the_populations_at_most_all():
    p = plan(1_000, 300)  # 4 chunks of 250
    populations = np.array([0, 10, 3, 100])
    assert p.split("all", 500, populations).tolist() == [0, 10, 3, 100]
    some = p.split("some", 20, populations)
    assert some.sum() == 20 and (some <= populations).all() and some[0] == 0
    assert p.split("none", -2).tolist() == [0, 0, 0, 0]
    part = Part(p, 3)
    assert part.orders == 250
    assert part.split("some", 20, populations) == some[3]


def test_one_chunk_takes_everything_without_a_draw():
    p = plan(500, 20_000)
    assert p.chunks == 1
    assert p.deal("x", [2, 498]).tolist() == [[2, 498]]
    # Quirks keep their minimum of one from 1,000 orders on, whatever the chunks.
    big = plan(1_000, 300)
    assert big.split("q", big.scale.quirk(1)).sum() == 1
    assert sum(Part(big, i).quirk("q", 1) for i in range(big.chunks)) == 1


def test_chunk_streams_differ_and_chunk_zero_keeps_the_stage_name():
    p = plan(1_000, 300)
    draws = [p.rng("orders", i).random() for i in range(p.chunks)]
    assert len(set(draws)) == p.chunks
    assert draws[0] == stage_rng(3, "orders").random()
    assert math.isclose(Part(p, 2).rng("orders").random(), draws[2])
