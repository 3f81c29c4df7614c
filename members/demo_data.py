"""Fictional sample members for demos, screenshots and development: `load_demo_data()`.

144 published members (13 R&D entities, 9 public authorities, 22 catalyzers, 100 enterprises)
with descriptions in Romanian and English, valid fiscal codes, generated logos and contact
persons. Every name, address, phone number and person is invented; websites and e-mail
addresses use the reserved example.ro domain.

Deterministic and idempotent: everything is drawn from `random.Random(2026)` before the database
is touched, members are matched by their name key (`members.text.name_key`), contacts by
(member, e-mail), and a logo is drawn only for a member that has none yet. Running it again
leaves the same 144 members, contacts and logo files.

Romanian text uses the comma-below ș ț (U+0219, U+021B), never the cedilla forms (U+015F, U+0163).
"""

import io
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from .models import (
    Certification,
    Competence,
    ContactPerson,
    Locality,
    Member,
    normalize_fiscal_code,
    unique_slug,
)
from .reference_data import (
    BUCHAREST,
    BUCHAREST_SECTORS,
    CERTIFICATIONS,
    ILFOV_COMMUNES,
    ILFOV_TOWNS,
    ensure_reference_data,
)
from .reference_data import locality_slug as _locality_slug
from .text import fold, name_key

SEED = 2026
COUNTS = {"rd": 13, "public-authority": 9, "catalyzer": 22, "enterprise": 100}
TOTAL = sum(COUNTS.values())
EMAIL_DOMAIN = "example.ro"
BUCHAREST_TZ = ZoneInfo("Europe/Bucharest")
FIRST_MEMBER_SINCE = date(2015, 1, 1)
LAST_MEMBER_SINCE = date(2026, 6, 30)

# Same rule as members.models.validate_fiscal_code: weights applied right-aligned on the body.
CUI_WEIGHTS = "753217532"

# --- Names --------------------------------------------------------------------------------------

# (name, locality slug or None for a random one, competence slugs the member focuses on)
RD_ENTITIES = [
    ("Institutul de Cercetări în Senzori Avansați", None, ["smart-sensors", "mems"]),
    ("Institutul Fictiv de Mecatronică Aplicată", None, ["industrial-automation", "mechanical-design"]),
    (
        "Centrul de Cercetare pentru Robotică Colaborativă",
        None,
        ["collaborative-robots", "industrial-robotics"],
    ),
    ("Laboratorul de Micro- și Nanosisteme (demo)", "magurele", ["mems", "micromechanics"]),
    (
        "Institutul de Știința Materialelor Inteligente (demo)",
        "magurele",
        ["materials-science", "smart-materials"],
    ),
    ("Centrul de Cercetări Tehnice „Carpați Digital”", None, ["digital-twins", "industrial-software"]),
    ("Institutul de Încercări și Metrologie Aplicată (demo)", None, ["laboratory-testing", "calibration"]),
    ("Centrul de Inginerie a Sistemelor Încorporate", None, ["embedded-systems", "internet-of-things"]),
    ("Laboratorul de Acționări Electrice și Electronică de Putere", None, ["power-electronics"]),
    (
        "Institutul de Cercetări pentru Fabricație Aditivă",
        None,
        ["additive-manufacturing", "materials-science"],
    ),
    ("Centrul de Cercetare în Inteligență Artificială Industrială", None, ["artificial-intelligence"]),
    ("Laboratorul de Vedere Artificială Pădurea Verde (demo)", None, ["machine-vision"]),
    ("Institutul de Tehnologii Optomecanice (demo)", None, ["micromechanics", "dimensional-metrology"]),
]

PUBLIC_AUTHORITIES = [
    ("Agenția Fictivă pentru Inovare Ilfov", "buftea", ["innovation-management", "technology-transfer"]),
    ("Oficiul Demonstrativ pentru Transfer Tehnologic București", None, ["technology-transfer"]),
    ("Agenția de Dezvoltare Locală Sector 3 (demo)", "sectorul-3", ["innovation-management"]),
    (
        "Serviciul Public de Digitalizare Voluntari (demo)",
        "voluntari",
        ["internet-of-things", "industrial-software"],
    ),
    ("Direcția pentru Parcuri Tehnologice Ilfov (demo)", "otopeni", ["technology-transfer"]),
    (
        "Agenția Metropolitană Fictivă pentru Mobilitate Inteligentă",
        None,
        ["mobile-robotics", "smart-sensors"],
    ),
    ("Autoritatea Demonstrativă pentru Standarde Tehnice", None, ["product-certification", "calibration"]),
    ("Consiliul Fictiv pentru Educație Tehnică București", None, ["vocational-training"]),
    ("Centrul Public de Formare Profesională Otopeni (demo)", "otopeni", ["vocational-training"]),
]

