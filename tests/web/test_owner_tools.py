"""The owners' tools (issue 15, deliverable 5): deadlines and who is late, reminder e-mails,
the comment thread, attachments, the bulk-entry grid and search."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from styrkort.web import models as m

sys.path.insert(0, str(Path(__file__).resolve().parent))
from owner_workspace import EXTRA, LABEL, OWNER, owner_workspace, zipped

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_and_mail(settings: Any, tmp_path: Path) -> None:
    settings.STYRKORT_MEDIA_ROOT = str(tmp_path / "bilagor")
    settings.EMAIL_BACKEND = LOCMEM
    settings.STYRKORT_BASE_URL = "https://styrkort.example.se"


def _today() -> dt.date:
    return timezone.localdate()


# --- the "done when", as a Django test ------------------------------------------------


def test_owner_with_15_indicators_grid_evidence_comment_and_reminder(
    client: Client, users: dict[str, Any], example_period: m.Period, tmp_path: Path
) -> None:
    """A controller imports a workspace (zip) where one owner has 15 indicators and sets a
    deadline; the owner is reminded by e-mail before it, enters all 15 in the grid (a mistyped
    one is refused at its row and nothing typed is lost), attaches evidence and comments."""
    controller, owner = users["controller"], users["owner"]
    owner.email = "servicedesk@example.se"
    owner.save()
    org = example_period.organisation

    # self-service import of the zipped workspace
    client.force_login(controller)
    upload = SimpleUploadedFile(
        "arbetsyta.zip", zipped(owner_workspace(tmp_path)), "application/zip"
    )
    resp = client.post("/importera/", {"organisation": org.pk, "zipfile": upload})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    period = m.Period.objects.get(organisation=org, label=LABEL)
    mine = [i for i in period.indicators.all() if i.owner == OWNER]
    assert len(mine) == 7 + EXTRA == 15

    # a deadline in two days, reminders three days ahead
    due = _today() + dt.timedelta(days=2)
    resp = client.post(
        f"/period/{period.pk}/tidsfrister/",
        {"form": "period", "due": due.isoformat(), "remind_days_before": "3"},
    )
    assert resp.status_code == 302
    page = client.get(f"/period/{period.pk}/tidsfrister/").content.decode()
    assert "Snart sista dag" in page and "Ingen är försenad" in page

    # the reminder, sent by the management command with the locmem backend
    out = io.StringIO()
    call_command("skicka_paminnelser", stdout=out)
    assert "skickade påminnelse (före sista dag) till owner" in out.getvalue()
    sent = [e for e in mail.outbox if e.to == ["servicedesk@example.se"]]
    assert len(sent) == 1
    assert sent[0].subject == (f"Påminnelse: {period.title} ({LABEL}) – sista dag {due:%Y-%m-%d}")
    # three of the example's seven have outcomes already
    assert "12 indikatorer saknar fortfarande värde" in sent[0].body
    assert f"https://styrkort.example.se/period/{period.pk}/snabbinmatning/" in sent[0].body
    # once only
    call_command("skicka_paminnelser", stdout=io.StringIO())
    assert len([e for e in mail.outbox if e.to == ["servicedesk@example.se"]]) == 1
    assert m.AuditEntry.objects.filter(period=period, action="påminnelse").count() == 1

    # the grid: 15 rows; one mistyped value is refused at its row, the others are saved
    client.force_login(owner)
    page = client.get(f"/period/{period.pk}/snabbinmatning/").content.decode()
    assert page.count('<fieldset class="grid-row') == 15
    data: dict[str, str] = {}
    for n, ind in enumerate(mine):
        data[f"i{ind.pk}-version"] = str(ind.version)
        data[f"i{ind.pk}-outcome"] = "Ja" if ind.unit == "ja/nej" else f"{80 + n} {ind.unit}"
        data[f"i{ind.pk}-comment"] = f"Analys {n}"
    bad = next(i for i in mine if i.unit == "%")
    before = bad.outcome
    data[f"i{bad.pk}-outcome"] = "87 st"
    resp = client.post(f"/period/{period.pk}/snabbinmatning/", data)
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "1 rad kunde inte sparas" in page
    assert f'href="#i{bad.pk}-outcome"' in page
    assert re.search(
        rf'id="i{bad.pk}-outcome" name="i{bad.pk}-outcome" value="87 st"[^>]*aria-invalid="true"',
        page,
    )
    assert "men indikatorn mäts i" in page  # core's unit check, as on the single form
    bad.refresh_from_db()
    assert bad.outcome == before
    saved = [i for i in mine if i.pk != bad.pk]
    for ind in saved:
        ind.refresh_from_db()
        assert ind.outcome, ind.key
    # correct the one row; the other rows are sent as they are shown now (new versions)
    for ind in mine:
        ind.refresh_from_db()
        data[f"i{ind.pk}-version"] = str(ind.version)
    data[f"i{bad.pk}-outcome"] = "87 %"
    resp = client.post(f"/period/{period.pk}/snabbinmatning/", data)
    assert resp.status_code == 302
    bad.refresh_from_db()
    assert bad.outcome == "87 %"
    assert m.AuditEntry.objects.filter(period=period, action="ändra", field="utfall").count() == 15

    # evidence and a comment on one indicator
    ind = mine[0]
    resp = client.post(
        f"/period/{period.pk}/indikator/{ind.pk}/bilagor/",
        {"fil": SimpleUploadedFile("underlag.pdf", PDF, "application/pdf")},
    )
    assert resp.status_code == 302
    resp = client.post(
        f"/period/{period.pk}/indikator/{ind.pk}/trad/", {"text": "Siffran kommer från ITSM."}
    )
    assert resp.status_code == 302
    page = client.get(f"/period/{period.pk}/indikator/{ind.pk}/trad/").content.decode()
    assert "underlag.pdf" in page and "Siffran kommer från ITSM." in page
    page = client.get(f"/period/{period.pk}/snabbinmatning/").content.decode()
    assert "Kommentarer (1) och bilagor (1)" in page

    # the controller sees the comment; nobody is late before the deadline
    client.force_login(controller)
    assert "Siffran kommer från ITSM." in (
        client.get(f"/period/{period.pk}/indikator/{ind.pk}/trad/").content.decode()
    )
    page = client.get(f"/period/{period.pk}/tidsfrister/").content.decode()
    assert "Ingen är försenad" in page


# --- deadlines, who is late, reminders --------------------------------------------------------


def test_late_owner_overview_and_late_reminder_once(
    as_user: Any, users: dict[str, Any], example_period: m.Period
) -> None:
    p = example_period
    users["owner"].email = "sd@example.se"
    users["owner"].save()
    controller = as_user("controller")
    past = _today() - dt.timedelta(days=1)
    controller.post(
        f"/period/{p.pk}/tidsfrister/",
        {"form": "period", "due": past.isoformat(), "remind_days_before": "3"},
    )
    # the HR owner gets their own, later deadline
    later = _today() + dt.timedelta(days=20)
    resp = controller.post(
        f"/period/{p.pk}/tidsfrister/",
        {"form": "owner", "user": users["other_owner"].pk, "due": later.isoformat()},
    )
    assert resp.status_code == 302
    page = controller.get(f"/period/{p.pk}/tidsfrister/").content.decode()
    assert "1 ägare är försenad:</strong> owner." in page
    assert '<span aria-hidden="true">⚠</span> Försenad' in page
    assert f"{later:%Y-%m-%d} (egen)" in page
    assert "Servicedeskchef" in page and "servicedeskchef" not in page  # as written
    # other_owner has no e-mail address: named, not mailed; owner gets the late reminder
    out, err = io.StringIO(), io.StringIO()
    call_command("skicka_paminnelser", stdout=out, stderr=err)
    assert [e.to for e in mail.outbox] == [["sd@example.se"]]
    assert mail.outbox[0].subject.startswith("Försenad:")
    assert "1 påminnelse skickades." in out.getvalue()
    # the HR owner is not yet within their reminder days: nothing for them
    assert "other_owner" not in err.getvalue()
    call_command("skicka_paminnelser", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    # a submitted owner is not late and gets nothing
    owner = as_user("owner")
    owner.post(f"/period/{p.pk}/lamna-in/", {"bekrafta": "ja"})
    page = as_user("controller").get(f"/period/{p.pk}/tidsfrister/").content.decode()
    assert "Ingen är försenad" in page and "✓</span> Inlämnad" in page


def test_reminder_skips_owner_without_email_and_dry_run_sends_nothing(
    users: dict[str, Any], example_period: m.Period
) -> None:
    m.Deadline.objects.create(period=example_period, due=_today() + dt.timedelta(days=1))
    err = io.StringIO()
    call_command("skicka_paminnelser", stdout=io.StringIO(), stderr=err)
    assert "ingen påminnelse till owner" in err.getvalue()
    assert "saknar e-postadress" in err.getvalue()
    assert mail.outbox == []
    users["owner"].email = "sd@example.se"
    users["owner"].save()
    out = io.StringIO()
    call_command("skicka_paminnelser", "--torrkorning", stdout=out, stderr=io.StringIO())
    assert "skulle skicka påminnelse (före sista dag) till owner" in out.getvalue()
    assert mail.outbox == [] and not m.Reminder.objects.exists()
    out = io.StringIO()
    call_command(
        "skicka_paminnelser",
        "--datum",
        (_today() - dt.timedelta(days=10)).isoformat(),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "0 påminnelser skickades." in out.getvalue()  # too early: nothing due


def test_unreachable_mail_server_records_nothing_and_the_next_run_retries(
    users: dict[str, Any], example_period: m.Period, settings: Any
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    users["owner"].email = "sd@example.se"
    users["owner"].save()
    m.Deadline.objects.create(period=example_period, due=_today() + dt.timedelta(days=1))
    err = io.StringIO()
    call_command("skicka_paminnelser", stdout=io.StringIO(), stderr=err)
    assert "e-posten kunde inte skickas" in err.getvalue()
    assert "nästa körning försöker igen" in err.getvalue()
    assert not m.Reminder.objects.exists()
    settings.EMAIL_BACKEND = LOCMEM
    call_command("skicka_paminnelser", stdout=io.StringIO(), stderr=io.StringIO())
    assert [e.to for e in mail.outbox] == [["sd@example.se"]]


def test_deadlines_are_for_the_controller_only(as_user: Any, example_period: m.Period) -> None:
    for role in ("owner", "reader"):
        assert as_user(role).get(f"/period/{example_period.pk}/tidsfrister/").status_code == 403
    assert as_user("outsider").get(f"/period/{example_period.pk}/tidsfrister/").status_code == 404


def test_email_backend_is_console_by_default_and_smtp_by_setting(monkeypatch: Any) -> None:
    import importlib

    import styrkort.web.settings as s

    monkeypatch.delenv("STYRKORT_EMAIL_BACKEND", raising=False)
    assert importlib.reload(s).EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setenv("STYRKORT_EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("STYRKORT_EMAIL_HOST", "smtp.kommun.se")
    reloaded = importlib.reload(s)
    assert reloaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert reloaded.EMAIL_HOST == "smtp.kommun.se"
    monkeypatch.delenv("STYRKORT_EMAIL_BACKEND")
    importlib.reload(s)


# --- comment thread ---------------------------------------------------------------------------


def test_thread_between_controller_and_owner_in_the_audit_log(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    ind = p.indicators.get(key="normal-8h")
    url = f"/period/{p.pk}/indikator/{ind.pk}/trad/"
    assert as_user("owner").post(url, {"text": "Var kommer 8h-måttet ifrån?"}).status_code == 302
    assert as_user("controller").post(url, {"text": "Från ITSM-exporten."}).status_code == 302
    page = as_user("owner").get(url).content.decode()
    assert page.index("Var kommer 8h-måttet ifrån?") < page.index("Från ITSM-exporten.")
    assert "<strong>controller</strong>" in page and "<time datetime=" in page
    # another owner, a reader: no thread
    for role in ("other_owner", "reader"):
        page = as_user(role).get(url).content.decode()
        assert "Från ITSM-exporten." not in page
        assert as_user(role).post(url, {"text": "x"}).status_code == 403
    log = m.AuditEntry.objects.filter(period=p, action="kommentar", target="indikator normal-8h")
    assert sorted(e.username for e in log) == ["controller", "owner"]
    # an empty comment is refused at the field, the page is shown again
    resp = as_user("owner").post(url, {"text": "  "})
    assert resp.status_code == 422
    assert 'aria-invalid="true" aria-describedby="ny-kommentar-fel"' in resp.content.decode()
    m.Period.objects.filter(pk=p.pk).update(state=m.PeriodState.LOCKED)
    assert as_user("owner").post(url, {"text": "Sent"}).status_code == 409


# --- attachments ------------------------------------------------------------------------------


def _upload(client: Client, p: m.Period, ind: m.Indicator, name: str, data: bytes) -> Any:
    return client.post(
        f"/period/{p.pk}/indikator/{ind.pk}/bilagor/", {"fil": SimpleUploadedFile(name, data)}
    )


def test_attachment_stored_on_disk_and_served_only_to_readers(
    as_user: Any, example_period: m.Period, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = example_period
    ind = p.indicators.get(key="normal-8h")
    assert _upload(as_user("owner"), p, ind, "underlag.pdf", PDF).status_code == 302
    row = m.Attachment.objects.get()
    path = Path(settings.STYRKORT_MEDIA_ROOT) / row.stored
    assert path.read_bytes() == PDF
    assert "underlag" not in row.stored  # a random name on disk
    assert row.size == len(PDF) and len(row.sha256) == 64
    url = f"/period/{p.pk}/bilaga/{row.pk}/"
    resp = as_user("reader").get(url)
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == PDF
    assert resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp["Content-Security-Policy"]
    assert as_user("outsider").get(url).status_code == 404
    # only the owner (their own uploads) and the controller may remove; the file goes too
    assert as_user("other_owner").post(url + "ta-bort/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        assert as_user("owner").post(url + "ta-bort/").status_code == 302
    assert not m.Attachment.objects.exists() and not path.exists()
    log = m.AuditEntry.objects.filter(period=p, action="bilaga").order_by("pk")
    assert [(e.old, e.new) for e in log] == [("", "underlag.pdf"), ("underlag.pdf", "")]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sida.html", b"<html><script>alert(1)</script></html>", "har en typ som inte tas emot"),
        ("program.exe", b"MZ\x90\x00", "har en typ som inte tas emot"),
        ("falsk.pdf", b"<html><body>inte en pdf</body></html>", "ser inte ut att vara en PDF-fil"),
        ("sida.txt", b"<!DOCTYPE html><html></html>", "ser inte ut att vara en TXT-fil"),
        ("tom.pdf", b"", "är tom"),
    ],
)
def test_attachment_type_refused(
    as_user: Any, example_period: m.Period, settings: Any, name: str, data: bytes, message: str
) -> None:
    ind = example_period.indicators.get(key="normal-8h")
    resp = _upload(as_user("owner"), example_period, ind, name, data)
    assert resp.status_code == 422
    assert message in resp.content.decode()
    assert not m.Attachment.objects.exists()
    root = Path(settings.STYRKORT_MEDIA_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_attachment_size_limit_is_a_setting(
    as_user: Any, example_period: m.Period, settings: Any
) -> None:
    settings.STYRKORT_ATTACHMENT_MAX_BYTES = 100
    ind = example_period.indicators.get(key="normal-8h")
    resp = _upload(as_user("owner"), example_period, ind, "stor.pdf", PDF + b"x" * 200)
    assert resp.status_code == 422
    assert "största tillåtna storlek är 0.0 MB" in resp.content.decode()


def test_attachment_upload_needs_the_right_to_edit(as_user: Any, example_period: m.Period) -> None:
    ind = example_period.indicators.get(key="normal-8h")
    for role in ("reader", "other_owner"):
        assert _upload(as_user(role), example_period, ind, "a.pdf", PDF).status_code == 403
    m.Period.objects.filter(pk=example_period.pk).update(state=m.PeriodState.APPROVED)
    assert _upload(as_user("owner"), example_period, ind, "a.pdf", PDF).status_code == 409


# --- grid -------------------------------------------------------------------------------------


def test_grid_shows_only_the_owners_indicators_and_keeps_conflicts(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    owner = as_user("owner")
    page = owner.get(f"/period/{p.pk}/snabbinmatning/").content.decode()
    assert page.count('<fieldset class="grid-row') == 7  # the Servicedeskchef indicators
    assert "Medarbetarengagemang" not in page
    ind = p.indicators.get(key="normal-8h")
    # someone else saves the same indicator after the owner opened the grid
    stale = ind.version
    as_user("controller").post(
        f"/period/{p.pk}/indikator/{ind.pk}/", {"version": ind.version, "outcome": "70 %"}
    )
    resp = as_user("owner").post(
        f"/period/{p.pk}/snabbinmatning/",
        {f"i{ind.pk}-version": stale, f"i{ind.pk}-outcome": "93 %", f"i{ind.pk}-comment": ""},
    )
    assert resp.status_code == 422
    page = resp.content.decode()
    assert 'value="93 %"' in page  # what the owner typed is still there
    assert "Sparad version: ”70 %”" in page
    ind.refresh_from_db()
    assert ind.outcome == "70 %"
    # the row now carries the saved version: saving again is the owner's choice to replace it
    assert f'name="i{ind.pk}-version" value="{ind.version}"' in page
    resp = as_user("owner").post(
        f"/period/{p.pk}/snabbinmatning/",
        {f"i{ind.pk}-version": ind.version, f"i{ind.pk}-outcome": "93 %", f"i{ind.pk}-comment": ""},
    )
    assert resp.status_code == 302
    ind.refresh_from_db()
    assert ind.outcome == "93 %"


def test_grid_implausible_value_is_saved_with_a_reason_at_its_row(
    as_user: Any, example_period: m.Period
) -> None:
    """Before: the grid refused 150 % for a percentage indicator with an error on a reason
    field the grid did not show, so the value could never be saved there and the outcome was
    not marked invalid."""
    p = example_period
    ind = p.indicators.get(key="normal-8h")
    owner = as_user("owner")
    url = f"/period/{p.pk}/snabbinmatning/"
    row = {
        f"i{ind.pk}-version": ind.version,
        f"i{ind.pk}-outcome": "150 %",
        f"i{ind.pk}-comment": "",
    }
    resp = owner.post(url, row)
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "utanför 0–100" in page
    assert f'id="i{ind.pk}-plausible"' in page  # the reason, at the row
    outcome = re.search(rf'<input[^>]*id="i{ind.pk}-outcome"[^>]*>', page)
    assert outcome and 'aria-invalid="true"' in outcome.group(0)
    ind.refresh_from_db()
    assert ind.outcome == ""
    resp = owner.post(url, {**row, f"i{ind.pk}-plausible": "Två mätpunkter räknades"})
    assert resp.status_code == 302
    ind.refresh_from_db()
    assert ind.outcome == "150 %"
    entry = m.AuditEntry.objects.filter(target=f"indikator {ind.key}", field="utfall").first()
    assert entry is not None and "Två mätpunkter räknades" in entry.note


def test_grid_for_a_reader_is_empty_and_cannot_save(as_user: Any, example_period: m.Period) -> None:
    reader = as_user("reader")
    page = reader.get(f"/period/{example_period.pk}/snabbinmatning/").content.decode()
    assert 'class="grid-row' not in page
    ind = example_period.indicators.get(key="normal-8h")
    reader.post(
        f"/period/{example_period.pk}/snabbinmatning/",
        {f"i{ind.pk}-version": ind.version, f"i{ind.pk}-outcome": "1 %"},
    )
    ind.refresh_from_db()
    assert ind.outcome == ""


# --- search -----------------------------------------------------------------------------------


def test_search_goals_indicators_and_comments_with_swedish_letters(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    ind = p.indicators.get(key="normal-8h")
    as_user("owner").post(
        f"/period/{p.pk}/indikator/{ind.pk}/trad/", {"text": "Ärendet om ÅTERKOPPLING är löst."}
    )
    page = as_user("controller").get(f"/period/{p.pk}/sok/", {"q": "återkoppling"}).content.decode()
    assert "Indikator:" in page and "Kommentar:" in page
    assert "Öka andelen akuta incidenter" in page
    page = as_user("controller").get(f"/period/{p.pk}/sok/", {"q": "IT-drift"}).content.decode()
    assert "Mål:" in page and "Ge god service och IT-drift" in page
    # a reader finds the indicator but not the thread they may not read
    page = as_user("reader").get(f"/period/{p.pk}/sok/", {"q": "ärendet om"}).content.decode()
    assert "0 träffar" in page


def test_every_owner_setting_is_documented() -> None:
    settings_py = Path(__file__).resolve().parents[2] / "src" / "styrkort" / "web" / "settings.py"
    block = settings_py.read_text(encoding="utf-8").split("--- owners' tools", 1)[1]
    names = set(re.findall(r'"(STYRKORT_[A-Z_]+)"', block))
    docs = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")
    assert names and not {n for n in names if f"`{n}`" not in docs}


def test_controller_grid_filtered_by_owner_keeps_the_filter(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    controller = as_user("controller")
    page = controller.get(f"/period/{p.pk}/snabbinmatning/", {"agare": "HR"}).content.decode()
    assert page.count('<fieldset class="grid-row') == 2
    hme = p.indicators.get(key="hme")
    resp = controller.post(
        f"/period/{p.pk}/snabbinmatning/?agare=HR",
        {f"i{hme.pk}-version": hme.version, f"i{hme.pk}-outcome": "80 index"},
    )
    assert resp.status_code == 302 and resp["Location"].endswith("?agare=HR")
    assert (
        controller.post(f"/period/{p.pk}/tidsfrister/", {"form": "owner", "user": "x"}).status_code
        == 404
    )
