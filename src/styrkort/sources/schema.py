"""The workspace schema: every field of the workspace folder, declared once.

Each section of the folder format (a YAML mapping such as ``organisation``, an
item of a list such as an indicator, or a CSV table such as ``operating.csv``)
is a :class:`Section` with its :class:`Field` s: key, type, default, allowed
values, Swedish help text, and where the database stores it (``column`` on the
section's ``model``) or why it does not (``not_stored``).

What is derived from it:

- the reader's unknown-key findings and the allowed values it names
  (``sources/workspace.py``);
- the REST API's workspace fields and their OpenAPI schema (``web/api.py``);
- the field reference in ``docs/workspace.md`` (:func:`field_reference`,
  rewritten by ``python -m styrkort.sources.schema docs/workspace.md``).

What is checked against it by tests (``tests/sources/test_schema.py`` and
``tests/web/test_schema_web.py``): that the reader reads every field, that the
canonical writer writes it, that a stored field has its column in
``web/models.py`` and survives ``web/mapping.py`` both ways, and that every
workspace column of the database is declared here. Adding a field means adding
it here (and, when stored, a column and a migration); the tests name every
place that does not handle it yet (docs/architecture.md).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styrkort.core.assess import PRESETS, ToleranceKind
from styrkort.core.finance import BudgetModel, RowKind, SignConvention
from styrkort.core.goals import Status
from styrkort.core.model import PeriodKind, RoundingPolicy
from styrkort.core.values import Direction

TYPES = {
    "text": "text",
    "integer": "heltal",
    "year": "fyrsiffrigt år",
    "number": "tal (decimalkomma går bra)",
    "amount": "belopp i kronor",
    "date": "datum ÅÅÅÅ-MM-DD",
    "choice": "ett av de tillåtna värdena",
    "fraction": "andel, t.ex. 1/2",
    "statuses": "lista av bedömningar",
    "file": "sökväg relativ till arbetsytan",
    "list": "lista",
    "mapping": "mappning",
}
"""The field types and how the reference names them (Swedish)."""

PLACEMENTS = ("maluppfyllelse", "verksamhetsberattelse", "drift", "investeringar", "fordelning")
STATUSES = tuple(s.value for s in Status)


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a section."""

    key: str
    type: str
    help: str
    """Swedish: what the value means and how to write it."""
    default: str = ""
    choices: tuple[str, ...] = ()
    column: str = ""
    """The column of the section's model that stores it ("" when not stored)."""
    not_stored: str = ""
    """Why the database does not store it (required when ``column`` is empty)."""
    section: str = ""
    """For a ``list`` or ``mapping`` field: the section that declares its keys."""
    example: str = ""
    """A value other than the default, written into the every-field test workspace."""
    api: bool = False
    """Part of the REST API's JSON (and OpenAPI) for the section's object."""
    required: bool = False
    when: tuple[str, ...] = ()
    """``(key, *values)``: the field applies only when the section's ``key`` has one of
    ``values`` (its default counts when it is not written); otherwise the reader warns that
    it ignores the field (``workspace.ignored_key``). Alternatives such as ``ratio`` and
    ``bands`` of a tolerance are declared so."""

    def applies(self, section: Section, given: dict[str, Any]) -> bool:
        """Whether the field applies in the mapping ``given`` of ``section`` (see ``when``)."""
        if not self.when:
            return True
        key, values = self.when[0], self.when[1:]
        value = dict.get(given, key)
        text = str(value).strip() if value not in (None, "") else section.field(key).default
        return text in values

    @property
    def stored(self) -> bool:
        return bool(self.column)


