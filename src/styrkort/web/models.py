# ruff: noqa: RUF012  (Django's Meta and Migration classes take lists by design)
"""Database tables. They store the workspace (styrkort.core.model.Workspace) per organisation and
period, plus what only a shared system has: roles, submissions, the period's state, the audit log
and API tokens. ``web/mapping.py`` is the one place that turns these rows into core values.

Texts are kept as written (outcomes, targets), like the workspace folder; assessment is never
stored: the core computes it from these rows on every request.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

AMOUNT = {"max_digits": 20, "decimal_places": 4}


class Organisation(models.Model):
    """A board (nämnd), possibly a joint board with a host and members."""

    name = models.CharField("namn", max_length=200)
    municipality = models.CharField("kommun", max_length=200, blank=True)
    kind = models.CharField("typ", max_length=100, blank=True)
    host = models.CharField("värdkommun (medlems-id)", max_length=100, blank=True)
    has_allocation_key = models.BooleanField("har fördelningsnyckel", default=False)
    allocation_basis = models.CharField(
        "grund för fördelning", max_length=50, blank=True, default="population"
    )
    allocation_reference_date = models.CharField("referensdatum", max_length=20, blank=True)
    allocation_decision = models.CharField("beslut", max_length=500, blank=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = (
            "name",
            "pk",
        )

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A member municipality of a joint board, with its weight in the allocation key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    key = models.CharField("id", max_length=100)
    name = models.CharField("namn", max_length=200)
    code = models.CharField("kommunkod", max_length=4, blank=True)
    weight = models.DecimalField("vikt", null=True, blank=True, **AMOUNT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "position",
            "pk",
        )
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="member_key_unique")
        ]
        verbose_name = "medlemskommun"
        verbose_name_plural = "medlemskommuner"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administratör"
    CONTROLLER = "controller", "Controller"
    OWNER = "owner", "Indikatorägare"
    READER = "reader", "Läsare"


class Membership(models.Model):
    """A user's role in an organisation.

    An indicator owner edits the indicators whose ``owner`` text is one of ``owner_labels``
    (comma-separated, e.g. "Servicedeskchef"); a reader with ``is_auditor`` (revisor) also
    reads the audit log.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="användare",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("roll", max_length=20, choices=Role.choices)
    is_auditor = models.BooleanField("revisor", default=False)
    owner_labels = models.CharField(
        "ägar-etiketter",
        max_length=500,
        blank=True,
        help_text="Kommaseparerade, t.ex. Servicedeskchef, HR",
    )

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"

    def labels(self) -> set[str]:
        return owner_labels(self.owner_labels)


def owner_labels(text: str) -> set[str]:
    """The owner labels of a membership's comma-separated ``owner_labels`` text, case-folded."""
    return {x.strip().casefold() for x in text.split(",") if x.strip()}


class PeriodState(models.TextChoices):
    OPEN = "open", "Öppen"
    APPROVED = "approved", "Godkänd"
    LOCKED = "locked", "Låst"


