"""The product-version catalogue's starting rows: SOLIDWORKS, 3DEXPERIENCE, Mastercam, Creo and Windchill.

These release dates are the desk's catalogue data, not policy numbers: the policies say "the current version"
and "the two before it", and which version is current on a day is a fact of the vendor's releases. Each date
is the month a version became generally available (its first release: SOLIDWORKS SP0, Creo and Windchill
F000, Mastercam's first build), rounded to the 1st of that month; the desk corrects a date, or adds a version,
in /console/versions/ or the admin. The vendors' yearly rhythm the dates follow:
- SOLIDWORKS N is released in the autumn of N-1 (late September or October): 1 October of N-1;
- 3DEXPERIENCE RNNNNx (an online service: only its current release is supported) in the summer or autumn of
  the year before: 1 September of NNNN-1;
- Mastercam N in late spring or summer of N-1: 1 June of N-1;
- Creo once a year in the spring (8.0 in 2021, 12.0 in 2025): 1 April;
- Windchill 12.0 late 2020, 12.1 spring 2022, 13.0 summer 2023, 13.1 spring 2025.

seed() is idempotent: a row is created when its product and version are missing, and a row already there is
left as it is, so that the desk's own corrections survive every `casedesk preset load` and `casedesk up`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from casedesk.contracts.models import ProductVersion

# (product, version, released_on, online_service)
RELEASES: tuple[tuple[str, str, date, bool], ...] = (
    *(("SOLIDWORKS", str(n), date(n - 1, 10, 1), False) for n in range(2019, 2027)),
    *(("3DEXPERIENCE", f"R{n}x", date(n - 1, 9, 1), True) for n in range(2023, 2027)),
    *(("Mastercam", str(n), date(n - 1, 6, 1), False) for n in range(2022, 2028)),
    *(("Creo", f"{n}.0", date(2013 + n, 4, 1), False) for n in range(8, 13)),
    ("Windchill", "12.0", date(2020, 11, 1), False),
    ("Windchill", "12.1", date(2022, 4, 1), False),
    ("Windchill", "13.0", date(2023, 7, 1), False),
    ("Windchill", "13.1", date(2025, 4, 1), False),
)


@transaction.atomic
def seed() -> int:
    """Add the catalogue rows that are missing; the number added."""
    added = 0
    for product, version, released_on, online in RELEASES:
        _, created = ProductVersion.objects.get_or_create(
            product=product, version=version, defaults={"released_on": released_on, "online_service": online}
        )
        added += created
    return added
