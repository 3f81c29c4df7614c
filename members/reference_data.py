"""The curated reference data: the competence taxonomy and the Bucharest–Ilfov gazetteer.

Plain Python data plus `ensure_reference_data`, which upserts it by slug. The function takes the
model classes as arguments so that data migration 0003 can pass historical models
(`apps.get_model`) and the demo loader the real ones; running it again changes nothing.

Romanian text uses the comma-below ș ț (U+0219, U+021B), never the cedilla forms (U+015F, U+0163).
"""

from decimal import Decimal

from django.utils.text import slugify

from .text import fold

# --- Competence taxonomy ----------------------------------------------------------------------

# (slug, name_ro, name_en); `position` is the order of this list.
COMPETENCE_GROUPS = [
    ("robotics-automation", "Robotică și automatizare", "Robotics and automation"),
    ("sensors-measurement", "Senzori și măsurare", "Sensors and measurement"),
    ("precision-mechanics", "Mecanică fină și fabricație", "Precision mechanics and manufacturing"),
    ("electronics-embedded", "Electronică și sisteme încorporate", "Electronics and embedded systems"),
    ("software-ai", "Software și inteligență artificială", "Software and artificial intelligence"),
    ("materials", "Materiale avansate", "Advanced materials"),
    ("testing-certification", "Testare și certificare", "Testing and certification"),
    ("training-consultancy", "Formare și consultanță", "Training and consultancy"),
]

# group slug → [(slug, name_ro, name_en), …]
COMPETENCES = {
    "robotics-automation": [
        ("industrial-robotics", "Robotică industrială", "Industrial robotics"),
        ("collaborative-robots", "Roboți colaborativi", "Collaborative robots"),
        (
            "mobile-robotics",
            "Robotică mobilă și vehicule autonome",
            "Mobile robotics and autonomous vehicles",
        ),
        ("industrial-automation", "Automatizări industriale și PLC", "Industrial automation and PLCs"),
        ("machine-vision", "Vedere artificială pentru inspecție", "Machine vision for inspection"),
    ],
    "sensors-measurement": [
        ("smart-sensors", "Senzori inteligenți", "Smart sensors"),
        ("mems", "Microsisteme MEMS", "MEMS microsystems"),
        ("dimensional-metrology", "Metrologie dimensională", "Dimensional metrology"),
        ("condition-monitoring", "Monitorizarea stării echipamentelor", "Condition monitoring"),
    ],
    "precision-mechanics": [
        ("cnc-machining", "Prelucrări CNC de precizie", "Precision CNC machining"),
        (
            "additive-manufacturing",
            "Fabricație aditivă (imprimare 3D)",
            "Additive manufacturing (3D printing)",
        ),
        (
            "mechanical-design",
            "Proiectare mecanică asistată de calculator",
            "Computer-aided mechanical design",
        ),
        ("micromechanics", "Micromecanică", "Micromechanics"),
        ("tooling", "Scule și matrițe", "Tooling and dies"),
    ],
    "electronics-embedded": [
        ("embedded-systems", "Sisteme încorporate", "Embedded systems"),
        ("pcb-design", "Proiectare de circuite imprimate", "PCB design"),
        (
            "power-electronics",
            "Electronică de putere și acționări electrice",
            "Power electronics and electric drives",
        ),
        ("internet-of-things", "Internetul lucrurilor (IoT)", "Internet of Things (IoT)"),
    ],
    "software-ai": [
        ("industrial-software", "Software industrial și SCADA", "Industrial software and SCADA"),
        (
            "artificial-intelligence",
            "Inteligență artificială și învățare automată",
            "Artificial intelligence and machine learning",
        ),
        ("digital-twins", "Gemeni digitali și simulare", "Digital twins and simulation"),
        ("industrial-cybersecurity", "Securitate cibernetică industrială", "Industrial cybersecurity"),
    ],
    "materials": [
        ("materials-science", "Știința materialelor", "Materials science"),
        ("smart-materials", "Materiale inteligente", "Smart materials"),
        ("composite-materials", "Materiale compozite", "Composite materials"),
        ("surface-engineering", "Ingineria suprafețelor și acoperiri", "Surface engineering and coatings"),
    ],
    "testing-certification": [
        ("laboratory-testing", "Încercări de laborator", "Laboratory testing"),
        (
            "product-certification",
            "Certificarea produselor și marcaj CE",
            "Product certification and CE marking",
        ),
        ("non-destructive-testing", "Control nedistructiv", "Non-destructive testing"),
        ("calibration", "Etalonare și verificări metrologice", "Calibration and metrological verification"),
    ],
    "training-consultancy": [
        ("technical-assistance", "Asistență tehnică și consultanță", "Technical assistance and consultancy"),
        ("vocational-training", "Formare profesională în mecatronică", "Vocational training in mechatronics"),
        ("technology-transfer", "Transfer tehnologic", "Technology transfer"),
        (
            "innovation-management",
            "Managementul inovării și proiecte de cercetare",
            "Innovation management and research projects",
        ),
    ],
}

