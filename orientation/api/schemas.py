"""Typed response bodies of the public API."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every error answers with this body; ``code`` is stable, ``detail`` is for people."""

    code: str
    detail: str


class AppellationOut(Schema):
    code: str
    label: str
    masculine: str
    feminine: str
    is_main: bool


class FicheRefOut(Schema):
    code: str
    title: str


class MobilityOut(FicheRefOut):
    order: int


class OnisepOut(Schema):
    identifier: str
    name: str
    name_feminine: str
    name_masculine: str
    hook_html: str
    access_html: str
    min_level: str
    url: str


class SkillGroupOut(Schema):
    kind: str
    label: str
    core: list[str]
    others: list[str]


class OccupationOut(Schema):
    code: str
    title: str
    grand_domaine: FicheRefOut | None
    domaine: FicheRefOut | None
    definition: str
    access: str
    is_regulated: bool | None
    is_executive: bool | None
    riasec_major: str
    riasec_minor: str
    appellations: list[AppellationOut]
    onisep: list[OnisepOut]
    mobility: list[MobilityOut]
    skills: list[SkillGroupOut]
    interest_centres: list[str]
    sectors: list[str]
    url: str
