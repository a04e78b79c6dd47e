"""Self-service (issue 15, deliverable 6): create a period, import a zipped workspace safely,
export one, and reset a password by e-mail."""

from __future__ import annotations

import io
import re
import stat
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from styrkort.web import models as m
from styrkort.web.mapping import workspace_of

sys.path.insert(0, str(Path(__file__).resolve().parent))
from owner_workspace import LABEL, owner_workspace, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _import(client: Client, org: m.Organisation, data: bytes, **extra: Any) -> Any:
    upload = SimpleUploadedFile("arbetsyta.zip", data, "application/zip")
    return client.post("/importera/", {"organisation": org.pk, "zipfile": upload, **extra})


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buf.getvalue()


def _with(folder: Path, *extra: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    """The workspace ``folder`` zipped, plus ``extra`` members."""
    buf = io.BytesIO(zipped(folder))
    with zipfile.ZipFile(buf, "a") as archive:
        for info, data in extra:
            archive.writestr(info, data)
    return buf.getvalue()


def test_import_zip_then_export_round_trip(
    as_user: Any,
    example_period: m.Period,
    users: Any,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.STYRKORT_MEDIA_ROOT = str(tmp_path / "bilagor")
    org = example_period.organisation
    controller = as_user("controller")
    resp = _import(controller, org, zipped(owner_workspace(tmp_path)))
    assert resp.status_code == 302
    period = m.Period.objects.get(label=LABEL)
    assert period.organisation == org
    assert m.AuditEntry.objects.filter(period=period, action="import").exists()
    # export as zip; importing it again (replacing) gives the same workspace
    resp = controller.get(f"/period/{period.pk}/arbetsyta.zip")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/zip"
    assert resp["Content-Disposition"].startswith('attachment; filename="sydnarkes-it-namnd-')
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert any(n.endswith("/styrkort.yaml") for n in names)
    before = workspace_of(period)
    again = _import(controller, org, resp.content)
    assert again.status_code == 422  # the same period exists: not replaced unless asked
    assert "Ersätt befintlig period" in again.content.decode()
    # evidence on the period to be replaced: its file goes with it
    ind = period.indicators.get(key="normal-8h")
    as_user("owner").post(
        f"/period/{period.pk}/indikator/{ind.pk}/bilagor/",
        {"fil": SimpleUploadedFile("underlag.txt", b"utfall 91 %\n")},
    )
    stored = Path(settings.STYRKORT_MEDIA_ROOT) / m.Attachment.objects.get().stored
    assert stored.is_file()
    # replacing a period is the administrator's (the one access policy: replace_period)
    assert _import(as_user("controller"), org, resp.content, replace="on").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert _import(as_user("admin"), org, resp.content, replace="on").status_code == 302
    assert not stored.exists()
    after = workspace_of(m.Period.objects.get(label=LABEL))
    assert after.goals == before.goals and after.operating == before.operating


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../utanfor.txt", "pekar utanför mappen"),
        ("/etc/passwd", "pekar utanför mappen"),
        ("sydnarke-agare/..\\..\\x.txt", "pekar utanför mappen"),
        ("C:/windows/x.txt", "pekar utanför mappen"),
    ],
)
def test_import_refuses_paths_outside_the_folder(
    as_user: Any, example_period: m.Period, tmp_path: Path, member: str, message: str
) -> None:
    count = m.Period.objects.count()
    data = _with(owner_workspace(tmp_path), (member, b"x"))
    resp = _import(as_user("controller"), example_period.organisation, data)
    assert resp.status_code == 422
    assert message in resp.content.decode()
    assert m.Period.objects.count() == count
    assert not (tmp_path.parent / "utanfor.txt").exists()