class Period(models.Model):
    """One organisation's follow-up for one period: the workspace and its settings."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="periods")
    title = models.CharField("rapportens titel", max_length=300)
    year = models.PositiveIntegerField("år")
    kind = models.CharField("periodtyp", max_length=20, default="year")
    start = models.DateField("första dag", null=True, blank=True)
    end = models.DateField("sista dag", null=True, blank=True)
    label = models.CharField("benämning", max_length=100, blank=True)
    state = models.CharField(
        "läge", max_length=20, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    # settings
    sign_convention = models.CharField(max_length=30, default="ledger")
    rounding = models.CharField(max_length=30, default="totals_from_unrounded")
    rule = models.TextField("bedömningsregel", blank=True)
    """The whole assessment rule as YAML, as ``styrkort.yaml``'s settings write it
    (``workspace_write.rule_settings``: preset, tolerance, goal_rule, goal_rules, scales), read
    by ``sources.workspace.read_rule``. Text, not JSON: the order of named rules, scales and
    points is part of the rule, and PostgreSQL's jsonb does not keep the order of keys."""
    perspectives = models.JSONField("perspektiv", default=list, blank=True)
    """``[{"id": …, "title": …}, …]`` in the workspace's order (goals.yaml perspectives)."""
    # published claims and finance labels
    summary_met = models.PositiveIntegerField(null=True, blank=True)
    summary_partly = models.PositiveIntegerField(null=True, blank=True)
    published_verdict = models.TextField("publicerad dom", blank=True)
    published_goals = models.JSONField("publicerat antal mål", default=list, blank=True)
    """``[[status, count], …]`` as the report printed them (published.goals)."""
    investment_total_label = models.CharField(max_length=200, blank=True)
    frames_note = models.TextField("not under ramtabellen", blank=True)
    # The board's result (core.finance.ResultSettings): budget model, net model's contribution,
    # balanskrav adjustment, results carried forward, varav parts
    finance_model = models.CharField("budgetmodell", max_length=10, default="gross")
    contribution = models.DecimalField("kommunbidrag", null=True, blank=True, **AMOUNT)
    budget_result = models.DecimalField("budgeterat resultat", null=True, blank=True, **AMOUNT)
    balance_adjustment = models.DecimalField(
        "justering balanskrav", null=True, blank=True, **AMOUNT
    )
    balance_adjustment_text = models.CharField("vad justeringen avser", max_length=300, blank=True)
    stated_balance_result = models.DecimalField(
        "angivet balanskravsresultat", null=True, blank=True, **AMOUNT
    )
    opening_result = models.DecimalField(
        "ingående redovisat resultat", null=True, blank=True, **AMOUNT
    )
    disposition = models.DecimalField("disposition", null=True, blank=True, **AMOUNT)
    stated_closing_result = models.DecimalField(
        "angivet utgående redovisat resultat", null=True, blank=True, **AMOUNT
    )
    result_parts = models.JSONField("varav-rader", default=list, blank=True)
    """``[[label, contribution, revenues, costs, budget_result], …]`` (amounts as text, kronor)."""
    # publication: the municipality's Word template, its path in the folder and its bytes
    word_template = models.CharField("Word-mall", max_length=300, blank=True)
    # History (core.history.History): how the report prints earlier years, and the finance
    # outcomes and Kolada values of earlier years, kept as JSON lists on the period so that a
    # screen reads them in the period's own row whatever the number of years.
    history_columns = models.PositiveSmallIntegerField("tidigare år i måltabellerna", default=2)
    history_trend = models.BooleanField("visa trend", default=True)
    history_operating = models.JSONField("driftens utfall tidigare år", default=list, blank=True)
    history_investments = models.JSONField(
        "investeringarnas utfall tidigare år", default=list, blank=True
    )
    kolada_values = models.JSONField("Kolada-värden", default=list, blank=True)
    word_template_data = models.BinaryField("Word-mallens innehåll", blank=True, default=b"")
    finance_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "period"
        verbose_name_plural = "perioder"
        ordering = (
            "organisation",
            "-year",
            "pk",
        )

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.title}"


class Submission(models.Model):
    """An indicator owner has handed in (lämnat in) their part of a period."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["period", "user"], name="submission_unique"),
        )


class CouncilGoal(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="council_goals")
    key = models.CharField("id", max_length=100)
    title = models.CharField("rubrik", max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "position",
            "pk",
        )


class Assessable(models.Model):
    """Fields shared by goals and indicators: comment and a manual assessment."""

    comment = models.TextField("kommentar", blank=True)
    manual_status = models.CharField("manuell bedömning", max_length=30, blank=True)
    manual_justification = models.TextField("motivering", blank=True)
    manual_by = models.CharField(max_length=150, blank=True)
    manual_date = models.CharField(max_length=30, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Goal(Assessable):
    """A board goal (nämndmål)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="goals")
    key = models.CharField("id", max_length=100)
    title = models.CharField("rubrik", max_length=500)
    council_goal = models.CharField("KF-mål (id)", max_length=100, blank=True)
    perspective = models.CharField("perspektiv (id)", max_length=100, blank=True)
    rule = models.CharField("målregel (namn)", max_length=100, blank=True)

    class Meta:
        ordering = (
            "position",
            "pk",
        )
        constraints = (models.UniqueConstraint(fields=["period", "key"], name="goal_key_unique"),)

    def __str__(self) -> str:
        return self.title


