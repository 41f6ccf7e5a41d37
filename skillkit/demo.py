"""A realistic synthetic agency (people, ratings, KPIs, promotions), deterministic by seed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from skillkit.demo_names import DEVELOP, PRAISE, TEAMS, in_russian, names
from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.periods import from_ordinal, to_ordinal
from skillkit.rubric import SOURCES, Rubric

Array = NDArray[Any]
Rng = np.random.Generator
DEFAULT_LAST_PERIOD = "2026Q3"
MIN_PEOPLE, MIN_QUARTERS = 12, 2
# Large and long enough for every part of the review, the promotion model included (it needs
# 20 promotions and enough quarters for a split in time), and still a few seconds to build.
DEMO_PEOPLE, DEMO_QUARTERS = 150, 12
COLUMNS = {
    "people": "employee_id name role team manager_id hire_date role_start gender age_band",
    "ratings": "period employee_id rater_id source competency rating comment",
    "kpis": "period employee_id kpi value",
    "promotions": "employee_id period from_role to_role",
}
# fmt: off
MEMBER_SHARES = (0.22, 0.28, 0.26, 0.24)  # rungs below the team lead, lowest first
CLIENT_FACING = ("client-understanding", "communication", "relationship-management",
                 "strategic-advice", "effectiveness")
# fmt: on
SPEEDS, SPEED_SHARES = (0.16, 0.07, 0.01, -0.04), (0.15, 0.5, 0.25, 0.1)  # levels a quarter
NOISE_SD, LENIENCY_SD, SELF_LENIENCY = 0.4, 0.35, 0.4
SETTLING = 0.02  # levels a quarter after a promotion


@dataclass(frozen=True)
class _World:
    """The truth behind the tables, per person in internal order (ids follow hire dates)."""

    rubric: Rubric
    comps: tuple[str, ...]
    periods: tuple[str, ...]
    goal: int  # rung of the role readiness is assessed for
    latent: Array  # person × quarter × competency: true level 1..5
    expected: Array  # person × quarter × competency: target of the role held then
    rung: Array
    rung_q: Array  # person × quarter: rung held
    team: Array
    manager: Array  # internal index of the line manager, -1 for none
    group: Array  # 'ready', 'close' or '': planted readiness for the target role
    rank: Array  # position in employee_id order
    ids: Array
    present: Array  # person × quarter: employed by then


def generate_agency(
    framework: Framework,
    rubric: Rubric,
    *,
    people: int = DEMO_PEOPLE,
    quarters: int = DEMO_QUARTERS,
    seed: int = 7,
    last_period: str = DEFAULT_LAST_PERIOD,
    lang: Lang = "en",
) -> dict[str, pd.DataFrame]:
    """Keys 'people', 'ratings', 'kpis', 'promotions' with exactly the FORMATS.md columns.

    In Russian (`lang="ru"`) the same agency has its Russian staff and its teams written in
    Cyrillic; everything else, the random draws included, is the same.
    """
    tables = _simulate(framework, rubric, people, quarters, seed, last_period)[0]
    if lang == "ru":
        tables["people"] = in_russian(tables["people"])
    return tables


def _validate(people: object, quarters: object, seed: object, last_period: object) -> None:
    checks = (("people", people, MIN_PEOPLE), ("quarters", quarters, MIN_QUARTERS))
    for name, value, least in (*checks, ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"{name}: expected a whole number of at least {least}, got {value!r}")
    if not isinstance(last_period, str):
        raise ValueError(f"last_period: expected a quarter label like 2026Q3, got {last_period!r}")
    to_ordinal(last_period)


def _simulate(
    framework: Framework, rubric: Rubric, n: int, quarters: int, seed: int, last_period: str
) -> tuple[dict[str, pd.DataFrame], _World]:
    """The four tables and the truth behind them."""
    _validate(n, quarters, seed, last_period)
    roles, comps = np.array(framework.role_ids, object), framework.competency_ids
    if len(roles) < 4:
        raise ValueError(f"the demo needs a ladder of at least 4 roles, got {len(roles)}")
    rng = np.random.default_rng(seed)
    first = to_ordinal(last_period) - quarters + 1
    goal = framework.rung(rubric.readiness.target_role)
    rung, team, manager = _organisation(n, len(roles), rng)
    group = _plant_groups(rung, goal, rng)
    hire, start, hire_iso, start_iso = _dates(rung, group, quarters, first, rng)
    promoted = (start >= first) & (start > hire) & (rung > 0)
    promo_q = np.where(promoted, start - first, -1)
    targets = np.array([[framework.role(r).targets[c] for c in comps] for r in roles], float)
    latent, rung_q = _latent(targets, rung, goal, group, promo_q, quarters, rng)
    rank = np.empty(n, np.int64)
    rank[np.lexsort((np.arange(n), hire_iso))] = np.arange(n)
    ids = np.array([f"E{k + 1:0{max(3, len(str(n)))}d}" for k in rank], dtype=object)
    present = np.arange(quarters)[None, :] >= (hire - first)[:, None]
    periods = tuple(from_ordinal(first + q) for q in range(quarters))
    world = _World(rubric, comps, periods, goal, latent, targets[rung_q], rung, rung_q, team,
                   manager, group, rank, ids, present)  # fmt: skip
    blank = np.isin(np.arange(n), rng.permutation(n)[: round(0.1 * n)])  # role_start unknown
    female = rng.random(n) < 0.5
    n_teams, size = int(team.max()) + 1, len(TEAMS)
    copies = [(n_teams - t % size + size - 1) // size for t in range(n_teams)]  # per name
    suffix = [f" {t // size + 1}" if copies[t] > 1 else "" for t in range(n_teams)]
    team_names = np.array([TEAMS[t % size] + suffix[t] for t in range(n_teams)], object)
    by_id = np.argsort(rank)
    people = _frame(
        "people",
        *(a[by_id] for a in (ids, names(female, rng), roles[rung], team_names[team])),
        np.where(manager >= 0, ids[manager], "")[by_id],
        hire_iso[by_id],
        np.where(blank, "", start_iso)[by_id],
        np.where(female, "F", "M")[by_id],
        rng.choice(["<30", "30-39", "40+"], n, p=[0.35, 0.4, 0.25])[by_id],
    )
    who = np.flatnonzero(promoted & ~blank)
    who = who[np.lexsort((rank[who], promo_q[who]))]
    when = _text(periods, promo_q[who])
    promotions = _frame("promotions", ids[who], when, roles[rung[who] - 1], roles[rung[who]])
    return {"people": people, "ratings": _ratings(world, rng), "kpis": _kpis(world, rng),
            "promotions": promotions}, world  # fmt: skip


def _frame(table: str, *columns: Array | pd.Categorical) -> pd.DataFrame:
    """A table with FORMATS.md's columns: text as str or categories of str, numbers as float."""
    # Not copied: the ratings' columns are large.
    frame = pd.DataFrame(dict(zip(COLUMNS[table].split(), columns, strict=True)), copy=False)
    text = frame.select_dtypes(exclude=["float64", "category"]).columns
    return frame.astype(dict.fromkeys(text, str))


