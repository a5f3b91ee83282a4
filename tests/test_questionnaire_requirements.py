"""`requirements_from_answers(metadata)`: the questionnaire's answers as the
engine's requirements JSON. Pure logic, no database."""

import pytest
from django.utils import translation

from conversations.questionnaire import load_questionnaire, questionnaire_for, skip_answer, validate_answer
from conversations.requirements import defaults_used, requirements_from_answers
from projects.models import SUBSECTORS_BY_SECTOR

ALL = [(sector, str(sub)) for sector, subs in SUBSECTORS_BY_SECTOR.items() for sub in subs]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _metadata(sector, subsector, language="en", **raw):
    questionnaire = load_questionnaire(sector, subsector)
    answers = {"subsector": validate_answer(questionnaire.question("subsector"), subsector)}
    for key, value in raw.items():
        values = questionnaire.effective_values(answers)
        answers[key] = validate_answer(questionnaire.question(key), value, values=values)
    return {"questionnaire": {"sector": sector}, "answers": answers, "language": language, "name": "Plant"}


def _walk(sector, subsector, pick: int, skip_every: int = 0) -> dict:
    """Answer every question (the `pick`-th option of each choice; every `skip_every`-th
    question skipped when it may be), without the database."""
    answers = {"subsector": validate_answer(load_questionnaire(sector, "").question("subsector"), subsector)}
    for number in range(200):
        questionnaire = questionnaire_for(sector, answers)
        question = questionnaire.next_question(answers)
        if question is None:
            return {"questionnaire": {"sector": sector}, "answers": answers, "language": "es", "name": "Walk"}
        values = questionnaire.effective_values(answers)
        if skip_every and number % skip_every == 0 and question.can_skip:
            answers[question.key] = skip_answer(question, sector, values)
            continue
        if question.key == "country":
            raw = ["MX", "ES", "other"][pick % 3]
        elif question.example is not None:
            raw = question.example
        elif question.type == "choice":
            raw = question.options[pick % len(question.options)].value
        elif question.type == "multi_choice":
            raw = [o.value for o in question.options[: 1 + pick % len(question.options)]]
        elif question.type == "yes_no":
            raw = ["yes", "no"][pick % 2]
        else:
            raw = "Notes"
        answers[question.key] = validate_answer(question, raw, values=values)
    raise AssertionError("the questionnaire did not end")


@pytest.mark.parametrize("pick", [0, 1, 2, 3])
@pytest.mark.parametrize(("sector", "subsector"), ALL)
def test_every_way_through_every_questionnaire_gives_requirements_the_engine_accepts(sector, subsector, pick):
    engine = pytest.importorskip("agents.engine.requirements")
    metadata = _walk(sector, subsector, pick, skip_every=pick)
    requirements = requirements_from_answers(metadata)
    loaded = engine.load_requirements(requirements)
    assert (loaded.sector, loaded.subsector) == (sector, subsector)
    loaded.resolved()  # defaults fill what was skipped


def test_quantities_go_in_the_engines_units():
    metadata = _metadata(
        "industrial", "dairy",
        flow_average="20 L/s", flow_peak="144 m3/h", destination="sewer", cod="3 g/L", temperature="95 °F",
        ph="6,5", electricity_price="0.1 USD/kWh", discount_rate="7 %", plant_life="25",
    )  # fmt: skip
    requirements = requirements_from_answers(metadata)
    assert requirements["flow"]["average"] == {"value": 1728.0, "unit": "m3/d"}
    assert requirements["flow"]["peak"] == {"value": 3456.0, "unit": "m3/d"}
    assert requirements["influent"]["cod"] == {"value": 3000.0, "unit": "mg/L"}
    assert requirements["influent"]["temperature"] == {"value": 35.0, "unit": "degC"}
    assert requirements["influent"]["ph"] == 6.5
    assert requirements["location"]["electricity_price"] == {"value": 0.1, "unit": "USD/kWh"}
    assert requirements["economics"] == {"discount_rate": 0.07, "plant_life": {"value": 25.0, "unit": "year"}}
    assert requirements["destination"] == {"type": "sewer"}
    assert (requirements["sector"], requirements["subsector"], requirements["language"]) == ("industrial", "dairy", "en")
    assert requirements["name"] == "Plant"


