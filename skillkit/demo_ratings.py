"""The demo agency's ratings: who rates whom, and every rating drawn from the truth behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from skillkit.demo_names import DEVELOP, PRAISE
from skillkit.rubric import SOURCES
from skillkit.text_columns import code_dtype

if TYPE_CHECKING:  # the demo imports this module: only the type of its world is named here
    from skillkit.demo import World

Array = NDArray[Any]
Rng = np.random.Generator
# fmt: off
CLIENT_FACING = ("client-understanding", "communication", "relationship-management",
                 "strategic-advice", "effectiveness")
# fmt: on
NOISE_SD, LENIENCY_SD, SELF_LENIENCY = 0.4, 0.35, 0.4


# position_within and row_order serve the demo's organisation and KPIs too: they live here
# because the demo imports this module, so imports run one way.
def position_within(keys: Array) -> Array:
    """Each element's position among the elements with the same key, in index order."""
    order = np.argsort(keys, kind="stable")
    pos = np.empty(len(keys), np.int64)
    pos[order] = np.arange(len(keys)) - np.searchsorted(keys[order], keys[order])
    return pos


def row_order(*columns: tuple[Array, int]) -> Array:
    """Row order by small-integer columns given as (values, bound), most significant first."""
    key = np.zeros(len(columns[0][0]), np.int64)
    for values, bound in columns:  # in place: one key array however many rows
        key *= bound
        key += values
    return np.argsort(key, kind="stable")


def _peers(team: Array, manager: Array, rng: Rng) -> tuple[Array, Array]:
    """Three to five fixed team-mates per person (enough to stay anonymous), never their line
    manager or reports."""
    n, members, per_team = len(team), np.argsort(team, kind="stable"), np.bincount(team)
    start, size, pos = (np.cumsum(per_team) - per_team)[team], per_team[team], position_within(team)
    others = np.maximum(size - 1, 1)
    offset = (rng.random(n) * others).astype(np.int64)
    steps = np.arange(6)[None, :]
    rated = np.repeat(np.arange(n), 6).reshape(n, 6)
    shift = 1 + (offset[:, None] + steps) % others[:, None]
    rater = members[start[:, None] + (pos[:, None] + shift) % size[:, None]]
    ok = (steps < size[:, None] - 1) & (manager[rated] != rater) & (manager[rater] != rated)
    ok &= np.cumsum(ok, axis=1) <= rng.integers(3, 6, n)[:, None]
    return rated[ok], rater[ok]


def _clients(team: Array, facing: Array, rng: Rng) -> tuple[Array, Array, int]:
    """One or two client contacts per client-facing person, from a pool per team."""
    who = np.flatnonzero(facing)
    per_team = np.bincount(team[who], minlength=int(team.max()) + 1)
    pool = np.where(per_team > 0, np.maximum(2, np.ceil(per_team * 0.7)), 0).astype(np.int64)
    base, size = (np.cumsum(pool) - pool)[team[who]], pool[team[who]]
    pos = position_within(team[who])
    many = rng.integers(1, 3, len(who))
    contacts = [(base + (pos + j) % np.maximum(size, 1))[many > j] for j in range(2)]
    return np.concatenate([who[many > j] for j in range(2)]), np.concatenate(contacts), pool.sum()


