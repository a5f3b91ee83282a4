"""Reads of the questionnaire chat: what the chat panel and the summary render.

The proposal conversation's metadata::

    {"version": 1,
     "questionnaire": {"sector": "industrial"},
     "language": "es",                 # the language of the last change
     "name": "Planta Lácteos",         # the project's name
     "answers": {key: answer, …},      # see conversations/questionnaire.py
     "complete": true,                 # every applicable question answered or skipped
     "uploads": [{"filename", "read": [keys], "ignored": n}, …]}

`chat_state(project)` issues two queries (the conversation and its latest
messages) and creates nothing: a project whose chat never started shows the
first question from an unsaved conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from projects.models import ROLE_RANK, Phase, Project, Role

from .models import Conversation, Message
from .questionnaire import (
    SECTIONS,
    Question,
    Questionnaire,
    engine_countries,
    language,
    questionnaire_for,
)
from .requirements import requirements_from_answers

METADATA_VERSION = 1
MESSAGES_SHOWN = 200
PROPOSAL_START_URL_NAME = "proposal-start"


def initial_metadata(project: Project) -> dict[str, Any]:
    """What the project already says, as answers (source "project")."""
    from .questionnaire import make_answer, subsector_question

    answers: dict[str, Any] = {}
    if project.subsector:
        option = subsector_question(project.sector).option(project.subsector)
        if option is not None:
            answers["subsector"] = make_answer(option.value, text=option.text(), source="project")
    if project.country:
        code = project.country.upper()
        countries = engine_countries()
        if code in countries:
            answers["country"] = make_answer(code, text=countries[code].get(language(), code), source="project")
        else:
            answers["country"] = make_answer("other", text=code, source="project")
    if project.city:
        answers["city"] = make_answer(project.city, text=project.city, source="project")
    metadata: dict[str, Any] = {"answers": answers}
    sync_metadata(metadata, project)
    return metadata


def sync_metadata(metadata: dict[str, Any], project: Project) -> dict[str, Any]:
    metadata["version"] = METADATA_VERSION
    metadata["questionnaire"] = {"sector": project.sector}
    metadata["language"] = language()
    metadata["name"] = project.name
    metadata.setdefault("answers", {})
    return metadata


def proposal_conversation(project: Project) -> Conversation | None:
    return Conversation.objects.filter(project=project, phase=Phase.PROPOSAL).order_by("pk").first()


def project_requirements(project: Project) -> dict[str, Any]:
    """The engine's requirements from the project's questionnaire (for the proposal phase)."""
    conversation = proposal_conversation(project)
    metadata = dict(conversation.metadata) if conversation is not None else initial_metadata(project)
    sync_metadata(metadata, project)
    return requirements_from_answers(metadata)


def proposal_start_url(project: Project) -> str | None:
    """The proposal phase's start URL, when the phase is installed (built in its own issue)."""
    for kwargs in ({"args": [project.id]}, {"kwargs": {"project_id": project.id}}):
        try:
            return reverse(PROPOSAL_START_URL_NAME, **kwargs)
        except NoReverseMatch:
            continue
    return None


@dataclass
class SummaryRow:
    question: Question
    value: str
    answer: Mapping[str, Any] | None
    label: str

    @property
    def is_default(self) -> bool:
        return bool(self.answer and self.answer.get("skipped"))

    @property
    def source(self) -> str:
        return (self.answer or {}).get("source", "")


@dataclass
class SummarySection:
    key: str
    title: str
    rows: list[SummaryRow] = field(default_factory=list)


@dataclass
class Choice:
    value: str
    label: str
    selected: bool = False


@dataclass
class ComposerField:
    """The answer field of the open question, prefilled with the current answer when editing."""

    question: Question
    text: str = ""
    units: list[Choice] = field(default_factory=list)
    options: list[Choice] = field(default_factory=list)
    default_text: str = ""
    example: str = ""

    @property
    def type(self) -> str:
        return self.question.type


def composer_field(question: Question, answer: Mapping[str, Any] | None, sector: str, values: Mapping[str, Any]) -> ComposerField:
    from .questionnaire import engine_default_si
    from .quantities import DIMENSIONS, format_number, format_si, to_unit

    current = (answer or {}).get("value") if answer and not answer.get("skipped") else None
    result = ComposerField(question=question, example=question.example or "")
    if question.type == "quantity" and question.dimension:
        dimension = DIMENSIONS[question.dimension]
        unit = (answer or {}).get("unit") or question.default_unit
        if unit not in {u for u, _l in dimension.units}:
            unit = question.default_unit
        result.units = [Choice(u, str(label), u == unit) for u, label in dimension.units]
        if isinstance(current, (int, float)) and not isinstance(current, bool):
            if dimension.name == "fraction":
                result.text = format_number(current * 100, 6)
            else:
                result.text = format_number(to_unit(float(current), dimension.name, unit or None), 6)
        if question.engine_default:
            default = engine_default_si(question, sector, values)
            if default is not None:
                result.default_text = format_si(default, question.dimension, question.default_unit or None)
        elif isinstance(question.default, (int, float)):
            result.default_text = format_si(float(question.default), question.dimension, question.default_unit or None)
    elif question.type in ("choice", "multi_choice"):
        chosen = current if isinstance(current, list) else [current]
        result.options = [Choice(o.value, o.text(), o.value in chosen) for o in question.options]
        if question.default not in (None, "engine"):
            option = question.option(question.default)
            result.default_text = option.text() if option else ""
    elif question.type == "yes_no":
        result.text = "" if current is None else ("yes" if current else "no")
        if isinstance(question.default, bool):
            result.default_text = question.display({"value": question.default})
    elif question.type == "text" and isinstance(current, str):
        result.text = current
    return result