CATALYZERS = [
    ("Asociația Tinerilor Ingineri Mecatroniști", None, ["vocational-training", "industrial-automation"]),
    ("Asociația pentru Roboți și Oameni", None, ["collaborative-robots", "vocational-training"]),
    ("Fundația Științifică „Viitorul Tehnic”", None, ["innovation-management", "technology-transfer"]),
    ("Incubatorul de Afaceri Tehnologice Nordul Verde (demo)", None, ["innovation-management"]),
    (
        "Acceleratorul Fictiv de Start-up-uri Industriale",
        None,
        ["innovation-management", "technology-transfer"],
    ),
    (
        "Hubul de Inovare Digitală Dâmbovița Sud (demo)",
        None,
        ["industrial-software", "artificial-intelligence"],
    ),
    (
        "Asociația Profesională a Automatiștilor (demo)",
        None,
        ["industrial-automation", "technical-assistance"],
    ),
    (
        "Parcul Științific și Tehnologic Lacul Verde (demo)",
        None,
        ["technology-transfer", "laboratory-testing"],
    ),
    ("Fundația pentru Educație STEM „Roata Dințată”", None, ["vocational-training"]),
    (
        "Clubul de Robotică Școlară Bucureștii Noi (demo)",
        "sectorul-1",
        ["mobile-robotics", "vocational-training"],
    ),
    (
        "Asociația Femeilor în Inginerie Mecatronică (demo)",
        None,
        ["vocational-training", "mechanical-design"],
    ),
    ("Rețeaua de Ateliere Deschise Fablab Est (demo)", None, ["additive-manufacturing", "pcb-design"]),
    ("Centrul de Transfer Tehnologic Colentina (demo)", "sectorul-2", ["technology-transfer"]),
    ("Asociația Producătorilor de Echipamente de Automatizare", None, ["industrial-automation"]),
    ("Camera Fictivă de Comerț pentru Tehnologii Avansate", None, ["innovation-management"]),
    ("Incubatorul Universitar de Mecatronică Regie (demo)", "sectorul-6", ["technology-transfer"]),
    ("Asociația pentru Fabricație Digitală Ilfov", "chiajna", ["additive-manufacturing", "digital-twins"]),
    ("Fundația Inovatorilor din Militari (demo)", "sectorul-6", ["innovation-management"]),
    ("Hubul Comunitar de Electronică Tineretului (demo)", "sectorul-4", ["embedded-systems", "pcb-design"]),
    ("Asociația Consultanților în Proiecte Tehnice", None, ["technical-assistance", "innovation-management"]),
    (
        "Centrul de Excelență Industria 4.0 Berceni (demo)",
        "sectorul-4",
        ["digital-twins", "internet-of-things"],
    ),
    ("Asociația Utilizatorilor de Roboți Colaborativi", None, ["collaborative-robots"]),
]

# The middle word of an enterprise's name and the competences such a firm would focus on.
ENTERPRISE_TRADES = [
    ("Mecatronică", ["industrial-automation", "mechanical-design", "embedded-systems"]),
    ("Automatizări", ["industrial-automation", "industrial-software"]),
    ("Robotică", ["industrial-robotics", "collaborative-robots", "mobile-robotics"]),
    ("Senzori", ["smart-sensors", "mems", "condition-monitoring"]),
    ("Electronică", ["embedded-systems", "pcb-design", "power-electronics"]),
    ("Sisteme Încorporate", ["embedded-systems", "internet-of-things"]),
    ("Precizie", ["cnc-machining", "micromechanics", "dimensional-metrology"]),
    ("Prelucrări Mecanice", ["cnc-machining", "tooling"]),
    ("Tehnologii Laser", ["cnc-machining", "surface-engineering"]),
    ("Inginerie", ["mechanical-design", "technical-assistance"]),
    ("Metrologie", ["dimensional-metrology", "calibration"]),
    ("Acționări", ["power-electronics", "industrial-automation"]),
    ("Software Industrial", ["industrial-software", "digital-twins", "industrial-cybersecurity"]),
    ("Vedere Artificială", ["machine-vision", "artificial-intelligence"]),
    ("Compozite", ["composite-materials", "smart-materials"]),
    ("Prototipare 3D", ["additive-manufacturing", "mechanical-design"]),
    ("Matrițe", ["tooling", "cnc-machining"]),
    ("Mentenanță Industrială", ["condition-monitoring", "technical-assistance"]),
    ("Testare", ["laboratory-testing", "non-destructive-testing", "product-certification"]),
    ("Consultanță Tehnică", ["technical-assistance", "product-certification", "innovation-management"]),
    ("IoT", ["internet-of-things", "smart-sensors"]),
    ("Acoperiri", ["surface-engineering", "materials-science"]),
    ("Simulare Digitală", ["digital-twins", "industrial-software"]),
]

SURNAMES = [
    "Popescu", "Ionescu", "Ștefănescu", "Dumitrescu", "Constantinescu", "Georgescu", "Marinescu",
    "Stănescu", "Rădulescu", "Munteanu", "Țurcanu", "Năstase", "Bălan", "Lăcătuș", "Șerban", "Păun",
    "Dobre", "Tănase", "Preda", "Mocanu", "Căpraru", "Vâlcu", "Neagu", "Petrescu", "Țăranu",
    "Iordache", "Cârstea", "Drăgulescu", "Bărbulescu", "Manolache", "Săvulescu", "Brâncoveanu",
    "Gâdea", "Sârbu", "Florescu", "Răducanu", "Mihăilescu", "Zăvoianu", "Oprișan", "Tudorache",
]  # fmt: skip

