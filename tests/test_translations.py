"""The Spanish catalogues are complete and compiled, and Spanish reaches the pages.

Each app ships its own catalogue (``<app>/locale/es/LC_MESSAGES/``); the site-level templates in
``frontend_templates/`` have the project's (``locale/``, from ``LOCALE_PATHS``). A string added to
the code but not translated, a fuzzy guess left by ``makemessages``, a lost ``%(name)s`` or HTML
tag, or a forgotten ``make compilemessages`` each fail here. The catalogues are read with the small
reader below, so no extra dependency is needed.
"""

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse

import pytest

from pathways.courses import services
from pathways.lms.accounts.profiles import profile_update
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course

ROOT = Path(__file__).resolve().parents[1]

APP_FOLDERS = ("lms", "courses", "cohorts", "mentoring", "certificates", "api")


def catalogue_dirs() -> dict[str, Path]:
    """Where each catalogue lives: one per Pathways app, and the project's own for
    frontend_templates/."""
    from django.apps import apps

    dirs = {
        config.label: Path(config.path) / "locale" / "es" / "LC_MESSAGES"
        for config in apps.get_app_configs()
        if config.name.startswith("pathways.")
    }
    dirs["project"] = ROOT / "locale" / "es" / "LC_MESSAGES"
    return dirs


# Every Spanish catalogue there is, including those of apps inside a package (lms/privacy).
CATALOGUES = [
    pytest.param(path, id=str(path.relative_to(ROOT)))
    for path in sorted(
        {
            *(ROOT / "locale").glob("es/LC_MESSAGES/*.po"),
            *(
                path
                for package in APP_FOLDERS
                for path in (ROOT / package).rglob("locale/es/LC_MESSAGES/*.po")
            ),
        }
    )
]

# %(name)s, %s, %d, %%; {name} and {0}; HTML tags, with their attributes.
PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXor%]")
BRACES = re.compile(r"\{[^{}\s]*\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    plural_msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.plural_msgstrs[index] for index in sorted(self.plural_msgstrs)]

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, obsolete ones (#~) left out; the header is the first."""
    entries: list[Entry] = []
    entry: Entry | None = None
    keyword = None

    def finish():
        if entry is not None and keyword is not None:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            entry, keyword = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, text = match.group(1), match.group(2), match.group(3)
            if index is not None:
                keyword = int(index)
        else:
            text = line
        value = ast.literal_eval(text)
        if isinstance(keyword, int):
            entry.plural_msgstrs[keyword] = entry.plural_msgstrs.get(keyword, "") + value
        elif keyword in ("msgctxt", "msgid_plural"):
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
        else:
            setattr(entry, keyword, getattr(entry, keyword) + value)
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if not entry.is_header]


def placeholders(text: str, flags: set[str]) -> Counter:
    """What a translation must keep; a % is a placeholder only in a python-format string."""
    found = BRACES.findall(text) + HTML_TAG.findall(text)
    if "python-format" in flags:
        found += PRINTF.findall(text)
    return Counter(found)


def test_every_app_and_the_project_has_a_spanish_catalogue():
    dirs = catalogue_dirs()
    assert len(dirs) > 12  # every Pathways app, not none
    missing = [name for name, folder in dirs.items() if not (folder / "django.po").exists()]
    assert not missing, f"no Spanish catalogue for {missing}: see Translations in README.md"


def test_po_reader_handles_context_plurals_fuzzy_and_obsolete_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#, python-format\nmsgid "Hi %(name)s"\nmsgstr ""\n"Hola "\n"%(name)s"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Adivina"\n\n'
        'msgctxt "verb"\nmsgid "Open"\nmsgstr "Abrir"\n\n'
        'msgid "Left"\nmsgstr ""\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s día"\n'
        'msgstr[1] "%(n)s días"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Viejo"\n',
        encoding="utf-8",
    )
    entries = messages(po)
    assert [(e.msgctxt, e.msgid) for e in entries] == [
        (None, "Hi %(name)s"),
        (None, "Guess"),
        ("verb", "Open"),
        (None, "Left"),
        (None, "%(n)s day"),
    ]
    assert entries[0].msgstr == "Hola %(name)s"
    assert "fuzzy" in entries[1].flags
    assert entries[3].translations == [""]
    assert entries[4].translations == ["%(n)s día", "%(n)s días"]


@pytest.mark.parametrize("path", CATALOGUES)
def test_catalogue_header_is_spanish_and_not_fuzzy(path):
    header = read_po(path)[0]
    assert header.is_header
    # A fuzzy header is left out of the .mo, and with it the charset and the plural rule.
    assert "fuzzy" not in header.flags
    assert re.search(r"^Language: es$", header.msgstr, re.MULTILINE)
    assert re.search(r"^Plural-Forms: nplurals=\d+; plural=", header.msgstr, re.MULTILINE)