def test_import_refuses_symlinks(as_user: Any, example_period: m.Period, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("sydnarke-agare/lank")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _with(owner_workspace(tmp_path), (link, b"/etc/passwd"))
    resp = _import(as_user("controller"), example_period.organisation, data)
    assert resp.status_code == 422
    assert "är en symbolisk länk" in resp.content.decode()


def test_import_size_and_count_limits(
    as_user: Any, example_period: m.Period, tmp_path: Path, settings: Any
) -> None:
    org = example_period.organisation
    controller = as_user("controller")
    settings.STYRKORT_IMPORT_MAX_FILES = 5
    resp = _import(controller, org, zipped(owner_workspace(tmp_path)))
    assert "högst 5 tas emot" in resp.content.decode()
    settings.STYRKORT_IMPORT_MAX_FILES = 2000
    # a small zip that unpacks to a lot (the declared sizes are not trusted: counted on write)
    settings.STYRKORT_IMPORT_MAX_UNPACKED = 100_000
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("styrkort.yaml", b"a" * 1_000_000)
    assert len(bomb.getvalue()) < 10_000
    resp = _import(controller, org, bomb.getvalue())
    assert resp.status_code == 422
    assert "för stor när den packas upp" in resp.content.decode(), re.findall(
        "Fel:</strong>(.*?)</span>", resp.content.decode(), re.S
    )
    settings.STYRKORT_IMPORT_MAX_BYTES = 1000
    resp = _import(controller, org, zipped(owner_workspace(tmp_path / "b")))
    assert "tas emot" in resp.content.decode() and resp.status_code == 422


def test_import_with_errors_stores_nothing_and_names_file_and_line(
    as_user: Any, example_period: m.Period, tmp_path: Path
) -> None:
    folder = owner_workspace(tmp_path)
    main = folder / "styrkort.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("year: 2020", "year: tjugo"), "utf-8")
    counts = (m.Period.objects.count(), m.Indicator.objects.count(), m.AuditEntry.objects.count())
    resp = _import(as_user("controller"), example_period.organisation, zipped(folder))
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "inget lästes in" in page
    assert re.search(r"styrkort\.yaml:\d+: fel", page), page[-3000:]
    assert str(tmp_path) not in page  # no server paths shown
    after = (m.Period.objects.count(), m.Indicator.objects.count(), m.AuditEntry.objects.count())
    assert after == counts


def test_import_refuses_another_organisations_workspace_and_non_zip(
    as_user: Any, example_period: m.Period, tmp_path: Path
) -> None:
    folder = owner_workspace(tmp_path)
    main = folder / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace("name: Sydnärkes IT-nämnd", "name: Annan nämnd"),
        "utf-8",
    )
    controller = as_user("controller")
    resp = _import(controller, example_period.organisation, zipped(folder))
    assert "gäller ”Annan nämnd”, inte ”Sydnärkes IT-nämnd”" in resp.content.decode()
    resp = _import(controller, example_period.organisation, b"not a zip")
    assert "Filen är ingen zip-fil." in resp.content.decode()
    assert not m.Organisation.objects.filter(name="Annan nämnd").exists()


def test_self_service_is_for_controllers_and_administrators(
    as_user: Any, example_period: m.Period, tmp_path: Path
) -> None:
    org = example_period.organisation
    for role in ("owner", "reader", "outsider"):
        client = as_user(role)
        assert client.get("/importera/").status_code == 404
        assert client.get(f"/period/{example_period.pk}/arbetsyta.zip").status_code in (403, 404)
        assert client.get(f"/organisation/{org.pk}/ny-period/").status_code in (403, 404)
    assert as_user("admin").get("/importera/").status_code == 200
    page = as_user("controller").get("/importera/").content.decode()
    assert "Ny organisation" not in page  # only a superuser creates organisations


