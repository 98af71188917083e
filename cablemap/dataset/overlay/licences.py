"""The licences an overlay record may carry, and what an output made under them allows.

The base data is TeleGeography's Submarine Cable Map data under CC BY-NC-SA 3.0; every
output made from it carries that licence, and every overlay record adds its own. The
terms here are a plain summary of each licence's conditions, not legal advice: the
licence texts at the URLs decide.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_LICENCE = "CC-BY-NC-SA-3.0"
"""The licence of the Submarine Cable Map data (the open copy and TeleGeography's v2)."""


@dataclass(frozen=True)
class Licence:
    """A licence and the conditions it puts on anything made from licensed material."""

    id: str
    name: str
    url: str
    attribution: bool
    share_alike: bool
    non_commercial: bool
    redistribute: bool
    """False for proprietary material: only with the owner's permission."""


LICENCES = {
    lic.id: lic
    for lic in (
        Licence(
            "CC0-1.0",
            "Creative Commons Zero 1.0 (public domain dedication)",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            False,
            False,
            False,
            True,
        ),
        Licence(
            "public-domain",
            "public domain (no copyright, e.g. a US government work)",
            "https://www.usa.gov/government-copyright",
            False,
            False,
            False,
            True,
        ),
        Licence(
            "PDDL-1.0",
            "Open Data Commons Public Domain Dedication and License 1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/",
            False,
            False,
            False,
            True,
        ),
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            True,
            False,
            False,
            True,
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            True,
            True,
            False,
            True,
        ),
        Licence(
            "ODbL-1.0",
            "Open Data Commons Open Database License 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            True,
            True,
            False,
            True,
        ),
        Licence(
            "CC-BY-NC-SA-3.0",
            "Creative Commons Attribution-NonCommercial-ShareAlike 3.0",
            "https://creativecommons.org/licenses/by-nc-sa/3.0/",
            True,
            True,
            True,
            True,
        ),
        Licence(
            "CC-BY-NC-4.0",
            "Creative Commons Attribution-NonCommercial 4.0",
            "https://creativecommons.org/licenses/by-nc/4.0/",
            True,
            False,
            True,
            True,
        ),
        Licence(
            "proprietary",
            "proprietary (the user's own or licensed research; terms set by its owner)",
            "",
            True,
            False,
            False,
            False,
        ),
    )
}
"""Licence ids an overlay record may name."""


def known_licence(value: str) -> Licence | None:
    """The licence named ``value`` (case-insensitive), or ``None``."""
    lowered = value.strip().lower()
    return next((lic for key, lic in LICENCES.items() if key.lower() == lowered), None)


def combined_terms(licence_ids: list[str] | tuple[str, ...]) -> list[str]:
    """What a user may do with an output made from the base data and these licences.

    Parameters
    ----------
    licence_ids
        The licences of the overlay records in use (the base licence is always added).

    Returns
    -------
    list of str
        One sentence per condition, the strictest of all the licences that apply.
    """
    ids = [BASE_LICENCE, *sorted(set(licence_ids) - {BASE_LICENCE})]
    licences = [LICENCES[i] for i in ids if i in LICENCES]
    names = ", ".join(lic.id for lic in licences)
    terms = [f"Licences that apply: {names}."]
    if any(lic.attribution for lic in licences):
        terms.append(
            "Attribution: credit every source the output's Data line names "
            "(the cable data, and each overlay with its records' sources)."
        )
    if any(lic.non_commercial for lic in licences):
        non_commercial = ", ".join(lic.id for lic in licences if lic.non_commercial)
        terms.append(f"Non-commercial use only ({non_commercial}).")
    if any(lic.share_alike for lic in licences):
        share = ", ".join(lic.id for lic in licences if lic.share_alike)
        terms.append(
            f"Share-alike: publish what you adapt from it under the same terms ({share}); "
            "CC BY-NC-SA and ODbL/CC BY-SA are not compatible with each other, so an "
            "output mixing them cannot be re-licensed under either alone."
            if {"ODbL-1.0", "CC-BY-SA-4.0"} & set(ids)
            else f"Share-alike: publish what you adapt from it under the same terms ({share})."
        )
    if not all(lic.redistribute for lic in licences):
        terms.append(
            "Proprietary records: do not publish or pass on the output without the "
            "permission of their owner."
        )
    return terms
