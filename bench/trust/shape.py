"""What the trust is made of: staff groups and their job titles, the mix of groups in each kind of directorate,
the directorates and their teams, people's names, and the training every group must do."""

STAFF_GROUPS = {
    "Nursing and Midwifery Registered": [
        "Staff Nurse",
        "Staff Nurse",
        "Senior Staff Nurse",
        "Deputy Ward Manager",
        "Clinical Nurse Specialist",
        "Midwife",
        "Community Nurse",
        "Advanced Nurse Practitioner",
    ],
    "Additional Clinical Services": [
        "Healthcare Assistant",
        "Healthcare Assistant",
        "Clinical Support Worker",
        "Nursing Associate",
        "Maternity Support Worker",
        "Phlebotomist",
        "Therapy Assistant",
    ],
    "Administrative and Clerical": [
        "Ward Clerk",
        "Medical Secretary",
        "Administrator",
        "Receptionist",
        "Finance Officer",
        "HR Advisor",
        "Project Manager",
        "Data Analyst",
    ],
    "Allied Health Professionals": [
        "Physiotherapist",
        "Occupational Therapist",
        "Diagnostic Radiographer",
        "Speech and Language Therapist",
        "Dietitian",
        "Podiatrist",
        "Operating Department Practitioner",
    ],
    "Medical and Dental": [
        "Consultant",
        "Specialty Registrar",
        "Specialty Doctor",
        "Foundation Year 1 Doctor",
        "Foundation Year 2 Doctor",
        "Core Trainee",
    ],
    "Estates and Ancillary": [
        "Porter",
        "Domestic Assistant",
        "Catering Assistant",
        "Housekeeper",
        "Maintenance Technician",
        "Electrician",
        "Security Officer",
    ],
}
NURSING, CLINICAL_SUPPORT, ADMIN, AHP, MEDICAL, ESTATES = STAFF_GROUPS
CLINICAL = [NURSING, CLINICAL_SUPPORT, AHP, MEDICAL]
NON_CLINICAL = [ADMIN, ESTATES]
# Relative weights of the staff groups in a team, by the kind of directorate it sits in.
MIX = {
    "clinical": {NURSING: 38, CLINICAL_SUPPORT: 27, MEDICAL: 14, ADMIN: 12, AHP: 7, ESTATES: 2},
    "support": {AHP: 35, ADMIN: 25, CLINICAL_SUPPORT: 20, NURSING: 8, MEDICAL: 7, ESTATES: 5},
    "estates": {ESTATES: 80, ADMIN: 15, CLINICAL_SUPPORT: 5},
    "corporate": {ADMIN: 88, NURSING: 4, ESTATES: 4, AHP: 2, MEDICAL: 2},
    "board": {ADMIN: 70, NURSING: 10, MEDICAL: 10, AHP: 5, ESTATES: 5},
}
MANAGER_TITLES = {
    NURSING: "Ward Manager",
    CLINICAL_SUPPORT: "Team Leader",
    ADMIN: "Office Manager",
    AHP: "Clinical Lead",
    MEDICAL: "Clinical Director",
    ESTATES: "Supervisor",
}
DIRECTORATES = [  # name, kind of work, relative number of teams, team names
    (
        "Medicine",
        "clinical",
        3,
        "Acute Medical Unit, Cardiology, Respiratory Medicine, Gastroenterology, Care of the Elderly, Stroke Unit, "
        "Diabetes and Endocrinology, Renal Medicine, Neurology, Dermatology, Rheumatology, Haematology, Oncology, "
        "Endoscopy",
    ),
    (
        "Surgery",
        "clinical",
        3,
        "General Surgery, Trauma and Orthopaedics, Urology, Ear Nose and Throat, Ophthalmology, Vascular Surgery, "
        "Anaesthetics, Theatres, Critical Care, Day Surgery Unit, Pre-operative Assessment, Breast Surgery, "
        "Plastic Surgery, Pain Management",
    ),
    (
        "Urgent and Emergency Care",
        "clinical",
        2,
        "Emergency Department, Urgent Treatment Centre, Same Day Emergency Care, Clinical Decision Unit, Patient Flow, "
        "Discharge Lounge, Ambulatory Care, Paediatric Emergency Department, Frailty Assessment Unit, "
        "Minor Injuries Unit",
    ),
    (
        "Women's and Children's",
        "clinical",
        2,
        "Delivery Suite, Antenatal Clinic, Postnatal Ward, Neonatal Unit, Paediatric Ward, Gynaecology, "
        "Community Midwifery, Children's Outpatients, Early Pregnancy Unit, Fertility Services, Health Visiting, "
        "Birth Centre",
    ),
    (
        "Community Services",
        "clinical",
        2,
        "District Nursing, Intermediate Care, Community Therapy, Podiatry, Speech and Language Therapy, "
        "Tissue Viability, Continence Service, Palliative Care, Community Dental, Sexual Health, "
        "Heart Failure Nursing, Community Respiratory Team",
    ),
    (
        "Clinical Support Services",
        "support",
        2,
        "Radiology, Pathology, Pharmacy, Physiotherapy, Occupational Therapy, Dietetics, Outpatients, "
        "Medical Records, Audiology, Cardiac Physiology, Mortuary, Sterile Services",
    ),
    (
        "Estates and Facilities",
        "estates",
        1,
        "Portering, Domestic Services, Catering, Maintenance, Security, Car Parking and Transport, Linen Services, "
        "Waste Management, Capital Projects, Energy and Sustainability",
    ),
    (
        "Corporate Services",
        "corporate",
        1,
        "Finance, Human Resources, Information Governance, Digital Services, Procurement, Communications, "
        "Governance and Risk, Learning and Development, Payroll, Patient Experience, Performance and Information, "
        "Occupational Health",
    ),
]
SUB_TEAMS = {
    "clinical": ["Ward A", "Ward B", "Outpatient Clinic", "Day Unit", "Specialist Nurses", "Night Team", "Admin"],
    "support": ["Inpatients", "Outpatients", "Laboratory", "Community", "Out of Hours", "Admin"],
    "estates": ["Day Shift", "Night Shift", "Weekend Team", "Helpdesk", "Supervisors"],
    "corporate": ["Operations", "Business Partners", "Transactional", "Systems", "Projects"],
}
FIRST_NAMES = (  # noqa: SIM905 (a list of names reads better as words)
    "Olivia Amelia Isla Ava Mia Sophia Grace Lily Emily Ella Jessica Sarah Rachel Laura Emma Hannah Charlotte "
    "Lucy Rebecca Katie Chloe Megan Amy Gemma Nicola Claire Helen Karen Susan Julie Joanne Michelle Priya Aisha "
    "Fatima Anjali Deepa Mary Chinwe Ngozi Funmilayo Maria Ana Joanna Agnieszka Oliver George Harry Jack "
    "Jacob Noah Charlie Thomas James William Daniel Matthew David Michael Paul Mark Andrew Richard Peter Stephen "
    "Christopher Robert John Ian Gary Mohammed Ahmed Ali Omar Imran Raj Sanjay Arjun Rohan Chukwuemeka Oluwaseun "
    "Kwame Tomasz Piotr Jose Luis Marco"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of names reads better as words)
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett "
    "Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards "
    "Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray "
    "Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker "
    "Fisher Stevens Jenkins Murray Dixon Harvey Ahmed Okafor Adeyemi Mensah Nowak Kowalski Fernandes Santos Nair "
    "Sharma Gupta Chen Wong Nguyen O'Brien McDonald Fraser Reid"
).split()
REQUIREMENTS = [
    # name, renewal months, staff groups (None: everyone)
    ("Safeguarding Adults Level 1", 36, None),
    ("Safeguarding Children Level 2", 36, CLINICAL),
    ("Information Governance and Data Security", 12, None),
    ("Fire Safety", 12, None),
    ("Equality, Diversity and Human Rights", 36, None),
    ("Health, Safety and Welfare", 36, None),
    ("Infection Prevention and Control Level 1", 12, None),
    ("Moving and Handling Level 1", 24, None),
    ("Conflict Resolution", 36, None),
    ("Preventing Radicalisation", 36, None),
    ("Resuscitation Level 1", 12, NON_CLINICAL),
    ("Social Media and Digital Content Policy attestation", 12, None),
]