def rating_columns(world: World, rng: Rng) -> tuple[Array | pd.Categorical, ...]:
    """Every source's ratings: truth + rater leniency + noise, on the rubric's scale.

    The columns of the ratings table, in FORMATS.md's order: the demo makes them its table.
    """
    n, n_q, n_c = len(world.rung), len(world.periods), len(world.comps)
    manager, rank, comps = world.manager, world.rank, world.comps
    managed = np.flatnonzero(manager >= 0)
    peer_e, peer_r = _peers(world.team, manager, rng)
    client_e, client_r, n_clients = _clients(world.team, world.rung >= world.goal - 2, rng)
    leniency = rng.normal(0.0, LENIENCY_SD, n + n_clients)
    reports = np.bincount(manager[managed], minlength=n)
    line_managers = (world.rung == world.goal - 1) & (reports >= 2)
    planted = np.lexsort((rank, -reports, ~line_managers))[:2]  # one lenient, one severe
    leniency[planted] = (0.9, -1.0)[: len(planted)]
    to_report = np.where(np.isin(comps, ["motivation", "communication"]), 0.95, 0.6)
    to_client = np.where(np.isin(comps, CLIENT_FACING), 0.85, 0.0)
    to_client = to_client if to_client.any() else np.full(n_c, 0.85)
    specs = [  # rated, rater, share of competencies observed, share of quarters taking part
        (np.arange(n), np.arange(n), np.ones(n_c), 1.0),
        (managed, manager[managed], np.ones(n_c), 1.0),
        (peer_e, peer_r, np.full(n_c, 0.85), 0.95),
        (manager[managed], managed, to_report, 0.85),
        (client_e, client_r + n, to_client, 0.8),
    ]
    e, r, q, c, src, seen = _rating_rows(world, specs, n_clients, rng)
    value = _rating_values(world, (e, r, q, c), leniency, int((src == 0).sum()), rng)
    value[~seen] = np.nan
    quiet = (world.rung <= 1) & (manager >= 0) & (world.group == "") & world.present[:, -2]
    gaps = rng.permutation(np.flatnonzero(quiet))[:2]  # no manager rating this quarter
    last = np.flatnonzero((src == 1) & (q == n_q - 1))
    keep = np.ones(len(e), bool)
    keep[last[np.isin(e[last], gaps)]] = False
    note = _notes(value, seen, rng)
    del seen  # each row-long array freed when done: hundreds of MiB at 100,000 people
    # From here on people and raters are coded by their position in id order, clients last.
    e = rank.astype(np.int32)[e]
    r = np.concatenate([rank, n + np.arange(n_clients)]).astype(np.int32)[r]
    order = row_order((q, n_q), (e, n), (src, 5), (r, n + n_clients), (c, n_c))
    order = order[keep[order]]
    del keep
    e, r, q, c, src, value, note = (a[order] for a in (e, r, q, c, src, value, note))
    del order
    ids = world.ids[np.argsort(rank)]
    clients = [f"C{k + 1:0{max(3, len(str(n_clients)))}d}" for k in range(n_clients)]
    rater_ids = np.concatenate([ids, np.array(clients, dtype=object)])
    comments = (*PRAISE, *DEVELOP, "")  # code -1, no comment, is the last
    return (_categorical(q, world.periods), _categorical(e, ids), _categorical(r, rater_ids),
            _categorical(src, SOURCES), _categorical(c, comps), value,
            _categorical(note, comments))  # fmt: skip