def test_a_skipped_engine_default_is_left_to_the_engine_and_named_as_a_default():
    metadata = _metadata("industrial", "dairy", flow_average="500 m3/d", destination="sewer")
    questionnaire = load_questionnaire("industrial", "dairy")
    metadata["answers"]["cod"] = skip_answer(questionnaire.question("cod"), "industrial", {"subsector": "dairy"})
    requirements = requirements_from_answers(metadata)
    assert "cod" not in requirements.get("influent", {})
    assert defaults_used(metadata) == ["cod"]
    # The summary still knows the value the engine will use (the dairy default, 3,500 mg/L).
    engine = pytest.importorskip("agents.engine.requirements")
    expected = engine.sectors_data()["sectors"]["industrial"]["subsectors"]["dairy"]["quality"]["cod"]
    assert metadata["answers"]["cod"]["value"] == pytest.approx(expected / 1000)


def test_a_skipped_questionnaire_default_is_given_to_the_engine():
    metadata = _metadata("industrial", "dairy", flow_average="500 m3/d")
    questionnaire = load_questionnaire("industrial", "dairy")
    metadata["answers"]["destination"] = skip_answer(questionnaire.question("destination"), "industrial", {})
    assert requirements_from_answers(metadata)["destination"] == {"type": "sewer"}
    assert defaults_used(metadata) == ["destination"]


def test_fixed_answers_are_part_of_the_requirements():
    metadata = _metadata("municipal", "drinking_water", water_source="groundwater", flow_average="10000 m3/d")
    requirements = requirements_from_answers(metadata)
    assert requirements["destination"] == {"type": "potable"}
    assert requirements["flow"]["basis"] == "product"
    assert requirements["water_source"] == "groundwater"


def test_answers_of_questions_that_no_longer_apply_are_ignored():
    metadata = _metadata("industrial", "dairy", destination="surface_water", target_tn="10 mg/L", sensitive_area="yes")
    assert requirements_from_answers(metadata)["targets"] == {"tn": {"value": 10.0, "unit": "mg/L"}}
    metadata["answers"]["destination"] = validate_answer(
        load_questionnaire("industrial", "dairy").question("destination"), "sewer"
    )
    requirements = requirements_from_answers(metadata)
    assert "targets" not in requirements
    assert requirements["destination"] == {"type": "sewer"}


def test_measured_parameters_no_question_asks_about_still_reach_the_engine():
    metadata = _metadata("industrial", "dairy", flow_average="500 m3/d")
    chloride = load_questionnaire("industrial", "dairy").question("chloride")
    metadata["answers"]["chloride"] = validate_answer(chloride, "400 mg/L", source="upload")
    assert requirements_from_answers(metadata)["influent"]["chloride"] == {"value": 400.0, "unit": "mg/L"}


def test_answers_without_a_place_become_the_description_in_the_conversations_language():
    metadata = _metadata("industrial", "dairy", language="es", cip_discharges="yes", notes="Poco espacio")
    with translation.override("es"):
        description = requirements_from_answers(metadata)["description"]
    assert "Descargas CIP: Sí" in description
    assert "Notas: Poco espacio" in description


def test_the_other_country_is_left_out_and_the_city_kept():
    metadata = _metadata("industrial", "dairy", country="other", city="Montevideo")
    requirements = requirements_from_answers(metadata)
    assert requirements["location"] == {"city": "Montevideo"}


@pytest.mark.parametrize(
    "metadata",
    [{}, {"questionnaire": "x"}, {"questionnaire": {"sector": "space"}}, {"questionnaire": {"sector": "industrial"}, "answers": [1]},
     {"questionnaire": {"sector": "industrial"}, "answers": {"flow_average": "oops", "cod": {"value": "x"}}}],
)  # fmt: skip
def test_odd_metadata_gives_what_it_can_and_never_raises(metadata):
    result = requirements_from_answers(metadata)
    assert isinstance(result, dict)
    assert isinstance(defaults_used(metadata), list)