class Indicator(Assessable):
    """An indicator (indikator); texts as written."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField("id", max_length=100)
    text = models.TextField("indikator")
    unit = models.CharField("enhet", max_length=30, blank=True)
    direction = models.CharField("riktning", max_length=20, blank=True)
    baseline = models.CharField("utgångsvärde", max_length=100, blank=True)
    target = models.CharField("målvärde", max_length=200, blank=True)
    outcome = models.CharField("utfall", max_length=200, blank=True)
    forecast = models.CharField("prognos", max_length=200, blank=True)
    owner = models.CharField("ägare", max_length=200, blank=True)
    kind = models.CharField("typ", max_length=50, blank=True)
    metric = models.JSONField("beräkning", null=True, blank=True)
    history = models.JSONField("utfall tidigare år", default=list, blank=True)
    """``[[year, outcome as written, origin], …]``, oldest first (core.history.PastOutcome)."""
    kolada = models.JSONField("Kolada-nyckeltal", null=True, blank=True)

    class Meta:
        ordering = (
            "goal__position",
            "position",
            "pk",
        )
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="indicator_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class OperatingRow(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="operating_rows")
    position = models.PositiveIntegerField(default=0)
    category = models.CharField("kategori", max_length=200)
    kind = models.CharField("radtyp", max_length=20)
    budget = models.DecimalField("budget", **AMOUNT)
    outcome = models.DecimalField("utfall", **AMOUNT)
    original_budget = models.DecimalField("ursprunglig budget", null=True, blank=True, **AMOUNT)
    forecast = models.DecimalField("prognos", null=True, blank=True, **AMOUNT)

    class Meta:
        ordering = (
            "position",
            "pk",
        )


class InvestmentRow(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="investment_rows")
    position = models.PositiveIntegerField(default=0)
    project = models.CharField("projekt", max_length=200)
    member = models.CharField("medlem", max_length=100, blank=True)
    budget = models.DecimalField("budget", **AMOUNT)
    outcome = models.DecimalField("utfall", **AMOUNT)

    class Meta:
        ordering = (
            "position",
            "pk",
        )


class FramePart(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="frame_parts")
    position = models.PositiveIntegerField(default=0)
    project = models.CharField("projekt", max_length=200)
    member = models.CharField("medlem", max_length=100)
    frame = models.DecimalField("ram", **AMOUNT)
    earlier_outcome = models.DecimalField("tidigare utfall", **AMOUNT)
    outcome = models.DecimalField("utfall", **AMOUNT)

    class Meta:
        ordering = (
            "position",
            "pk",
        )


class NarrativeSection(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="narrative")
    key = models.CharField("id", max_length=100)
    title = models.CharField("rubrik", max_length=300, blank=True)
    markdown = models.TextField("text", blank=True)
    placement = models.CharField("placering", max_length=40, default="verksamhetsberattelse")
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = (
            "position",
            "pk",
        )
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="narrative_key_unique")
        ]


class AuditEntry(models.Model):
    """One change: who, when, what, from, to (and why, when a justification is required)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_entries"
    )
    period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField("användare", max_length=150)
    at = models.DateTimeField("tidpunkt", auto_now_add=True, db_index=True)
    action = models.CharField("händelse", max_length=50)
    target = models.CharField("vad", max_length=300)
    field = models.CharField("fält", max_length=100, blank=True)
    old = models.TextField("från", blank=True)
    new = models.TextField("till", blank=True)
    note = models.TextField("motivering", blank=True)

    class Meta:
        ordering = (
            "-at",
            "-pk",
        )
        verbose_name = "loggpost"
        verbose_name_plural = "ändringslogg"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("namn", max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns the row and the token text (shown once)."""
        token = "sk_" + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, prefix=token[:10], key_hash=cls.hash(token))
        return row, token


class DataFile(models.Model):
    """A data file a computed indicator's metric reads (an ITSM export, a call log, a mapping),
    stored with its period so the period in the database computes as its folder does.

    ``path`` is the file's path relative to the workspace folder, as the metric names it
    (``data/arenden.csv``); the metrics run from these bytes (web/datafiles.py)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="data_files")
    path = models.CharField("sökväg i arbetsytan", max_length=300)
    content = models.BinaryField("innehåll")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("storlek (byte)")
    uploaded = models.DateTimeField("uppladdad", auto_now_add=True)
    uploaded_by = models.CharField("uppladdad av", max_length=150, blank=True)

    class Meta:
        verbose_name = "datafil"
        verbose_name_plural = "datafiler"
        ordering = ("path",)
        constraints = [
            models.UniqueConstraint(fields=["period", "path"], name="datafile_unique_path")
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.size} byte)"