def _rating_rows(
    world: World, specs: list[tuple[Array, Array, Array, float]], n_clients: int, rng: Rng
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Rated, rater, quarter, competency, source, observed: a row per rating, in draw order."""
    attending = np.vstack([world.present, np.ones((n_clients, len(world.periods)), bool)])
    blocks: list[tuple[Array, Array, Array, Array, Array]] = []
    for rated, rater, observed, turnout in specs:
        active = world.present[rated] & attending[rater]
        pair, quarter = np.nonzero(active & (rng.random(active.shape) < turnout))
        cols = np.flatnonzero(observed > 0)
        seen = rng.random((len(pair), len(cols))) < observed[cols]  # one draw per row
        blocks.append((rated[pair], rater[pair], quarter, cols, seen.reshape(-1)))
    total = sum(len(block[4]) for block in blocks)
    # Each code in the smallest integer type that holds it: 12 bytes a row where int64 took 41.
    who_type, q_type = code_dtype(len(attending)), code_dtype(len(world.periods))
    e, r = np.empty(total, who_type), np.empty(total, who_type)
    q, c = np.empty(total, q_type), np.empty(total, code_dtype(len(world.comps)))
    src, seen = np.empty(total, np.int8), np.empty(total, bool)
    at = 0
    for source, (who, by, quarter, cols, observed_rows) in enumerate(blocks):
        rows, width = slice(at, at + len(observed_rows)), len(cols)
        # Broadcast into place, a pair's competencies side by side: no repeated temporaries.
        for column, values in ((e, who), (r, by), (q, quarter)):
            column[rows].reshape(-1, width)[...] = values[:, None]
        c[rows].reshape(-1, width)[...] = cols
        src[rows], seen[rows] = source, observed_rows
        at = rows.stop
    return e, r, q, c, src, seen


def _rating_values(
    world: World, rows: tuple[Array, Array, Array, Array], leniency: Array, n_self: int, rng: Rng
) -> Array:
    """Each row's rating, before the unobserved are blanked; the self-ratings come first."""
    e, r, q, c = rows
    n_q, n_c = len(world.periods), len(world.comps)
    latent, expected = world.latent.reshape(-1), world.expected.reshape(-1)
    value: Array = rng.normal(0.0, NOISE_SD, len(e))  # the noise, turned into the value in place
    for part in _slices(len(e)):
        cells = (e[part].astype(np.int64) * n_q + q[part]) * n_c + c[part]
        value[part] = latent[cells] + leniency[r[part]] + value[part]
    mine = slice(0, n_self)
    cells = (e[mine].astype(np.int64) * n_q + q[mine]) * n_c + c[mine]
    truth, role_view = latent[cells], expected[cells]
    # Self-view: anchored on what the role expects, weakly on the truth, lenient on average.
    hope = role_view + 0.2 * (truth - role_view) + rng.normal(0.0, 0.35, len(world.rung))[e[mine]]
    value[mine] = hope + SELF_LENIENCY - (hope - truth).mean()
    value[mine] += rng.normal(0.0, 0.45, n_self)
    low, high, step = world.rubric.scale.min, world.rubric.scale.max, world.rubric.scale.step
    for part in _slices(len(e)):  # to the scale's steps, in place
        v = value[part]
        v -= low
        v /= step
        np.round(v, out=v)
        v *= step
        v += low
        np.clip(v, low, high, out=v)
    return value


def _notes(value: Array, seen: Array, rng: Rng) -> Array:
    """A comment code for about 3% of the observed ratings (PRAISE, then DEVELOP); -1 for none."""
    pick = rng.integers(0, 1 << 30, len(value))
    note = np.empty(len(value), np.int8)
    for part in _slices(len(value)):
        praise = pick[part] % len(PRAISE)
        note[part] = np.where(value[part] >= 3.5, praise, len(PRAISE) + pick[part] % len(DEVELOP))
    del pick
    chance = rng.random(len(value))
    note[~(seen & (chance < 0.03))] = -1
    return note


def _slices(total: int, size: int = 1 << 22) -> list[slice]:
    """Consecutive slices of `size` rows: per-row arithmetic on a slice keeps temporaries small."""
    return [slice(start, min(start + size, total)) for start in range(0, total, size)]


def _categorical(codes: Array, labels: tuple[str, ...] | Array) -> pd.Categorical:
    """Labels by codes (-1: the last) as categories, as `astype("category")` makes them."""
    texts = np.asarray(labels, dtype=object)
    used = np.zeros(len(texts), bool)
    used[codes] = True
    kept = np.flatnonzero(used)
    kept = kept[np.argsort(texts[kept], kind="stable")]
    # The code type pandas picks for this many categories, so it keeps ours uncopied.
    recode: NDArray[np.signedinteger[Any]] = np.full(len(texts), -1, code_dtype(len(kept)))
    recode[kept] = np.arange(len(kept))
    return pd.Categorical.from_codes(recode[codes], categories=pd.Index(texts[kept], dtype=str))
