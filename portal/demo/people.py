"""The demo organisation's people. Demo only: `load_demo` refuses to run outside DEBUG."""

from dataclasses import dataclass

# One shared password for the local demo, printed by `make demo`. Never used outside DEBUG.
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    role: str
    modules_done: int = 0
    cms_group: str = ""


PEOPLE = [
    DemoPerson("sam.taylor@example.nhs.uk", "Sam", "Taylor", "New starter (Communications and Engagement)"),
    DemoPerson("grace.oconnor@example.nhs.uk", "Grace", "O'Connor", "Manager (Communications and Engagement)", 7),
    DemoPerson("dev.patel@example.nhs.uk", "Dev", "Patel", "HR officer", 7),
    DemoPerson("chloe.evans@example.nhs.uk", "Chloe", "Evans", "CMS editor", 3, cms_group="Moderators"),
    DemoPerson("tomasz.nowak@example.nhs.uk", "Tomasz", "Nowak", "Staff (Primary Care Commissioning)", 4),
    DemoPerson("aisha.rahman@example.nhs.uk", "Aisha", "Rahman", "Staff (Safeguarding)", 2),
    DemoPerson("gareth.williams-jones@example.nhs.uk", "Gareth", "Williams-Jones", "Staff (Finance)", 0),
]
