"""`python manage.py migrate_conversations_to_projects [--dry-run]`."""

from io import StringIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from django.core.management import CommandError, call_command

from conversations.models import Conversation
from conversations.services import extract_project_data, parse_flow_m3_d, parse_money
from projects.models import ActivityEvent, Project, ProjectMember, ProjectStatus, Role

from .factories import ConversationFactory, ProjectFactory

LEGACY_METADATA = {
    "has_proposal": True,
    "company_name": "Lácteos del Norte S.A.",
    "flow_rate": "800",
    "flow_rate_unit": "m³/día",
    "water_type": "agua residual láctea",
    "user_location": "Monterrey, México",
    "selected_sector": "Industrial",
    "selected_subsector": "dairy",
    "proposal_text": "Resumen… El CAPEX estimado es de USD 1.450.000 con una precisión de ±30 %.",
}


def migrate(*args: str) -> str:
    out = StringIO()
    call_command("migrate_conversations_to_projects", *args, stdout=out)
    return out.getvalue()


def legacy_conversation(owner, **metadata):
    return ConversationFactory(project=None, owner=owner, metadata={**LEGACY_METADATA, **metadata})


# --- Reading the metadata (no database) ------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (800, None, 800.0),
        ("800", "m³/día", 800.0),
        ("20 L/s", None, 1728.0),
        ("20", "lps", 1728.0),
        ({"value": 2, "unit": "MGD"}, None, 7570.824),
        ("500,5", "m3/d", 500.5),
    ],
)
def test_it_reads_flows_in_any_unit(value, unit, expected):
    assert parse_flow_m3_d(value, unit) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["mucho", "??", -3, 0, 1e-9, True, [800], "800 mg/L", "9³³³", "2**2**2**2", "9^99999", {"value": 5, "unit": "m³³³/d"}])
def test_it_refuses_what_is_not_a_flow(value):
    with pytest.raises(ValueError, match="flow"):
        parse_flow_m3_d(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_450_000, 1_450_000),
        ("$1,450,000", 1_450_000),
        ("1.450.000,50", 1_450_000.5),
        ("USD 2,3 millones", 2_300_000),
        ("2.3 M", 2_300_000),
    ],
)
def test_it_reads_amounts_as_people_wrote_them(value, expected):
    assert parse_money(value) == pytest.approx(expected)


def test_it_extracts_the_technical_context_from_the_legacy_metadata():
    extracted = extract_project_data(7, LEGACY_METADATA)

    assert (extracted.name, extracted.client) == ("Lácteos del Norte S.A.", "Lácteos del Norte S.A.")
    assert (extracted.sector, extracted.subsector) == ("industrial", "dairy")
    assert (extracted.city, extracted.country) == ("Monterrey", "MX")
    assert extracted.technical_context == {
        "source_conversation_id": 7,
        "flow_m3_d": 800.0,
        "water_type": "agua residual láctea",
        "location": "Monterrey, México",
        "capex_usd": 1_450_000.0,
    }
    assert extracted.warnings == []


def test_malformed_values_are_dropped_with_a_warning_each():
    extracted = extract_project_data(
        8,
        {
            "has_proposal": True,
            "flow_rate": "a lot",
            "water_type": 42,
            "user_location": ["Lima"],
            "selected_sector": "aerospace",
            "capex_estimated": "n/a",
        },
    )

    assert extracted.technical_context == {"source_conversation_id": 8}
    assert extracted.name == "Proposal from conversation #8"
    assert extracted.sector == "industrial"
    assert len(extracted.warnings) == 5
    text = " ".join(extracted.warnings)
    for word in ("'a lot'", "water type 42", "location", "'aerospace'", "capex_estimated"):
        assert word in text


def test_metadata_that_is_not_an_object_extracts_nothing_and_says_so():
    extracted = extract_project_data(9, ["not", "a", "dict"])

    assert extracted.technical_context == {"source_conversation_id": 9}
    assert "metadata is not an object" in extracted.warnings[0]


# --- The command ------------------------------------------------------------------