FIRST_NAMES = [
    "Andrei", "Ioana", "Mihai", "Elena", "Ștefan", "Cătălina", "Răzvan", "Bogdan", "Alexandra",
    "Cristina", "Tudor", "Irina", "Ionuț", "Mădălina", "Radu", "Oana", "Vlad", "Ana-Maria",
    "Gheorghe", "Corina", "Dănuț", "Simona", "Florin", "Ramona", "Lucian", "Adriana", "Costin",
    "Iulia", "Sorin", "Anca", "Bianca", "Horia", "Smaranda", "Petru", "Liviu", "Ileana",
]  # fmt: skip

STREETS = [
    "Strada Inovației", "Bulevardul Mecatronicii", "Strada Roților Dințate", "Aleea Senzorilor",
    "Strada Inginerilor Fictivi", "Calea Progresului Tehnic", "Strada Laboratorului", "Intrarea Circuitelor",
    "Șoseaua Automatizărilor", "Strada Pistonului", "Aleea Cercetătorilor", "Strada Tehnicienilor",
    "Bulevardul Științei Aplicate", "Strada Angrenajului", "Aleea Microcipului", "Strada Servomotorului",
]  # fmt: skip

ROLES = {
    "enterprise": [
        "Director tehnic",
        "Manager de proiect",
        "Responsabil vânzări",
        "Inginer-șef",
        "Responsabil calitate",
    ],
    "rd": [
        "Director științific",
        "Cercetător științific",
        "Responsabil transfer tehnologic",
        "Șef de laborator",
    ],
    "public-authority": ["Consilier pentru inovare", "Șef serviciu programe", "Expert fonduri europene"],
    "catalyzer": ["Coordonator de programe", "Manager de comunitate", "Responsabil parteneriate"],
}
FIRST_ROLE = {
    "enterprise": "Director general",
    "rd": "Director general",
    "public-authority": "Director executiv",
    "catalyzer": "Președinte",
}
CONSENT_METHODS = [
    "formular semnat",
    "e-mail către biroul clusterului",
    "formular de adeziune la cluster, semnat",
    "acord scris transmis prin poștă",
]

# How often each competence is picked after a member's focus: a few are common, most are rare.
POPULARITY = {
    "industrial-automation": 10, "technical-assistance": 9, "industrial-robotics": 8, "embedded-systems": 8,
    "cnc-machining": 7, "mechanical-design": 7, "smart-sensors": 6, "industrial-software": 6,
    "internet-of-things": 5, "machine-vision": 5, "additive-manufacturing": 5, "vocational-training": 4,
    "artificial-intelligence": 4, "collaborative-robots": 4, "pcb-design": 4, "innovation-management": 3,
    "technology-transfer": 3, "laboratory-testing": 3, "power-electronics": 3, "condition-monitoring": 3,
    "digital-twins": 3, "product-certification": 2, "tooling": 2, "dimensional-metrology": 2,
    "calibration": 2, "mobile-robotics": 2, "composite-materials": 2, "surface-engineering": 2,
    "industrial-cybersecurity": 2, "materials-science": 2, "non-destructive-testing": 1,
    "micromechanics": 1, "mems": 1, "smart-materials": 1,
}  # fmt: skip

# English competence names that keep their capital when they continue a sentence.
_KEEP_CASE_EN = {"Internet of Things (IoT)"}

# --- Small helpers ------------------------------------------------------------------------------


def fiscal_check_digit(body):
    """The check digit of a CUI whose digits without the check digit are `body` (≤ 9 digits)."""
    digits = str(body).rjust(9, "0")
    total = sum(int(d) * int(w) for d, w in zip(digits, CUI_WEIGHTS, strict=True))
    return total * 10 % 11 % 10


def _lower_first(text, keep=()):
    if text in keep or len(text) < 2 or not text[1].islower():
        return text
    return text[0].lower() + text[1:]


