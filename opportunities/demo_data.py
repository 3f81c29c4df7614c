"""About 25 fictional opportunities of every kind for the demo site (`manage.py load_demo_data`).

Dates are relative to the day of loading, so a demo loaded any day has open calls, ones closing
soon, and a few expired. Posters are found among the demo members by category and competence
(the first by name), so nothing here depends on the generated names. Matched on the slug: safe
to re-run, which refreshes the dates."""

import datetime

from django.db import transaction
from django.utils import timezone

from members.models import Certification, Competence, Member

from .models import Opportunity

K = Opportunity.Kind
S = Opportunity.Status
R = Opportunity.Role
IP = Opportunity.IpStatus

# Each: slug, kind, poster (None: the cluster office; else (category, competence slug)), status,
# deadline and publication in days from today (None: no deadline), the texts, competences,
# certifications and the kind's own fields.
OPPORTUNITIES = [
    # --- Partner searches for funding calls ---
    {
        "slug": "digital-twin-pilot-line-partner",
        "kind": K.PARTNER_SEARCH,
        "poster": ("rd", "digital-twins"),
        "deadline": 75,
        "published": -10,
        "title_ro": "Partener industrial pentru o linie-pilot cu geamăn digital",
        "title_en": "Industrial partner for a digital twin pilot line",
        "description_ro": "Căutăm o întreprindere producătoare care să găzduiască o linie-pilot "
        "și să valideze modelul de geamăn digital pe date reale de producție.\n\n"
        "Rolul include definirea cazurilor de utilizare și demonstrația finală (TRL 6–7).",
        "description_en": "We are looking for a manufacturing company to host a pilot line and "
        "validate the digital twin model on real production data.\n\n"
        "The role covers the use cases and the final demonstration (TRL 6–7).",
        "competences": ["digital-twins", "industrial-automation", "industrial-software"],
        "call_identifier": "HORIZON-CL4-2027-TWIN-TRANSITION-01",
        "programme": "Horizon Europe",
        "role": R.PARTNER,
        "trl": 6,
    },
    {
        "slug": "cobot-safety-coordinator",
        "kind": K.PARTNER_SEARCH,
        "poster": ("catalyzer", "collaborative-robots"),
        "deadline": 120,
        "published": -3,
        "title_ro": "Coordonator pentru un proiect privind siguranța roboților colaborativi",
        "title_en": "Coordinator for a collaborative robot safety project",
        "description_ro": "Consorțiul (opt parteneri din cinci țări) caută o organizație de "
        "cercetare cu experiență în coordonarea proiectelor europene.",
        "description_en": "The consortium (eight partners from five countries) seeks a research "
        "organisation experienced in coordinating European projects.",
        "competences": ["collaborative-robots", "innovation-management"],
        "call_identifier": "HORIZON-CL4-2027-DIGITAL-EMERGING-02",
        "programme": "Horizon Europe",
        "role": R.COORDINATOR,
    },
    {
        "slug": "edih-machine-vision-services",
        "kind": K.PARTNER_SEARCH,
        "poster": None,
        "deadline": 21,
        "published": -25,
        "title_ro": "Furnizori de servicii de vedere artificială pentru hubul european de inovare digitală",
        "title_en": "Machine vision service providers for the European Digital Innovation Hub",
        "description_ro": "Biroul clusterului pregătește oferta de servicii „test before invest” "
        "și caută membri care pot oferi demonstrații de inspecție automată.",
        "description_en": "The cluster office is preparing the “test before invest” service offer "
        "and seeks members able to run automated inspection demonstrations.",
        "competences": ["machine-vision", "artificial-intelligence"],
        "call_identifier": "DIGITAL-2027-EDIH-AC-03",
        "programme": "Digital Europe",
        "role": R.SUBCONTRACTOR,
    },
    {
        "slug": "smart-sensors-interreg-partner",
        "kind": K.PARTNER_SEARCH,
        "poster": ("rd", "smart-sensors"),
        "deadline": 45,
        "published": -6,
        "title_ro": "Partener pentru senzori inteligenți în agricultura de precizie",
        "title_en": "Partner for smart sensors in precision agriculture",
        "description_ro": "Proiect transfrontalier cu parteneri din Bulgaria și Republica "
        "Moldova; căutăm un IMM care să industrializeze nodurile de senzori.",
        "description_en": "A cross-border project with partners from Bulgaria and the Republic "
        "of Moldova; we seek an SME to industrialise the sensor nodes.",
        "competences": ["smart-sensors", "internet-of-things", "pcb-design"],
        "call_identifier": "INTERREG-NEXT-BSB-2027-2",
        "programme": "Interreg NEXT Black Sea Basin",
        "role": R.PARTNER,
        "trl": 5,
    },
    {
        "slug": "pr-bi-innovation-cluster-project",
        "kind": K.PARTNER_SEARCH,
        "poster": None,
        "deadline": 10,
        "published": -40,
        "title_ro": "Parteneri pentru proiectul de inovare al clusterului (PR București-Ilfov)",
        "title_en": "",
        "description_ro": "Apel regional pentru proiecte de cercetare-dezvoltare în parteneriat "
        "între întreprinderi și organizații de cercetare. Căutăm trei întreprinderi.",
        "description_en": "",
        "competences": ["technology-transfer", "mechanical-design"],
        "call_identifier": "PRBI-2027-P1-CDI",
        "programme": "PR București-Ilfov",
        "role": R.PARTNER,
    },
    {
        "slug": "additive-aerospace-brackets-eit",
        "kind": K.PARTNER_SEARCH,
        "poster": ("enterprise", "additive-manufacturing"),
        "deadline": -12,
        "published": -80,
        "title_ro": "Partener pentru suporturi aeronautice realizate prin fabricație aditivă",
        "title_en": "Partner for additively manufactured aerospace brackets",
        "description_ro": "Apelul s-a încheiat; oportunitatea a rămas publicată după termen.",
        "description_en": "The call has closed; the opportunity stayed published past its deadline.",
        "competences": ["additive-manufacturing", "non-destructive-testing"],
        "certifications": ["en-9100"],
        "call_identifier": "EIT-MANUFACTURING-2027-BP",
        "programme": "EIT Manufacturing",
        "role": R.PARTNER,
        "trl": 7,
    },
    {
        "slug": "industrial-cybersecurity-consortium",
        "kind": K.PARTNER_SEARCH,
        "poster": ("rd", "industrial-cybersecurity"),
        "deadline": 95,
        "status": S.AWAITING,
        "title_ro": "Consorțiu pentru securitatea cibernetică a liniilor de producție",
        "title_en": "Consortium for the cybersecurity of production lines",
        "description_ro": "Căutăm integratori de sisteme SCADA pentru un proiect de cercetare.",
        "description_en": "We seek SCADA system integrators for a research project.",
        "competences": ["industrial-cybersecurity", "industrial-software"],
        "certifications": ["iso-iec-27001"],
        "call_identifier": "HORIZON-CL3-2027-CS-01",
        "programme": "Horizon Europe",
        "role": R.PARTNER,
    },
    # --- Subcontracting requests ---
    {
        "slug": "cnc-aluminium-housings",
        "kind": K.SUBCONTRACTING,
        "poster": ("enterprise", "industrial-robotics"),
        "deadline": 30,
        "published": -5,
        "title_ro": "Prelucrare CNC a 400 de carcase din aluminiu",
        "title_en": "CNC machining of 400 aluminium housings",
        "description_ro": "Carcase din aliaj 6082, toleranțe ±0,02 mm, anodizare inclusă. "
        "Desenele se transmit după semnarea unui acord de confidențialitate.",
        "description_en": "Housings in 6082 alloy, ±0.02 mm tolerances, anodising included. "
        "Drawings are sent once a non-disclosure agreement is signed.",
        "competences": ["cnc-machining", "surface-engineering"],
        "certifications": ["iso-9001"],
        "quantity": "400 buc. / 400 pieces",
        "place": "Pipera, Voluntari",
    },
    {
        "slug": "pcb-assembly-condition-monitors",
        "kind": K.SUBCONTRACTING,
        "poster": ("enterprise", "condition-monitoring"),
        "deadline": 18,
        "published": -9,
        "title_ro": "Asamblare de plăci electronice pentru monitoare de vibrații",
        "title_en": "PCB assembly for vibration monitors",
        "description_ro": "Serie de 1 200 de plăci, componente SMD 0402, testare funcțională.",
        "description_en": "A batch of 1,200 boards, 0402 SMD components, functional testing.",
        "competences": ["pcb-design", "embedded-systems"],
        "quantity": "1 200 plăci / 1,200 boards",
    },
    {
        "slug": "tooling-injection-mould",
        "kind": K.SUBCONTRACTING,
        "poster": ("enterprise", "tooling"),
        "deadline": 60,
        "published": -2,
        "title_ro": "Matriță de injecție pentru o carcasă de senzor",
        "title_en": "Injection mould for a sensor enclosure",
        "description_ro": "Matriță cu două cavități, oțel 1.2343, durată de viață estimată "
        "500 000 de cicluri.",
        "description_en": "A two-cavity mould, 1.2343 steel, expected life 500,000 cycles.",
        "competences": ["tooling", "mechanical-design"],
        "quantity": "1 matriță / 1 mould",
    },
    {
        "slug": "calibration-torque-wrenches",
        "kind": K.SUBCONTRACTING,
        "poster": ("public-authority", "technology-transfer"),
        "deadline": None,
        "published": -30,
        "title_ro": "Etalonarea anuală a 60 de chei dinamometrice",
        "title_en": "Yearly calibration of 60 torque wrenches",
        "description_ro": "Etalonare în laborator acreditat, cu certificate individuale.",
        "description_en": "Calibration in an accredited laboratory, with individual certificates.",
        "competences": ["calibration"],
        "certifications": ["iso-iec-17025"],
        "quantity": "60 buc. / 60 pieces",
    },
    {
        "slug": "composite-panels-prototype",
        "kind": K.SUBCONTRACTING,
        "poster": ("enterprise", "composite-materials"),
        "deadline": -5,
        "published": -50,
        "status": S.FILLED,
        "title_ro": "Prototipuri de panouri compozite pentru un vehicul autonom",
        "title_en": "Composite panel prototypes for an autonomous vehicle",
        "description_ro": "Cererea a fost ocupată.",
        "description_en": "The request has been filled.",
        "competences": ["composite-materials", "mobile-robotics"],
        "quantity": "12 panouri / 12 panels",
    },
    {
        "slug": "plc-retrofit-packaging-line",
        "kind": K.SUBCONTRACTING,
        "poster": ("enterprise", "industrial-automation"),
        "deadline": 40,
        "status": S.DRAFT,
        "title_ro": "Modernizarea automatizării unei linii de ambalare",
        "title_en": "Retrofit of a packaging line's automation",
        "description_ro": "Înlocuirea a trei automate programabile și a interfeței operatorului.",
        "description_en": "Replacing three PLCs and the operator interface.",
        "competences": ["industrial-automation", "industrial-software"],
        "quantity": "3 PLC",
    },
    # --- Capacity offers ---
    {
        "slug": "five-axis-machining-capacity",
        "kind": K.CAPACITY,
        "poster": ("enterprise", "cnc-machining"),
        "deadline": None,
        "published": -15,
        "title_ro": "Capacitate liberă de prelucrare pe centre cu cinci axe",
        "title_en": "Free capacity on five-axis machining centres",
        "description_ro": "Aproximativ 300 de ore pe lună în următoarele trei luni, piese până "
        "la 800 × 600 × 500 mm.",
        "description_en": "About 300 hours a month over the next three months, parts up to "
        "800 × 600 × 500 mm.",
        "competences": ["cnc-machining", "dimensional-metrology"],
        "certifications": ["iso-9001"],
        "quantity": "300 h/lună / 300 h/month",
    },
    {
        "slug": "metal-3d-printing-capacity",
        "kind": K.CAPACITY,
        "poster": ("enterprise", "additive-manufacturing"),
        "deadline": 50,
        "published": -4,
        "title_ro": "Imprimare 3D din metal (SLM) pentru serii mici",
        "title_en": "Metal 3D printing (SLM) for small batches",
        "description_ro": "Oțel inoxidabil 316L și titan Ti6Al4V, post-procesare inclusă.",
        "description_en": "316L stainless steel and Ti6Al4V titanium, post-processing included.",
        "competences": ["additive-manufacturing"],
    },
    {
        "slug": "embedded-firmware-team",
        "kind": K.CAPACITY,
        "poster": ("enterprise", "embedded-systems"),
        "deadline": None,
        "published": -100,
        "title_ro": "Echipă de dezvoltare firmware disponibilă",
        "title_en": "Firmware development team available",
        "description_ro": "Patru ingineri, microcontrolere ARM Cortex-M, RTOS, comunicații CAN.",
        "description_en": "Four engineers, ARM Cortex-M microcontrollers, RTOS, CAN communications.",
        "competences": ["embedded-systems", "internet-of-things"],
    },
    {
        "slug": "robot-cell-integration",
        "kind": K.CAPACITY,
        "poster": ("enterprise", "industrial-robotics"),
        "deadline": 35,
        "published": -1,
        "title_ro": "Integrare de celule robotizate la cheie",
        "title_en": "Turnkey robot cell integration",
        "description_ro": "Proiectare, programare offline, punere în funcțiune și instruire.",
        "description_en": "Design, offline programming, commissioning and training.",
        "competences": ["industrial-robotics", "collaborative-robots", "machine-vision"],
    },
    {
        "slug": "coatings-line-capacity",
        "kind": K.CAPACITY,
        "poster": ("enterprise", "surface-engineering"),
        "deadline": 25,
        "published": -8,
        "title_ro": "Capacitate pe linia de acoperiri PVD",
        "title_en": "",
        "description_ro": "Acoperiri dure TiN și CrN pentru scule și componente de precizie.",
        "description_en": "",
        "competences": ["surface-engineering", "tooling"],
    },
    # --- Technology offers ---
    {
        "slug": "mems-pressure-sensor-licence",
        "kind": K.TECHNOLOGY,
        "poster": ("rd", "mems"),
        "deadline": None,
        "published": -20,
        "title_ro": "Licență pentru un senzor de presiune MEMS cu compensare termică",
        "title_en": "Licence for a temperature-compensated MEMS pressure sensor",
        "description_ro": "Tehnologie validată în laborator; căutăm un licențiat industrial.",
        "description_en": "Technology validated in the laboratory; we seek an industrial licensee.",
        "competences": ["mems", "smart-sensors"],
        "trl": 5,
        "ip_status": IP.PATENT_GRANTED,
    },
    {
        "slug": "predictive-maintenance-ai-model",
        "kind": K.TECHNOLOGY,
        "poster": ("rd", "artificial-intelligence"),
        "deadline": 90,
        "published": -12,
        "title_ro": "Model de mentenanță predictivă pentru motoare electrice",
        "title_en": "Predictive maintenance model for electric motors",
        "description_ro": "Model antrenat pe 40 000 de ore de măsurători de vibrații.",
        "description_en": "A model trained on 40,000 hours of vibration measurements.",
        "competences": ["artificial-intelligence", "condition-monitoring"],
        "trl": 7,
        "ip_status": IP.KNOW_HOW,
    },
    {
        "slug": "shape-memory-actuator",
        "kind": K.TECHNOLOGY,
        "poster": ("rd", "smart-materials"),
        "deadline": -30,
        "published": -130,
        "status": S.WITHDRAWN,
        "title_ro": "Actuator cu aliaj cu memoria formei",
        "title_en": "Shape-memory alloy actuator",
        "description_ro": "Oferta a fost retrasă.",
        "description_en": "The offer was withdrawn.",
        "competences": ["smart-materials", "micromechanics"],
        "trl": 4,
        "ip_status": IP.PATENT_PENDING,
    },
    {
        "slug": "open-source-plc-library",
        "kind": K.TECHNOLOGY,
        "poster": ("catalyzer", "industrial-automation"),
        "deadline": 14,
        "published": -60,
        "title_ro": "Bibliotecă deschisă de blocuri funcționale pentru automate programabile",
        "title_en": "Open library of PLC function blocks",
        "description_ro": "Blocuri IEC 61131-3 testate, cu documentație în limba română.",
        "description_en": "Tested IEC 61131-3 blocks, documented in Romanian.",
        "competences": ["industrial-automation", "vocational-training"],
        "trl": 8,
        "ip_status": IP.OPEN,
    },
    # --- Lab or equipment access ---
    {
        "slug": "emc-test-chamber-access",
        "kind": K.ACCESS,
        "poster": ("rd", "laboratory-testing"),
        "deadline": None,
        "published": -7,
        "title_ro": "Acces la camera de încercări de compatibilitate electromagnetică",
        "title_en": "Access to the electromagnetic compatibility test chamber",
        "description_ro": "Pre-testare pentru marcajul CE, zile libere în fiecare lună.",
        "description_en": "Pre-compliance testing for CE marking, free days every month.",
        "competences": ["laboratory-testing", "product-certification"],
        "certifications": ["iso-iec-17025"],
        "place": "Măgurele",
    },
    {
        "slug": "ct-scanner-ndt-access",
        "kind": K.ACCESS,
        "poster": ("rd", "non-destructive-testing"),
        "deadline": 5,
        "published": -85,
        "title_ro": "Ore de tomografie industrială pentru control nedistructiv",
        "title_en": "Industrial CT scanning hours for non-destructive testing",
        "description_ro": "Tomograf cu rezoluție de 5 µm, operator inclus.",
        "description_en": "A 5 µm resolution CT scanner, operator included.",
        "competences": ["non-destructive-testing", "dimensional-metrology"],
        "place": "București, Sectorul 6",
    },
    {
        "slug": "cobot-training-lab",
        "kind": K.ACCESS,
        "poster": ("catalyzer", "vocational-training"),
        "deadline": -2,
        "published": -92,
        "title_ro": "",
        "title_en": "Collaborative robot training lab for apprentices",
        "description_ro": "",
        "description_en": "Six cobot workstations for apprenticeship groups; the offer has expired.",
        "competences": ["collaborative-robots", "vocational-training"],
        "place": "Otopeni",
    },
]