@dataclass
class ChatState:
    project: Project
    conversation: Conversation
    questionnaire: Questionnaire
    answers: dict[str, Any]
    messages: list[Message]
    current: Question | None
    editing: bool
    complete: bool
    answered: int
    total: int
    can_write: bool
    sections: list[SummarySection]
    requirements_problems: list[str]
    proposal_url: str | None
    earlier_messages: int = 0

    @property
    def ready(self) -> bool:
        """Complete and accepted by the engine: the proposal may start."""
        return self.complete and not self.requirements_problems

    @property
    def show_start(self) -> bool:
        return self.ready and self.can_write and self.proposal_url is not None

    @property
    def current_answer(self) -> Mapping[str, Any] | None:
        return self.answers.get(self.current.key) if self.current is not None else None

    @property
    def composer(self) -> ComposerField | None:
        if self.current is None:
            return None
        values = self.questionnaire.effective_values(self.answers)
        return composer_field(self.current, self.current_answer, self.project.sector, values)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def _section_titles() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "general": _("General"),
        "flow": _("Flow"),
        "destination": _("Destination"),
        "influent": _("Water to treat"),
        "targets": _("Required quality"),
        "location": _("Location"),
        "economics": _("Economics"),
        "notes": _("Notes"),
    }


def _row_label(question: Question) -> str:
    return question.short_text()


def summary_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[SummarySection]:
    titles = _section_titles()
    sections = {key: SummarySection(key, titles[key]) for key in SECTIONS}
    for question in questionnaire.applicable(answers):
        answer = answers.get(question.key)
        sections[question.section].rows.append(
            SummaryRow(question=question, value=question.display(answer) if answer else "", answer=answer,
                       label=_row_label(question))
        )
    for key in questionnaire.extra_parameters(answers):
        question = questionnaire.question(key)
        if question is not None:
            answer = answers[key]
            sections["influent"].rows.append(
                SummaryRow(question=question, value=question.display(answer), answer=answer, label=_row_label(question))
            )
    return [s for s in sections.values() if s.rows]


def _engine_problems(metadata: Mapping[str, Any]) -> list[str]:
    """What the engine says is wrong with the requirements (empty when it accepts them
    or cannot be loaded: the proposal phase then reports it)."""
    try:
        from agents.engine.requirements import RequirementsError, load_requirements
    except Exception:  # noqa: BLE001 — the engine is optional for the chat itself
        return []
    try:
        load_requirements(requirements_from_answers(metadata))
    except RequirementsError as exc:
        return list(exc.problems)
    except Exception as exc:  # noqa: BLE001 — never break the page on an engine bug
        return [str(exc)]
    return []


def chat_state(project: Project, *, editing: str | None = None) -> ChatState:
    """Everything the chat panel shows for `project` (with `project.membership` attached)."""
    conversation = proposal_conversation(project)
    if conversation is None:
        conversation = Conversation(project=project, phase=Phase.PROPOSAL, metadata=initial_metadata(project))
        messages: list[Message] = []
        earlier = 0
    else:
        recent = list(conversation.messages.order_by("-created", "-pk")[: MESSAGES_SHOWN + 1])
        earlier = max(0, len(recent) - MESSAGES_SHOWN)
        messages = list(reversed(recent[:MESSAGES_SHOWN]))
    metadata = conversation.metadata if isinstance(conversation.metadata, dict) else {}
    answers = metadata.get("answers") if isinstance(metadata.get("answers"), dict) else {}
    questionnaire = questionnaire_for(project.sector, answers)
    membership = getattr(project, "membership", None)
    can_write = membership is not None and ROLE_RANK[membership.role] >= ROLE_RANK[Role.ENGINEER]
    current = None
    is_editing = False
    if editing:
        current = next((q for q in questionnaire.applicable(answers) if q.key == editing), None)
        is_editing = current is not None
    if current is None:
        current = questionnaire.next_question(answers)
    complete = questionnaire.is_complete(answers)
    answered, total = questionnaire.progress(answers)
    full = dict(metadata)
    sync_metadata(full, project)
    full["answers"] = answers
    return ChatState(
        project=project,
        conversation=conversation,
        questionnaire=questionnaire,
        answers=answers,
        messages=messages,
        current=current,
        editing=is_editing,
        complete=complete,
        answered=answered,
        total=total,
        can_write=can_write,
        sections=summary_sections(questionnaire, answers),
        requirements_problems=_engine_problems(full) if complete else [],
        proposal_url=proposal_start_url(project),
        earlier_messages=earlier,
    )