def _join(items, conjunction, long_conjunction):
    """'a, b și c'; 'a, b, precum și c' when an item has a conjunction of its own."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    if any(f" {conjunction} " in item for item in items):
        return f"{', '.join(items[:-1])}, {long_conjunction} {items[-1]}"
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _random_date(rng, start, end):
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _initials(name):
    skip = {"de", "in", "pentru", "si", "a", "al", "din", "la", "srl", "sa", "&", "demo", "fictiv", "fictiva"}
    skip |= {"institutul", "centrul", "laboratorul", "asociatia", "fundatia", "agentia", "atelierul"}
    words = [w for w in fold(name).replace("„", " ").replace("”", " ").split() if w.strip("()") not in skip]
    letters = [w[0] for w in words if w[0].isalnum()]
    return "".join(letters[:2]).upper() or "M"


# --- Reference data as the generator sees it ----------------------------------------------------

_SECTORS = [_locality_slug(name) for name, _lat, _lon in BUCHAREST_SECTORS]
_ILFOV = [_locality_slug(name) for name, _lat, _lon in ILFOV_TOWNS + ILFOV_COMMUNES]
# Towns are likelier homes for a firm than communes.
_ILFOV_WEIGHTS = [3] * len(ILFOV_TOWNS) + [1] * len(ILFOV_COMMUNES)
_LOCALITY_NAMES = {
    _locality_slug(name): name for name, _lat, _lon in BUCHAREST_SECTORS + ILFOV_TOWNS + ILFOV_COMMUNES
}
_ILFOV_KIND = {_locality_slug(name): "town" for name, _lat, _lon in ILFOV_TOWNS}


def _place(slug):
    """(Romanian, English) phrase for a locality: 'Sectorul 2, București' / 'Sector 2, Bucharest'."""
    name = _LOCALITY_NAMES[slug]
    if slug in _SECTORS:
        return f"{name}, {BUCHAREST}", f"{name.replace('Sectorul', 'Sector')}, Bucharest"
    if _ILFOV_KIND.get(slug) == "town":
        return f"orașul {name}, județul Ilfov", f"the town of {name}, Ilfov County"
    return f"comuna {name}, județul Ilfov", f"{name} commune, Ilfov County"


# --- Descriptions --------------------------------------------------------------------------------

_SIZE_SHORT = {
    "micro": ("Microîntreprindere", "Micro enterprise"),
    "small": ("Întreprindere mică", "Small enterprise"),
    "medium": ("Întreprindere mijlocie", "Medium-sized enterprise"),
    "large": ("Companie", "Large company"),
}
_SIZE_LONG = {
    "micro": ("o microîntreprindere", "a micro enterprise"),
    "small": ("o întreprindere mică", "a small enterprise"),
    "medium": ("o întreprindere mijlocie", "a medium-sized enterprise"),
    "large": ("o companie mare", "a large company"),
}

_EXTRAS = {
    "enterprise": [
        (
            "Firma pune accent pe asistența tehnică oferită clienților pe toată durata proiectului.",
            "The company puts the emphasis on technical assistance throughout each project.",
        ),
        (
            "Firma livrează prototipuri și serii mici, însoțite de documentație tehnică completă.",
            "The company delivers prototypes and small series with complete technical documentation.",
        ),
        (
            "Firma colaborează cu universități și institute pentru a aduce în producție rezultatele "
            "cercetării științifice.",
            "The company works with universities and institutes to bring scientific research "
            "into production.",
        ),
        (
            "Printre clienți se numără firme din industria auto, energetică și alimentară.",
            "Its clients include firms in the automotive, energy and food industries.",
        ),
        (
            "Fiecare lucrare este verificată în laboratorul propriu înainte de livrare.",
            "Every job is checked in the company's own laboratory before delivery.",
        ),
    ],
    "rd": [
        (
            "Laboratoarele sale oferă firmelor din cluster servicii de testare și asistență tehnică.",
            "Its laboratories offer testing services and technical assistance to the cluster's firms.",
        ),
        (
            "Echipa publică rezultatele în reviste științifice și le transferă către industrie "
            "prin proiecte comune.",
            "The team publishes its results in scientific journals and transfers them to industry through "
            "joint projects.",
        ),
        (
            "Echipa de cercetare reunește doctoranzi și ingineri cu experiență în proiecte europene.",
            "The research team brings together doctoral students and engineers experienced "
            "in European projects.",
        ),
    ],
    "public-authority": [
        (
            "Facilitează accesul firmelor la finanțare, infrastructură și consultanță tehnică.",
            "It helps firms reach funding, infrastructure and technical advice.",
        ),
        (
            "Organizează consultări publice privind digitalizarea serviciilor și educația tehnică.",
            "It runs public consultations on digital services and technical education.",
        ),
    ],
    "catalyzer": [
        (
            "Pune în legătură start-up-uri, cercetători și firme pentru proiecte comune de știință aplicată.",
            "It connects start-ups, researchers and firms for joint applied science projects.",
        ),
        (
            "Oferă membrilor acces la un atelier dotat și la asistență tehnică pentru prototipuri.",
            "It gives its members access to an equipped workshop and technical assistance for prototypes.",
        ),
        (
            "Sprijină tinerii ingineri să-și transforme ideile în produse.",
            "It helps young engineers turn their ideas into products.",
        ),
    ],
}


def _texts(rng, spec, competence_names):
    """Short and long descriptions, Romanian and English, for one member spec."""
    category, size, year = spec["category"], spec["size"], spec["founded"]
    place_ro, place_en = _place(spec["locality"])
    names_ro = [_lower_first(competence_names[s][0]) for s in spec["competences"]]
    names_en = [_lower_first(competence_names[s][1], _KEEP_CASE_EN) for s in spec["competences"]]
    top_ro, top_en = _join(names_ro[:2], "și", "precum și"), _join(names_en[:2], "and", "as well as")
    all_ro, all_en = _join(names_ro, "și", "precum și"), _join(names_en, "and", "as well as")
    name = spec["name"]

    if category == "enterprise":
        noun_ro, noun_en = _SIZE_SHORT[size]
        article_ro, article_en = _SIZE_LONG[size]
        # Subcontracting is said once, in the long text (and by the profile's badge).
        short_ro = f"{noun_ro} din {place_ro}, specializată în {top_ro}."
        short_en = f"{noun_en} in {place_en}, specialising in {top_en}."
        long_ro = [
            f"{name} este {article_ro} înființată în {year}, cu sediul în {place_ro}.",
            f"Echipa lucrează în domenii precum {all_ro}."
            if len(names_ro) > 1
            else f"Echipa are experiență în {all_ro}.",
        ]
        long_en = [
            f"{name} is {article_en} founded in {year} and based in {place_en}.",
            f"Its team works in fields such as {all_en}."
            if len(names_en) > 1
            else f"Its team is experienced in {all_en}.",
        ]
    elif category == "rd":
        # The long text follows the short one on a profile: it does not say the same again.
        short_ro = f"Entitate de cercetare-dezvoltare din {place_ro}, activă în {top_ro}."
        short_en = f"Research and development organisation in {place_en}, active in {top_en}."
        long_ro = [
            f"{name} funcționează din {year}, cu sediul în {place_ro}.",  # whatever the name's gender
            f"Activitatea științifică acoperă {all_ro}.",
        ]
        long_en = [
            f"{name} has been active since {year} and is based in {place_en}.",
            f"Its scientific work covers {all_en}.",
        ]
    elif category == "public-authority":
        short_ro = (
            f"Autoritate publică (exemplu fictiv) din {place_ro}, cu programe de sprijin pentru {top_ro}."
        )
        short_en = (
            f"Public authority (fictional example) in {place_en}, with support programmes for {top_en}."
        )
        long_ro = [
            f"{name} este o autoritate publică fictivă, inclusă ca exemplu, cu sediul în {place_ro}.",
            f"Finanțează proiecte de dezvoltare locală în domenii precum {all_ro}.",
        ]
        long_en = [
            f"{name} is a fictional public authority, included as an example, based in {place_en}.",
            f"It funds local development projects in fields such as {all_en}.",
        ]
    else:
        short_ro = f"Organizație-suport pentru inovare din {place_ro}, activă în {top_ro}."
        short_en = f"Innovation support organisation in {place_en}, active in {top_en}."
        long_ro = [
            f"{name} funcționează din {year}, cu sediul în {place_ro}.",  # whatever the name's gender
            f"Organizează cursuri, evenimente și programe de mentorat în domenii precum {all_ro}.",
        ]
        long_en = [
            f"{name} has been active since {year} and is based in {place_en}.",
            f"It runs courses, events and mentoring programmes in fields such as {all_en}.",
        ]

    extra_ro, extra_en = rng.choice(_EXTRAS[category])
    long_ro.append(extra_ro)
    long_en.append(extra_en)
    if spec["offers_subcontracting"] and spec["seeks_partners"]:
        long_ro.append(
            "Acceptă lucrări în regim de subcontractare și caută parteneri pentru proiecte de inovare."
        )
        long_en.append("It accepts subcontracting work and is looking for partners for innovation projects.")
    elif spec["offers_subcontracting"]:
        long_ro.append("Acceptă lucrări în regim de subcontractare.")
        long_en.append("It accepts subcontracting work.")
    elif spec["seeks_partners"]:
        long_ro.append("Caută parteneri pentru proiecte de cercetare și inovare.")
        long_en.append("It is looking for partners for research and innovation projects.")
    return {
        "short_description_ro": short_ro,
        "short_description_en": short_en,
        "description_ro": " ".join(long_ro),
        "description_en": " ".join(long_en),
    }


# --- The plan: every member, drawn before the database is touched -------------------------------


def _pick_competences(rng, focus, category):
    count = rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 25, 15, 10])[0]
    if category != "enterprise":
        count = max(count, 2)
    chosen = [rng.choice(focus)]
    pool = [slug for slug in POPULARITY if slug not in chosen]
    while len(chosen) < count:
        slug = rng.choices(pool, weights=[POPULARITY[s] for s in pool])[0]
        chosen.append(slug)
        pool.remove(slug)
    return chosen


def _enterprise_names(rng, taken):
    """100 fictional firm names, unique by name key, each with its trade's focus competences."""
    names = []
    while len(names) < COUNTS["enterprise"]:
        trade, focus = rng.choice(ENTERPRISE_TRADES)
        surname = rng.choice(SURNAMES)
        size = rng.choices(["micro", "small", "medium", "large"], weights=[45, 35, 15, 5])[0]
        suffix = "SA" if size in ("medium", "large") and rng.random() < 0.5 else "SRL"
        pattern = rng.random()
        if pattern < 0.7:
            name = f"{surname} {trade} {suffix}"
        elif pattern < 0.85:
            partner = rng.choice([s for s in SURNAMES if s != surname])
            name = f"{surname} & {partner} {trade} {suffix}"
        else:
            name = f"Atelierul de {trade} {surname} {suffix}"
        if name_key(name) in taken:
            continue
        taken.add(name_key(name))
        names.append((name, None, focus, size))
    return names


