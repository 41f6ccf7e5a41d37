"""A realistic synthetic agency (people, ratings, KPIs, promotions), deterministic by seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillkit.demo_names import TEAMS, in_russian, names
from skillkit.demo_ratings import Array, Rng, position_within, rating_columns, row_order
from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.periods import from_ordinal, to_ordinal
from skillkit.rubric import Rubric

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
MEMBER_SHARES = (0.22, 0.28, 0.26, 0.24)  # rungs below the team lead, lowest first
SPEEDS, SPEED_SHARES = (0.16, 0.07, 0.01, -0.04), (0.15, 0.5, 0.25, 0.1)  # levels a quarter
SETTLING = 0.02  # levels a quarter after a promotion


@dataclass(frozen=True)
class World:
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
) -> tuple[dict[str, pd.DataFrame], World]:
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
    world = World(rubric, comps, periods, goal, latent, targets[rung_q], rung, rung_q, team,
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
    ratings = _frame("ratings", *rating_columns(world, rng))  # drawn before the KPIs
    return {"people": people, "ratings": ratings, "kpis": _kpis(world, rng),
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


def _round_robin(team: Array, subs: Array, bosses: Array) -> Array:
    """For each of `subs`, a boss from the same team in turn; -1 where the team has none."""
    bosses = bosses[np.argsort(team[bosses], kind="stable")]
    counts = np.bincount(team[bosses], minlength=int(team.max()) + 1)
    first, many = (np.cumsum(counts) - counts)[team[subs]], counts[team[subs]]
    pick = np.minimum(first + position_within(team[subs]) % np.maximum(many, 1), len(bosses) - 1)
    return np.where(many > 0, bosses[np.maximum(pick, 0)] if len(bosses) else -1, -1)


def _organisation(n: int, n_roles: int, rng: Rng) -> tuple[Array, Array, Array]:
    """Rung, team and line manager: a group head per four teams, team leads, a member pyramid."""
    top, lead, middle = n_roles - 1, n_roles - 2, n_roles - 3
    n_teams = max(1, int(n / 10 + 0.5))
    n_heads = -(-n_teams // 4)
    sizes = _apportion(n - n_heads, rng.dirichlet(np.full(n_teams, 8.0)), minimum=5)
    team = np.concatenate([np.arange(n_heads) * 4, np.repeat(np.arange(n_teams), sizes)])
    # The first member of each team leads it; the first two in big teams.
    is_lead = position_within(team[n_heads:]) < 1 + (sizes >= 15)[team[n_heads:]]
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


def _kpis(world: World, rng: Rng) -> pd.DataFrame:
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
    order = row_order((q, len(world.periods)), (world.rank[e], len(world.rank)), (k_idx, n_kpis))
    e, q, k_idx, value = (a[order] for a in (e, q, k_idx, value))
    kpi_ids = _text(world.rubric.kpi_ids, k_idx)
    return _frame("kpis", _text(world.periods, q), world.ids[e], kpi_ids, value)