FIELDS = ("kind", "title_ro", "title_en", "description_ro", "description_en", "place")
KIND_FIELDS = ("call_identifier", "programme", "role", "quantity", "trl", "ip_status")


def _poster(spec):
    if spec is None:
        return None
    category, competence = spec
    return (
        Member.objects.published()
        .filter(category=category, competences__slug=competence)
        .order_by("name")
        .first()
    )


@transaction.atomic
def load_demo_opportunities(today=None):
    """Create or update the demo opportunities; returns (created, updated)."""
    today = today or timezone.localdate()
    now = timezone.now()
    competences = {c.slug: c for c in Competence.objects.all()}
    certifications = {c.slug: c for c in Certification.objects.all()}
    created = 0
    for spec in OPPORTUNITIES:
        opportunity = Opportunity.objects.filter(slug=spec["slug"]).first()
        if opportunity is None:
            opportunity, created = Opportunity(slug=spec["slug"]), created + 1
        for field in FIELDS + KIND_FIELDS:
            setattr(opportunity, field, spec.get(field, opportunity._meta.get_field(field).get_default()))
        opportunity.poster = _poster(spec["poster"])
        deadline = spec["deadline"]
        opportunity.deadline = today + datetime.timedelta(days=deadline) if deadline is not None else None
        opportunity.status = spec.get("status", S.PUBLISHED)
        published = spec.get("published")
        opportunity.published_at = now + datetime.timedelta(days=published) if published is not None else None
        opportunity.closed_at = now if opportunity.status in Opportunity.CLOSED else None
        opportunity.expiry_warning_sent_on = None
        opportunity.full_clean()
        opportunity.save()
        opportunity.competences.set([competences[s] for s in spec["competences"]])
        opportunity.certifications.set([certifications[s] for s in spec.get("certifications", [])])
        opportunity.refresh_search_text()
    return created, len(OPPORTUNITIES) - created