def _founded(rng, category, size):
    if category == "rd":
        return rng.randint(1950, 2012)
    if category == "public-authority":
        return rng.randint(1990, 2020)
    if category == "catalyzer":
        return rng.randint(1998, 2023)
    if size in ("medium", "large") and rng.random() < 0.3:
        return rng.randint(1950, 1990)
    return rng.randint(1991, 2023)


def _size(rng, category):
    if category == "rd":
        return rng.choices(["small", "medium", "large"], weights=[40, 45, 15])[0]
    if category == "public-authority":
        return rng.choice(["small", "medium"])
    return rng.choices(["micro", "small", "medium"], weights=[50, 40, 10])[0]


def _fiscal_code(rng, used):
    while True:
        body = rng.randint(10**5, 10**8 - 1)
        code = f"{body}{fiscal_check_digit(body)}"
        if code not in used:
            used.add(code)
            return code


def _contacts(rng, category):
    people = []
    count = rng.choices([0, 1, 2, 3], weights=[15, 40, 30, 15])[0]
    names = set()
    while len(people) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        if (first, last) in names:
            continue
        names.add((first, last))
        role = FIRST_ROLE[category] if not people else rng.choice(ROLES[category])
        local = f"{fold(first)}.{fold(last)}".replace(" ", "-")
        contact = {
            "name": f"{first} {last}",
            "role": role,
            "email_local": local,
            "phone": f"+40 21 {rng.randint(300, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            if rng.random() < 0.6
            else "",
            "public_consent": rng.random() < 0.4,
        }
        if contact["public_consent"]:
            day = _random_date(rng, date(2024, 1, 8), date(2026, 6, 30))
            given = datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
            contact["consent_given_at"] = given.replace(tzinfo=BUCHAREST_TZ)
            method = rng.choice(CONSENT_METHODS)
            contact["consent_method"] = f"{method} ({day:%d.%m.%Y})"
        people.append(contact)
    return people