@dataclass(frozen=True, slots=True)
class Section:
    """A YAML mapping, a list item or a CSV table of the workspace folder."""

    name: str
    file: str
    path: str
    """Where the section stands in its file: ``organisation``, ``goals[].indicators[]``; ``""`` for the file itself."""
    what: str
    """Swedish noun for findings: ``indikatorn``, ``settings``."""
    fields: tuple[Field, ...]
    model: str = ""
    """The database model that stores the section (``web/models.py``); "" when not stored or shared."""
    table: bool = False
    """A CSV table: the fields are its columns."""
    markdown: bool = False
    """A Markdown file: the fields are parts of the file, not keys."""

    def keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def where(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file


def _choices(enum_type: type) -> tuple[str, ...]:
    return tuple(str(e.value) for e in enum_type)  # type: ignore[attr-defined]


_RULE = "rule"
"""Period.rule: the whole assessment rule as ``workspace_write.rule_settings`` writes it."""
_NOT_BANDS = tuple(k.value for k in ToleranceKind if k is not ToleranceKind.BANDS)
_BANDS_EXAMPLE = (
    "[{status: ej uppnått}, {from: '80', status: delvis uppnått}, {from: '100', status: uppnått}]"
)
_POINT_BANDS_EXAMPLE = (
    "[{status: ej uppnått}, {from: '50', status: delvis uppnått}, {above: '75', status: uppnått}]"
)

_MUNICIPALITY = "kommunens styrkort.yaml lagras som text (webben), varje fält läses ur den"
_ROWS = "raderna lagras (tabellen {model}); exporten skriver alltid {file}"

SECTIONS: tuple[Section, ...] = (
    Section(
        "main",
        "styrkort.yaml",
        "",
        "styrkort.yaml",
        (
            Field("kind", "choice", "board (en nämnds arbetsyta) eller municipality (kommunens arbetsyta med nämnderna som undermappar, se Kommunens arbetsyta).", "board", ("board", "municipality"), not_stored="en nämnds period är alltid board; kommunen lagras som Municipality", example="board"),
            Field("title", "text", "Rapportens titel, t.ex. Årsredovisning 2020.", "Årsredovisning <år>", column="title", example="Delårsrapport 2020", api=True),
            Field("organisation", "mapping", "Nämnden eller förvaltningen.", section="organisation", column="organisation", required=True),
            Field("period", "mapping", "Perioden som rapporten gäller.", section="period", required=True),
            Field("settings", "mapping", "Inställningar för bedömning och presentation.", section="settings"),
            Field("published", "mapping", "Siffror som en publicerad text anger, för kontroll mot tabellerna.", section="published"),
            Field("finance", "mapping", "Ekonomins filer och etiketter.", section="finance"),
            Field("goals", "file", "Filen med mål och indikatorer.", "goals.yaml", not_stored="målen lagras (Goal, Indicator); exporten skriver alltid goals.yaml"),
            Field("narrative", "list", "Verksamhetsberättelsens avsnitt (Markdown-filer).", section="narrative"),
            Field("publication", "mapping", "Hur rapporten publiceras.", section="publication"),
            Field("history", "mapping", "Tidigare år: hur många måltabellerna visar, tidigare arbetsytor, ekonomins utfall tidigare år och Kolada-värden.", section="history"),
        ),
        model="Period",
    ),
    Section(
        "organisation",
        "styrkort.yaml",
        "organisation",
        "organisation",
        (
            Field("name", "text", "Nämndens namn, t.ex. Sydnärkes IT-nämnd.", column="name", required=True, example="Exempelnämnden"),
            Field("municipality", "text", "Kommunen vars rapport detta är en del av.", column="municipality", example="Exempelkommun"),
            Field("kind", "text", "Fri text, t.ex. gemensam nämnd.", column="kind", example="gemensam nämnd"),
            Field("host", "text", "Värdkommunens medlems-id i en gemensam nämnd.", column="host", example="a"),
            Field("members", "list", "Medlemskommunerna.", section="member", column="members"),
            Field("allocation_key", "mapping", "Fördelningsnyckeln för resultatet mellan medlemmarna.", section="allocation_key", column="has_allocation_key"),
        ),
        model="Organisation",
    ),
    Section(
        "member",
        "styrkort.yaml",
        "organisation.members[]",
        "medlemmen",
        (
            Field("id", "text", "Medlemmens id, används i vikter och ramar.", column="key", required=True, example="a"),
            Field("name", "text", "Medlemskommunens namn.", column="name", example="Kommun A"),
            Field("code", "text", "Fyrsiffrig kommunkod (SCB/Kolada), t.ex. 1814.", column="code", example="1814"),
        ),
        model="Member",
    ),
    Section(
        "allocation_key",
        "styrkort.yaml",
        "organisation.allocation_key",
        "allocation_key",
        (
            Field("basis", "text", "Grund: population (folkmängd) eller agreed (avtalade andelar).", "population", column="allocation_basis", example="agreed"),
            Field("reference_date", "date", "Datum för folkmängden.", column="allocation_reference_date", example="2018-12-31"),
            Field("decision", "text", "Beslutet som fastställde nyckeln.", column="allocation_decision", example="Samverkansavtal § 5"),
            Field("weights", "mapping", "Medlems-id → folkmängd eller andel.", column="Member.weight", example="a: 3"),
        ),
        model="Organisation",
    ),
    Section(
        "period",
        "styrkort.yaml",
        "period",
        "period",
        (
            Field("year", "year", "Året.", column="year", required=True, example="2020", api=True),
            Field("kind", "choice", "year (helår) eller interim (delår; kräver end). helår och delår går också.", "year", _choices(PeriodKind), column="kind", example="interim", api=True),
            Field("start", "date", "Periodens första dag.", column="start", example="2020-01-01"),
            Field("end", "date", "Periodens sista dag.", column="end", example="2020-08-31"),
            Field("label", "text", "Periodens benämning, t.ex. Delår januari–augusti 2020.", column="label", example="Delår januari–augusti 2020", api=True),
        ),
        model="Period",
    ),
    Section(
        "settings",
        "styrkort.yaml",
        "settings",
        "settings",
        (
            Field("sign_convention", "choice", "Teckenkonvention vid presentation: ledger (kostnader positiva, intäkter negativa) eller revenue_positive. De lagrade beloppen ändras aldrig.", "ledger", _choices(SignConvention), column="sign_convention", example="revenue_positive"),
            Field("rounding", "choice", "Hur en tabell i tkr går ihop: totals_from_unrounded (varje siffra avrundas för sig) eller largest_remainder (raderna summerar till totalen).", "totals_from_unrounded", _choices(RoundingPolicy), column="rounding", example="largest_remainder"),
            Field("preset", "choice", "En publicerad bedömningsregel att utgå från (core.assess.PRESETS, med källa): majoritet (referensrapportens, standard), andel-av-malvarde eller samlad-poang; tolerance och goal_rule går före.", choices=tuple(PRESETS), column=_RULE, example="andel-av-malvarde"),
            Field("tolerance", "mapping", "När en indikator som inte når målet är delvis uppnådd.", section="tolerance"),
            Field("goal_rule", "mapping", "Regeln för målets bedömning.", section="goal_rule"),
            Field("goal_rules", "mapping", "Namngivna målregler (namn → regel som goal_rule, eller namnet på en förinställd regel) som ett mål väljer med rule.", column=_RULE, example="{strikt: {positive: [uppnått], majority: 2/3}}"),
            Field("scales", "mapping", "Egna skalor för kategoriska mål: namn → nivåer, sämst först (trafikljuset finns alltid).", column=_RULE, example="{kvalitet: [låg, medel, hög]}"),
        ),
        model="Period",
    ),
    Section(
        "tolerance",
        "styrkort.yaml",
        "settings.tolerance",
        "tolerance",
        (
            Field("kind", "choice", "ratio (utfallet når en andel av målvärdet), progress (rörelse i rätt riktning), bands (intervall på andelen av målvärdet) eller none.", "ratio", _choices(ToleranceKind), column=_RULE, example="progress"),
            Field("ratio", "number", "Andelen mellan 0 och 1, t.ex. 0,8.", "0,8", column=_RULE, example="0,9", when=("kind", *_NOT_BANDS)),
            Field("bands", "list", "Intervall på utfallets andel av målvärdet i procent, t.ex. [{status: ej uppnått}, {from: 80, status: delvis uppnått}, {from: 100, status: uppnått}]; from tar med gränsen, above gör det inte.", column=_RULE, example=_BANDS_EXAMPLE, when=("kind", "bands")),
        ),
        model="Period",
    ),
    Section(
        "goal_rule",
        "styrkort.yaml",
        "settings.goal_rule",
        "goal_rule",
        (
            Field("kind", "choice", "majority (referensrapportens majoritetsregel) eller points (samlad bedömning med poäng).", "majority", ("majority", "points"), column=_RULE, example="points"),
            Field("positive", "statuses", "Bedömningar som räknas för målet.", "[uppnått, delvis uppnått]", STATUSES, column=_RULE, example="[uppnått]", when=("kind", "majority")),
            Field("majority", "fraction", "Andelen som krävs: mer än denna andel.", "1/2", column=_RULE, example="2/3", when=("kind", "majority")),
            Field("points", "mapping", "Poäng per bedömning, t.ex. {uppnått: 2, delvis uppnått: 1}; målet bedöms efter andelen av högsta möjliga poäng.", column=_RULE, example="{uppnått: 2, delvis uppnått: 1}", when=("kind", "points")),
            Field("bands", "list", "Intervall på poängandelen i procent, skrivna som toleransens bands.", column=_RULE, example=_POINT_BANDS_EXAMPLE, when=("kind", "points")),
        ),
        model="Period",
    ),
    Section(
        "published",
        "styrkort.yaml",
        "published",
        "published",
        (
            Field("summary_met", "integer", "Antal uppnådda enligt den publicerade sammanfattningen.", column="summary_met", example="9"),
            Field("summary_partly", "integer", "Antal delvis uppnådda enligt den publicerade sammanfattningen.", column="summary_partly", example="4"),
            Field("verdict", "text", "Den publicerade domen över nämndmålen som den trycktes (t.ex. Vilket gör att nämndmålen uppnås delvis.), för kontroll mot den beräknade.", column="published_verdict", example="Vilket gör att nämndmålen uppnås delvis."),
            Field("goals", "mapping", "Antal mål per bedömning som rapporten trycker, t.ex. {uppnått: 1, delvis uppnått: 2}.", column="published_goals", example="{uppnått: 1, delvis uppnått: 2}"),
        ),
        model="Period",
    ),
    Section(
        "finance",
        "styrkort.yaml",
        "finance",
        "finance",
        (
            Field("operating", "file", "Driftredovisningen (CSV, se operating.csv).", not_stored=_ROWS.format(model="OperatingRow", file="operating.csv"), example="operating.csv"),
            Field("investments", "file", "Investeringsredovisningen (CSV).", not_stored=_ROWS.format(model="InvestmentRow", file="investments.csv"), example="investments.csv"),
            Field("frames", "file", "Fleråriga ramar per projekt och medlem (CSV).", not_stored=_ROWS.format(model="FramePart", file="frames.csv"), example="frames.csv"),
            Field("investment_total_label", "text", "Etiketten på investeringarnas summarad när den ska vara som tryckt (annars TOTALT INVESTERAT <år>).", column="investment_total_label", example="TOTALT INVESTERAT"),
            Field("frames_note", "text", "En not under ramtabellen.", column="frames_note", example="Ramen är härledd."),
            Field("ledger", "mapping", "Driften (och investeringarna) ur en SIE-huvudbok i stället för CSV (docs/sie.md).", section="ledger", not_stored="raderna som räknas fram ur huvudboken lagras; exporten skriver dem som CSV"),
            Field("model", "choice", "Budgetmodellen: gross (bruttobudget; kommunbidraget är den budgeterade nettokostnaden) eller net (nettoram; kommunbidraget anges och nämnden kan budgetera ett resultat). brutto och netto går också.", "gross", _choices(BudgetModel), column="finance_model", example="net"),
            Field("contribution", "amount", "Kommunbidrag (nämndbidrag) i kronor, positivt. Kontrolleras: kommunbidrag − budgeterad nettokostnad = budgeterat resultat.", column="contribution", example="34559000", when=("model", "net")),
            Field("budget_result", "amount", "Budgeterat resultat i kronor: negativt när nämnden planerar att använda tidigare överskott.", "0", column="budget_result", example="-500000", when=("model", "net")),
            Field("balance_adjustment", "amount", "Justering balanskrav i kronor med tecken som i tabellen, t.ex. -120000 för realisationsvinster som inte räknas. Balanskravsresultat = årets resultat + justering.", column="balance_adjustment", example="-120000"),
            Field("balance_adjustment_text", "text", "Vad justeringen för balanskravet avser, t.ex. Realisationsvinster.", column="balance_adjustment_text", example="Realisationsvinster"),
            Field("balance_result", "amount", "Balanskravsresultatet som det anges (t.ex. i bokslutet), för kontroll mot årets resultat + justering; annars räknas det fram.", column="stated_balance_result", example="100000"),
            Field("opening_result", "amount", "Ingående redovisat resultat i kronor: överfört från tidigare år (positivt = ackumulerat överskott).", column="opening_result", example="2300000"),
            Field("disposition", "amount", "Disposition i kronor: vad fullmäktige beslutat att nämnden får använda eller som skrivs av av det ingående resultatet i år.", column="disposition", example="500000"),
            Field("closing_result", "amount", "Utgående redovisat resultat som det anges, för kontroll: ingående + årets resultat − disposition; annars räknas det fram.", column="stated_closing_result", example="2000000"),
            Field("parts", "list", "Varav-rader som tabellen visar under nämnden, t.ex. varav vatten och avlopp.", section="result_part", column="result_parts"),
        ),
        model="Period",
    ),
    Section(
        "result_part",
        "styrkort.yaml",
        "finance.parts[]",
        "varav-raden",
        (
            Field("label", "text", "Radens text, t.ex. varav vatten och avlopp.", column="result_parts", required=True, example="varav vatten och avlopp"),
            Field("contribution", "amount", "Delens kommunbidrag i kronor.", "0", column="result_parts", example="0"),
            Field("revenues", "amount", "Delens intäkter i kronor, positiva.", "0", column="result_parts", example="5000000"),
            Field("costs", "amount", "Delens kostnader i kronor, positiva.", "0", column="result_parts", example="4800000"),
            Field("budget_result", "amount", "Delens budgeterade resultat i kronor.", "0", column="result_parts", example="100000"),
        ),
        model="Period",
    ),
    Section(
        "history",
        "styrkort.yaml",
        "history",
        "history",
        (
            Field("columns", "integer", "Antal tidigare år som måltabellerna visar (0–10).", "2", column="history_columns", example="3"),
            Field("trend", "choice", "Trendkolumn och trenddiagram per indikator: true eller false.", "true", ("true", "false"), column="history_trend", example="false"),
            Field("workspaces", "list", "Tidigare perioders arbetsytor, mappar inuti denna.", not_stored="läses vid import; deras utfall lagras som indikatorernas och ekonomins historik"),
            Field("operating", "file", "Driftens utfall tidigare år (CSV: category, year, outcome).", not_stored="raderna lagras (Period.history_operating); exporten skriver drift-historik.csv"),
            Field("investments", "file", "Investeringarnas utfall tidigare år (CSV: project, year, outcome).", not_stored="raderna lagras (Period.history_investments); exporten skriver investeringar-historik.csv"),
            Field("kolada", "list", "Kolada-filer (API:ts JSON eller CSV-nedladdning); annars alla filer i kolada/. Värdena lagras; exporten skriver kolada/varden.json.", column="kolada_values"),
        ),
        model="Period",
    ),
    Section(
        "ledger",
        "styrkort.yaml",
        "finance.ledger",
        "finance: ledger",
        (
            Field("file", "file", "SIE-filen.", not_stored="läses vid import", required=True),
            Field("accounts", "file", "Kontoplansmappningen (CSV; annars Kommun-Bas standard).", not_stored="läses vid import"),
            Field("ansvar", "list", "Ansvar (objekt) som räknas med; tomt = alla.", not_stored="läses vid import"),
            Field("ansvar_dimension", "text", "SIE-dimensionen för ansvar.", "1", not_stored="läses vid import"),
            Field("project_dimension", "text", "SIE-dimensionen för projekt.", "6", not_stored="läses vid import"),
            Field("budget", "text", "sie, pbudget eller en budgettabell (CSV med category,budget).", "sie", not_stored="läses vid import"),
            Field("projects", "list", "Investeringsprojekten: object, name, member.", not_stored="läses vid import"),
            Field("investment_accounts", "list", "Kontoprefix för investeringar.", "[1]", not_stored="läses vid import"),
        ),
    ),
    Section(
        "narrative",
        "styrkort.yaml",
        "narrative[]",
        "narrative",
        (
            Field("file", "file", "Markdown-filen; första raden '# Rubrik' namnger avsnittet.", not_stored="avsnittets id och text lagras; exporten skriver narrative/<id>.md", required=True),
            Field("placement", "choice", "Var avsnittet står i rapporten.", "verksamhetsberattelse", PLACEMENTS, column="placement", example="drift"),
        ),
        model="NarrativeSection",
    ),
    Section(
        "narrative_file",
        "narrative/<id>.md",
        "",
        "avsnittet",
        (
            Field("id", "text", "Avsnittets id: filnamnet utan .md.", column="key", required=True),
            Field("title", "text", "Rubriken: filens första rad om den börjar med '# '.", column="title"),
            Field("markdown", "text", "Texten i Markdown, med {{ levande siffror }}.", column="markdown"),
        ),
        model="NarrativeSection",
        markdown=True,
    ),
    Section(
        "publication",
        "styrkort.yaml",
        "publication",
        "publication",
        (
            Field("word_template", "file", "Kommunens egen Word-mall (docxtpl, docs/publication.md); --word-template går före.", column="word_template", example="templates/mall.docx"),
        ),
        model="Period",
    ),
    Section(
        "goals_file",
        "goals.yaml",
        "",
        "goals.yaml",
        (
            Field("perspectives", "list", "Perspektiv (t.ex. Invånare, Verksamhet, Medarbetare, Ekonomi): en nivå mellan KF-målen och nämndmålen; rapporten ordnar målen under dem.", section="perspective", column="perspectives"),
            Field("council_goals", "list", "Övergripande mål (KF-mål).", section="council_goal", column="council_goals"),
            Field("goals", "list", "Nämndmålen.", section="goal", column="goals"),
            Field("activity_rule", "mapping", "Vad varje aktivitetsstatus räknas som i målets bedömning, t.ex. {klar: uppnått, pågår: delvis uppnått}.", not_stored="lagras i egna tabeller (Activity, FollowUpSettings; web/mapping_followup.py); exporten skriver dem i goals.yaml", example="{avbruten: räknas inte}"),
        ),
        model="Period",
    ),
    Section(
        "perspective",
        "goals.yaml",
        "perspectives[]",
        "perspektivet",
        (
            Field("id", "text", "Perspektivets id (målen hänvisar till det; annars bildat av rubriken).", column="perspectives", example="invanare"),
            Field("title", "text", "Perspektivets rubrik.", column="perspectives", required=True, example="Invånare"),
        ),
        model="Period",
    ),
    Section(
        "council_goal",
        "goals.yaml",
        "council_goals[]",
        "KF-målet",
        (
            Field("id", "text", "KF-målets id (nämndmålen hänvisar till det).", column="key", example="kf1"),
            Field("title", "text", "KF-målets rubrik.", column="title", required=True, example="Hållbar kommun"),
            Field("activities", "list", "KF-målets aktiviteter (id, title, owner, status, completion, deadline, comment).", not_stored="lagras i egna tabeller (Activity, FollowUpSettings; web/mapping_followup.py); exporten skriver dem i goals.yaml", example="[{id: kf-aktivitet, title: Aktivitet, status: pågår}]"),
        ),
        model="CouncilGoal",
    ),
    Section(
        "goal",
        "goals.yaml",
        "goals[]",
        "nämndmålet",
        (
            Field("id", "text", "Målets id (annars bildat av rubriken).", column="key", example="g1"),
            Field("title", "text", "Nämndmålets rubrik.", column="title", required=True, example="God service", api=True),
            Field("council_goal", "text", "Id för KF-målet som målet hör till.", column="council_goal", example="kf1", api=True),
            Field("perspective", "text", "Id för perspektivet som målet hör till (perspectives).", column="perspective", example="invanare"),
            Field("rule", "text", "Namnet på målregeln (settings.goal_rules) som gäller för just detta mål.", column="rule", example="strikt"),
            Field("indicators", "list", "Målets indikatorer.", section="indicator", column="indicators"),
            Field("comment", "text", "Analys av målet.", column="comment", example="Analys.", api=True),
            Field("assessment", "mapping", "Manuell bedömning som ersätter den beräknade; motivering krävs.", section="assessment", column="manual_status"),
            Field("activities", "list", "Målets aktiviteter (id, title, owner, status, completion, deadline, comment).", not_stored="lagras i egna tabeller (Activity, FollowUpSettings; web/mapping_followup.py); exporten skriver dem i goals.yaml", example="[{id: mal-aktivitet, title: Aktivitet, status: klar, completion: 100}]"),
            Field("judged_by", "choice", "Vad målet bedöms efter: indikatorer, aktiviteter eller båda.", choices=("indikatorer", "aktiviteter", "båda"), not_stored="lagras i egna tabeller (Activity, FollowUpSettings; web/mapping_followup.py); exporten skriver dem i goals.yaml", example="båda"),
        ),
        model="Goal",
    ),
    Section(
        "indicator",
        "goals.yaml",
        "goals[].indicators[]",
        "indikatorn",
        (
            Field("id", "text", "Indikatorns id (annars bildat av texten).", column="key", example="i1"),
            Field("text", "text", "Indikatorns namn.", column="text", required=True, example="Sjukfrånvaro", api=True),
            Field("unit", "text", "Enhet: %, st, tkr, kr, dagar, h, min, s, index, ja/nej.", column="unit", example="%", api=True),
            Field("direction", "choice", "increase (högre är bättre) eller decrease (lägre är bättre); öka, minska, higher och lower går också.", choices=_choices(Direction), column="direction", example="decrease", api=True),
            Field("baseline", "text", "Tidigare värde, för Bibehålla och Öka/Minska utan tal.", column="baseline", example="7 %", api=True),
            Field("target", "text", "Målvärdet som det skrivs, t.ex. minst 90 %, Minska från 7 %.", column="target", example="Minska från 7 %", api=True),
            Field("outcome", "text", "Utfallet som det skrivs; tomt eller — när det saknas.", column="outcome", example="6,58 %", api=True),
            Field("forecast", "text", "Prognos för helåret (delår).", column="forecast", example="6,5 %", api=True),
            Field("owner", "text", "Vem som rapporterar indikatorn.", column="owner", example="HR", api=True),
            Field("comment", "text", "Analys, skrivs som not.", column="comment", example="Analys.", api=True),
            Field("kind", "text", "budget för budgetindikatorn (utfallet är driftens avvikelse).", column="kind", example="budget"),
            Field("assessment", "mapping", "Manuell bedömning som ersätter den beräknade; motivering krävs.", section="assessment", column="manual_status"),
            Field("metric", "mapping", "Räkna fram utfallet ur en datafil (docs/metrics.md).", section="metric", column="metric"),
            Field("history", "mapping", "Utfall tidigare år: år → utfall som det skrivs, t.ex. {2019: \"71,13\"}.", column="history", example='{2019: "7 %"}'),
            Field("kolada", "mapping", "Koladas nyckeltal att jämföra med: kpi, municipality, compare (kod → namn), gender.", column="kolada", example='{kpi: N00090, compare: {"0000": Riket}}'),
        ),
        model="Indicator",
    ),
    Section(
        "assessment",
        "goals.yaml",
        "goals[].assessment, goals[].indicators[].assessment",
        "assessment",
        (
            Field("status", "choice", "Bedömningen.", choices=STATUSES, column="manual_status", required=True, example="uppnått"),
            Field("justification", "text", "Motiveringen (krävs).", column="manual_justification", example="Motivering."),
            Field("by", "text", "Vem som bedömde.", column="manual_by", example="anna"),
            Field("date", "text", "När.", column="manual_date", example="2021-02-01"),
        ),
    ),
    Section(
        "metric",
        "goals.yaml",
        "goals[].indicators[].metric",
        "metric",
        (
            Field("name", "text", "Beräkningens namn (docs/metrics.md).", column="metric", required=True, example="service_level"),
            Field("file", "file", "Datafilen.", column="metric", required=True, example="data/samtal.csv"),
            Field("profile", "text", "Filens kolumnprofil.", column="metric", example="generic"),
            Field("params", "mapping", "Parametrar (namn → värde).", column="metric", example="threshold_s: '20'"),
            Field("period", "text", "Beräkningens period: 2020, 2020-03, 2020-01..2020-08 eller all; annars rapportens.", column="metric", example="2020-01..2020-08"),
            Field("history", "mapping", "Tidigare års datafiler: år → fil; samma beräkning ger indikatorns historik.", column="metric", example="{2019: data/samtal-2019.csv}"),
        ),
        model="Indicator",
    ),
    Section(
        "operating",
        "operating.csv",
        "",
        "operating.csv",
        (
            Field("category", "text", "Kategori (slag) eller verksamhet.", column="category", required=True, example="Personal"),
            Field("kind", "choice", "revenue (intäkt) eller cost (kostnad).", choices=_choices(RowKind), column="kind", required=True, example="cost"),
            Field("budget", "amount", "Budget i kronor, huvudbokens tecken.", column="budget", required=True, example="100"),
            Field("outcome", "amount", "Utfall i kronor, huvudbokens tecken.", column="outcome", required=True, example="90"),
            Field("original_budget", "amount", "Ursprunglig budget före ändringar under året (RKR R14).", column="original_budget", example="95"),
            Field("forecast", "amount", "Prognos för helåret (delår).", column="forecast", example="110"),
        ),
        model="OperatingRow",
        table=True,
    ),
    Section(
        "investments",
        "investments.csv",
        "",
        "investments.csv",
        (
            Field("project", "text", "Projektet.", column="project", required=True, example="Nät"),
            Field("member", "text", "Medlemmens id (frivilligt).", column="member", example="a"),
            Field("budget", "amount", "Årets budget i kronor.", column="budget", required=True, example="100"),
            Field("outcome", "amount", "Årets utfall i kronor.", column="outcome", required=True, example="80"),
        ),
        model="InvestmentRow",
        table=True,
    ),
    Section(
        "frames",
        "frames.csv",
        "",
        "frames.csv",
        (
            Field("project", "text", "Det fleråriga projektet.", column="project", required=True, example="Nät"),
            Field("member", "text", "Medlemmens id.", column="member", required=True, example="a"),
            Field("frame", "amount", "Medlemmens del av ramen i kronor.", column="frame", required=True, example="1000"),
            Field("earlier_outcome", "amount", "Utfall tidigare år i kronor.", "0", column="earlier_outcome", example="200"),
            Field("outcome", "amount", "Årets utfall i kronor.", column="outcome", required=True, example="100"),
        ),
        model="FramePart",
        table=True,
    ),
    Section(
        "operating_history",
        "drift-historik.csv",
        "",
        "drift-historik.csv",
        (
            Field("category", "text", "Kategorin som i årets driftredovisning.", column="history_operating", required=True, example="Personal"),
            Field("year", "year", "Året (före periodens år).", column="history_operating", required=True, example="2019"),
            Field("outcome", "amount", "Utfall i kronor, huvudbokens tecken.", column="history_operating", required=True, example="90"),
        ),
        model="Period",
        table=True,
    ),
    Section(
        "investments_history",
        "investeringar-historik.csv",
        "",
        "investeringar-historik.csv",
        (
            Field("project", "text", "Projektet som i årets investeringsredovisning.", column="history_investments", required=True, example="Nät"),
            Field("year", "year", "Året (före periodens år).", column="history_investments", required=True, example="2019"),
            Field("outcome", "amount", "Utfall i kronor.", column="history_investments", required=True, example="80"),
        ),
        model="Period",
        table=True,
    ),
    # --- the municipality workspace (issue 14): its own styrkort.yaml, kind: municipality ---
    Section(
        "municipality",
        "kommun/styrkort.yaml",
        "",
        "kommunens styrkort.yaml",
        (
            Field("kind", "choice", "municipality: mappen är en kommuns arbetsyta med nämndernas arbetsytor i sig (en nämnds arbetsyta har ingen kind).", choices=("municipality",), required=True, not_stored=_MUNICIPALITY, example="municipality"),
            Field("municipality", "text", "Kommunens namn, t.ex. Exempelby kommun.", required=True, not_stored=_MUNICIPALITY, example="Exempelby kommun"),
            Field("title", "text", "Rapportens titel.", "Årsredovisning <år>", not_stored=_MUNICIPALITY, example="Årsredovisning 2022"),
            Field("period", "mapping", "Perioden, som en nämnds period (year, kind, start, end, label).", section="period", required=True, not_stored=_MUNICIPALITY),
            Field("rule", "mapping", "Kommunens regel för KF-målens bedömning utifrån nämndmålen; samma nycklar som bedömningsregeln i en nämnds settings (preset, tolerance, goal_rule, goal_rules, scales). Standard: majoritetsregeln.", section="municipality_rule", not_stored=_MUNICIPALITY),
            Field("boards", "list", "Nämnderna, i tryckordning.", section="municipality_board", required=True, not_stored=_MUNICIPALITY),
            Field("council_goals", "list", "KF-målen och nämndmålen som kopplas till dem.", section="municipality_council_goal", not_stored=_MUNICIPALITY),
            Field("finance_administration", "list", "Finansförvaltningens rader (skatteintäkter, generella statsbidrag, finansiella poster …).", section="municipality_finance", not_stored=_MUNICIPALITY),
            Field("eliminations", "list", "Interna poster mellan nämnderna som elimineras ur intäkter och kostnader.", section="municipality_elimination", not_stored=_MUNICIPALITY),
            Field("joint_boards", "list", "Gemensamma nämnder som kommunen är medlem i, med värdkommunens fördelning av resultatet.", section="municipality_joint_board", not_stored=_MUNICIPALITY),
            Field("result", "amount", "Kommunens resultat enligt resultaträkningen i kronor; kontrolleras mot driftredovisningen per nämnd.", not_stored=_MUNICIPALITY, example="12000000"),
        ),
    ),
    Section(
        "municipality_rule",
        "kommun/styrkort.yaml",
        "rule",
        "rule",
        (
            Field("preset", "choice", "En publicerad bedömningsregel att utgå från, som settings.preset.", choices=tuple(PRESETS), not_stored=_MUNICIPALITY, example="samlad-poang"),
            Field("tolerance", "mapping", "Som settings.tolerance (gäller indikatorer; påverkar inte KF-målen).", section="tolerance", not_stored=_MUNICIPALITY),
            Field("goal_rule", "mapping", "Regeln för KF-målen utifrån nämndmålens bedömningar, som settings.goal_rule.", section="goal_rule", not_stored=_MUNICIPALITY),
            Field("goal_rules", "mapping", "Som settings.goal_rules.", not_stored=_MUNICIPALITY, example="{strikt: {positive: [uppnått], majority: 2/3}}"),
            Field("scales", "mapping", "Som settings.scales.", not_stored=_MUNICIPALITY, example="{kvalitet: [låg, medel, hög]}"),
        ),
    ),
    Section(
        "municipality_board",
        "kommun/styrkort.yaml",
        "boards[]",
        "nämnden",
        (
            Field("id", "text", "Nämndens id, används i KF-målens kopplingar.", required=True, not_stored=_MUNICIPALITY, example="ks"),
            Field("name", "text", "Nämndens namn som det trycks, t.ex. Kommunstyrelsen.", required=True, not_stored=_MUNICIPALITY, example="Kommunstyrelsen"),
            Field("workspace", "file", "Nämndens arbetsyta: en mapp inuti kommunens.", not_stored=_MUNICIPALITY, example="namnder/ks"),
            Field("contribution", "amount", "Nämndbidraget som fullmäktige beslutat, i kronor; kontrolleras mot nämndens egen rapport.", not_stored=_MUNICIPALITY, example="120000000"),
            Field("result", "amount", "Nämndens resultat enligt kommunens bokslut, i kronor (överskott positivt); kontrolleras mot nämndens egen rapport.", not_stored=_MUNICIPALITY, example="-1500000"),
        ),
    ),
    Section(
        "municipality_council_goal",
        "kommun/styrkort.yaml",
        "council_goals[]",
        "KF-målet",
        (
            Field("id", "text", "KF-målets id; en nämnds mål kan också koppla sig med council_goal: <id>.", required=True, not_stored=_MUNICIPALITY, example="kf1"),
            Field("title", "text", "KF-målet som fullmäktige formulerat det.", required=True, not_stored=_MUNICIPALITY, example="Barn och unga ges goda förutsättningar"),
            Field("goals", "list", "Nämndmål som kopplas hit, skrivna nämnd/mål (nämndens id och målets id), t.ex. [bun/bun-1, ks/ks-2].", not_stored=_MUNICIPALITY, example="[ks/ks-1]"),
        ),
    ),
    Section(
        "municipality_finance",
        "kommun/styrkort.yaml",
        "finance_administration[]",
        "finansförvaltningens rad",
        (
            Field("label", "text", "Radens benämning, t.ex. Skatteintäkter.", required=True, not_stored=_MUNICIPALITY, example="Skatteintäkter"),
            Field("kind", "choice", "revenue (intäkt) eller cost (kostnad).", required=True, choices=_choices(RowKind), not_stored=_MUNICIPALITY, example="revenue"),
            Field("budget", "amount", "Budget i kronor, positiv.", required=True, not_stored=_MUNICIPALITY, example="900000000"),
            Field("outcome", "amount", "Utfall i kronor, positivt.", required=True, not_stored=_MUNICIPALITY, example="910000000"),
        ),
    ),
    Section(
        "municipality_elimination",
        "kommun/styrkort.yaml",
        "eliminations[]",
        "elimineringen",
        (
            Field("label", "text", "Vad som elimineras, t.ex. Interna hyror.", required=True, not_stored=_MUNICIPALITY, example="Interna hyror"),
            Field("revenues", "amount", "Interna intäkter som tas bort, i kronor (positivt).", required=True, not_stored=_MUNICIPALITY, example="40000000"),
            Field("costs", "amount", "Interna kostnader som tas bort, i kronor (positivt); brukar vara lika med intäkterna.", required=True, not_stored=_MUNICIPALITY, example="40000000"),
        ),
    ),
    Section(
        "municipality_joint_board",
        "kommun/styrkort.yaml",
        "joint_boards[]",
        "den gemensamma nämnden",
        (
            Field("name", "text", "Den gemensamma nämndens namn.", required=True, not_stored=_MUNICIPALITY, example="Sydnärkes IT-nämnd"),
            Field("host", "text", "Värdkommunen.", not_stored=_MUNICIPALITY, example="Lekebergs kommun"),
            Field("member", "text", "Kommunens namn i fördelningen (split eller key).", required=True, not_stored=_MUNICIPALITY, example="Hallsberg"),
            Field("result", "amount", "Den gemensamma nämndens resultat i kronor (underskott negativt).", required=True, not_stored=_MUNICIPALITY, example="-823000"),
            Field("split", "mapping", "Värdkommunens fördelning: medlem → belopp i kronor, tecken som resultatet.", not_stored=_MUNICIPALITY, example="{Hallsberg: -823000}"),
            Field("key", "mapping", "Fördelningsnyckeln: medlem → vikt (folkmängd eller andel); fördelningen räknas fram med största rest, eller kontrolleras mot split.", not_stored=_MUNICIPALITY, example="{Hallsberg: 1}"),
            Field("board", "text", "Id för den nämnd vars driftredovisning bär andelen.", not_stored=_MUNICIPALITY, example="ks"),
            Field("decision", "text", "Beslutet bakom fördelningen.", not_stored=_MUNICIPALITY, example="Samverkansavtal § 5"),
        ),
    ),
)  # fmt: skip

SCHEMA: dict[str, Section] = {s.name: s for s in SECTIONS}


def section(name: str) -> Section:
    """The section called ``name`` (``indicator``, ``settings``, ``operating`` …)."""
    return SCHEMA[name]


def keys(name: str) -> frozenset[str]:
    """The keys (or columns) allowed in section ``name``."""
    return SCHEMA[name].keys()


def column_of(s: Section, f: Field) -> str:
    """``Model.column`` of a stored field (``….column`` for a section shared by two models)."""
    if "." in f.column:
        return f.column
    return f"{s.model or '…'}.{f.column}"


def required_columns(name: str) -> set[str]:
    return {f.key for f in SCHEMA[name].fields if f.required}


def api_fields(name: str) -> tuple[Field, ...]:
    """The fields of section ``name`` that the REST API shows (and OpenAPI declares)."""
    return tuple(f for f in SCHEMA[name].fields if f.api)


def openapi_properties(name: str) -> dict[str, dict[str, object]]:
    """OpenAPI 3.1 properties of the API fields of section ``name``."""
    out: dict[str, dict[str, object]] = {}
    for f in api_fields(name):
        prop: dict[str, object] = {"type": "integer" if f.type in {"integer", "year"} else "string"}
        if f.choices:
            prop["enum"] = ([] if f.required or f.default else [""]) + list(f.choices)
        prop["description"] = f.help
        out[f.key] = prop
    return out


# ---------------------------------------------------------------------------
# The field reference in docs/workspace.md

BEGIN = "<!-- field reference: generated from src/styrkort/sources/schema.py; do not edit -->"
END = "<!-- end of field reference -->"


def either(values: tuple[str, ...]) -> str:
    """``ratio, progress eller none``."""
    return " eller ".join(v for v in (", ".join(values[:-1]), values[-1]) if v)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def field_reference() -> str:
    """The Markdown field reference, one table per section."""
    out = [BEGIN, ""]
    for s in SECTIONS:
        out.append(f"### {s.where}")
        out.append("")
        if s.table:
            out.append("Columns (one row per item, in any order).")
            out.append("")
        if s.markdown:
            out.append("Parts of the Markdown file, not keys.")
            out.append("")
        out.append("| key | type | default | allowed values | database | meaning |")
        out.append("|---|---|---|---|---|---|")
        for f in s.fields:
            kind = f.type + (" → " + SCHEMA[f.section].where if f.section else "")
            if f.column:
                stored = f"`{column_of(s, f)}`"
            else:
                stored = "no: " + f.not_stored if f.not_stored else "see its keys"
            choices = ", ".join(f"`{c}`" for c in f.choices)
            default = f"`{f.default}`" if f.default else ("(required)" if f.required else "")
            meaning = f.help
            if f.when:
                meaning += f" Gäller bara när {f.when[0]} är {either(f.when[1:])}."
            out.append(
                f"| `{f.key}` | {_cell(kind)} | {_cell(default)} | {_cell(choices)} | "
                f"{_cell(stored)} | {_cell(meaning)} |"
            )
        out.append("")
    out.append(END)
    return "\n".join(out)


def with_field_reference(doc: str) -> str:
    """``doc`` with its generated block replaced by the current :func:`field_reference`."""
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    return doc[:start] + field_reference() + doc[end:]


def main(argv: list[str]) -> int:
    """``python -m styrkort.sources.schema docs/workspace.md``: rewrite the field reference."""
    if len(argv) != 1:
        sys.stderr.write("användning: python -m styrkort.sources.schema docs/workspace.md\n")
        return 2
    path = Path(argv[0])
    path.write_text(with_field_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