# --- Gazetteer ----------------------------------------------------------------------------------

BUCHAREST = "București"
ILFOV = "Ilfov"

# (name, latitude, longitude): approximate centres, good enough for a map pin.
BUCHAREST_SECTORS = [
    ("Sectorul 1", "44.48000", "26.06000"),
    ("Sectorul 2", "44.45500", "26.14000"),
    ("Sectorul 3", "44.41700", "26.16000"),
    ("Sectorul 4", "44.37500", "26.11000"),
    ("Sectorul 5", "44.39500", "26.06500"),
    ("Sectorul 6", "44.43500", "26.02000"),
]

ILFOV_TOWNS = [
    ("Bragadiru", "44.37111", "25.97750"),
    ("Buftea", "44.56130", "25.94880"),
    ("Chitila", "44.50810", "25.98240"),
    ("Măgurele", "44.35050", "26.02990"),
    ("Otopeni", "44.55000", "26.07000"),
    ("Pantelimon", "44.45280", "26.20000"),
    ("Popești-Leordeni", "44.38000", "26.16940"),
    ("Voluntari", "44.49190", "26.17600"),
]

ILFOV_COMMUNES = [
    ("1 Decembrie", "44.29500", "26.06000"),
    ("Afumați", "44.52500", "26.25000"),
    ("Balotești", "44.61500", "26.09500"),
    ("Berceni", "44.31500", "26.18500"),
    ("Brănești", "44.45000", "26.33300"),
    ("Cernica", "44.41700", "26.28300"),
    ("Chiajna", "44.45800", "25.97400"),
    ("Ciolpani", "44.73500", "26.08000"),
    ("Ciorogârla", "44.43900", "25.88600"),
    ("Clinceni", "44.37500", "25.95000"),
    ("Copăceni", "44.24500", "26.05500"),
    ("Corbeanca", "44.60000", "26.03000"),
    ("Cornetu", "44.33500", "25.95000"),
    ("Dascălu", "44.60000", "26.23300"),
    ("Dărăști-Ilfov", "44.31000", "26.00500"),
    ("Dobroești", "44.45400", "26.18800"),
    ("Domnești", "44.39800", "25.91500"),
    ("Dragomirești-Vale", "44.46500", "25.93500"),
    ("Găneasa", "44.47000", "26.30000"),
    ("Glina", "44.38500", "26.25000"),
    ("Grădiștea", "44.67000", "26.28000"),
    ("Gruiu", "44.73500", "26.23000"),
    ("Jilava", "44.33300", "26.07800"),
    ("Moara Vlăsiei", "44.64000", "26.21000"),
    ("Mogoșoaia", "44.52900", "26.00000"),
    ("Nuci", "44.72000", "26.30000"),
    ("Periș", "44.68500", "26.01500"),
    ("Petrăchioaia", "44.58000", "26.31000"),
    ("Snagov", "44.70000", "26.17000"),
    ("Ștefăneștii de Jos", "44.58500", "26.19000"),
    ("Tunari", "44.55000", "26.14500"),
    ("Vidra", "44.26000", "26.16000"),
]


def locality_slug(name):
    """'Ștefăneștii de Jos' → 'stefanestii-de-jos' (the slug Locality.save would make)."""
    return slugify(fold(name))


def _localities():
    rows = []
    for county, kind, places in (
        (BUCHAREST, "sector", BUCHAREST_SECTORS),
        (ILFOV, "town", ILFOV_TOWNS),
        (ILFOV, "commune", ILFOV_COMMUNES),
    ):
        for name, latitude, longitude in places:
            rows.append(
                {
                    "slug": locality_slug(name),
                    "name": name,
                    "county": county,
                    "kind": kind,
                    "latitude": Decimal(latitude),
                    "longitude": Decimal(longitude),
                }
            )
    return rows


# Every locality as a dict of Locality field values, slug included (historical models need it).
LOCALITIES = _localities()


def ensure_reference_data(CompetenceGroup, Competence, Locality):  # noqa: N803 (model classes)
    """Create or update the taxonomy and the gazetteer, matching rows by slug. Idempotent.

    Takes the model classes so a data migration can pass `apps.get_model(...)` models.
    Returns the number of rows of each kind, for messages.
    """
    groups = {}
    for position, (slug, name_ro, name_en) in enumerate(COMPETENCE_GROUPS, start=1):
        groups[slug], _ = CompetenceGroup.objects.update_or_create(
            slug=slug, defaults={"name_ro": name_ro, "name_en": name_en, "position": position}
        )
    competences = 0
    for group_slug, rows in COMPETENCES.items():
        for slug, name_ro, name_en in rows:
            Competence.objects.update_or_create(
                slug=slug, defaults={"name_ro": name_ro, "name_en": name_en, "group": groups[group_slug]}
            )
            competences += 1
    for row in LOCALITIES:
        values = dict(row)
        Locality.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    return {"groups": len(groups), "competences": competences, "localities": len(LOCALITIES)}