def build_plan(competence_names):
    """Every demo member as a dict of values, in a fixed order, from `random.Random(SEED)`.

    `competence_names` maps competence slug → (name_ro, name_en); nothing here reads the database.
    """
    rng = random.Random(SEED)
    taken = {name_key(n) for n, _l, _f in RD_ENTITIES + PUBLIC_AUTHORITIES + CATALYZERS}
    entries = [("rd", *row, None) for row in RD_ENTITIES]
    entries += [("public-authority", *row, None) for row in PUBLIC_AUTHORITIES]
    entries += [("catalyzer", *row, None) for row in CATALYZERS]
    entries += [("enterprise", *row) for row in _enterprise_names(rng, taken)]

    used_codes = set()
    plan = []
    for category, name, locality, focus, size in entries:
        size = size or _size(rng, category)
        if locality is None:
            if rng.random() < 0.7:
                locality = rng.choice(_SECTORS)
            else:
                locality = rng.choices(_ILFOV, weights=_ILFOV_WEIGHTS)[0]
        founded = _founded(rng, category, size)
        member_since = _random_date(rng, max(FIRST_MEMBER_SINCE, date(founded + 1, 1, 1)), LAST_MEMBER_SINCE)
        fiscal_code = ""
        if rng.random() >= 0.1:
            fiscal_code = _fiscal_code(rng, used_codes)
            if rng.random() < 0.25:  # typed as a VAT code; Member.save() removes the prefix
                fiscal_code = f"RO{fiscal_code}"
        sector = _SECTORS.index(locality) + 1 if locality in _SECTORS else None
        postal_code = f"0{sector}{rng.randint(0, 9999):04d}" if sector else f"077{rng.randint(0, 999):03d}"
        spec = {
            "name": name,
            "category": category,
            "locality": locality,
            "size": size,
            "founded": founded,
            "fiscal_code": fiscal_code,
            "competences": _pick_competences(rng, focus, category),
            "offers_subcontracting": category == "enterprise" and rng.random() < 0.4,
            "seeks_partners": rng.random() < 0.5,
            "member_since": member_since,
            "verified_on": _random_date(rng, member_since, LAST_MEMBER_SINCE)
            if rng.random() < 0.85
            else None,
            "phone": f"+40 21 {rng.randint(200, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "address": f"{rng.choice(STREETS)} nr. {rng.randint(1, 180)}",
            "postal_code": postal_code,
            "logo": _logo_style(rng) if rng.random() < 0.85 else None,
        }
        spec.update(_texts(rng, spec, competence_names))
        spec["contacts"] = _contacts(rng, category)
        plan.append(spec)

    # A few members lack one language, so the "translation missing" fallback can be shown.
    missing = rng.sample(range(len(plan)), 8)
    for index in missing[:5]:
        plan[index].update(short_description_en="", description_en="")
    for index in missing[5:]:
        plan[index].update(short_description_ro="", description_ro="")
    return plan


# --- Certifications: who is likely to hold what --------------------------------------------------

_CERTIFICATION_SLUGS = [slug for slug, _name, _ro, _en in CERTIFICATIONS]

# Enterprises: chance of ISO 9001 by size ("" = size not stated), and of ISO 14001 / ISO 45001 for
# a firm that already has ISO 9001 (integrated management systems) or does not.
_ENTERPRISE_9001 = {"micro": 0.35, "small": 0.65, "medium": 0.80, "large": 0.90, "": 0.50}
_ENTERPRISE_14001 = {"micro": 0.12, "small": 0.40, "medium": 0.60, "large": 0.80, "": 0.25}
_ENTERPRISE_14001_ALONE = {"micro": 0.0, "small": 0.02, "medium": 0.04, "large": 0.05, "": 0.01}
_ENTERPRISE_45001_WITH_14001 = 0.65
_ENTERPRISE_45001 = {"micro": 0.03, "small": 0.10, "medium": 0.20, "large": 0.30, "": 0.06}
_ENTERPRISE_45001_ALONE = {"micro": 0.0, "small": 0.01, "medium": 0.03, "large": 0.04, "": 0.01}

