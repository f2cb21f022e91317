"""How names are compared: case, spaces and accents ignored; folded alone or all at once."""

from __future__ import annotations

import pytest

from tracker.domain import StakeholderDraft, StakeholderKind
from tracker.services import Services
from tracker.services.names import fold, folded_names


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("André  Carson", "andre carson"),
        ("Ñandú Örtegá", "nandu ortega"),
        ("Straße Müller", "strasse muller"),
        ("Nguyễn Thị", "nguyen thi"),
        ("Đorđević", "dordevic"),
        ("Søndergaard", "sondergaard"),
        ("Łódź", "lodz"),
        ("ＵＮ", "un"),  # full-width letters
        ("हिन्दी", "हिन्दी"),  # other scripts' combining signs are part of the word
    ],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_all_names_folded_at_once_fold_as_each_alone(services: Services) -> None:
    names = ["André Carson", "Ñandú Örtegá", "Đorđević", "Straße Müller", "हिन्दी", "x\u0301y"]
    for i, name in enumerate(names):
        aliases = (f"Alias {i} Ørsted",)
        services.stakeholders.add(StakeholderDraft(name, StakeholderKind.PERSON, aliases=aliases))
    with services.ctx.read() as session:
        everything = folded_names(session)
    assert len(everything) == 2 * len(names)
    assert all(key == fold(text) for _, text, key in everything)