def _text(labels: tuple[str, ...], codes: Array) -> Array:
    """Labels looked up by integer codes, as an object array of str."""
    return np.array(labels, dtype=object)[codes]


def _apportion(total: int, weights: Array, minimum: int = 0) -> Array:
    """Whole counts summing to `total` in proportion to `weights`, each at least `minimum`."""
    spare = total - minimum * len(weights)
    raw = weights / weights.sum() * spare
    counts: Array = np.floor(raw).astype(np.int64)
    counts[np.argsort(counts - raw, kind="stable")[: spare - counts.sum()]] += 1
    return counts + minimum


def _within(keys: Array) -> Array:
    """Each element's position among the elements with the same key, in index order."""
    order = np.argsort(keys, kind="stable")
    pos = np.empty(len(keys), np.int64)
    pos[order] = np.arange(len(keys)) - np.searchsorted(keys[order], keys[order])
    return pos


def _round_robin(team: Array, subs: Array, bosses: Array) -> Array:
    """For each of `subs`, a boss from the same team in turn; -1 where the team has none."""
    bosses = bosses[np.argsort(team[bosses], kind="stable")]
    counts = np.bincount(team[bosses], minlength=int(team.max()) + 1)
    first, many = (np.cumsum(counts) - counts)[team[subs]], counts[team[subs]]
    pick = np.minimum(first + _within(team[subs]) % np.maximum(many, 1), len(bosses) - 1)
    return np.where(many > 0, bosses[np.maximum(pick, 0)] if len(bosses) else -1, -1)