# Sector schemes: only for firms with a fitting competence (and never for micro firms for IATF).
_IATF_COMPETENCES = {"cnc-machining", "tooling", "industrial-automation"}
_IATF = {"micro": 0.0, "small": 0.35, "medium": 0.60, "large": 0.70, "": 0.25}  # given ISO 9001
_EN9100_COMPETENCES = {
    "cnc-machining",
    "micromechanics",
    "dimensional-metrology",
    "laboratory-testing",
    "non-destructive-testing",
    "composite-materials",
}
_EN9100 = {"micro": 0.04, "small": 0.20, "medium": 0.35, "large": 0.45, "": 0.12}  # given ISO 9001
_MEDICAL_COMPETENCES = {
    "cnc-machining",
    "micromechanics",
    "additive-manufacturing",
    "embedded-systems",
    "pcb-design",
    "smart-sensors",
    "mems",
}
_ISO13485 = {"micro": 0.025, "small": 0.08, "medium": 0.13, "large": 0.18, "": 0.05}
_SOFTWARE_COMPETENCES = {
    "industrial-software",
    "artificial-intelligence",
    "digital-twins",
    "industrial-cybersecurity",
    "internet-of-things",
}
_ISO27001 = {"micro": 0.04, "small": 0.08, "medium": 0.18, "large": 0.30, "": 0.07}
_ISO27001_CYBERSECURITY = 0.30  # a firm selling industrial cybersecurity usually shows 27001

# R&D entities: ISO/IEC 17025 is much likelier when the entity runs testing or measurement labs.
_RD_9001 = {"small": 0.35, "medium": 0.50, "large": 0.60, "": 0.45, "micro": 0.30}
_LAB_COMPETENCES = {
    "laboratory-testing",
    "calibration",
    "dimensional-metrology",
    "non-destructive-testing",
    "materials-science",
    "product-certification",
}
_RD_17025_LAB = 0.65
_RD_17025_OTHER = 0.25


def draw_certifications(rng, category, size, competence_slugs):
    """The certification slugs of one member, in the order of CERTIFICATIONS (possibly empty).

    `rng` is a `random.Random`, the only source of randomness. Every call draws exactly
    len(CERTIFICATIONS) numbers from it whatever the member, so changing one probability above
    changes no other member's draw. `category` is "rd", "public-authority", "catalyzer" or
    "enterprise"; `size` "", "micro", "small", "medium" or "large"; `competence_slugs` the
    member's competence slugs.
    """
    u = dict(zip(_CERTIFICATION_SLUGS, (rng.random() for _ in _CERTIFICATION_SLUGS), strict=True))
    size = size if size in ("micro", "small", "medium", "large") else ""
    competences = set(competence_slugs or ())
    held = set()

    if category == "enterprise":
        if u["iso-9001"] < _ENTERPRISE_9001[size]:
            held.add("iso-9001")
        has_9001 = "iso-9001" in held
        if u["iso-14001"] < (_ENTERPRISE_14001 if has_9001 else _ENTERPRISE_14001_ALONE)[size]:
            held.add("iso-14001")
        if has_9001 and "iso-14001" in held:
            p45 = _ENTERPRISE_45001_WITH_14001
        elif has_9001:
            p45 = _ENTERPRISE_45001[size]
        else:
            p45 = _ENTERPRISE_45001_ALONE[size]
        if u["iso-45001"] < p45:
            held.add("iso-45001")
        if has_9001 and size != "micro" and competences & _IATF_COMPETENCES and u["iatf-16949"] < _IATF[size]:
            held.add("iatf-16949")
        if has_9001 and competences & _EN9100_COMPETENCES and u["en-9100"] < _EN9100[size]:
            held.add("en-9100")
        if competences & _MEDICAL_COMPETENCES and u["iso-13485"] < _ISO13485[size]:
            held.add("iso-13485")
        if competences & _SOFTWARE_COMPETENCES:
            p27 = _ISO27001[size]
            if "industrial-cybersecurity" in competences:
                p27 = max(p27, _ISO27001_CYBERSECURITY)
            if u["iso-iec-27001"] < p27:
                held.add("iso-iec-27001")
    elif category == "rd":
        if u["iso-9001"] < _RD_9001[size]:
            held.add("iso-9001")
        p17025 = _RD_17025_LAB if competences & _LAB_COMPETENCES else _RD_17025_OTHER
        if u["iso-iec-17025"] < p17025:
            held.add("iso-iec-17025")
    elif category == "catalyzer":
        if u["iso-9001"] < 0.20:
            held.add("iso-9001")
    elif category == "public-authority":
        if u["iso-9001"] < 0.30:
            held.add("iso-9001")
        if u["iso-iec-27001"] < (0.20 if "iso-9001" in held else 0.06):
            held.add("iso-iec-27001")
    return [slug for slug in _CERTIFICATION_SLUGS if slug in held]


# --- Logos ---------------------------------------------------------------------------------------

_PALETTE = [
    (0, 82, 147), (0, 128, 128), (196, 69, 54), (46, 125, 50), (106, 27, 154),
    (230, 126, 34), (44, 62, 80), (192, 57, 43), (22, 160, 133), (142, 68, 173),
]  # fmt: skip
_SHAPES = ["circle", "square", "diamond", "triangle", "hexagon", "ring"]


def _logo_style(rng):
    background, accent = rng.sample(_PALETTE, 2)
    return {
        "background": None if rng.random() < 0.2 else background,
        "accent": accent,
        "shape": rng.choice(_SHAPES),
    }