def test_it_turns_a_conversation_with_a_proposal_into_a_project_in_the_proposal_phase(owner):
    conversation = legacy_conversation(owner)

    output = migrate()

    conversation.refresh_from_db()
    project = conversation.project
    assert project is not None
    assert project.status == ProjectStatus.PROPOSAL
    assert project.owner == owner
    assert project.name == "Lácteos del Norte S.A."
    assert project.technical_context["flow_m3_d"] == 800
    assert project.technical_context["capex_usd"] == 1_450_000
    assert ProjectMember.objects.get(project=project).role == Role.OWNER
    assert ActivityEvent.objects.filter(project=project, verb="project.created").exists()
    assert f"conversation #{conversation.pk}: created project “Lácteos del Norte S.A.” ({project.pk})" in output
    assert "800 m3/d" in output and "CAPEX 1,450,000 USD" in output
    assert "Done: 1 created; 0 with warnings." in output


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(owner):
    conversation = legacy_conversation(owner)

    output = migrate("--dry-run")

    assert f"conversation #{conversation.pk}: would create project “Lácteos del Norte S.A.”" in output
    assert "[dry run] Done: 1 would create" in output
    assert Project.objects.count() == 0
    assert ActivityEvent.objects.count() == 0
    conversation.refresh_from_db()
    assert conversation.project is None


def test_running_it_again_migrates_nothing_twice(owner):
    legacy_conversation(owner)
    legacy_conversation(owner, company_name="Cervecería Altiplano")
    migrate()

    output = migrate()

    assert Project.objects.count() == 2
    assert "No conversation to migrate" in output


def test_conversations_without_a_proposal_or_with_a_project_are_left_alone(owner):
    legacy_conversation(owner, has_proposal=False)
    ConversationFactory(project=None, owner=owner, metadata={"flow_rate": 100})
    existing = ProjectFactory(owner=owner)
    ConversationFactory(project=existing, owner=owner, metadata=LEGACY_METADATA)

    output = migrate()

    assert Project.objects.count() == 1
    assert "No conversation to migrate" in output


def test_has_proposal_written_as_a_string_counts(owner):
    legacy_conversation(owner, has_proposal="true")

    migrate()

    assert Project.objects.count() == 1


def test_a_malformed_conversation_becomes_a_project_with_what_could_be_read(owner):
    conversation = legacy_conversation(
        owner,
        company_name=None,
        flow_rate="a lot",
        water_type={"bad": "type"},
        user_location=12,
        selected_sector=None,
        proposal_text=None,
    )

    output = migrate()

    conversation.refresh_from_db()
    context = conversation.project.technical_context
    assert context["source_conversation_id"] == conversation.pk
    assert not {"flow_m3_d", "water_type", "location", "capex_usd"} & context.keys()
    line = next(line for line in output.splitlines() if f"#{conversation.pk}" in line)
    assert "created" in line
    assert "warnings:" in line and "'a lot'" in line and "sector missing" in line and "CAPEX missing" in line
    assert "1 with warnings" in output


def test_a_conversation_without_owner_is_skipped_and_reported(owner):
    orphan = ConversationFactory(project=None, owner=None, metadata=LEGACY_METADATA)
    legacy_conversation(owner)

    output = migrate()

    assert f"conversation #{orphan.pk}: skipped — no owner" in output
    assert Project.objects.count() == 1
    assert "Done: 1 created, 1 skipped" in output


def test_a_failure_midway_leaves_nothing_half_written_and_the_others_proceed(owner, monkeypatch):
    broken = legacy_conversation(owner, company_name="Broken")
    fine = legacy_conversation(owner, company_name="Fine")
    original_save = Conversation.save

    def save(self, *args, **kwargs):
        # Fails after the project, its member and its activity were written.
        if self.pk == broken.pk:
            raise RuntimeError("disk on fire")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Conversation, "save", save)
    out = StringIO()

    with pytest.raises(CommandError, match="1 conversation"):
        call_command("migrate_conversations_to_projects", stdout=out)

    assert list(Project.objects.values_list("name", flat=True)) == ["Fine"]
    assert ActivityEvent.objects.count() == 1
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.project is None and fine.project is not None
    assert f"conversation #{broken.pk}: failed — RuntimeError: disk on fire" in out.getvalue()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
legacy_keys = st.sampled_from(
    ["flow_rate", "flow_rate_unit", "water_type", "user_location", "selected_sector", "selected_subsector",
     "capex_estimated", "capex", "proposal_text", "company_name", "project_name"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(metadata=st.dictionaries(legacy_keys, json_values | st.text(alphabet="0123456789.,$ ?/LMmsdía³", max_size=12)))
def test_extraction_never_raises_whatever_the_metadata(metadata):
    extracted = extract_project_data(1, {"has_proposal": True, **metadata})

    context = extracted.technical_context
    assert context.get("flow_m3_d", 1) > 0
    assert context.get("capex_usd", 0) >= 0
    assert 0 < len(extracted.name) <= 200
