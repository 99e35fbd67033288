"""What each shipped desk's demo holds: its customers, people, products, subjects and case mix.

Plain data, no Django. Every desk has its own organisations and wording, so
the five demos do not look like one list copied five times.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Customer:
    name: str
    country: str
    city: str  # the licensed site
    zone: str  # IANA zone of the site and its people
    domain: str
    language: str
    currency: str
    people: tuple[str, ...]  # the first one is the designated technical contact
    products: tuple[tuple[str, str], ...]  # (product, version)
    tier: str = ""
    seats: int = 3
    nda: bool = False
    english_ok: bool = False
    rental: bool = False
    expired: bool = False  # subscription ended (Solidxperts "none")
    channels: tuple[str, ...] = ()  # overrides the desk's channels (Mastercam: phone_us or phone_uk)
    targets: dict[str, dict[str, str]] = field(default_factory=dict)  # the contract's own targets


@dataclass(frozen=True)
class Subject:
    text: str
    family: str = ""  # a word of the product it concerns ("" = any product)
    hint: str = ""  # "urgent" (production stopped) | "question" | ""
    lang: str = ""  # only for customers writing in this language


@dataclass(frozen=True)
class DeskDemo:
    slug: str
    cases: int
    domain: str
    staff: tuple[tuple[str, str, str], ...]  # (username suffix, first, last): two agents, then the manager
    channels: tuple[str, ...]
    customers: tuple[Customer, ...]
    subjects: tuple[Subject, ...]
    scenarios: tuple[str, ...]  # each played at least once
    filler: tuple[tuple[str, int], ...]  # weights for the remaining cases
    urgent: str
    normal: tuple[str, ...]
    calm: str  # a priority with a long target (a fresh case is surely still running)
    question: str
    lowered_to: str  # what an urgent case is lowered to once a workaround is in place
    phrases: dict[str, str]  # agent and customer lines; "key:lang" overrides "key"
    description: str  # {product} {version} {city} {subject}
    resolutions: tuple[str, ...] = ("solved",)
    targeted_tiers: tuple[str, ...] = ()  # tiers whose cases have SLA targets ("" = every tier)
    checklist: tuple[str, ...] = ()  # what a data request asks for
    categories: dict[str, str] = field(default_factory=dict)  # product family -> technical category


# Scenario names (what happens to a case after it opens), played by casedesk.demo.loader.
FRESH = "fresh"  # untouched (the first one opened a few hours ago at a calm priority)
ANSWERED = "answered"  # assigned and answered in time, still open
OVERDUE = "overdue"  # opened 2-4 weeks ago, never answered (PTC: answered once, then no update)
LATE = "late"  # answered after the target
RESOLVED = "resolved"
WAITING = "waiting_customer"  # data requested from the customer
REOPENED = "reopened"
LOWERED = "lowered"  # opened urgent, the target missed, then the priority lowered
NO_PRIORITY = "no_priority"  # opened without a priority: the desk's default applies
QUESTION = "question"  # PLM's Question class (no target)
TRIAGE = "triage"  # PLM: a customer in a country without a queue
BUG = "bug"  # Mastercam: classified bug or defect (pending targets removed)
WAITING_INFO = "waiting_info"  # Mastercam: resolution clock not started
INFO_ARRIVED = "info_arrived"  # Mastercam: the information came, resolution clock started
ESCALATED = "escalated"  # Mastercam level 1
ESCALATED2 = "escalated2"  # Mastercam levels 1 then 2
S0_REVIEWS = "s0_reviews"  # PTC: S0 worked round the clock, reviews held every 24 hours
S0_MISSED = "s0_missed"  # PTC: S0 whose review is overdue
S0_DOWNGRADED = "s0_downgraded"  # PTC: S0 evaluated, downgraded to S1, then solved


# One customer per row: the catalogue reads as a table.
# fmt: off
PLM = DeskDemo(
    slug="plm-group",
    cases=41,
    domain="plmgroup.no",
    staff=(("bob", "Bob", "Strand"), ("sigrid", "Sigrid", "Aas"), ("carol", "Carol", "Nyberg")),
    channels=("portal", "portal", "email", "email", "phone"),
    customers=(
        Customer(
            "Nordvik Marine AS", "NO", "Ålesund", "Europe/Oslo", "nordvikmarine.no", "no", "NOK",
            ("Ingrid Berg", "Håkon Lie", "Marte Solheim"),
            (("SOLIDWORKS Premium", "2025"), ("SOLIDWORKS PDM Professional", "2025")),
            tier="premium", seats=14,
        ),
        Customer(
            "Kystteknikk AS", "NO", "Stavanger", "Europe/Oslo", "kystteknikk.no", "no", "NOK",
            ("Eirik Solberg",),
            (("SOLIDWORKS Professional", "2026"), ("3DEXPERIENCE Collaborative Designer", "R2026x")),
            tier="standard", seats=4, english_ok=True,
        ),
        Customer(
            "Hekla Vélsmiðja ehf", "IS", "Reykjavík", "Atlantic/Reykjavik", "hekla-vel.is", "is", "ISK",
            ("Guðrún Jónsdóttir", "Sigurður Þórsson"),
            (("SOLIDWORKS Professional", "2024"),),
            tier="standard", seats=3, english_ok=True,
        ),
        Customer(
            "Fynsk Maskinfabrik A/S", "DK", "Odense", "Europe/Copenhagen", "fynskmaskin.dk", "da", "DKK",
            ("Mette Kjær", "Rasmus Holm"),
            (("SOLIDWORKS Premium", "2025"), ("SOLIDWORKS PDM Professional", "2025")),
            tier="premium", seats=22, nda=True,
        ),
        Customer(
            "Jysk Stålteknik ApS", "DK", "Aarhus", "Europe/Copenhagen", "jyskstaal.dk", "da", "DKK",
            ("Søren Mikkelsen",),
            (("SOLIDWORKS Standard", "2024"),),
            tier="standard", seats=2,
        ),
        Customer(
            "Göta Konstruktion AB", "SE", "Göteborg", "Europe/Stockholm", "gotakonstruktion.se", "sv", "SEK",
            ("Erik Lindqvist", "Maja Åberg"),
            (
                ("SOLIDWORKS Premium", "2025"), ("3DEXPERIENCE Collaborative Designer", "R2025x"),
                ("SOLIDWORKS PDM Professional", "2025"),
            ),
            tier="premium", seats=18, english_ok=True,
        ),
        Customer(
            "Norrlands Automation AB", "SE", "Umeå", "Europe/Stockholm", "norrlandsautomation.se", "sv", "SEK",
            ("Johanna Nilsson", "Per Wikström"),
            (("SOLIDWORKS Professional", "2025"),),
            tier="standard", seats=6,
        ),
        Customer(
            "Saimaan Konepaja Oy", "FI", "Lappeenranta", "Europe/Helsinki", "saimaankonepaja.fi", "fi", "EUR",
            ("Aino Virtanen", "Mikko Korhonen"),
            (("SOLIDWORKS Premium", "2025"), ("SOLIDWORKS PDM Professional", "2025")),
            tier="standard", seats=9,
        ),
        Customer(
            "Tallinna Insenerilahendused OÜ", "EE", "Tallinn", "Europe/Tallinn", "insenerilahendused.ee", "et", "EUR",
            ("Kadri Tamm", "Andres Kask"),
            (("SOLIDWORKS Professional", "2026"), ("3DEXPERIENCE 3D Creator", "R2026x")),
            tier="premium", seats=7, english_ok=True,
        ),
        Customer(
            "Daugavas Projekti SIA", "LV", "Rīga", "Europe/Riga", "daugavasprojekti.lv", "lv", "EUR",
            ("Jānis Bērziņš", "Līga Ozola"),
            (("SOLIDWORKS Premium", "2025"),),
            tier="standard", seats=5, english_ok=True,
        ),
        # Lithuania has no PLM queue: its cases go to Norway's queue, flagged for triage (POLICIES 0.24).
        Customer(
            "Kauno Mechanika UAB", "LT", "Kaunas", "Europe/Vilnius", "kaunomechanika.lt", "lt", "EUR",
            ("Tomas Kazlauskas",),
            (("SOLIDWORKS Professional", "2025"),),
            tier="standard", seats=3, english_ok=True,
        ),
    ),
    subjects=(
        Subject("SOLIDWORKS crashes when opening the drawing of the main assembly", "SOLIDWORKS", "urgent"),
        Subject("SOLIDWORKS will not start on any workstation after SP update", "SOLIDWORKS", "urgent"),
        Subject("Rebuild of the hull assembly takes over 10 minutes since the upgrade", "SOLIDWORKS"),
        Subject("Licence activation fails after replacing a workstation", "SOLIDWORKS"),
        Subject("Toolbox parts missing after service pack upgrade", "SOLIDWORKS"),
        Subject("Sheet metal flat pattern uses the wrong bend deduction", "SOLIDWORKS"),
        Subject("Exploded view steps lost when the assembly is reopened", "SOLIDWORKS"),
        Subject("BOM table does not pick up the custom property Material", "SOLIDWORKS"),
        Subject("STEP AP242 export loses face colours", "SOLIDWORKS"),
        Subject("Hole Wizard uses the ANSI thread in our ISO part template", "SOLIDWORKS"),
        Subject("Drawing views marked out of date on every save", "SOLIDWORKS"),
        Subject("'Failed to save the document' on the network drive", "SOLIDWORKS"),
        Subject("Weldment cut list lengths rounded to whole millimetres", "SOLIDWORKS"),
        Subject("eDrawings cannot open parts saved in SOLIDWORKS 2026", "SOLIDWORKS"),
        Subject("SolidNetWork License Manager service does not start", "SOLIDWORKS", "urgent"),
        Subject("Viewport flickers with RealView on the new NVIDIA driver", "SOLIDWORKS"),
        Subject("Display states not saved per configuration", "SOLIDWORKS"),
        Subject("Mate errors after Replace Component", "SOLIDWORKS"),
        Subject("Costing template returns zero for laser cutting", "SOLIDWORKS"),
        Subject("Tooltips in the Swedish user interface are cut off", "SOLIDWORKS"),
        Subject("Misleading error message when a file name is too long", "SOLIDWORKS"),
        Subject("How do we set millimetre-gram-second as default for new parts?", "SOLIDWORKS", "question"),
        Subject("Where do we set the default template for new drawings?", "SOLIDWORKS", "question"),
        Subject("Which SOLIDWORKS 2026 service pack do you recommend now?", "SOLIDWORKS", "question"),
        Subject("PDM vault view cannot connect after the Windows update", "PDM", "urgent"),
        Subject("Check-in fails: file is locked by another user", "PDM"),
        Subject("Workflow transition does not send notification e-mails", "PDM"),
        Subject("PDM search card finds nothing by serial number", "PDM"),
        Subject("Get Latest Version very slow over VPN from the branch office", "PDM"),
        Subject("Copy Tree does not copy the referenced drawings", "PDM"),
        Subject("Data card variable not written to the file's custom properties", "PDM"),
        Subject("Can a PDM user have read-only access to one folder only?", "PDM", "question"),
        Subject("3DEXPERIENCE login loops back to the start page", "3DEXPERIENCE", "urgent"),
        Subject("Collaborative Designer: save to the platform fails with a timeout", "3DEXPERIENCE"),
        Subject("Lifecycle promote blocked: maturity state not allowed", "3DEXPERIENCE"),
        Subject("3D Creator does not load in Chrome", "3DEXPERIENCE"),
        Subject("New revision of a physical product not visible to colleagues", "3DEXPERIENCE"),
        Subject("Cloud Eligibility tool reports a proxy error", "3DEXPERIENCE"),
        Subject("Bookmark Editor shows duplicate folders after import", "3DEXPERIENCE"),
        Subject("Role missing after the 3DEXPERIENCE renewal", "3DEXPERIENCE"),
        Subject("How do we share a bookmark with a supplier?", "3DEXPERIENCE", "question"),
    ),
    scenarios=(FRESH, FRESH, ANSWERED, ANSWERED, OVERDUE, OVERDUE, LATE, RESOLVED, WAITING, REOPENED,
               LOWERED, NO_PRIORITY, QUESTION, TRIAGE, TRIAGE),
    filler=((FRESH, 2), (ANSWERED, 4), (RESOLVED, 6), (OVERDUE, 1), (LATE, 1), (WAITING, 2), (NO_PRIORITY, 1),
            (QUESTION, 1)),
    urgent="critical",
    normal=("critical", "high", "high", "medium", "medium", "medium"),
    calm="low",
    question="question",
    lowered_to="medium",
    phrases={
        "first": "Thank you for your case. I have started looking into it and will get back to you shortly.",
        "update": "We have reproduced the problem in our test environment and are working on it.",
        "ask": "To recreate the issue in our secure environment, please send the data listed below.",
        "customer": "Thanks. Attached are the files you asked for.",
        "done": "The fix described above solved it on our side. Closing the case; reply if it comes back.",
        "reopen": "The problem is back after today's update, please have another look.",
        "lowered": "A workaround is in place, so the impact is lower: priority adjusted.",
    },
    description="{subject}\n\nSOLIDWORKS {version}, site {city}.\nSeen by several users since last week.",
    checklist=(
        "SOLIDWORKS RX problem capture", "Pack and Go files", "Client/server log files",
        "3DEXPERIENCE Cloud Eligibility tool output",
    ),
)


MASTERCAM = DeskDemo(
    slug="mastercam",
    cases=36,
    domain="mastercam.com",
    staff=(("bob", "Bob", "Sullivan"), ("mike", "Mike", "Kaczmarek"), ("carol", "Carol", "Whitfield")),
    channels=("portal", "email"),
    customers=(
        Customer(
            "Precision Parts Inc.", "US", "Rockford", "America/Chicago", "precisionparts.com", "en", "USD",
            ("Dana Miller", "Luis Ortega"),
            (("Mastercam Mill 3D", "2026"), ("Mastercam Lathe", "2026"), ("Post processor Haas NGC", "2026")),
            seats=6, channels=("phone_us", "phone_us", "portal", "email"),
        ),
        Customer(
            "Pacific Mold & Die Co.", "US", "Portland", "America/Los_Angeles", "pacificmold.com", "en", "USD",
            ("Kevin Nguyen", "Rachel Kim"),
            (("Mastercam Mill 3D", "2026"), ("Mastercam Multiaxis", "2026")),
            seats=4, channels=("phone_us", "portal", "portal"),
        ),
        Customer(
            "Granite State Machining LLC", "US", "Manchester", "America/New_York", "granitestatemachining.com",
            "en", "USD", ("Sarah O'Brien", "Tom Kowalski"),
            (("Mastercam Mill", "2026"), ("Mastercam Lathe", "2026"), ("Mastercam Wire", "2026")),
            seats=8, channels=("phone_us", "email", "portal"),
        ),
        Customer(
            "Front Range Aerospace Machining", "US", "Denver", "America/Denver", "frontrangeaero.com", "en", "USD",
            ("Jake Romero",),
            (("Mastercam Mill 3D", "2026"), ("Mastercam Multiaxis", "2026"), ("Post processor Fanuc 31i", "2026")),
            seats=5, channels=("phone_us", "portal"),
        ),
        Customer(
            "Desert Sun Fabrication", "US", "Phoenix", "America/Phoenix", "desertsunfab.com", "en", "USD",
            ("Maria Alvarez",),
            (("Mastercam Router", "2026"), ("Mastercam Nesting", "2026")),
            seats=2, channels=("phone_us", "email"),
        ),
        Customer(
            "Midlands Tooling Ltd", "GB", "Birmingham", "Europe/London", "midlandstooling.co.uk", "en", "GBP",
            ("Oliver Hughes", "Priya Patel"),
            (("Mastercam Mill 3D", "2026"), ("Mastercam Lathe", "2026"), ("Post processor Okuma OSP-P300L", "2026")),
            seats=7, channels=("phone_uk", "phone_uk", "portal", "email"),
        ),
        Customer(
            "Clyde Precision Engineering Ltd", "GB", "Glasgow", "Europe/London", "clydeprecision.co.uk", "en", "GBP",
            ("Callum Fraser",),
            (("Mastercam Mill", "2025"), ("Post processor Mazak Integrex", "2025")),
            seats=3, channels=("phone_uk", "portal"),
        ),
        Customer(
            "Västkust CNC AB", "SE", "Borås", "Europe/Stockholm", "vastkustcnc.se", "sv", "SEK",
            ("Sara Holm", "Anders Ek"),
            (("Mastercam Mill 3D", "2026"), ("Mastercam Lathe", "2025")),
            seats=4, channels=("portal", "email"),
        ),
    ),
    subjects=(
        Subject("Mastercam will not start on any of the three CAM stations", "", "urgent"),
        Subject("HASP key not detected after the Windows 11 update", "", "urgent"),
        Subject("NetHASP says no licenses available although seats are free", ""),
        Subject("License status query: when does our CONNECT agreement renew?", "", "question"),
        Subject("Activation code rejected during the 2026 install", ""),
        Subject("Move our license from the old PC to the new programming station", "", "question"),
        Subject("Dynamic OptiRough leaves stock on the floor", "Mill"),
        Subject("Verify shows a gouge that is not on the part", "Mill"),
        Subject("Stock model regenerates every time the file opens", "Mill"),
        Subject("Simulator crashes on a 5-axis swarf toolpath", "Multiaxis", "urgent"),
        Subject("Pocket toolpath ignores the entry helix settings", "Mill"),
        Subject("Tool library from 2025 not readable in 2026", "Mill"),
        Subject("3D high speed toolpaths regenerate very slowly", "Mill"),
        Subject("Chaining picks the wrong side of the contour", "Mill"),
        Subject("How do we set default feeds for aluminum tools?", "Mill", "question"),
        Subject("Machine simulation does not report a collision on the 4th axis", "Multiaxis"),
        Subject("Lathe rough cycle output missing the finish pass", "Lathe"),
        Subject("C-axis face contour posts in the wrong direction", "Lathe"),
        Subject("Live tooling parameters reset after a tool change", "Lathe"),
        Subject("Stock flip loses the chuck jaw positions", "Lathe"),
        Subject("Post outputs the wrong feed rate on arcs", "Post"),
        Subject("Haas post: G187 smoothing line missing", "Haas"),
        Subject("Fanuc post writes M08 before the tool change", "Fanuc"),
        Subject("Okuma post: wrong sub-spindle transfer code", "Okuma"),
        Subject("Post fails with an MP run error on long programs", "Post", "urgent"),
        Subject("Mazak Integrex post: B-axis tilt sign reversed", "Mazak"),
        Subject("Crash when saving to the network share", ""),
        Subject("Toolbar customisation lost after updating to 2026.1", ""),
        Subject("Import of SOLIDWORKS 2025 parts fails", ""),
        Subject("Setup sheet does not show tool stick-out", ""),
        Subject("Mastercam closes when the Levels Manager opens", ""),
        Subject("Backplot invisible on the Intel graphics laptop", ""),
        Subject("Training question: best way to program thread milling?", "Mill", "question"),
        Subject("Icons blurry on a 4K display", ""),
        Subject("Wire EDM taper angle output incorrect", "Wire"),
        Subject("Nesting report shows the wrong sheet count", "Nesting"),
    ),
    scenarios=(FRESH, FRESH, ANSWERED, ANSWERED, OVERDUE, OVERDUE, LATE, RESOLVED, RESOLVED, LOWERED,
               NO_PRIORITY, BUG, BUG, WAITING_INFO, INFO_ARRIVED, ESCALATED, ESCALATED2),
    filler=((FRESH, 2), (ANSWERED, 3), (RESOLVED, 6), (OVERDUE, 1), (WAITING_INFO, 1), (NO_PRIORITY, 1),
            (BUG, 1)),
    urgent="P1",
    normal=("P1", "P2", "P2", "P3", "P3", "P3"),
    calm="P4",
    question="P4",
    lowered_to="P3",
    phrases={
        "first": "Hi, this is Mastercam Technical Support. I have your case and will call you back shortly.",
        "update": "Quick update: we reproduced it here and are testing a fix.",
        "ask": "To reproduce this we need the items below from you.",
        "customer": "Files uploaded to the case. Let us know if you need anything else.",
        "escalate": "Please escalate this case: the machines are waiting and we have no solution yet.",
        "done": "The issue is resolved as described. Closing the case.",
        "reopen": "Same problem again on the second machine.",
        "lowered": "With the workaround running, we are setting the priority to P3.",
        "first:sv": "Hej! Mastercam-supporten här, vi har tagit emot ärendet och återkommer strax.",
        "customer:sv": "Hej, filerna ligger nu i ärendet.",
        "escalate:sv": "Vi vill eskalera ärendet, maskinerna står still.",
        "reopen:sv": "Samma fel igen på maskin två.",
    },
    description="{subject}\n\n{product} {version}, licence site {city}.",
    resolutions=("fixed", "fixed", "fix_timeline_given", "not_a_defect_or_not_solvable_in_time"),
    checklist=("Mastercam part file (.mcam)", "Post processor files (.pst, .psb)", "Machine and control definition"),
)


DYTRON = DeskDemo(
    slug="dytron",
    cases=24,
    domain="dytron.cz",
    staff=(("bob", "Bob", "Kučera"), ("lucie", "Lucie", "Pokorná"), ("carol", "Carol", "Fialová")),
    channels=("phone", "phone", "email", "portal"),
    customers=(
        Customer(
            "Strojírny Brno a.s.", "CZ", "Brno", "Europe/Prague", "strojirny-brno.cz", "cs", "CZK",
            ("Petr Novák", "Martina Horáková"),
            (("CATIA V5-6R2024", "R2024"), ("3DEXPERIENCE", "R2025x")),
            tier="SLA", seats=25, targets={"urgent": {"response": "2h"}, "normal": {"response": "1bd"}},
        ),
        Customer(
            "Ostravské strojírny a.s.", "CZ", "Ostrava", "Europe/Prague", "ostravske-strojirny.cz", "cs", "CZK",
            ("Tomáš Dvořák", "Lukáš Procházka"),
            (("CATIA V5-6R2024", "R2024"), ("DELMIA Robotics", "R2025x")),
            tier="SLA", seats=12, targets={"urgent": {"response": "4h"}, "normal": {"response": "2bd"}},
        ),
        Customer(
            "Letecké díly Kunovice s.r.o.", "CZ", "Kunovice", "Europe/Prague", "ld-kunovice.cz", "cs", "CZK",
            ("Pavel Marek",),
            (("CATIA Composites Design", "R2025x"), ("3DEXPERIENCE", "R2025x")),
            tier="SLA", seats=8, nda=True, targets={"urgent": {"response": "3h"}, "normal": {"response": "8h"}},
        ),
        Customer(
            "Vltava Design s.r.o.", "CZ", "Praha", "Europe/Prague", "vltavadesign.cz", "cs", "CZK",
            ("Jana Svobodová",),
            (("CATIA V5-6R2023", "R2023"),),
            tier="ALC", seats=3,
        ),
        Customer(
            "Moravia Automotive s.r.o.", "CZ", "Zlín", "Europe/Prague", "moravia-auto.cz", "cs", "CZK",
            ("Kateřina Veselá", "Ondřej Kolář"),
            (("CATIA V5-6R2024", "R2024"), ("3DEXPERIENCE", "R2025x")),
            tier="SBP", seats=10,
        ),
        Customer(
            "Plzeňská technika a.s.", "CZ", "Plzeň", "Europe/Prague", "plzenska-technika.cz", "cs", "CZK",
            ("Jiří Černý",),
            (("DELMIA Process Planning", "R2025x"), ("CATIA V5-6R2024", "R2024")),
            tier="PAY", seats=4,
        ),
    ),
    subjects=(
        Subject("CATIA V5 padá při otevírání výkresu sestavy", "CATIA", "urgent"),
        Subject("Licence CATIA se po pádu aplikace neuvolní", "CATIA", "urgent"),
        Subject("Nelze uložit CATProduct na síťový disk", "CATIA"),
        Subject("Generative Shape Design: chyba při tvorbě plochy Multi-Section", "CATIA"),
        Subject("Kusovník ve výkresu nezobrazuje parametr Materiál", "CATIA"),
        Subject("Export do STEP ztrácí barvy ploch", "CATIA"),
        Subject("Pomalé načítání velkých sestav po přechodu na R2024", "CATIA"),
        Subject("Kinematika: mechanismus nejde simulovat", "CATIA"),
        Subject("Výkres: kóty se po aktualizaci posouvají", "CATIA"),
        Subject("Sheet Metal Design: rozvin neodpovídá skutečnosti", "CATIA"),
        Subject("Dotaz: jak nastavit výchozí normu ISO pro výkresy?", "CATIA", "question"),
        Subject("Prosíme o nabídku školení Part Design pro 4 konstruktéry", "", "question"),
        Subject("Instalace Service Packu SP6 na 12 stanic", "CATIA"),
        Subject("Makro pro hromadný export výkresů do PDF", "CATIA"),
        Subject("Licenční server DSLS nestartuje po aktualizaci Windows", "", "urgent"),
        Subject("3DEXPERIENCE: nelze povýšit stav zralosti dílu", "3DEXPERIENCE"),
        Subject("3DEXPERIENCE: uživatel nevidí sdílenou kolaborativní oblast", "3DEXPERIENCE"),
        Subject("Chyba přihlášení do 3DEXPERIENCE po změně hesla", "3DEXPERIENCE"),
        Subject("Převod dat z CATIA V5 do 3DEXPERIENCE: chybějící vazby", "3DEXPERIENCE"),
        Subject("DELMIA: simulace robota hlásí neexistující kolizi", "DELMIA"),
        Subject("DELMIA: program pro robot KUKA má posunuté souřadnice", "DELMIA"),
        Subject("DELMIA Process Planning: v reportu chybí časy operací", "DELMIA"),
        Subject("Composites: chybná orientace vrstev v rozvinu", "Composites"),
        Subject("Postprocesor pro Hermle C42: úprava výstupu", ""),
        Subject("Analýza procesu konstrukce: žádost o konzultaci", "", "question"),
    ),
    scenarios=(FRESH, FRESH, ANSWERED, ANSWERED, OVERDUE, OVERDUE, LATE, RESOLVED, RESOLVED, LOWERED,
               NO_PRIORITY, WAITING),
    filler=((FRESH, 1), (ANSWERED, 3), (RESOLVED, 5), (OVERDUE, 1), (NO_PRIORITY, 1)),
    urgent="urgent",
    normal=("urgent", "normal", "normal", "normal"),
    calm="normal",
    question="normal",
    lowered_to="normal",
    phrases={
        "first": "Dobrý den, požadavek jsme převzali a řešíme ho. Ozveme se co nejdříve.",
        "update": "Chybu jsme nasimulovali u nás a připravujeme řešení.",
        "ask": "Pro analýzu prosím pošlete data uvedená níže.",
        "customer": "Dobrý den, data posíláme v příloze.",
        "done": "Řešení je popsané výše, požadavek uzavíráme.",
        "reopen": "Chyba se po aktualizaci vrátila, prosíme o kontrolu.",
        "lowered": "Máme funkční obchvat, priorita snížena na normální.",
    },
    description="{subject}\n\n{product}, pracoviště {city}.",
    targeted_tiers=("SLA",),
    checklist=("Soubory CATPart/CATProduct", "Protokol chyby (abend report)", "Verze a hotfix"),
)


SOLIDXPERTS = DeskDemo(
    slug="solidxperts",
    cases=28,
    domain="solidxperts.com",
    staff=(("bob", "Bob", "Lavoie"), ("genevieve", "Geneviève", "Roy"), ("carol", "Carol", "Bélanger")),
    channels=("portal", "portal", "portal", "phone"),
    customers=(
        Customer(
            "Usinage Laurentides inc.", "CA", "Saint-Jérôme", "America/Toronto", "usinagelaurentides.ca", "fr", "CAD",
            ("Marie Tremblay", "Jean-François Gagnon"),
            (("SOLIDWORKS Premium", "2025"), ("SOLIDWORKS PDM Standard", "2025")),
            tier="subscription", seats=8,
        ),
        Customer(
            "Conception Beauce ltée", "CA", "Saint-Georges", "America/Toronto", "conceptionbeauce.ca", "fr", "CAD",
            ("Luc Poulin",),
            (("SOLIDWORKS Standard", "2026"),),
            tier="subscription", seats=3,
        ),
        Customer(
            "Meubles Boréal inc.", "CA", "Québec", "America/Toronto", "meublesboreal.ca", "fr", "CAD",
            ("Isabelle Côté", "Mathieu Pelletier"),
            (("SOLIDWORKS Professional", "2026"),),
            tier="rental", seats=2, rental=True,
        ),
        Customer(
            "Atelier mécanique Saguenay", "CA", "Chicoutimi", "America/Toronto", "amsaguenay.ca", "fr", "CAD",
            ("Guillaume Bouchard",),
            (("SOLIDWORKS Standard", "2023"),),
            tier="none", seats=1, expired=True,
        ),
        Customer(
            "Ottawa Robotics Inc.", "CA", "Ottawa", "America/Toronto", "ottawarobotics.ca", "en", "CAD",
            ("Emma Wilson", "Raj Singh"),
            (("SOLIDWORKS Premium", "2026"), ("SOLIDWORKS Electrical", "2026"), ("SOLIDWORKS Visualize", "2026")),
            tier="subscription", seats=18,
        ),
        Customer(
            "Hamilton Steelworks Design Ltd.", "CA", "Hamilton", "America/Toronto", "hsdesign.ca", "en", "CAD",
            ("Michael Brown",),
            (("SOLIDWORKS Professional", "2025"),),
            tier="subscription", seats=4,
        ),
    ),
    subjects=(
        Subject("SOLIDWORKS plante à l'ouverture d'une mise en plan", "SOLIDWORKS", "urgent", "fr"),
        Subject("Activation de licence impossible après remplacement du poste", "SOLIDWORKS", "", "fr"),
        Subject("Installation de SOLIDWORKS 2026 sur un deuxième poste", "SOLIDWORKS", "", "fr"),
        Subject("Transfert de licence vers un nouvel ordinateur", "SOLIDWORKS", "", "fr"),
        Subject("Erreur pendant l'installation du Service Pack 3", "SOLIDWORKS", "", "fr"),
        Subject("La nomenclature n'affiche pas la propriété Description", "SOLIDWORKS", "", "fr"),
        Subject("Reconstruction très lente d'un gros assemblage", "SOLIDWORKS", "", "fr"),
        Subject("Tôlerie : la mise à plat donne une mauvaise longueur", "SOLIDWORKS", "", "fr"),
        Subject("Comment créer un fond de plan avec notre cartouche ?", "SOLIDWORKS", "question", "fr"),
        Subject("Toolbox : vis manquantes après la mise à jour", "SOLIDWORKS", "", "fr"),
        Subject("« Échec de l'enregistrement » sur le serveur de fichiers", "SOLIDWORKS", "", "fr"),
        Subject("PDM : coffre-fort inaccessible depuis le VPN", "PDM", "", "fr"),
        Subject("Options système par défaut pour toute l'équipe ?", "SOLIDWORKS", "question", "fr"),
        Subject("Mise à niveau 2025 vers 2026 : licence réseau SNL", "SOLIDWORKS", "", "fr"),
        Subject("eDrawings n'ouvre plus les fichiers de nos clients", "SOLIDWORKS", "", "fr"),
        Subject("Liste des pièces soudées vide dans la mise en plan", "SOLIDWORKS", "", "fr"),
        Subject("Affichage saccadé avec la nouvelle carte graphique", "SOLIDWORKS", "", "fr"),
        Subject("Fin de location : comment désactiver la licence ?", "SOLIDWORKS", "question", "fr"),
        Subject("SOLIDWORKS 2026 install stops at 'Installing Electrical'", "Electrical", "", "en"),
        Subject("License deactivation failed before reformatting the PC", "SOLIDWORKS", "", "en"),
        Subject("Assembly mates break after opening in 2026", "SOLIDWORKS", "", "en"),
        Subject("Sheet metal gauge table not found", "SOLIDWORKS", "", "en"),
        Subject("How do I set up a custom property tab?", "SOLIDWORKS", "question", "en"),
        Subject("Drawing dimensions move after a rebuild", "SOLIDWORKS", "", "en"),
        Subject("Service pack download link has expired", "SOLIDWORKS", "", "en"),
        Subject("Cannot activate SOLIDWORKS Visualize", "Visualize", "", "en"),
        Subject("SOLIDWORKS freezes on startup for every user", "SOLIDWORKS", "urgent", "en"),
        Subject("Routing library parts missing after the upgrade", "SOLIDWORKS", "", "en"),
    ),
    # The policy sets no target (first response tracked only): no overdue or late case is possible.
    scenarios=(FRESH, FRESH, NO_PRIORITY, NO_PRIORITY, ANSWERED, ANSWERED, RESOLVED, RESOLVED, WAITING, REOPENED,
               OVERDUE),
    filler=((NO_PRIORITY, 3), (FRESH, 1), (ANSWERED, 3), (RESOLVED, 6), (WAITING, 1)),
    urgent="normal",
    normal=("normal",),
    calm="normal",
    question="normal",
    lowered_to="normal",
    phrases={
        "first": "Bonjour, nous avons bien reçu votre requête et un technicien s'en occupe.",
        "update": "Nous avons reproduit le problème et testons une solution.",
        "ask": "Pouvez-vous nous envoyer les éléments suivants ?",
        "customer": "Bonjour, voici les fichiers demandés.",
        "done": "La solution ci-dessus règle le problème. Nous fermons la requête.",
        "reopen": "Le problème est revenu ce matin.",
        "first:en": "Hello, we received your request and a technician is on it.",
        "update:en": "We reproduced the problem and are testing a solution.",
        "ask:en": "Could you send us the items below?",
        "customer:en": "Hi, here are the files you asked for.",
        "done:en": "The solution above fixes it. Closing the request.",
        "reopen:en": "The problem came back this morning.",
    },
    description="{subject}\n\n{product} {version} ({city}).",
    checklist=("SOLIDWORKS Rx (Problem Capture)", "Pack and Go", "Capture d'écran du message"),
)


PTC = DeskDemo(
    slug="ptc",
    cases=31,
    domain="ptc.com",
    staff=(("bob", "Bob", "Delorme"), ("hiro", "Hiroshi", "Mori"), ("carol", "Carol", "Becker")),
    channels=("portal", "portal", "portal", "email"),
    customers=(
        Customer(
            "Rhône Aéro SAS", "FR", "Lyon", "Europe/Paris", "rhone-aero.fr", "fr", "EUR",
            ("Claire Martin", "Julien Moreau"),
            (("Creo Parametric", "11.0.3.0"), ("Windchill PDMLink", "13.0.2.4")),
            seats=30,
        ),
        Customer(
            "Atlantique Naval SA", "FR", "Saint-Nazaire", "Europe/Paris", "atlantique-naval.fr", "fr", "EUR",
            ("Nicolas Le Gall",),
            (("Creo Parametric", "10.0.5.0"), ("Windchill PDMLink", "12.1.2.7")),
            seats=12,
        ),
        Customer(
            "Bayern Antriebe GmbH", "DE", "Augsburg", "Europe/Berlin", "bayern-antriebe.de", "de", "EUR",
            ("Lukas Weber", "Anna Schmitt"),
            (("Creo Parametric", "11.0.2.0"), ("Mathcad Prime", "11.0.0.0")),
            seats=16,
        ),
        Customer(
            "Schwarzwald Medizintechnik GmbH", "DE", "Freiburg", "Europe/Berlin", "sw-medtech.de", "de", "EUR",
            ("Katrin Vogel",),
            (("Windchill PDMLink", "13.0.2.4"), ("Creo Parametric", "12.0.0.0")),
            seats=9,
        ),
        Customer(
            "Osaka Seimitsu Kogyo K.K.", "JP", "Osaka", "Asia/Tokyo", "osaka-seimitsu.co.jp", "ja", "JPY",
            ("Haruto Sato", "Yui Tanaka"),
            (("Creo Parametric", "11.0.3.0"), ("Windchill PDMLink", "13.0.1.2")),
            seats=20,
        ),
        Customer(
            "Great Lakes Medical Devices Inc.", "US", "Minneapolis", "America/Chicago", "glmd.com", "en", "USD",
            ("Jennifer Clark", "David Lee"),
            (("Windchill PDMLink", "13.0.2.4"), ("Creo Parametric", "12.0.0.0"), ("Mathcad Prime", "11.0.0.0")),
            seats=45,
        ),
        Customer(
            "Cascade Turbines LLC", "US", "Seattle", "America/Los_Angeles", "cascadeturbines.com", "en", "USD",
            ("Brian Foster",),
            (("Creo Parametric", "11.0.1.0"), ("Mathcad Prime", "10.0.1.0")),
            seats=6,
        ),
    ),
    subjects=(
        Subject("Creo Parametric 11 crashes when regenerating a family table", "Creo"),
        Subject("Assembly retrieval from the Windchill workspace takes 20 minutes", "Creo"),
        Subject("Creo Simulate results differ between 10.0 and 11.0", "Creo"),
        Subject("Creo Schematics import loses wire colours", "Creo"),
        Subject("GD&T symbols shown as boxes on Creo drawings", "Creo"),
        Subject("FlexNet refuses Creo license borrow requests", "Creo"),
        Subject("Creo will not start on any seat: 'License expired'", "Creo", "urgent"),
        Subject("Sheetmetal unbend fails on a flange with relief", "Creo"),
        Subject("Creo View markups not saved back to Windchill", "Creo"),
        Subject("How do we map Creo parameters to Windchill attributes?", "Creo", "question"),
        Subject("config.pro option ignored since the Creo 12 update", "Creo"),
        Subject("JT export from Creo misses the PMI", "Creo"),
        Subject("ECAD import (IDX) places components on the wrong side", "Creo"),
        Subject("Windchill production server down after CPS update", "Windchill", "urgent"),
        Subject("Windchill login fails for all users after certificate renewal", "Windchill", "urgent"),
        Subject("Check-in blocked: object is locked", "Windchill"),
        Subject("Change notice workflow stuck in the Review task", "Windchill"),
        Subject("Promotion request fails with an access error", "Windchill"),
        Subject("Windchill search index (Solr) no longer updates", "Windchill"),
        Subject("Visualization publishing queue stalled", "Windchill"),
        Subject("ESI integration to SAP drops BOM lines", "Windchill", "urgent"),
        Subject("Upgrade path from Windchill 12.1 to 13.0?", "Windchill", "question"),
        Subject("Japanese characters garbled in Windchill PDF reports", "Windchill"),
        Subject("Watermark missing on released drawings", "Windchill"),
        Subject("Mathcad Prime 11: unit error in an imported worksheet", "Mathcad"),
        Subject("Mathcad Prime crashes when inserting an Excel component", "Mathcad"),
        Subject("Mathcad license not released on the network", "Mathcad"),
        Subject("How to solve a system with constraints in Mathcad Prime?", "Mathcad", "question"),
        Subject("Mathcad printout cuts off the right margin", "Mathcad"),
        Subject("Worksheet from Mathcad Prime 10 opens blank in 11", "Mathcad"),
        Subject("Creo mold base extension menu missing", "Creo"),
    ),
    # No response metric: "overdue" here is a case whose next status update is past due.
    scenarios=(FRESH, ANSWERED, ANSWERED, ANSWERED, OVERDUE, OVERDUE, RESOLVED, RESOLVED, LOWERED, REOPENED,
               S0_REVIEWS, S0_MISSED, S0_DOWNGRADED),
    filler=((FRESH, 1), (ANSWERED, 4), (RESOLVED, 5), (OVERDUE, 1), (WAITING, 1)),
    urgent="S1",
    normal=("S1", "S2", "S2", "S3"),
    calm="S3",
    question="S3",
    lowered_to="S3",
    phrases={
        "first": "Hello, I am the engineer on your case. First analysis below; next update as agreed.",
        "update": "Status update: investigation ongoing, next update on schedule.",
        "ask": "Please upload the following to the Case Tracker.",
        "customer": "Files uploaded to the Case Tracker.",
        "done": "The solution article above resolves the issue. Closing the case.",
        "reopen": "The issue is back after applying the maintenance release.",
        "lowered": "Workaround confirmed by your technical contact: severity lowered.",
        "review": "S0 management review: R&D engaged, action plan confirmed with the customer.",
        "round_the_clock": "Evaluation: 24-hour work no longer needed, customer works business hours.",
    },
    description="{subject}\n\n{product} {version}, site {city}.",
    checklist=("Trail file and std.out", "Windchill method server logs", "Sample data (anonymised)"),
    categories={"Creo": "Part and assembly modeling", "Windchill": "PDM server and workflows", "Mathcad": "Worksheets"},
)

# fmt: on

CATALOGUE: dict[str, DeskDemo] = {d.slug: d for d in (PLM, MASTERCAM, DYTRON, SOLIDXPERTS, PTC)}
