"""Output file names are safe slugs whatever the ids hold, and nothing lands outside OUT."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from skillkit.report.render import slugs
from tests.test_review_edge_cases import at, cli, files_of, person, rated, write_folder

# Device names Windows refuses as a file name in any case, with any extension after them.
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}
HOSTILE_IDS = [
    "../../etc/passwd",
    "..\\..\\Windows\\win.ini",
    "/abs/path",
    "CON",
    "con.txt",
    "Nul",
    "COM1",
    "lpt9.html",
    "AUX.",
    "x" * 300,
    "x" * 299 + "y",
    "Иван",
    "иван",
    "Ivan",
    "a/b",
    "a-b",
    ".hidden",
    "trailing.",
    "..",
    "王伟",
    "<script>",
]


def assert_safe(names: list[str]) -> None:
    """Names a file system anywhere accepts, each its own file even where case is ignored."""
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", name), name
        assert ".." not in name and not name.endswith((".", "-")), name
        assert len(name) <= 90, name
        assert name.split(".")[0].lower() not in WINDOWS_RESERVED, name


# --- the slugs themselves -------------------------------------------------------------------------


def test_hostile_ids_get_safe_unique_names() -> None:
    named = slugs(HOSTILE_IDS)
    assert sorted(named) == sorted(HOSTILE_IDS)
    assert_safe(list(named.values()))
    assert named["../../etc/passwd"] == "etc-passwd"
    assert named["Иван"] == "Ivan-2" and named["иван"] == "ivan-3" and named["Ivan"] == "Ivan"


@pytest.mark.parametrize(
    ("original", "slug"),
    [
        ("CON", "CON_"),
        ("con", "con_"),
        ("Prn", "Prn_"),
        ("aux", "aux_"),
        ("NUL", "NUL_"),
        ("com1", "com1_"),
        ("LPT9", "LPT9_"),
        ("con.txt", "con_.txt"),  # CON.txt is reserved too: Windows looks before the first dot
        ("nul.tar.gz", "nul_.tar.gz"),
        ("COM¹", "COM1_"),  # NFKD turns ¹ into 1
        ("CONSOLE", "CONSOLE"),
        ("com10", "com10"),
        ("icon", "icon"),
    ],
)
def test_windows_device_names_are_never_a_file_name(original: str, slug: str) -> None:
    assert slugs([original]) == {original: slug}


@pytest.mark.parametrize(
    ("original", "slug"),
    [
        ("Пётр Ёлкин", "Petr-Elkin"),
        ("Zoë Saldaña", "Zoe-Saldana"),
        ("Ｆｕｌｌ", "Full"),
        ("trailing. ", "trailing"),
        ("...", "item"),
        ("", "item"),
        ("王伟", "item"),
        ("-dash-", "dash"),
        ("a b\tc", "a-b-c"),
    ],
)
def test_ids_become_readable_ascii(original: str, slug: str) -> None:
    assert slugs([original]) == {original: slug}


def test_long_ids_are_cut_and_kept_apart_by_a_digest_of_the_whole_id() -> None:
    long_ids = ["x" * 300, "x" * 299 + "y", "x" * 81]
    named = slugs(long_ids)
    assert_safe(list(named.values()))
    assert all(len(s) == 80 and s.startswith("x" * 71 + "-") for s in named.values())
    # A cut id's name depends on that id only, not on which other ids share the run.
    assert slugs(long_ids[:1])[long_ids[0]] == named[long_ids[0]]


def test_names_do_not_depend_on_the_order_ids_arrive_in() -> None:
    assert slugs(HOSTILE_IDS) == slugs(list(reversed(HOSTILE_IDS)))


def test_clashes_take_the_next_free_number_and_stay_fast() -> None:
    clashing = ["a-b", "a/b", "a b", "a-b-2", "A.B"]
    # Ids that are safe names already keep them; the others number on from there.
    assert slugs(clashing) == {
        "A.B": "A.B",
        "a-b": "a-b",
        "a-b-2": "a-b-2",
        "a b": "a-b-3",
        "a/b": "a-b-4",
    }
    many = [chr(0x4E00 + i) for i in range(20_000)]  # each slugs to "item"
    started = time.perf_counter()
    named = slugs(many)
    assert time.perf_counter() - started < 2
    assert len(set(named.values())) == len(many)


# --- a whole review with such ids -----------------------------------------------------------------


def test_a_review_with_hostile_ids_and_teams_writes_only_inside_out(tmp_path: Path) -> None:
    teams = ["../Север", "CON", "", "/abs/path", "LPT1.txt", "Север"]
    people = [
        person(employee, "account-executive", name=f"Name {i}", team=teams[i % len(teams)])
        for i, employee in enumerate(HOSTILE_IDS)
    ]
    ratings = [r for e in HOSTILE_IDS for r in rated("2026Q2", e, "M9", at("account-executive"))]
    data = write_folder(tmp_path / "data", people, ratings)
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "work" / "out"
    cli(["review", str(data), "--out", str(out)])
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p == out or out in p.parents or p == out.parent for p in created), created
    written = sorted(files_of(out))
    assert all((out / p).resolve().is_relative_to(out.resolve()) for p in written)
    people_pages = [p.removeprefix("people/") for p in written if p.startswith("people/")]
    team_pages = [p.removeprefix("teams/") for p in written if p.startswith("teams/")]
    assert len(people_pages) == len(HOSTILE_IDS) and len(team_pages) == len(teams)
    assert_safe([p.removesuffix(".html") for p in people_pages])
    assert_safe([p.removesuffix(".html") for p in team_pages])
    # Every link between pages finds its page.
    for page in written:
        if page.endswith(".html"):
            html = (out / page).read_text(encoding="utf-8")
            for link in re.findall(r'href="((?:\.\./)?(?:people|teams)/[^"#]+)"', html):
                assert ((out / page).parent / link).resolve().is_file(), (page, link)
