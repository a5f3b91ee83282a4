"""Uploading a water analysis (CSV or XLSX) fills the influent quality at
once, with a report of what was read and what was ignored and why; a broken,
empty, oversized or wrong-type file gets a clear message, never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conversations.analysis import MAX_UPLOAD_BYTES, AnalysisError, read_analysis
from conversations.models import Conversation, Message
from conversations.questionnaire import load_questionnaire
from projects.models import ActivityEvent

SPANISH_ROWS_CSV = (
    "Parámetro;Valor;Unidad\n"
    "DQO;3.000;mg/L\n"
    "DBO5;1.800;mg/L\n"
    "Sólidos suspendidos totales;<5;mg/L\n"
    "pH;6,8;unidades de pH\n"
    "Temperatura;32;°C\n"
    "Sólidos disueltos totales;4,2;g/L\n"
    "Conductividad;2500;µS/cm\n"
    "Color;ND;UPt-Co\n"
    "Fecha;2024-05-01;\n"
    "Cobalto;1;mg/L\n"
    "DQO;2900;mg/L\n"
)
ENGLISH_COLUMNS_CSV = (
    "Sample,Date,COD (mg/L),BOD5 [mg/L],TSS,pH,Total dissolved solids\n"
    ",,,,mg/L,,g/L\n"
    "S1,2024-05-01,3000,1800,600,6.8,1.5\n"
    "S2,2024-05-02,2800,1600,500,7.0,1.7\n"
    "S3,2024-05-03,3200,,700,7.2,1.6\n"
)


pytestmark = pytest.mark.usefixtures("chat_unthrottled")


@pytest.fixture
def upload(client, engineer):
    client.cookies["django_language"] = "en"
    client.force_login(engineer)

    def post(project, name, data, content_type="application/octet-stream", htmx=True):
        file = SimpleUploadedFile(name, data, content_type=content_type)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return client.post(reverse("chat_upload", args=[project.id]), {"file": file}, **headers)

    return post


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _answers(project):
    return Conversation.objects.get(project=project).metadata["answers"]


def _report(project):
    return Message.objects.filter(conversation__project=project, metadata__kind="upload_report").order_by("-pk").first()


def test_a_spanish_csv_with_one_row_per_parameter_fills_the_influent(upload, project):
    response = upload(project, "analisis.csv", SPANISH_ROWS_CSV.encode("utf-8"), "text/csv")
    assert response.status_code == 200
    answers = _answers(project)
    # A ";" file writes 3.000 for three thousand and 6,8 for six point eight.
    assert answers["cod"]["value"] == pytest.approx(3.0)
    assert answers["bod"]["value"] == pytest.approx(1.8)
    assert answers["tss"]["value"] == pytest.approx(0.005)
    assert answers["ph"]["value"] == 6.8
    assert answers["temperature"]["value"] == pytest.approx(305.15)
    assert answers["tds"]["value"] == pytest.approx(4.2)
    assert all(answers[k]["source"] == "upload" for k in ("cod", "bod", "tss", "ph", "temperature", "tds"))


def test_the_report_says_what_was_read_and_what_was_ignored_and_why(upload, project):
    upload(project, "analisis.csv", SPANISH_ROWS_CSV.encode("utf-8"), "text/csv")
    report = _report(project)
    assert report.content == "From “analisis.csv” I read 6 values. Ignored: 5."
    read = {row["key"]: row for row in report.metadata["read"]}
    assert read["cod"]["value"] == "3,000 mg/L"
    assert read["tss"]["note"] == "below the detection limit; taken as 5"
    ignored = {row["name"]: row["reason"] for row in report.metadata["ignored"]}
    assert ignored["Conductividad"].startswith("conductivity is not used directly")
    assert ignored["Color"] == "not detected or no value (ND)"
    assert ignored["Fecha"] == "not a water-quality parameter"
    assert ignored["Cobalto"] == "not a parameter I know"
    assert ignored["DQO"] == "given twice; the first value was used"
    assert ActivityEvent.objects.filter(project=project, verb="questionnaire.analysis_uploaded").exists()


def test_the_report_is_shown_in_the_chat(upload, project):
    html = upload(project, "analisis.csv", SPANISH_ROWS_CSV.encode("utf-8")).content.decode()
    assert "analisis.csv" in html and "Conductividad" in html and "below the detection limit" in html
    assert 'data-source="upload"' in html  # the summary marks where the values came from


def test_an_english_csv_with_one_column_per_parameter_averages_the_samples(upload, project):
    upload(project, "lab.csv", ENGLISH_COLUMNS_CSV.encode("utf-8"), "text/csv")
    answers = _answers(project)
    assert answers["cod"]["value"] == pytest.approx(3.0)
    assert answers["bod"]["value"] == pytest.approx(1.7)  # two samples; the empty cell is left out
    assert answers["tss"]["value"] == pytest.approx(0.6)
    assert answers["tds"]["value"] == pytest.approx(1.6)
    read = {row["key"]: row for row in _report(project).metadata["read"]}
    assert read["cod"]["note"] == "mean of 3 samples"


def test_a_high_tds_from_the_analysis_opens_the_reverse_osmosis_questions(upload, client, project):
    client.post(reverse("chat_answer", args=[project.id]), {"key": "destination", "value": "industrial_reuse"})
    upload(project, "analisis.csv", SPANISH_ROWS_CSV.encode("utf-8"))
    html = client.get(reverse("chat", args=[project.id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-key="silica"' in html


def test_a_good_xlsx_with_units_per_row_is_read(upload, project):
    data = xlsx([
        ["Parameter", "Value", "Unit"],
        ["COD", 3000, "mg/L"],
        ["Ammonia-N", 30.5, "mg/L"],
        ["Flow", 20, "L/s"],
        ["Fecal coliforms", 10000, "CFU/100 mL"],
        ["Turbidity", 35, "NTU"],
        ["Unobtainium", 3, "mg/L"],
    ])  # fmt: skip
    response = upload(project, "lab.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.status_code == 200
    answers = _answers(project)
    assert answers["cod"]["value"] == pytest.approx(3.0)
    assert answers["nh4_n"]["value"] == pytest.approx(0.0305)
    assert answers["flow_average"]["value"] == pytest.approx(0.02)
    assert answers["coliforms"]["value"] == pytest.approx(10000)
    assert answers["turbidity"]["value"] == pytest.approx(35)
    assert [row["name"] for row in _report(project).metadata["ignored"]] == ["Unobtainium"]


def test_a_good_xlsx_with_one_column_per_parameter_is_read(upload, project):
    data = xlsx([["Muestra", "DQO (mg/L)", "SST (mg/L)", "pH"], ["M1", 2000, 400, 7.5], ["M2", 4000, 600, 7.1]])
    upload(project, "lab.xlsx", data)
    answers = _answers(project)
    assert answers["cod"]["value"] == pytest.approx(3.0)
    assert answers["tss"]["value"] == pytest.approx(0.5)
    assert answers["ph"]["value"] == pytest.approx(7.3)


def test_a_value_that_fails_validation_is_ignored_with_the_reason(upload, project):
    upload(project, "lab.csv", b"COD,3000,mg/L\npH,19,\nTSS,600,m3/d\n")
    ignored = {row["name"]: row["reason"] for row in _report(project).metadata["ignored"]}
    assert ignored["pH"] == "The pH scale goes from 0 to 14; 19 is outside it."
    assert "is a flow" in ignored["TSS"] and "not a concentration" in ignored["TSS"]
    assert "ph" not in _answers(project) and "cod" in _answers(project)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.csv", b"\x00\x01\x02\x03garbage\x00", "The file is not a text CSV file."),
        ("broken.csv", "Nombre,Apellido\nAna,Pérez\n".encode(), "I could not find any water-quality parameter in the file."),
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\n\n ; ; \n", "The file has no data."),
        ("broken.xlsx", xlsx([["COD", 3000, "mg/L"]])[:200], "The .xlsx workbook is damaged and cannot be opened."),
        ("broken.xlsx", b"this is not a workbook", "The file is not a valid .xlsx workbook."),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "The .xlsx workbook is damaged and cannot be opened."),
        ("analysis.pdf", b"%PDF-1.4", "Upload the analysis as a .csv or .xlsx file."),
        ("analysis.xls", b"\xd0\xcf\x11\xe0", "Old Excel (.xls) and OpenDocument files are not read"),
    ],
)
def test_a_broken_or_wrong_file_gets_a_clear_message(upload, project, name, data, message):
    response = upload(project, name, data)
    assert response.status_code == 200
    report = _report(project)
    assert message in report.content, report.content
    assert report.metadata["error"]
    assert set(_answers(project)) == {"subsector", "country", "city"}
    assert message.replace("“", "&ldquo;")[:25] in response.content.decode() or message[:25] in response.content.decode()


def test_an_oversized_file_is_refused_without_reading_it_all(upload, project):
    response = upload(project, "huge.csv", b"COD,3000,mg/L\n" * (MAX_UPLOAD_BYTES // 10))
    assert response.status_code == 200
    assert "The file is too large" in _report(project).content


def test_posting_without_a_file_asks_for_one(client, engineer, project):
    client.cookies["django_language"] = "en"
    client.force_login(engineer)
    response = client.post(reverse("chat_upload", args=[project.id]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _report(project).content == "Choose a .csv or .xlsx file to upload."


def test_without_htmx_the_upload_redirects_to_the_chat_page(upload, project):
    response = upload(project, "lab.csv", b"COD,3000,mg/L\n", htmx=False)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("chat", args=[project.id]))


def test_the_reader_alone_raises_one_error_for_a_file_it_cannot_use(settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(AnalysisError):
        read_analysis("x.csv", b"", load_questionnaire("industrial", "dairy"))