def _organisation(n: int, n_roles: int, rng: Rng) -> tuple[Array, Array, Array]:
    """Rung, team and line manager: a group head per four teams, team leads, a member pyramid."""
    top, lead, middle = n_roles - 1, n_roles - 2, n_roles - 3
    n_teams = max(1, int(n / 10 + 0.5))
    n_heads = -(-n_teams // 4)
    sizes = _apportion(n - n_heads, rng.dirichlet(np.full(n_teams, 8.0)), minimum=5)
    team = np.concatenate([np.arange(n_heads) * 4, np.repeat(np.arange(n_teams), sizes)])
    is_lead = _within(team[n_heads:]) < 1 + (sizes >= 15)[team[n_heads:]]  # two in big teams
    shares = np.resize(np.array(MEMBER_SHARES), lead)
    counts = _apportion(int((~is_lead).sum()), shares, minimum=1)
    rung = np.full(n, top, np.int64)
    rung[n_heads:][is_lead] = lead
    rung[n_heads:][~is_lead] = rng.permutation(np.repeat(np.arange(lead), counts))
    manager = np.full(n, -1, np.int64)
    manager[1:n_heads] = 0  # the first group head leads the agency
    leads = np.flatnonzero(rung == lead)
    manager[leads] = team[leads] // 4
    seniors = np.flatnonzero((rung < lead) & (rung >= middle - 1))
    manager[seniors] = _round_robin(team, seniors, leads)
    juniors = np.flatnonzero(rung < middle - 1)
    boss = _round_robin(team, juniors, np.flatnonzero(rung == middle))
    manager[juniors] = np.where(boss >= 0, boss, _round_robin(team, juniors, leads))
    return rung, team, manager


def _plant_groups(rung: Array, goal: int, rng: Rng) -> Array:
    """A few people ready now for the target role, several close (one or two rungs below)."""
    group = np.full(len(rung), "", dtype=object)
    below = rng.permutation(np.flatnonzero(rung == goal - 1))
    n_ready, n_close = max(1, round(0.25 * len(below))), max(1, round(0.3 * len(below)))
    group[below[:n_ready]] = "ready"
    group[below[n_ready : n_ready + n_close]] = "close"
    two_below = rng.permutation(np.flatnonzero(rung == goal - 2))
    group[two_below[: max(1, round(0.1 * len(two_below)))]] = "close"
    return group


def _dates(
    rung: Array, group: Array, quarters: int, first: int, rng: Rng
) -> tuple[Array, Array, Array, Array]:
    """Hire and role-start quarter ordinals and ISO dates, counted back from the window's end."""
    n = len(rung)
    in_role = np.where(rung == 0, rng.uniform(0.05, 1.6, n), rng.uniform(0.1, 4.5, n))  # years
    # The ready have served the rubric's year in role, and not much more: promotions in the
    # demo come soon after readiness, and the model learns time in role from its history.
    in_role = np.where(group == "ready", rng.uniform(1.25, 2.75, n), in_role)
    before = rng.uniform(0.5, 1.5, n) * rung + rng.uniform(0.0, 2.0, n)
    external = (rng.random(n) < 0.3) | (rung == 0)
    tenure = in_role + np.where(external, 0.0, before)
    joiner = np.flatnonzero(rung == 0)[:1]  # a new joiner with two quarters of history
    in_role[joiner] = tenure[joiner] = 130 / 365.25
    end = first + quarters
    last_day = np.datetime64(f"{end // 4:04d}-{end % 4 * 3 + 1:02d}-01") - 1
    dates = [last_day - np.round(y * 365.25).astype("timedelta64[D]") for y in (tenure, in_role)]
    months = [d.astype("datetime64[M]").astype(np.int64) for d in dates]
    hire, start = ((1970 + m // 12) * 4 + m % 12 // 3 for m in months)
    hire_iso, start_iso = (np.datetime_as_string(d, unit="D").astype(object) for d in dates)
    return hire, start, hire_iso, start_iso


def _latent(
    targets: Array, rung: Array, goal: int, group: Array, promo_q: Array, quarters: int, rng: Rng
) -> tuple[Array, Array]:
    """True level per person × quarter × competency, and the rung held each quarter."""
    n, n_comps = len(rung), targets.shape[1]
    profile = rng.normal(0.0, 0.35, (n, n_comps))  # strengths and weaknesses
    offset = rng.normal(0.1, 0.3, (n, 1))
    speed = rng.choice(SPEEDS, n, p=SPEED_SHARES) + rng.normal(0.0, 0.015, n)
    slope = speed[:, None] + rng.normal(0.0, 0.02, (n, n_comps))
    promoted = (promo_q >= 0)[:, None]
    # Promotions follow the truth: the promoted climbed to their new role's bar (as the
    # readiness rules read it) at their own pace, were promoted on reaching it, and have
    # grown slowly since, while the new role beds in.
    bar = targets[rung] + 0.25 + 0.4 * profile
    climb = np.abs(slope) + 0.04
    since = (quarters - 1 - promo_q)[:, None]
    slope = np.where(promoted, SETTLING, slope)
    anchor = np.where(promoted, bar + SETTLING * since, targets[rung] + offset + profile)
    ready, close = (group == "ready")[:, None], (group == "close")[:, None]
    gap, horizon = rng.uniform(0.15, 0.5, (n, 1)), rng.uniform(1.5, 3.5, (n, 1))
    near = np.maximum(targets[goal] - gap + 0.3 * profile, targets[rung] + 0.1)
    anchor = np.where(ready, targets[goal] + 0.4 + 0.5 * np.abs(profile), anchor)
    anchor = np.where(close, near, anchor)
    # Ready only lately: in the demo, as in a well-run agency, people are promoted soon after
    # they reach the next role's bar, so nobody in its history sat at that bar for long unpromoted.
    slope = np.where(ready, rng.uniform(0.15, 0.25, (n, 1)), slope)
    slope = np.where(close, np.clip((targets[goal] + 0.2 - near) / horizon, 0.12, 0.25), slope)
    steps = np.arange(quarters)
    rung_q = rung[:, None] - (promoted & (steps[None, :] < promo_q[:, None]))
    path = anchor[:, None, :] + slope[:, None, :] * (steps - quarters + 1)[None, :, None]
    before = promoted & ~ready & ~close & (steps[None, :] < promo_q[:, None])
    rising = bar[:, None, :] + climb[:, None, :] * (steps[None, :] - promo_q[:, None])[..., None]
    path = np.where(before[..., None], rising, path)
    floor = targets[rung_q] + np.minimum(profile, 0.0)[:, None, :] - 0.4  # none far below role
    return np.clip(np.maximum(path, floor), 1.0, 5.0), rung_q


def _order(*columns: tuple[Array, int]) -> Array:
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
    start, size, pos = (np.cumsum(per_team) - per_team)[team], per_team[team], _within(team)
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
    base, size, pos = (np.cumsum(pool) - pool)[team[who]], pool[team[who]], _within(team[who])
    many = rng.integers(1, 3, len(who))
    contacts = [(base + (pos + j) % np.maximum(size, 1))[many > j] for j in range(2)]
    return np.concatenate([who[many > j] for j in range(2)]), np.concatenate(contacts), pool.sum()


def _ratings(world: _World, rng: Rng) -> pd.DataFrame:
    """Every source's ratings: truth + rater leniency + noise, on the rubric's scale."""
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
    order = _order((q, n_q), (e, n), (src, 5), (r, n + n_clients), (c, n_c))
    order = order[keep[order]]
    del keep
    e, r, q, c, src, value, note = (a[order] for a in (e, r, q, c, src, value, note))
    del order
    ids = world.ids[np.argsort(rank)]
    clients = [f"C{k + 1:0{max(3, len(str(n_clients)))}d}" for k in range(n_clients)]
    rater_ids = np.concatenate([ids, np.array(clients, dtype=object)])
    comments = (*PRAISE, *DEVELOP, "")  # code -1, no comment, is the last
    return _frame("ratings", _categorical(q, world.periods), _categorical(e, ids),
                  _categorical(r, rater_ids), _categorical(src, SOURCES), _categorical(c, comps),
                  value, _categorical(note, comments))  # fmt: skip


def _rating_rows(
    world: _World, specs: list[tuple[Array, Array, Array, float]], n_clients: int, rng: Rng
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
    who_type, q_type = _code_type(len(attending)), _code_type(len(world.periods))
    e, r = np.empty(total, who_type), np.empty(total, who_type)
    q, c = np.empty(total, q_type), np.empty(total, _code_type(len(world.comps)))
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
    world: _World, rows: tuple[Array, Array, Array, Array], leniency: Array, n_self: int, rng: Rng
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
    recode: NDArray[np.signedinteger[Any]] = np.full(len(texts), -1, _code_type(len(kept)))
    recode[kept] = np.arange(len(kept))
    return pd.Categorical.from_codes(recode[codes], categories=pd.Index(texts[kept], dtype=str))


def _code_type(count: int) -> type[np.signedinteger[Any]]:
    """The smallest integer type for codes 0..count-1 (and -1), as pandas picks for categories."""
    return next((t for t in (np.int8, np.int16, np.int32) if count < np.iinfo(t).max), np.int64)


def _kpis(world: _World, rng: Rng) -> pd.DataFrame:
    """KPI values that follow the levels of the competencies each KPI evidences."""
    who, quarter = np.nonzero(world.present & (world.rung_q >= world.goal - 2))
    parts: list[tuple[Array, ...]] = [(np.empty(0, np.int64),) * 3 + (np.empty(0),)]
    for k, kpi in enumerate(world.rubric.kpis):
        weight = np.array([kpi.evidences.get(c, 0.0) for c in world.comps])
        level = world.latent[who, quarter] @ weight / weight.sum()
        t = [kpi.thresholds[lv] for lv in (2, 3, 4, 5)]
        # Level L lands between the thresholds of L and L+1; levels 1 and 6 are extrapolated.
        grid = [t[0] - (t[1] - t[0]), *t, t[3] + (t[3] - t[2]) / 2]
        noisy = level + world.rubric.scale.level_tolerance + rng.normal(0.0, 0.25, len(who))
        value = np.round(np.interp(noisy, np.arange(1.0, 7.0), grid), 1) + 0.0
        kept = rng.random(len(who)) >= 0.02  # a few not reported
        parts.append((who[kept], quarter[kept], np.full(int(kept.sum()), k), value[kept]))
    e, q, k_idx, value = (np.concatenate(col) for col in zip(*parts, strict=True))
    n_kpis = max(len(world.rubric.kpis), 1)
    order = _order((q, len(world.periods)), (world.rank[e], len(world.rank)), (k_idx, n_kpis))
    e, q, k_idx, value = (a[order] for a in (e, q, k_idx, value))
    kpi_ids = _text(world.rubric.kpi_ids, k_idx)
    return _frame("kpis", _text(world.periods, q), world.ids[e], kpi_ids, value)