# --- owners' tools (issue 15, deliverable 5): deadlines, reminders, comments, attachments ------


class Deadline(models.Model):
    """When the owners' outcomes are due: one for the whole period (``user`` empty) and, where
    needed, one per owner that replaces it for that owner."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="deadlines")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name="indikatorägare",
    )
    due = models.DateField("sista dag")
    remind_days_before = models.PositiveIntegerField("påminn dagar före", default=3)

    class Meta:
        verbose_name = "tidsfrist"
        verbose_name_plural = "tidsfrister"
        ordering = ("period", "user", "pk")
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], name="deadline_owner_unique"),
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(user__isnull=True),
                name="deadline_period_unique",
            ),
        ]


class Reminder(models.Model):
    """A reminder e-mail that was sent, so that each one goes out once per deadline and kind."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("slag", max_length=20)  # "before" or "late"
    due = models.DateField("sista dag")
    email = models.CharField("e-post", max_length=254)
    at = models.DateTimeField("skickad", auto_now_add=True)

    class Meta:
        ordering = ("-at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["period", "user", "kind", "due"], name="reminder_once")
        ]


class IndicatorComment(models.Model):
    """One message in an indicator's comment thread (not the report's analysis text)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="thread")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField("författare", max_length=150)
    at = models.DateTimeField("tidpunkt", auto_now_add=True)
    text = models.TextField("kommentar")

    class Meta:
        ordering = ("at", "pk")


class Attachment(models.Model):
    """Evidence behind an outcome. The bytes live in a file under STYRKORT_MEDIA_ROOT (``stored``
    is its path relative to that root, a random name); the row keeps name, type, size and hash."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="attachments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    username = models.CharField("uppladdad av", max_length=150)
    at = models.DateTimeField("uppladdad", auto_now_add=True)
    name = models.CharField("filnamn", max_length=255)
    stored = models.CharField(max_length=300, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("storlek (byte)")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("at", "pk")


@receiver(post_delete, sender=Attachment)
def _remove_attachment_file(sender: type[Attachment], instance: Attachment, **_: object) -> None:
    """An attachment's file goes with its row (also when a period is deleted or replaced by an
    import), once the transaction has committed: a rolled-back delete keeps its file."""
    from pathlib import Path

    root = Path(settings.STYRKORT_MEDIA_ROOT).resolve()
    path = (root / instance.stored).resolve()
    if root in path.parents:
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# Activities, council assignments and internal control (issue 19) live in their own module.
from styrkort.web import models_followup  # noqa: E402

Activity = models_followup.Activity
Assignment = models_followup.Assignment
Control = models_followup.Control
ControlDeviation = models_followup.ControlDeviation
ControlProcess = models_followup.ControlProcess
ControlRisk = models_followup.ControlRisk
FollowUpSettings = models_followup.FollowUpSettings

# The municipality that groups boards, and its roles (issue 14), live in their own module.
from styrkort.web import municipality_models  # noqa: E402

Municipality = municipality_models.Municipality
MunicipalityBoard = municipality_models.MunicipalityBoard
MunicipalityMembership = municipality_models.MunicipalityMembership
MunicipalityRole = municipality_models.MunicipalityRole
