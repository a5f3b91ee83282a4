"""Shared by the proposal tests: requirements from the examples, a project
whose proposal conversation holds them, a questionnaire answered through the
chat services, and the text of a PDF."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Small and quick to design: one train, no alternatives to design.
QUICK_EXAMPLE = "dairy_to_sewer"


def example_requirements(name: str = QUICK_EXAMPLE, language: str = "es") -> dict[str, Any]:
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    data["language"] = language
    return data


def deps_for(name: str = QUICK_EXAMPLE, language: str = "es", **kwargs: Any):
    from agents.engine import load_requirements
    from agents.proposal import ProposalDeps

    data = example_requirements(name, language)
    project = {"name": data.get("name", name), "client": "Lácteos del Norte"}
    return ProposalDeps(requirements=load_requirements(data), language=language, project=project, **kwargs)


def give_requirements(project, data: dict[str, Any]) -> None:
    """The project's proposal conversation holds the engine's requirements (as run_project does)."""
    from conversations.models import Conversation
    from projects.models import Phase

    conversation, _created = Conversation.objects.get_or_create(
        project=project, phase=Phase.PROPOSAL, defaults={"owner": project.owner, "metadata": {}}
    )
    conversation.metadata = {**(conversation.metadata or {}), "requirements": data, "language": data.get("language", "es")}
    conversation.metadata.pop("complete", None)
    conversation.save()


def answer_questionnaire(project, actor, choose: dict[str, Any] | None = None) -> None:
    """Answer the required questions with their examples (or `choose`), skip the rest."""
    from conversations.chat import chat_answer, chat_use_defaults
    from conversations.models import Conversation
    from conversations.questionnaire import questionnaire_for
    from conversations.selectors import initial_metadata

    choose = choose or {}
    for _turn in range(100):
        conversation = Conversation.objects.filter(project=project).first()
        answers = conversation.metadata.get("answers", {}) if conversation else initial_metadata(project)["answers"]
        question = questionnaire_for(project.sector, answers).next_question(answers)
        if question is None:
            return
        if question.key in choose:
            value = choose[question.key]
        elif question.can_skip:
            chat_use_defaults(project=project, actor=actor)
            continue
        elif question.example is not None:
            value = question.example
        elif question.type in ("choice", "multi_choice"):
            value = question.options[0].value
        elif question.type == "yes_no":
            value = "yes"
        else:
            value = "Some text"
        raw = value if question.type == "multi_choice" and isinstance(value, list) else value
        if question.type == "multi_choice" and not isinstance(raw, list):
            raw = [raw]
        result = chat_answer(project=project, actor=actor, key=question.key, raw=raw)
        assert question.key in result.accepted, result.rejected
    raise AssertionError("the questionnaire did not end")


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed (no-break spaces included)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return normalise(text)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def in_language(language: str, function, *args: Any, **kwargs: Any) -> Any:
    with translation.override(language):
        return function(*args, **kwargs)
