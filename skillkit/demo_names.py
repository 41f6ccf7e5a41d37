"""The words of the demo agency: team names, people's names and managers' comments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

# fmt: off
TEAMS = ("Retail & FMCG", "Financial Services", "Automotive", "Tech & Telecom", "Healthcare",
         "Travel & Leisure", "Media & Entertainment", "Energy & Utilities", "Public Sector")
FIRST_NAMES = {
    ("ru", "F"): ("Anna", "Maria", "Elena", "Olga", "Natalia", "Ekaterina", "Irina", "Svetlana",
                  "Tatiana", "Yulia", "Daria", "Ksenia", "Polina", "Alina"),
    ("ru", "M"): ("Ivan", "Dmitry", "Alexei", "Sergei", "Andrei", "Mikhail", "Nikolai", "Pavel",
                  "Artem", "Maxim", "Igor", "Kirill", "Roman", "Yuri"),
    ("intl", "F"): ("Emma", "Olivia", "Sophie", "Chloe", "Amelia", "Priya", "Aisha", "Mei",
                    "Sofia", "Lucia", "Hannah", "Fatima", "Claire", "Grace", "Yuki", "Zara"),
    ("intl", "M"): ("James", "Oliver", "Thomas", "Daniel", "Lucas", "Rahul", "Omar", "Wei",
                    "Mateo", "Liam", "Noah", "Samuel", "Hugo", "Kenji", "Marco", "Felix"),
}
SURNAMES = {  # Russian ones in the masculine form; the feminine adds "a"
    "ru": ("Petrov", "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov", "Lebedev",
           "Kozlov", "Novikov", "Morozov", "Orlov", "Fedorov", "Belov", "Zaitsev", "Pavlov"),
    "intl": ("Smith", "Brown", "Taylor", "Wilson", "Murphy", "O'Neill", "O'Connor", "D'Souza",
             "Patel", "Sharma", "Khan", "Chen", "Wang", "Nakamura", "Garcia", "Rossi", "Silva",
             "Kowalski", "Nielsen", "Dubois", "Schmidt", "Okafor", "Mensah", "Haddad", "Kim"),
}
PRAISE = ("Strong quarter on the account.", "Handled the client escalation calmly and well.",
          'Client said: "best team we have had", well done.', "Very reliable day to day.",
          "Отличная работа с клиентом.")
DEVELOP = ("Needs to speak up more in client meetings.", "Would like more ownership of budgets.",
           "Good progress since last quarter, keep going.", "Contact reports are often late.")
# In a Russian demo, Russian staff and the teams are written in Russian; others keep their names.
CYRILLIC = dict(zip(
    FIRST_NAMES[("ru", "F")] + FIRST_NAMES[("ru", "M")] + SURNAMES["ru"],
    ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Ирина", "Светлана", "Татьяна",
     "Юлия", "Дарья", "Ксения", "Полина", "Алина", "Иван", "Дмитрий", "Алексей", "Сергей",
     "Андрей", "Михаил", "Николай", "Павел", "Артём", "Максим", "Игорь", "Кирилл", "Роман",
     "Юрий", "Петров", "Иванов", "Смирнов", "Кузнецов", "Попов", "Волков", "Соколов", "Лебедев",
     "Козлов", "Новиков", "Морозов", "Орлов", "Фёдоров", "Белов", "Зайцев", "Павлов"),
    strict=True,
))
TEAMS_RU = dict(zip(TEAMS, ("Ритейл и FMCG", "Финансовые услуги", "Автомобили",
                            "Технологии и телеком", "Здравоохранение", "Туризм и отдых",
                            "Медиа и развлечения", "Энергетика и ЖКХ", "Госсектор"), strict=True))
# fmt: on


def in_russian(people: pd.DataFrame) -> pd.DataFrame:
    """The demo's people table with Russian names and team names in Cyrillic."""
    name_parts = people["name"].astype(str).str.split(" ", n=1, expand=True)
    first, last = name_parts[0], name_parts[1].fillna("")
    russian = first.isin(list(CYRILLIC))
    # A Russian woman's surname is the masculine form plus "a": Petrova → Петрова.
    stem = last.str.removesuffix("a").where(russian & ~last.isin(list(CYRILLIC)), last)
    cyrillic = first.map(CYRILLIC) + " " + stem.map(CYRILLIC) + np.where(stem != last, "а", "")
    teams = people["team"].astype(str)
    base = teams.str.replace(r" \d+$", "", regex=True)
    number = teams.str.extract(r"( \d+)$")[0].fillna("")
    return people.assign(
        name=cyrillic.where(russian, people["name"]),
        team=base.map(TEAMS_RU).fillna(base) + number,
    )


def names(female: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """Realistic names, Russian and international, matching gender; unique while pools last."""
    origin = np.where(rng.random(len(female)) < 0.45, "ru", "intl")
    sex = np.where(female, "F", "M")
    full = np.empty(len(female), dtype=object)
    for (kind, gender), given in FIRST_NAMES.items():
        who = np.flatnonzero((origin == kind) & (sex == gender))
        combos = len(given) * len(SURNAMES[kind])
        pick = rng.choice(combos, len(who), replace=len(who) > combos)
        first = np.array(given, object)[pick % len(given)]
        last = np.array(SURNAMES[kind], object)[pick // len(given)]
        full[who] = first + " " + last + ("a" if (kind, gender) == ("ru", "F") else "")
    if not (np.char.find(full.astype(str), "'") >= 0).any():  # an apostrophe, for escaping
        first_intl = int(np.argmax(origin == "intl"))
        full[first_intl] = full[first_intl].split(" ")[0] + " O'Neill"
    return full
