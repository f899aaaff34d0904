"""The demo organisation's teams and people. Demo only: `load_demo` refuses to run outside DEBUG."""

from dataclasses import dataclass

# One shared password for the local demo, printed by `make demo`. Never used outside DEBUG.
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105

# (code, name, kind, parent code)
TEAMS = [
    ("WCCG", "NHS Warrington CCG", "organisation", None),
    ("CORP", "Corporate Services", "directorate", "WCCG"),
    ("COMMS", "Communications and Engagement", "team", "CORP"),
    ("HR", "Human Resources", "team", "CORP"),
    ("FIN", "Finance", "team", "CORP"),
    ("QUAL", "Quality and Safeguarding", "directorate", "WCCG"),
    ("SAFE", "Safeguarding", "team", "QUAL"),
    ("PCC", "Primary Care Commissioning", "team", "QUAL"),
    ("MEDS", "Medicines Management", "sub_team", "PCC"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    role: str
    employee_number: str
    team: str
    job_title: str
    staff_group: str
    started_days_ago: int
    modules_done: int = 0
    attested_days_ago: int | None = None
    safeguarding_days_ago: int | None = None
    manages: tuple[str, ...] = ()
    hr: bool = False
    cms_group: str = ""
    employment_type: str = "substantive"
    manager_email: str = "grace.oconnor@example.nhs.uk"
    second_post: str = ""  # the code of the team of a second post, beside the one their own team comes from


ADMIN = "Administrative and Clerical"
NURSING = "Nursing and Midwifery Registered"
SCIENTIFIC = "Add Prof Scientific and Technic"

PEOPLE = [
    DemoPerson(
        "sam.taylor@example.nhs.uk",
        "Sam",
        "Taylor",
        "New starter",
        "10000001",
        "COMMS",
        "Communications Officer",
        ADMIN,
        6,
    ),
    DemoPerson(
        "grace.oconnor@example.nhs.uk",
        "Grace",
        "O'Connor",
        "Manager",
        "10000002",
        "COMMS",
        "Head of Communications and Engagement",
        ADMIN,
        2200,
        8,
        40,
        400,
        manages=("COMMS", "CORP"),
        manager_email="",
    ),
    DemoPerson(
        "dev.patel@example.nhs.uk",
        "Dev",
        "Patel",
        "HR officer",
        "10000003",
        "HR",
        "HR Business Partner",
        ADMIN,
        1500,
        8,
        100,
        1000,
        hr=True,
    ),
    # The second member of HR: she imports the national e-learning records, and Dev Patel her own (nobody records
    # evidence about themselves). Like him, she sets up her authenticator app when she first opens an HR page.
    DemoPerson(
        "joanne.whitfield@example.nhs.uk",
        "Joanne",
        "Whitfield",
        "HR officer",
        "10000010",
        "HR",
        "Workforce Information Officer",
        ADMIN,
        1100,
        6,
        150,
        500,
        hr=True,
    ),
    DemoPerson(
        "chloe.evans@example.nhs.uk",
        "Chloe",
        "Evans",
        "CMS editor",
        "10000004",
        "COMMS",
        "Digital Content Editor",
        ADMIN,
        900,
        3,
        350,
        1070,
        cms_group="Moderators",
    ),
    DemoPerson(
        "tomasz.nowak@example.nhs.uk",
        "Tomasz",
        "Nowak",
        "Staff",
        "10000005",
        "PCC",
        "Primary Care Contracts Manager",
        ADMIN,
        1200,
        4,
        380,
        200,
        manager_email="aisha.rahman@example.nhs.uk",
    ),
    DemoPerson(
        "aisha.rahman@example.nhs.uk",
        "Aisha",
        "Rahman",
        "Manager",
        "10000006",
        "SAFE",
        "Designated Nurse for Safeguarding",
        NURSING,
        3000,
        2,
        200,
        90,
        manages=("QUAL",),
        manager_email="",
    ),
    DemoPerson(
        "gareth.williams-jones@example.nhs.uk",
        "Gareth",
        "Williams-Jones",
        "Staff",
        "10000007",
        "FIN",
        "Finance Officer",
        ADMIN,
        700,
    ),
    DemoPerson(
        "nadia.haddad@example.nhs.uk",
        "Nadia",
        "حداد",
        "Staff (agency)",
        "10000008",
        "MEDS",
        "Medicines Optimisation Pharmacist",
        SCIENTIFIC,
        45,
        1,
        None,
        30,
        employment_type="agency",
        manager_email="aisha.rahman@example.nhs.uk",
    ),
    # Runs Primary Care Commissioning's official account for GP practices: module 06 is required of her by job title,
    # though she is not in Communications and Engagement. She also holds a second part-time post there, so Grace sees
    # her below her team's table ("Also working in this team"), counted in Primary Care Commissioning.
    DemoPerson(
        "fiona.walsh@example.nhs.uk",
        "Fiona",
        "Walsh",
        "Staff (runs an official account)",
        "10000009",
        "PCC",
        "Digital Communications Officer",
        ADMIN,
        800,
        8,
        120,
        400,
        manager_email="aisha.rahman@example.nhs.uk",
        second_post="COMMS",
    ),
]