@pytest.mark.parametrize("path", CATALOGUES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    entries = messages(path)
    assert entries, "an empty catalogue: run makemessages (see Translations in README.md)"
    untranslated = [str(e) for e in entries if not all(e.translations)]
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not untranslated
    assert not fuzzy


@pytest.mark.parametrize("path", CATALOGUES)
def test_translations_keep_placeholders_and_html(path):
    header = read_po(path)[0].msgstr
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))
    wrong = []
    for entry in messages(path):
        if entry.msgid_plural is None:
            pairs = [(entry.msgid, entry.msgstr)]
        else:
            if sorted(entry.plural_msgstrs) != list(range(nplurals)):
                wrong.append(f"{entry}: needs {nplurals} plural forms")
                continue
            pairs = [(entry.msgid, entry.plural_msgstrs[0])] + [
                (entry.msgid_plural, text) for _, text in sorted(entry.plural_msgstrs.items())[1:]
            ]
        for source, translation in pairs:
            if translation and placeholders(source, entry.flags) != placeholders(
                translation, entry.flags
            ):
                wrong.append(f"{entry}: {translation!r}")
    assert not wrong


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", CATALOGUES)
def test_msgfmt_accepts_catalogue_and_counts_it_complete(path):
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", "-", str(path)],
        capture_output=True,
        text=False,
        check=False,
    )
    report = result.stderr.decode()
    assert result.returncode == 0, report
    assert "untranslated" not in report and "fuzzy" not in report, report


@pytest.mark.parametrize("path", CATALOGUES)
def test_compiled_catalogue_matches_its_po_file(path):
    """The .mo Django reads says what the .po says: `make compilemessages` was run after the last
    change."""
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run make compilemessages"
    with mo.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    # msgfmt leaves out fuzzy and untranslated entries; the test above reports those.
    for entry in messages(path):
        if "fuzzy" in entry.flags or not all(entry.translations):
            continue
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                found = compiled.gettext(entry.msgid)
            else:
                found = compiled.pgettext(entry.msgctxt, entry.msgid)
            if found != entry.msgstr:
                stale.append(str(entry))
            continue
        for n in (1, 2, 5, 1_000_000):
            expected = entry.plural_msgstrs.get(compiled.plural(n))
            if entry.msgctxt is None:
                found = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                found = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if found != expected:
                stale.append(f"{entry} (n={n})")
    assert not stale, "the .mo is out of date: run make compilemessages"


# The pages --------------------------------------------------------------------------------------


@pytest.fixture
def spanish_participant(db):
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.mark.django_db
def test_participant_who_prefers_spanish_sees_her_dashboard_in_spanish(
    spanish_participant, course, signed_in
):
    services.enrolment_start(user=spanish_participant, course=course)
    html = signed_in(spanish_participant).get(reverse("courses:dashboard")).content.decode()
    assert '<html lang="es">' in html
    assert "Mi aprendizaje" in html
    assert "Te damos la bienvenida, <bdi>Rosa</bdi>" in html
    assert "Sigue donde lo dejaste" in html
    assert "Cerrar sesión" in html
    assert "My learning" not in html
    assert "Welcome," not in html


@pytest.mark.django_db
def test_participant_who_prefers_english_sees_english(participant, signed_in):
    html = signed_in(participant).get(reverse("courses:dashboard")).content.decode()
    assert '<html lang="en">' in html
    assert "My learning" in html
    assert "Mi aprendizaje" not in html


@pytest.mark.django_db
def test_messages_from_services_and_views_are_in_spanish(spanish_participant, course, signed_in):
    client = signed_in(spanish_participant)
    html = client.post(reverse("courses:enrol", args=[course.pk]), follow=True).content.decode()
    assert "¡Te damos la bienvenida al curso!" in html
    closed = build_course(title="Leadership", modules=1, lessons_per_module=1, enrolment_open=False)
    html = client.post(reverse("courses:enrol", args=[closed.pk]), follow=True).content.decode()
    assert "Ahora este curso no tiene la inscripción abierta. El equipo puede inscribirte." in html


@pytest.mark.django_db
def test_language_switcher_changes_the_page_language(participant, signed_in):
    client = signed_in(participant)
    dashboard = reverse("courses:dashboard")
    html = client.get(dashboard).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert '<option value="es"' in html

    response = client.post(reverse("set_language"), {"language": "es", "next": dashboard})
    assert response.status_code == 302
    assert response["Location"] == dashboard
    html = client.get(dashboard).content.decode()
    assert '<html lang="es">' in html
    assert "Mi aprendizaje" in html
    assert '<option value="es" selected' in html