def test_new_period_copies_goals_and_targets_without_outcomes(
    as_user: Any, example_period: m.Period
) -> None:
    org = example_period.organisation
    controller = as_user("controller")
    resp = controller.post(
        f"/organisation/{org.pk}/ny-period/",
        {
            "title": "Årsredovisning 2021",
            "year": "2021",
            "kind": "year",
            "copy_from": example_period.pk,
        },
    )
    assert resp.status_code == 302
    new = m.Period.objects.get(organisation=org, year=2021)
    old_inds = {i.key: i for i in example_period.indicators.all()}
    new_inds = {i.key: i for i in new.indicators.all()}
    assert new_inds.keys() == old_inds.keys()
    for key, ind in new_inds.items():
        assert ind.target == old_inds[key].target and ind.owner == old_inds[key].owner
        assert ind.outcome == "" and ind.comment == "" and ind.manual_status == ""
    assert not new.operating_rows.exists()
    assert list(org.members.values_list("key", flat=True)) == [
        "askersund",
        "hallsberg",
        "laxa",
        "lekeberg",
    ]
    # the same year again is refused at the form, with what to do
    resp = controller.post(
        f"/organisation/{org.pk}/ny-period/",
        {"title": "Igen", "year": "2021", "kind": "year", "copy_from": ""},
    )
    assert resp.status_code == 422
    assert "har redan en period för 2021" in resp.content.decode()
    # an empty interim period
    resp = controller.post(
        f"/organisation/{org.pk}/ny-period/",
        {
            "title": "Delårsrapport 2021",
            "year": "2021",
            "kind": "interim",
            "label": "Delår april",
            "start": "2021-01-01",
            "end": "2021-04-30",
            "copy_from": "",
        },
    )
    assert resp.status_code == 302
    interim = m.Period.objects.get(label="Delår april")
    assert interim.kind == "interim" and not interim.indicators.exists()
    assert org.members.count() == 4


def test_password_reset_by_email_in_swedish(client: Client, users: Any) -> None:
    user = users["owner"]
    user.email = "sd@example.se"
    user.set_password("Gammalt-Lösen-2026")
    user.save()
    page = client.get("/logga-in/").content.decode()
    assert 'href="/logga-in/glomt-losenord/"' in page
    page = client.get("/logga-in/glomt-losenord/").content.decode()
    assert "Glömt lösenordet" in page and 'lang="sv"' in page
    resp = client.post("/logga-in/glomt-losenord/", {"email": "sd@example.se"})
    assert resp.status_code == 302 and resp["Location"] == "/logga-in/glomt-losenord/skickat/"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Nytt lösenord för Styrkort"
    assert "kontot owner" in body
    link = re.search(r"http://testserver(/logga-in/nytt-losenord/[^\s]+)", body)
    assert link
    resp = client.get(link.group(1))
    assert resp.status_code == 302  # Django hides the token behind a session redirect
    page = client.get(resp["Location"]).content.decode()
    assert "Välj nytt lösenord" in page
    resp = client.post(
        resp["Location"], {"new_password1": "Nytt-Lösen-2026!", "new_password2": "Nytt-Lösen-2026!"}
    )
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nytt-Lösen-2026!")
    # an unknown address gives the same answer and no e-mail
    client.post("/logga-in/glomt-losenord/", {"email": "okand@example.se"})
    assert len(mail.outbox) == 1


def test_only_a_superuser_imports_a_new_organisation(
    client: Client, as_user: Any, example_period: m.Period, tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model

    folder = owner_workspace(tmp_path)
    main = folder / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace("name: Sydnärkes IT-nämnd", "name: Ny nämnd"),
        "utf-8",
    )
    data = zipped(folder)
    # a controller cannot choose "ny" (not among the choices)
    resp = as_user("controller").post(
        "/importera/",
        {"organisation": "ny", "zipfile": SimpleUploadedFile("a.zip", data, "application/zip")},
    )
    assert resp.status_code == 422
    assert not m.Organisation.objects.filter(name="Ny nämnd").exists()
    root = get_user_model().objects.create_superuser("rot", "", None)
    client.force_login(root)
    resp = client.post(
        "/importera/",
        {"organisation": "ny", "zipfile": SimpleUploadedFile("a.zip", data, "application/zip")},
    )
    assert resp.status_code == 302
    assert m.Period.objects.get(organisation__name="Ny nämnd").label == LABEL