def draw_logo(initials, style):
    """A 256×256 PNG: a coloured (or transparent) square, a simple shape and the initials."""
    size = 256
    background = (*style["background"], 255) if style["background"] else (0, 0, 0, 0)
    image = Image.new("RGBA", (size, size), background)
    draw = ImageDraw.Draw(image)
    accent = (*style["accent"], 255)
    box = (36, 36, size - 36, size - 36)
    shape = style["shape"]
    if shape == "circle":
        draw.ellipse(box, fill=accent)
    elif shape == "ring":
        draw.ellipse(box, fill=accent)
        draw.ellipse(
            (60, 60, size - 60, size - 60), fill=background if style["background"] else (255, 255, 255, 255)
        )
    elif shape == "square":
        draw.rounded_rectangle(box, radius=28, fill=accent)
    elif shape == "diamond":
        draw.polygon([(128, 20), (236, 128), (128, 236), (20, 128)], fill=accent)
    elif shape == "triangle":
        draw.polygon([(128, 24), (236, 220), (20, 220)], fill=accent)
    else:
        draw.regular_polygon((128, 128, 108), 6, fill=accent)
    text_fill = (44, 62, 80, 255) if shape == "ring" else (255, 255, 255, 255)
    font = ImageFont.load_default(size=88 if len(initials) > 1 else 110)
    anchor_y = 150 if shape == "triangle" else 128
    draw.text((128, anchor_y), initials, font=font, fill=text_fill, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- Loading -------------------------------------------------------------------------------------


def _write(stdout, message):
    if stdout is not None:
        stdout.write(message + "\n")


@transaction.atomic
def load_demo_data(stdout=None):
    """Ensure the reference data, then create or update the 144 demo members. Returns a summary."""
    reference = ensure_reference_data(apps)
    competences = {c.slug: c for c in Competence.objects.all()}
    certifications = {c.slug: c for c in Certification.objects.all()}
    localities = {loc.slug: loc for loc in Locality.objects.all()}
    plan = build_plan({slug: (c.name_ro, c.name_en) for slug, c in competences.items()})

    created_count = logos = contacts_created = 0
    per_category = dict.fromkeys(COUNTS, 0)
    for spec in plan:
        member = Member.objects.filter(name_key=name_key(spec["name"])).first()
        created = member is None
        if created:
            member = Member(name=spec["name"], slug=unique_slug(Member, spec["name"]))
        label = member.slug if len(member.slug) <= 50 else member.slug[:51].rsplit("-", 1)[0]
        domain = f"{label}.{EMAIL_DOMAIN}"  # a DNS label has at most 63 characters
        fiscal_code = spec["fiscal_code"]
        if (
            fiscal_code
            and Member.objects.filter(fiscal_code=normalize_fiscal_code(fiscal_code))
            .exclude(pk=member.pk)
            .exists()
        ):
            fiscal_code = ""  # held by a member that is not part of the demo data
        member.name = spec["name"]
        member.category = spec["category"]
        member.fiscal_code = fiscal_code
        for field in ("short_description_ro", "short_description_en", "description_ro", "description_en"):
            setattr(member, field, spec[field])
        member.website = f"https://{domain}"
        member.email = f"contact@{domain}"
        member.phone = spec["phone"]
        member.address = spec["address"]
        member.postal_code = spec["postal_code"]
        member.locality = localities[spec["locality"]]
        member.founded = spec["founded"]
        member.size = spec["size"]
        member.offers_subcontracting = spec["offers_subcontracting"]
        member.seeks_partners = spec["seeks_partners"]
        member.member_since = spec["member_since"]
        member.verified_on = spec["verified_on"]
        member.is_published = True
        if spec["logo"] and not member.logo:
            png = draw_logo(_initials(spec["name"]), spec["logo"])
            member.logo.save(f"{member.slug}.png", ContentFile(png), save=False)
            logos += 1
        member.save()
        member.competences.set([competences[slug] for slug in spec["competences"]])
        # Drawn apart from the plan's own numbers, so the rest of the demo data stays as it was.
        held = draw_certifications(
            random.Random(f"{SEED}-{spec['name']}"), spec["category"], spec["size"], spec["competences"]
        )
        member.certifications.set([certifications[slug] for slug in held])

        for person in spec["contacts"]:
            _, contact_created = ContactPerson.objects.update_or_create(
                member=member,
                email=f"{person['email_local']}@{domain}",
                defaults={
                    "name": person["name"],
                    "role": person["role"],
                    "phone": person["phone"],
                    "public_consent": person["public_consent"],
                    "consent_given_at": person.get("consent_given_at"),
                    "consent_method": person.get("consent_method", ""),
                },
            )
            contacts_created += contact_created
        created_count += created
        per_category[spec["category"]] += 1

    contacts = sum(len(spec["contacts"]) for spec in plan)
    public_contacts = sum(p["public_consent"] for spec in plan for p in spec["contacts"])
    _write(
        stdout,
        f"Reference data: {reference['groups']} competence groups, {reference['competences']} competences, "
        f"{reference['localities']} localities.",
    )
    for category, count in per_category.items():
        _write(stdout, f"  {category}: {count}")
    _write(
        stdout,
        f"{len(plan)} members ({created_count} created, {len(plan) - created_count} updated, "
        f"{logos} logos drawn); {contacts} contacts ({public_contacts} public, {contacts_created} new).",
    )
    return {
        "members": len(plan),
        "created": created_count,
        "per_category": per_category,
        "contacts": contacts,
        "logos": logos,
    }