@pytest.mark.django_db
def test_switching_language_on_this_browser_wins_over_the_profile(spanish_participant, signed_in):
    client = signed_in(spanish_participant)
    dashboard = reverse("courses:dashboard")
    client.post(reverse("set_language"), {"language": "en", "next": dashboard})
    html = client.get(dashboard).content.decode()
    assert '<html lang="en">' in html
    assert "My learning" in html


@pytest.mark.django_db
def test_sign_in_page_follows_the_switcher_and_the_browser(client):
    sign_in = reverse("accounts:login")
    html = client.get(sign_in, headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html
    assert "Contraseña" in html  # Django's own catalogue, for the password field
    assert "Salir de esta página" in html

    client.post(reverse("set_language"), {"language": "en", "next": sign_in})
    html = client.get(sign_in, headers={"accept-language": "es"}).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_site_level_pages_use_the_project_catalogue(client):
    html = client.get("/no-such-page/", headers={"accept-language": "es"}).content.decode()
    assert "No encontramos esta página" in html
    assert "Ir a mi aprendizaje" in html


# Certificates, sharing and the employer portal ---------------------------------------------------


@pytest.fixture
def spanish_shared_certificate(spanish_participant, employer_org):
    """A certificate of the Spanish-speaking participant, shared with ``employer_org``."""
    from tests.factories.certificates import CertificateFactory, CredentialReleaseFactory

    certificate = CertificateFactory(user=spanish_participant, printed_name="Rosa")
    CredentialReleaseFactory(
        participant=spanish_participant, employer=employer_org, certificates=[certificate]
    )
    return certificate


@pytest.mark.django_db
def test_participant_who_prefers_spanish_sees_certificates_and_sharing_in_spanish(
    spanish_participant, spanish_shared_certificate, employer_org, signed_in
):
    client = signed_in(spanish_participant)

    html = client.get(reverse("certificates:mine")).content.decode()
    assert '<html lang="es">' in html
    assert "Mis certificados" in html
    assert "Tus certificados son tuyos" in html
    assert "Descargar PDF" in html
    assert "Quién vio mis certificados" in html
    assert "My certificates" not in html

    html = client.get(reverse("sharing:list")).content.decode()
    assert "Tú decides qué empresas pueden ver tus certificados" in html
    assert "Lo que compartes ahora" in html
    assert "Dejar de compartir" in html
    assert "Stop sharing" not in html

    share = reverse("sharing:share")
    html = client.get(share, {"employer": employer_org.pk}).content.decode()
    assert "Paso 2 de 2." in html
    assert "Esta es mi decisión." in html  # the consent text she signs
    assert "Harbour Hotels puede verlos hasta la fecha de fin que elegí" in html
    assert "Firmar y compartir" in html
    assert "This is my choice." not in html

    html = client.get(reverse("sharing:seen")).content.decode()
    assert "Todavía ninguna empresa vio tus certificados." in html


@pytest.mark.django_db
def test_participant_who_prefers_spanish_sees_her_groups_in_spanish(spanish_participant, signed_in):
    html = signed_in(spanish_participant).get(reverse("cohorts:mine")).content.decode()
    assert "Mis grupos" in html
    assert "Todavía no estás en un grupo." in html
    assert "My groups" not in html


@pytest.mark.django_db
def test_employer_who_prefers_spanish_sees_the_portal_in_spanish(
    employer_user, employer_org, spanish_shared_certificate, signed_in
):
    profile_update(employer_user, preferred_language="es")
    client = signed_in(employer_user)

    html = client.get(reverse("employer:credentials")).content.decode()
    assert '<html lang="es">' in html
    assert "Credenciales compartidas" in html
    assert "Las credenciales que las personas eligieron compartir con Harbour Hotels" in html
    assert "<summary>Filtro</summary>" in html  # the folded filter
    assert "1 credencial" in html
    assert "Shared credentials" not in html

    code = spanish_shared_certificate.verification_code
    html = client.get(reverse("employer:credential", args=[code])).content.decode()
    assert "Solo ves los datos que esta persona eligió compartir." in html
    assert "Válido" in html
    assert "Descargar PDF" in html

    html = client.get(reverse("employer:releases")).content.decode()
    assert "Lo que se comparte con nosotros" in html
    assert "Compartido hasta el final del día" in html


@pytest.mark.django_db
def test_employer_who_prefers_english_sees_the_portal_in_english(
    employer_user, shared_certificate, signed_in
):
    html = signed_in(employer_user).get(reverse("employer:credentials")).content.decode()
    assert '<html lang="en">' in html
    assert "Shared credentials" in html
    assert "Credenciales compartidas" not in html
