"""Each page's question, read from its query parameters (see :mod:`cablemap.web.params`).

A question is a frozen dataclass holding exactly what the analysis function takes, plus
:meth:`query` to write it back as the canonical query string of its shareable URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from cablemap.errors import UserError
from cablemap.web.params import STATUS_KINDS, TERRESTRIAL, Query, query_string

POLICY_PARAMS = ("policy", "policy_date")
SERVICE_PARAMS = ("as_of", "planned")
ROUTE_PARAMS = (
    "from",
    "to",
    "k",
    "resilience",
    "avoid_flagged",
    "terrestrial",
    "include_status",
    "change_cost",
    "cut",
    "cut_near",
    "cut_in",
    *POLICY_PARAMS,
    *SERVICE_PARAMS,
)


def policy_choices() -> list[str]:
    """The shipped policies' ids: the only policies a URL may name."""
    from cablemap.policy.rules import shipped_policies

    return list(shipped_policies())


def region_choices() -> list[str]:
    """The shipped regions' ids: the only regions ``cut_in`` may name."""
    from cablemap.analysis.cuts import region_names

    return region_names()


@dataclass(frozen=True)
class PolicyChoice:
    """A shipped policy and the date it is evaluated on (``None``: no policy)."""

    policy: str | None = None
    policy_date: str | None = None

    @classmethod
    def read(cls, query: Query, *, required: bool = False) -> PolicyChoice:
        """``policy`` (a shipped id) and ``policy_date`` (YYYY-MM-DD) from ``query``."""
        policy = query.choice("policy", policy_choices(), None)
        date = query.text("policy_date")
        if policy is None and required:
            raise UserError("policy is missing; choose one of " + ", ".join(policy_choices()))
        if policy is None and date is not None:
            raise UserError("policy_date needs policy (the date of which policy?)")
        return cls(policy, date)

    def load(self) -> Any:
        """The loaded :class:`~cablemap.policy.rules.Policy`, or ``None``."""
        if self.policy is None:
            return None
        from cablemap.policy.dates import parse_policy_date
        from cablemap.policy.rules import load_policy

        when = parse_policy_date(self.policy_date)  # a bad date: the CLI's one line
        return load_policy(self.policy, as_of=when)


@dataclass(frozen=True)
class Service:
    """Which cables count: in service in ``as_of`` (default this year), planned ones too."""

    as_of: int | None = None
    include_planned: bool = False

    @classmethod
    def read(cls, query: Query) -> Service:
        """``as_of`` (a year) and ``planned`` (a check box) from ``query``."""
        return cls(query.integer("as_of", 1850, 2100, None), query.flag("planned"))

    def params(self) -> dict[str, object]:
        """The URL parameters of these settings."""
        return {"as_of": self.as_of, "planned": self.include_planned}


@dataclass(frozen=True)
class RouteQuestion:
    """What connects two places: the arguments of :func:`~cablemap.analysis.query.trace_routes`."""

    origin: str
    destination: str
    choice: PolicyChoice
    service: Service
    k: int = 3
    resilience: bool = False
    avoid_flagged: bool = False
    terrestrial: str = "borders"
    include_status: tuple[str, ...] = ()
    change_cost: float = 300.0
    cut: tuple[str, ...] = ()
    cut_near: tuple[str, ...] = ()
    cut_in: tuple[str, ...] = ()

    @classmethod
    def read(cls, query: Query) -> RouteQuestion:
        """The question a route URL asks.

        Raises
        ------
        UserError
            A missing end, a bad number or choice, an unknown policy or region.
        """
        choice = PolicyChoice.read(query)
        avoid_flagged = query.flag("avoid_flagged")
        if avoid_flagged and choice.policy is None:
            raise UserError("avoid_flagged needs policy (which flags to avoid)")
        return cls(
            origin=str(query.text("from", required=True)),
            destination=str(query.text("to", required=True)),
            choice=choice,
            service=Service.read(query),
            k=query.integer("k", 1, 10, 3) or 3,
            resilience=query.flag("resilience"),
            avoid_flagged=avoid_flagged,
            terrestrial=query.choice("terrestrial", TERRESTRIAL, "borders") or "borders",
            include_status=query.choices("include_status", STATUS_KINDS),
            change_cost=query.number("change_cost", 0, 100_000, 300.0),
            cut=query.texts("cut"),
            cut_near=tuple(query.values.get("cut_near", ())),  # "LON,LAT[,KM]" holds commas
            cut_in=query.choices("cut_in", region_choices()),
        )

    def filters(self) -> dict[str, Any]:
        """Keyword arguments shared by ``trace_routes`` and ``write_report``."""
        return {
            "as_of": self.service.as_of,
            "include_planned": self.service.include_planned,
            "terrestrial": self.terrestrial,
            "include_status": self.include_status,
            "cut": self.cut,
            "cut_near": self.cut_near,
            "cut_in": self.cut_in,
            "change_cost": self.change_cost,
        }

    def params(self) -> dict[str, object]:
        """The URL parameters of this question (defaults left out)."""
        values: dict[str, object] = {
            "from": self.origin,
            "to": self.destination,
            **asdict(self.choice),
            **self.service.params(),
            "k": self.k if self.k != 3 else None,
            "resilience": self.resilience,
            "avoid_flagged": self.avoid_flagged,
            "terrestrial": self.terrestrial if self.terrestrial != "borders" else None,
            "include_status": list(self.include_status),
            "change_cost": f"{self.change_cost:g}" if self.change_cost != 300.0 else None,
            "cut": list(self.cut),
            "cut_near": list(self.cut_near),
            "cut_in": list(self.cut_in),
        }
        return values

    def query(self) -> str:
        """The canonical query string of this question."""
        return query_string(self.params())


def join_query(values: dict[str, object], extra: Iterable[tuple[str, object]] = ()) -> str:
    """``values`` with ``extra`` added, as a canonical query string."""
    return query_string({**values, **dict(extra)})
