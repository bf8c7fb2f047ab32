"""The spec's content hash (ids from content) and its one causal-mask test."""

from __future__ import annotations

import numpy as np

import vizkit as vk
from vizkit.spec.digest import content_digest
from vizkit.spec.masks import CAUSAL_TOL, is_causal


def test_equal_figures_hash_alike_and_any_change_shows():
    z = np.random.default_rng(0).random((30, 30))
    a, b = vk.imshow(z, title="t"), vk.imshow(z.copy(), title="t")
    assert content_digest(a) == content_digest(b) and len(content_digest(a)) == 12
    bumped = z.copy()
    bumped[17, 3] = np.nextafter(bumped[17, 3], 2)  # one ulp in one cell
    assert content_digest(vk.imshow(bumped, title="t")) != content_digest(a)
    assert content_digest(a.replace(title="u")) != content_digest(a)
    assert content_digest(a, "dark") != content_digest(a, "default")


def test_labels_that_differ_only_in_how_they_split_hash_apart():
    assert content_digest(("ab", "c")) != content_digest(("a", "bc"))


def test_causal_means_nothing_above_the_diagonal_within_the_tolerance():
    pattern = np.tril(np.ones((4, 4)))
    assert is_causal(pattern)
    assert is_causal(np.where(pattern > 0, pattern, np.nan))  # a masked (NaN) triangle
    assert is_causal(pattern + np.triu(np.full((4, 4), CAUSAL_TOL / 2), 1))  # float noise from a softmax
    assert not is_causal(pattern + np.triu(np.full((4, 4), 0.01), 1))
    assert not is_causal(np.ones((1, 4))[:, :1])  # nothing above the diagonal: not called causal


def test_fewer_queries_than_keys_are_the_last_positions():
    last_two = np.tril(np.ones((4, 4)))[2:]  # queries 2 and 3 of 4 keys (a KV cache)
    assert is_causal(last_two) and not is_causal(np.ones((2, 4)))
