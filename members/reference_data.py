"""The curated reference data: the competence taxonomy, the certifications and the gazetteer.

Plain Python data plus `ensure_reference_data`, which upserts it by slug. It takes an app
registry, so data migrations can pass their historical models and the demo loader the real ones;
running it again changes nothing.

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
    ("electronics-embedded", "Electronică și sisteme înglobate", "Electronics and embedded systems"),
    ("software-ai", "Software și inteligență artificială", "Software and artificial intelligence"),
    ("materials", "Materiale avansate", "Advanced materials"),
    ("testing-certification", "Testare și certificare", "Testing and certification"),
    ("training-consultancy", "Formare și consultanță", "Training and consultancy"),
]

# group slug → [(slug, name_ro, name_en), …]. A renamed competence keeps its old name among its
# keywords (COMPETENCE_KEYWORDS), so a search for it still finds the members.
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
        ("machine-vision", "Viziune artificială pentru inspecție", "Machine vision for inspection"),
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
        ("embedded-systems", "Sisteme înglobate (embedded)", "Embedded systems"),
        ("pcb-design", "Proiectare de cablaje imprimate (PCB)", "PCB design"),
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

# slug → (Romanian keywords, English keywords): words a visitor may search for that the
# competence's name does not contain. Editable in the admin; this is what new databases get.
COMPETENCE_KEYWORDS = {
    # --- Robotică și automatizare / Robotics and automation ---
    "industrial-robotics": (
        "roboți industriali, brațe robotice, celule robotizate, sudură robotizată, paletizare, "
        "manipulatoare, programare offline, integrare roboți",
        "industrial robots, robot arms, robotic cells, robotic welding, palletizing, pick and place, "
        "offline programming, robot integration",
    ),
    "collaborative-robots": (
        "coboți, colaborare om-robot, interacțiune om-robot, deservire mașini-unelte, "
        "celule fără îngrădire, automatizare flexibilă, graifere, efectori finali",
        "cobots, human-robot collaboration, HRC, human-robot interaction, machine tending, "
        "fenceless cells, grippers, end effectors",
    ),
    "mobile-robotics": (
        "AGV, AMR, roboți mobili, vehicule ghidate automat, drone, intralogistică, LiDAR, SLAM",
        "AGV, AMR, automated guided vehicles, drones, self-driving, intralogistics, LiDAR, SLAM",
    ),
    "industrial-automation": (
        "automate programabile, tablouri de automatizare, HMI, control de proces, linii automatizate, "
        "pneumatică, mașini speciale, retrofit",
        "programmable logic controllers, control panels, HMI, process control, automated lines, "
        "pneumatics, special-purpose machines, retrofitting",
    ),
    "machine-vision": (
        "vedere artificială, camere industriale, procesarea imaginilor, control vizual automat, OCR, "
        "citire coduri de bare, detectarea defectelor, ghidare roboți",
        "computer vision, industrial cameras, image processing, AOI, OCR, barcode reading, "
        "defect detection, vision-guided robots",
    ),
    # --- Senzori și măsurare / Sensors and measurement ---
    "smart-sensors": (
        "traductoare, senzori de proximitate, senzori de presiune, senzori de temperatură, "
        "rețele de senzori, achiziție de date, IO-Link, fuziune senzorială",
        "transducers, proximity sensors, pressure sensors, temperature sensors, sensor networks, "
        "data acquisition, IO-Link, sensor fusion",
    ),
    "mems": (
        "microsenzori, accelerometre, giroscoape, microactuatori, microfabricație, camere curate, "
        "litografie, siliciu",
        "microsensors, accelerometers, gyroscopes, microactuators, microfabrication, cleanroom, "
        "lithography, silicon",
    ),
    "dimensional-metrology": (
        "CMM, mașini de măsurat în coordonate, scanare 3D, control dimensional, măsurători de precizie, "
        "toleranțe geometrice, rugozitate, profilometrie",
        "CMM, coordinate measuring machines, 3D scanning, geometric tolerancing, surface roughness, "
        "laser trackers, first article inspection, gauging",
    ),
    "condition-monitoring": (
        "mentenanță predictivă, analiza vibrațiilor, termografie, analiza uleiului, "
        "diagnosticarea defectelor, echilibrare dinamică, aliniere laser, rulmenți",
        "predictive maintenance, vibration analysis, thermography, oil analysis, fault diagnosis, "
        "dynamic balancing, laser shaft alignment, bearings",
    ),
    # --- Mecanică fină și fabricație / Precision mechanics and manufacturing ---
    "cnc-machining": (
        "frezare, strunjire, rectificare, prelucrări prin așchiere, electroeroziune, "
        "centre de prelucrare, piese după desen, mașini-unelte",
        "milling, turning, grinding, EDM, machining centres, subcontract machining, 5-axis, parts to drawing",
    ),
    "additive-manufacturing": (
        "printare 3D, prototipare rapidă, imprimante 3D, FDM, SLA, SLS, SLM, sinterizare cu laser",
        "rapid prototyping, 3D printers, FDM, SLA, SLS, SLM, DMLS, selective laser melting",
    ),
    "mechanical-design": (
        "CAD, CAE, FEA, modelare 3D, desene de execuție, analiză cu elemente finite, "
        "calcule de rezistență, inginerie inversă",
        "CAD, CAE, FEA, 3D modelling, engineering drawings, finite element analysis, "
        "reverse engineering, machine design",
    ),
    "micromechanics": (
        "microprelucrare, microfrezare, piese miniaturale, microangrenaje, microasamblare, "
        "mecanisme de precizie, optomecanică, ablație laser",
        "micromachining, micro-milling, miniature parts, micro gears, microassembly, "
        "precision mechanisms, optomechanics, laser ablation",
    ),
    "tooling": (
        "ștanțe, matrițe de injecție, ambutisare, SDV, dispozitive de prindere, verificatoare, "
        "poansoane, injecție mase plastice",
        "injection moulds, molds, stamping, press tools, jigs and fixtures, gauges, punches, toolmaking",
    ),
    # --- Electronică și sisteme înglobate / Electronics and embedded systems ---
    "embedded-systems": (
        "microcontrolere, microprocesoare, firmware, sisteme încorporate, RTOS, FPGA, "
        "drivere de dispozitiv, plăci de dezvoltare",
        "microcontrollers, microprocessors, firmware, RTOS, FPGA, embedded Linux, device drivers, "
        "development boards",
    ),
    "pcb-design": (
        "circuite imprimate, plăci electronice, layout, scheme electronice, SMD, asamblare SMT, "
        "prototipuri electronice",
        "printed circuit boards, layout, schematic capture, SMT assembly, SMD, electronics prototyping, "
        "Gerber files, signal integrity",
    ),
    "power-electronics": (
        "convertizoare de frecvență, invertoare, variatoare de turație, servomotoare, "
        "surse în comutație, redresoare, motoare electrice, stații de încărcare",
        "frequency converters, inverters, VFD, servo drives, motor control, "
        "switched-mode power supplies, rectifiers, EV charging",
    ),
    "internet-of-things": (
        "dispozitive conectate, telemetrie, monitorizare de la distanță, senzori fără fir, LoRaWAN, "
        "MQTT, gateway, IIoT",
        "connected devices, telemetry, remote monitoring, wireless sensors, LoRaWAN, MQTT, gateways, IIoT",
    ),
    # --- Software și inteligență artificială / Software and artificial intelligence ---
    "industrial-software": (
        "MES, HMI, dispecerizare, trasabilitate, OPC UA, integrare ERP, monitorizarea producției, OEE",
        "MES, HMI, manufacturing execution systems, traceability, OPC UA, ERP integration, "
        "production monitoring, OEE",
    ),
    "artificial-intelligence": (
        "AI, IA, rețele neuronale, învățare profundă, știința datelor, modele predictive, "
        "procesarea limbajului natural, algoritmi de optimizare",
        "AI, ML, neural networks, deep learning, data science, predictive models, "
        "natural language processing, LLM",
    ),
    "digital-twins": (
        "geamăn digital, fabrică virtuală, punere în funcțiune virtuală, simulare de proces, "
        "simulare multifizică, realitate virtuală, realitate augmentată, CFD",
        "virtual commissioning, virtual factory, process simulation, multiphysics, virtual reality, "
        "augmented reality, CFD, discrete event simulation",
    ),
    "industrial-cybersecurity": (
        "securitate OT, IEC 62443, NIS2, teste de penetrare, audit de securitate, "
        "segmentarea rețelelor, firewall, detectarea intruziunilor",
        "OT security, IEC 62443, NIS2, penetration testing, security audit, network segmentation, "
        "firewalls, intrusion detection",
    ),
    # --- Materiale avansate / Advanced materials ---
    "materials-science": (
        "metalurgie, metalografie, tratamente termice, aliaje, polimeri, materiale ceramice, "
        "microscopie electronică, caracterizare microstructurală",
        "metallurgy, metallography, heat treatment, alloys, polymers, ceramics, electron microscopy, SEM",
    ),
    "smart-materials": (
        "aliaje cu memoria formei, materiale piezoelectrice, magnetostricțiune, "
        "fluide magnetoreologice, polimeri electroactivi, materiale funcționale, nanomateriale",
        "shape memory alloys, piezoelectric materials, magnetostrictive, magnetorheological fluids, "
        "electroactive polymers, functional materials, nanomaterials, self-healing materials",
    ),
    "composite-materials": (
        "fibră de carbon, fibră de sticlă, rășini epoxidice, laminare, infuzie în vid, autoclavă, "
        "preimpregnate, structuri ușoare",
        "carbon fibre, fiberglass, CFRP, epoxy resins, vacuum infusion, autoclave, prepregs, "
        "lightweight structures",
    ),
    "surface-engineering": (
        "depuneri PVD, CVD, galvanizare, anodizare, nitrurare, pulverizare termică, "
        "vopsire în câmp electrostatic, tratamente de suprafață",
        "PVD, CVD, electroplating, anodizing, nitriding, thermal spraying, powder coating, surface treatment",
    ),
    # --- Testare și certificare / Testing and certification ---
    "laboratory-testing": (
        "teste mecanice, tracțiune, duritate, încercări climatice, teste la vibrații, "
        "teste de oboseală, compatibilitate electromagnetică, EMC",
        "mechanical testing, tensile tests, hardness, climatic chambers, vibration testing, "
        "fatigue testing, EMC, environmental testing",
    ),
    "product-certification": (
        "marcare CE, declarație de conformitate, evaluarea conformității, Directiva Mașini, "
        "dosar tehnic, organism notificat, standarde armonizate, omologare",
        "declaration of conformity, conformity assessment, Machinery Directive, Machinery Regulation, "
        "technical file, notified body, harmonised standards, type approval",
    ),
    "non-destructive-testing": (
        "CND, examinări nedistructive, ultrasunete, radiografie industrială, lichide penetrante, "
        "particule magnetice, curenți turbionari, tomografie industrială",
        "NDT, NDE, nondestructive inspection, ultrasonic testing, radiography, dye penetrant, "
        "magnetic particle, eddy current",
    ),
    "calibration": (
        "calibrare, etaloane, mijloace de măsurare, BRML, metrologie legală, "
        "incertitudine de măsurare, trasabilitate metrologică, verificare periodică",
        "measurement standards, measuring instruments, gauge calibration, legal metrology, "
        "measurement uncertainty, metrological traceability, calibration certificates, recalibration",
    ),
    # --- Formare și consultanță / Training and consultancy ---
    "technical-assistance": (
        "expertiză tehnică, studii de fezabilitate, audit tehnic, optimizarea producției, "
        "lean manufacturing, punere în funcțiune, caiete de sarcini",
        "consulting, technical expertise, feasibility studies, technical audits, "
        "production optimisation, lean manufacturing, commissioning, tender specifications",
    ),
    "vocational-training": (
        "cursuri, calificare, instruire, perfecționare, ucenicie, învățământ dual, ANC, STEM",
        "courses, qualifications, upskilling, reskilling, apprenticeships, dual education, "
        "hands-on workshops, STEM",
    ),
    "technology-transfer": (
        "brevete, proprietate intelectuală, licențiere, spin-off, start-up, valorificarea cercetării, "
        "comercializarea tehnologiilor, transfer de cunoștințe",
        "patents, intellectual property, licensing, spin-offs, start-ups, research valorisation, "
        "commercialisation, knowledge transfer",
    ),
    "innovation-management": (
        "Orizont Europa, Horizon Europe, fonduri europene, finanțare nerambursabilă, "
        "scriere de proiecte, PNRR, granturi, CDI",
        "Horizon Europe, EU funding, grants, proposal writing, RDI, innovation audits, "
        "technology roadmapping, Eurostars",
    ),
}

# --- Certifications -----------------------------------------------------------------------------

# (slug, name, subject in Romanian, subject in English); `position` is the order of this list.
CERTIFICATIONS = [
    ("iso-9001", "ISO 9001", "Managementul calității", "Quality management"),
    ("iso-14001", "ISO 14001", "Managementul mediului", "Environmental management"),
    ("iso-45001", "ISO 45001", "Sănătate și securitate în muncă", "Occupational health and safety"),
    ("iatf-16949", "IATF 16949", "Calitate în industria auto", "Automotive quality management"),
    ("en-9100", "EN 9100", "Calitate în industria aerospațială", "Aerospace quality management"),
    ("iso-13485", "ISO 13485", "Dispozitive medicale", "Medical devices"),
    (
        "iso-iec-17025",
        "ISO/IEC 17025",
        "Laboratoare de încercări și etalonare",
        "Testing and calibration laboratories",
    ),
    ("iso-iec-27001", "ISO/IEC 27001", "Securitatea informației", "Information security"),
]

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


def ensure_reference_data(apps):
    """Create or update the taxonomy and the gazetteer, matching rows by slug. Idempotent.

    `apps` is `django.apps.apps`, or a data migration's historical apps. Returns the number of
    rows of each kind, for messages.
    """
    CompetenceGroup = apps.get_model("members", "CompetenceGroup")  # noqa: N806 (model classes)
    Competence = apps.get_model("members", "Competence")  # noqa: N806
    Locality = apps.get_model("members", "Locality")  # noqa: N806
    groups = {}
    for position, (slug, name_ro, name_en) in enumerate(COMPETENCE_GROUPS, start=1):
        groups[slug], _ = CompetenceGroup.objects.update_or_create(
            slug=slug, defaults={"name_ro": name_ro, "name_en": name_en, "position": position}
        )
    competences = 0
    for group_slug, rows in COMPETENCES.items():
        for slug, name_ro, name_en in rows:
            keywords_ro, keywords_en = COMPETENCE_KEYWORDS.get(slug, ("", ""))
            Competence.objects.update_or_create(
                slug=slug,
                defaults={
                    "name_ro": name_ro,
                    "name_en": name_en,
                    "group": groups[group_slug],
                    "keywords_ro": keywords_ro,
                    "keywords_en": keywords_en,
                },
            )
            competences += 1
    for row in LOCALITIES:
        values = dict(row)
        Locality.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    try:
        Certification = apps.get_model("members", "Certification")  # noqa: N806
    except LookupError:  # a data migration older than the certifications
        Certification = None  # noqa: N806
    for position, (slug, name, title_ro, title_en) in enumerate(CERTIFICATIONS if Certification else [], 1):
        Certification.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "title_ro": title_ro, "title_en": title_en, "position": position},
        )
    return {"groups": len(groups), "competences": competences, "localities": len(LOCALITIES)}
